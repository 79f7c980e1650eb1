//! Desktop notifications: a ticket of mine at risk or breached, a timer running for hours, new
//! sync conflicts, a daily backup that failed, a new urgent request. Which are due, "once each"
//! and the user's choice of kinds (Settings › Generale) are core's (`views::notices`); this
//! thread only looks every [`EVERY`] — so within seconds of a sync or an intake round that
//! brought one — and shows each through tauri-plugin-notification, in the UI's language.
//!
//! Showing never blocks nor fails the round: the plugin sends on a task of its own, and where
//! there is no notification server (Xvfb, CI, a session without D-Bus) the notification is lost
//! and nothing else happens. A round that found urgent requests emits [`INTAKE_CHANGED_EVENT`]
//! so the "Da smistare" badge and open lists reload.

use std::time::Duration;

use rapportino_core::intake::UrgentNotice;
use rapportino_core::labels::Locale;
use rapportino_core::sla::{ClockKind, SlaState};
use rapportino_core::views::notices::{self, Notice};
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

/// The title and body of an urgent request's notification.
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

/// The title and body of any notification.
pub fn notice_words(n: &Notice, locale: Locale) -> (String, String) {
    let en = locale == Locale::En;
    match n {
        Notice::Urgent(u) => words(u, locale),
        Notice::Sla {
            ticket_number,
            client_name,
            title,
            clock,
            state,
            left_minutes,
            ..
        } => {
            let clock = match (en, clock) {
                (true, ClockKind::Response) => "response",
                (true, ClockKind::Intervention) => "intervention",
                (true, ClockKind::Resolution) => "resolution",
                (false, ClockKind::Response) => "presa in carico",
                (false, ClockKind::Intervention) => "intervento",
                (false, ClockKind::Resolution) => "risoluzione",
            };
            let head = match (en, state) {
                (true, SlaState::Breached) => format!("SLA breached: {ticket_number}"),
                (true, _) => format!("SLA at risk: {ticket_number}"),
                (false, SlaState::Breached) => format!("SLA superato: {ticket_number}"),
                (false, _) => format!("SLA a rischio: {ticket_number}"),
            };
            let left = left_minutes.abs();
            let when = match (en, *left_minutes < 0) {
                (true, true) => format!("{clock} target passed by {left} min"),
                (true, false) => format!("{clock} target in {left} min"),
                (false, true) => format!("tempo di {clock} superato di {left} min"),
                (false, false) => format!("tempo di {clock}: mancano {left} min"),
            };
            let title: String = title.chars().take(120).collect();
            (head, format!("{client_name} — {title}\n{when}"))
        }
        Notice::LongTimer {
            ticket_number,
            client_name,
            hours,
            ..
        } => {
            if en {
                (
                    format!("Timer running for over {hours} h"),
                    format!("{ticket_number} — {client_name}: did you forget to pause it?"),
                )
            } else {
                (
                    format!("Timer attivo da oltre {hours} ore"),
                    format!(
                        "{ticket_number} — {client_name}: hai dimenticato di metterlo in pausa?"
                    ),
                )
            }
        }
        Notice::Conflicts { count, first_label } => {
            if en {
                (
                    format!("{count} new sync conflicts"),
                    format!("{first_label}… (Settings › Sync)"),
                )
            } else {
                (
                    format!("{count} nuovi conflitti di sincronizzazione"),
                    format!("{first_label}… (Impostazioni › Sincronizzazione)"),
                )
            }
        }
        Notice::BackupFailed { day, message } => {
            let message: String = message.chars().take(200).collect();
            if en {
                (format!("Daily backup failed ({day})"), message)
            } else {
                (format!("Backup giornaliero non riuscito ({day})"), message)
            }
        }
    }
}

/// One look: the notices core says are due, each shown. Blocking (a short read under the
/// window's store).
pub fn round<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Vec<Notice>> {
    let notices = app.state::<AppState>().with(|s| notices::take(s))?;
    if notices.is_empty() {
        return Ok(notices);
    }
    if let Some(plugin) = app.try_state::<tauri_plugin_notification::Notification<R>>() {
        let locale = tray::locale();
        for n in &notices {
            let (title, body) = notice_words(n, locale);
            if let Err(e) = plugin.builder().title(title).body(body).show() {
                log::warn!("notification not shown: {e}");
            }
        }
    }
    let urgent: Vec<&UrgentNotice> = notices
        .iter()
        .filter_map(|n| match n {
            Notice::Urgent(u) => Some(u),
            _ => None,
        })
        .collect();
    if !urgent.is_empty() {
        let _ = app.emit(INTAKE_CHANGED_EVENT, &urgent);
    }
    Ok(notices)
}

/// Starts the looks on a thread of their own (from the app's setup).
pub fn start<R: Runtime>(app: AppHandle<R>) {
    std::thread::spawn(move || {
        std::thread::sleep(FIRST_DELAY);
        loop {
            if let Err(e) = round(&app) {
                log::warn!("notifications: {} ({})", e.0.message, e.0.code.as_str());
            }
            std::thread::sleep(EVERY);
        }
    });
}
