//! The desktop shell around the window: the tray's language follows the UI's.

use rapportino_core::{Code, Error};

use crate::error::{CmdResult, CommandError};
use crate::tray;

/// The UI's language (`it` or `en`), for the tray menu and tooltip.
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_ui_locale(locale: String) -> CmdResult<()> {
    match locale.as_str() {
        "it" => tray::set_english(false),
        "en" => tray::set_english(true),
        _ => {
            return Err(CommandError::from(Error::invalid(
                Code::InvalidFormat,
                "locale",
                format!("unknown language {locale:?}: use it or en"),
            )))
        }
    }
    Ok(())
}
