//! Desktop notifications for new urgent requests. Which requests warrant one, and "once per
//! request on this device", are core's (`intake::take_urgent`); this thread only looks every
//! [`EVERY`] — so within seconds of a sync or an intake round that brought one — and shows each
//! through tauri-plugin-notification, in the UI's language.
//!
//! Showing never blocks nor fails the round: the plugin sends on a task of its own, and where
//! there is no notification server (Xvfb, CI, a session without D-Bus) the notification is lost
//! and nothing else happens. Every round that found something emits [`INTAKE_CHANGED_EVENT`] so
//! the "Da smistare" badge and open lists reload.

use std::time::Duration;

use rapportino_core::intake::{self, UrgentNotice};
use rapportino_core::labels::Locale;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::CmdResult;
use crate::state::AppState;
use crate::tray;

/// The event after a look that found new urgent requests (payload `UrgentNotice[]`) or an
/// intake round that took mail (payload `InboxRound[]`): the badge and open lists reload.
pub const INTAKE_CHANGED_EVENT: &str = "intake-changed";

/// The first look (it only sets core's mark on a new device), then one every 10 s.
const FIRST_DELAY: Duration = Duration::from_secs(3);
const EVERY: Duration = Duration::from_secs(10);

/// The title and body of one notification.
pub fn words(n: &UrgentNotice, locale: Locale) -> (String, String) {
    let who = n
        .sender_name
        .as_deref()
        .or(n.sender_email.as_deref())
        .unwrap_or("?");
    let title = match (locale, &n.ticket_number) {
        (Locale::En, Some(number)) => format!("Urgent request: {number}"),
        (Locale::En, None) => "Urgent request to sort".to_owned(),
        (_, Some(number)) => format!("Richiesta URGENTE: {number}"),
        (_, None) => "Richiesta URGENTE da smistare".to_owned(),
    };
    let subject: String = n.subject.chars().take(200).collect();
    (title, format!("{subject}\n{who}"))
}

/// One look: the new urgent requests core has not announced yet, each shown. Blocking (a short
/// read under the window's store).
pub fn round<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Vec<UrgentNotice>> {
    let notices = app.state::<AppState>().with(|s| intake::take_urgent(s))?;
    if notices.is_empty() {
        return Ok(notices);
    }
    if let Some(plugin) = app.try_state::<tauri_plugin_notification::Notification<R>>() {
        let locale = tray::locale();
        for n in &notices {
            let (title, body) = words(n, locale);
            if let Err(e) = plugin.builder().title(title).body(body).show() {
                log::warn!("notification not shown: {e}");
            }
        }
    }
    let _ = app.emit(INTAKE_CHANGED_EVENT, &notices);
    Ok(notices)
}

/// Starts the looks on a thread of their own (from the app's setup).
pub fn start<R: Runtime>(app: AppHandle<R>) {
    std::thread::spawn(move || {
        std::thread::sleep(FIRST_DELAY);
        loop {
            if let Err(e) = round(&app) {
                log::warn!("urgent requests: {} ({})", e.0.message, e.0.code.as_str());
            }
            std::thread::sleep(EVERY);
        }
    });
}
