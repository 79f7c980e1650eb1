//! The desktop shell around the window: the tray's language follows the UI's.

use rapportino_core::labels::Locale;
use rapportino_core::{Code, Error};

use crate::error::CmdResult;
use crate::tray;

/// The UI's language (`it` or `en`), for the tray menu and tooltip.
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_ui_locale(locale: String) -> CmdResult<()> {
    let locale = locale
        .parse::<Locale>()
        .map_err(|e| Error::invalid(Code::InvalidFormat, e.field, e.message))?;
    tray::set_locale(locale);
    Ok(())
}
