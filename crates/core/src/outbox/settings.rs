//! The shop's customer-mail settings (synced setting `mail`) and each client's choices
//! (`mail.client.<id>`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::MessageKind;
use crate::error::Result;
use crate::ids::ClientId;
use crate::labels::Locale;
use crate::store::settings::{get_setting_conn, to_json_text};
use crate::store::{Entity, Store};

/// The shop's customer-mail settings (synced setting `mail`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MailSettings {
    /// Off until the shop sets up sending (an account, or "inviata dall'hub").
    pub enabled: bool,
    /// The kinds sent by default.
    pub kinds: Vec<MessageKind>,
    /// A copy of every message to the shop's own e-mail.
    pub cc_shop: bool,
    pub language: Locale,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            enabled: false,
            kinds: MessageKind::ALL.to_vec(),
            cc_shop: false,
            language: Locale::It,
        }
    }
}

/// One client's choices (synced setting `mail.client.<id>`): kinds it does not want (some want
/// only the reports), its PEC as a recipient too, its language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ClientMailPrefs {
    #[serde(default)]
    pub off: Vec<MessageKind>,
    #[serde(default)]
    pub to_pec: bool,
    #[serde(default)]
    pub language: Option<Locale>,
}

pub fn settings(conn: &rusqlite::Connection) -> Result<MailSettings> {
    Ok(get_setting_conn(conn, "mail")?.unwrap_or_default())
}

pub fn set_settings(store: &mut Store, s: &MailSettings) -> Result<()> {
    let value = to_json_text(s)?;
    store.write(|tx| tx.upsert(Entity::Setting, "mail", vec![("value", value)]))
}

fn client_key(client: ClientId) -> String {
    format!("mail.client.{client}")
}

pub fn client_prefs(conn: &rusqlite::Connection, client: ClientId) -> Result<ClientMailPrefs> {
    Ok(get_setting_conn(conn, &client_key(client))?.unwrap_or_default())
}

pub fn set_client_prefs(store: &mut Store, client: ClientId, p: &ClientMailPrefs) -> Result<()> {
    let value = to_json_text(p)?;
    let key = client_key(client);
    store.write(|tx| tx.upsert(Entity::Setting, &key, vec![("value", value)]))
}
