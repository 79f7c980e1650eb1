//! The tray icon: the running timer always visible, even with the window minimised, and
//! pause / resume / stop without opening the app.
//!
//! Which timer the tray acts on is core's rule (`interventions::current_timer`,
//! `act_on_current_timer`). [`model`] and [`apply`] are plain functions (tested without a tray); [`install`]
//! builds the icon and a 1-second ticker that re-reads the timer from the database — the tray never
//! counts time on its own, so it always shows what the database holds. Every tray action emits
//! [`TIMER_CHANGED_EVENT`] so the window reloads what it shows.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rapportino_core::interventions::{self, PausedTimer, RunningTimer, TimerAction};
use rapportino_core::labels::Locale;
use rapportino_core::{ErrorPayload, Result, Store};
use serde::Serialize;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::AppState;
use crate::MAIN_WINDOW;

/// Emitted to the window after a tray action (payload: [`TimerChanged`]).
pub const TIMER_CHANGED_EVENT: &str = "timer-changed";

/// The UI's language for the tray's texts: Italian unless the UI said English.
static ENGLISH: AtomicBool = AtomicBool::new(false);

pub fn set_locale(locale: Locale) {
    ENGLISH.store(locale == Locale::En, Ordering::Relaxed);
}

pub(crate) fn locale() -> Locale {
    if ENGLISH.load(Ordering::Relaxed) {
        Locale::En
    } else {
        Locale::It
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    Open,
    Pause,
    Resume,
    Stop,
}

impl TrayAction {
    const ALL: [TrayAction; 4] = [
        TrayAction::Open,
        TrayAction::Pause,
        TrayAction::Resume,
        TrayAction::Stop,
    ];

    fn id(self) -> &'static str {
        match self {
            TrayAction::Open => "tray-open",
            TrayAction::Pause => "tray-pause",
            TrayAction::Resume => "tray-resume",
            TrayAction::Stop => "tray-stop",
        }
    }

    fn from_id(id: &str) -> Option<TrayAction> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// What the tray shows: the label beside the icon, its tooltip, and each menu entry's text and
/// whether it is enabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayModel {
    pub label: String,
    pub tooltip: String,
    pub open: String,
    pub pause: (String, bool),
    pub resume: (String, bool),
    pub stop: (String, bool),
}

/// `1:05:09` (hours not padded, as a stopwatch).
pub fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

pub fn model(
    running: Option<&RunningTimer>,
    paused: Option<&PausedTimer>,
    locale: Locale,
) -> TrayModel {
    let tr = |it: &str, en: &str| {
        match locale {
            Locale::It => it,
            Locale::En => en,
        }
        .to_string()
    };
    let (label, tooltip) = match (running, paused) {
        (Some(r), _) => (
            format!("⏱ {} · {}", clock(r.total_seconds), r.ticket_number),
            format!(
                "{} {} · {}",
                tr("Timer in corso:", "Timer running:"),
                r.ticket_number,
                r.client_name
            ),
        ),
        (None, Some(p)) => (
            format!("⏸ {}", p.ticket_number),
            format!(
                "{} {} · {}",
                tr("Timer in pausa:", "Timer paused:"),
                p.ticket_number,
                p.client_name
            ),
        ),
        (None, None) => (
            String::new(),
            tr("Rapportino — nessun timer", "Rapportino — no timer"),
        ),
    };
    let resume = match paused {
        Some(p) => format!("{} {}", tr("Riprendi", "Resume"), p.ticket_number),
        None => tr("Riprendi", "Resume"),
    };
    TrayModel {
        label,
        tooltip,
        open: tr("Apri Rapportino", "Open Rapportino"),
        pause: (tr("Pausa", "Pause"), running.is_some()),
        resume: (resume, running.is_none() && paused.is_some()),
        stop: (
            tr("Ferma il timer", "Stop the timer"),
            running.is_some() || paused.is_some(),
        ),
    }
}

/// Reads the timer state the tray shows (core's current timer).
pub fn read(store: &Store) -> Result<(Option<RunningTimer>, Option<PausedTimer>)> {
    let current = interventions::current_timer(store)?;
    Ok((current.running, current.paused))
}

/// Applies a tray action to this device's technician's current timer (core's
/// `act_on_current_timer`: pause the running one, resume the last paused one, stop whichever
/// there is; nothing to act on → TIMER_STATE).
pub fn apply(store: &mut Store, action: TrayAction) -> Result<()> {
    let action = match action {
        TrayAction::Open => return Ok(()),
        TrayAction::Pause => TimerAction::Pause,
        TrayAction::Resume => TimerAction::Resume,
        TrayAction::Stop => TimerAction::Stop,
    };
    interventions::act_on_current_timer(store, action)
}

/// The payload of [`TIMER_CHANGED_EVENT`]: the error of a refused tray action, if any.
#[derive(Debug, Clone, Serialize)]
pub struct TimerChanged {
    pub error: Option<ErrorPayload>,
}

struct Items<R: Runtime> {
    open: MenuItem<R>,
    pause: MenuItem<R>,
    resume: MenuItem<R>,
    stop: MenuItem<R>,
}

impl<R: Runtime> Items<R> {
    fn show(&self, tray: &TrayIcon<R>, m: &TrayModel) -> tauri::Result<()> {
        self.open.set_text(&m.open)?;
        for (item, (text, enabled)) in [
            (&self.pause, &m.pause),
            (&self.resume, &m.resume),
            (&self.stop, &m.stop),
        ] {
            item.set_text(text)?;
            item.set_enabled(*enabled)?;
        }
        // Linux shows the title beside the icon; the tooltip is for the other platforms.
        tray.set_title(Some(&m.label))?;
        tray.set_tooltip(Some(&m.tooltip))?;
        Ok(())
    }
}

fn show_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window(MAIN_WINDOW) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

fn on_action<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    if action == TrayAction::Open {
        show_window(app);
        return;
    }
    let result = app.state::<AppState>().with(|s| apply(s, action));
    let error = result.err().map(|e| e.0);
    if let Some(e) = &error {
        log::warn!("tray action refused: {} ({})", e.message, e.code.as_str());
    }
    let _ = app.emit(TIMER_CHANGED_EVENT, TimerChanged { error });
}

/// Builds the tray icon and starts its ticker. A desktop without a tray (no status-notifier host)
/// is not an error: the timer stays in the window title.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let initial = model(None, None, locale());
    let items = Items {
        open: MenuItem::with_id(
            app,
            TrayAction::Open.id(),
            &initial.open,
            true,
            None::<&str>,
        )?,
        pause: MenuItem::with_id(
            app,
            TrayAction::Pause.id(),
            &initial.pause.0,
            false,
            None::<&str>,
        )?,
        resume: MenuItem::with_id(
            app,
            TrayAction::Resume.id(),
            &initial.resume.0,
            false,
            None::<&str>,
        )?,
        stop: MenuItem::with_id(
            app,
            TrayAction::Stop.id(),
            &initial.stop.0,
            false,
            None::<&str>,
        )?,
    };
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(
        app,
        &[
            &items.open,
            &separator,
            &items.pause,
            &items.resume,
            &items.stop,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id("timer")
        .menu(&menu)
        .tooltip(&initial.tooltip)
        .on_menu_event(|app, event| {
            if let Some(action) = TrayAction::from_id(event.id().as_ref()) {
                on_action(app, action);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let tray = builder.build(app)?;
    let app = app.clone();
    std::thread::spawn(move || {
        let mut shown: Option<TrayModel> = None;
        loop {
            let locale = locale();
            // A failed read (database unavailable) leaves the tray as it was.
            if let Ok((running, paused)) = app.state::<AppState>().with(|s| read(s)) {
                let next = model(running.as_ref(), paused.as_ref(), locale);
                if shown.as_ref() != Some(&next) && items.show(&tray, &next).is_ok() {
                    shown = Some(next);
                }
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    Ok(())
}
