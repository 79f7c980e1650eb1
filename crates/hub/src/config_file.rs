//! `--config FILE`: the hub's settings in a TOML file (`/etc/rapportino-hub/hub.toml` in the
//! Debian package). Its keys are `serve`'s long options (`tls_cert` or `tls-cert`); options
//! given on the command line win over the file.
//!
//! The file is turned into arguments placed before the command line's own, so clap stays the one
//! source of truth: the same validation, defaults, `requires` and conflicts whichever way a value
//! came. Admin commands (`enrol-code`, `devices`…) take the same file for their storage settings
//! and skip the keys they have no use for; a key `serve` does not know is an error.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::error::HubError;

/// Where the Debian package puts the file.
pub const DEFAULT_PATH: &str = "/etc/rapportino-hub/hub.toml";

/// The command line with `--config FILE` replaced by the file's settings.
#[derive(Debug, PartialEq)]
pub struct Expanded {
    pub args: Vec<OsString>,
    /// `storage` came from the file, not from the command line (a password in its URL is then
    /// not visible to other users through `ps`).
    pub storage_from_file: bool,
}

/// Replaces `--config FILE` (or `--config=FILE`) after the subcommand by the file's settings.
/// A command line without `--config` is returned as it is.
pub fn expand<C: CommandFactory>(args: Vec<OsString>) -> Result<Expanded, HubError> {
    let unchanged = |args| Expanded {
        args,
        storage_from_file: false,
    };
    // The subcommand is the first argument after the program name (the hub has no global
    // options before it).
    let Some(sub_name) = args.get(1).and_then(|a| a.to_str()).map(str::to_owned) else {
        return Ok(unchanged(args));
    };
    // `init` reads its file itself (for the certificate's paths too).
    if sub_name == "init" {
        return Ok(unchanged(args));
    }
    let Some((at, file, len)) = find_config(&args) else {
        return Ok(unchanged(args));
    };
    let command = C::command();
    let Some(sub) = command.find_subcommand(&sub_name) else {
        return Ok(unchanged(args));
    };
    let serve = command
        .find_subcommand("serve")
        .ok_or_else(|| HubError::Internal("no serve command".into()))?;
    let settings = read(&file)?;

    let mut inserted: Vec<OsString> = Vec::new();
    let mut storage_from_file = false;
    for (key, value) in flatten_tables(settings, &file)? {
        let long = key.replace('_', "-");
        let known = |c: &clap::Command| c.get_arguments().any(|a| a.get_long() == Some(&long));
        if long == "config" || !known(serve) {
            return Err(HubError::Config(format!(
                "{}: unknown setting `{key}` (the settings are the long options of \
                 `rapportino-hub serve --help`)",
                file.display()
            )));
        }
        let flag = OsString::from(format!("--{long}"));
        // Every value is checked, also those this command has no use for.
        let as_args: Vec<OsString> = match value {
            toml::Value::Boolean(true) => vec![flag],
            toml::Value::Boolean(false) => vec![],
            toml::Value::String(s) => vec![flag, s.into()],
            toml::Value::Integer(n) => vec![flag, n.to_string().into()],
            other => {
                return Err(HubError::Config(format!(
                    "{}: `{key}` must be a string, a number or true/false, not {}",
                    file.display(),
                    other.type_str()
                )))
            }
        };
        if known(sub) {
            inserted.extend(as_args);
            storage_from_file |= long == "storage";
        }
    }
    let on_command_line = |long: &str| {
        args.iter()
            .filter_map(|a| a.to_str())
            .any(|a| a == format!("--{long}") || a.starts_with(&format!("--{long}=")))
    };
    let storage_from_file = storage_from_file && !on_command_line("storage");

    let mut out = Vec::with_capacity(args.len() + inserted.len());
    out.extend_from_slice(&args[..2]);
    out.extend(inserted);
    out.extend(
        args[2..]
            .iter()
            .enumerate()
            .filter(|(i, _)| !(at..at + len).contains(&(i + 2)))
            .map(|(_, a)| a.clone()),
    );
    Ok(Expanded {
        args: out,
        storage_from_file,
    })
}

/// The `[portal]` table's keys as the `portal_*` options (`enabled` is `portal` itself);
/// another table is an error.
fn flatten_tables(
    settings: toml::Table,
    file: &Path,
) -> Result<Vec<(String, toml::Value)>, HubError> {
    let mut out = Vec::new();
    for (key, value) in settings {
        match value {
            toml::Value::Table(table) if key == "portal" => {
                for (k, v) in table {
                    let name = if k == "enabled" {
                        "portal".to_owned()
                    } else {
                        format!("portal_{k}")
                    };
                    if matches!(v, toml::Value::Table(_)) {
                        return Err(HubError::Config(format!(
                            "{}: [portal] {k} must be a string, a number or true/false",
                            file.display()
                        )));
                    }
                    out.push((name, v));
                }
            }
            other => out.push((key, other)),
        }
    }
    Ok(out)
}

/// `(index, file, number of arguments it takes)` of `--config` after the subcommand.
fn find_config(args: &[OsString]) -> Option<(usize, PathBuf, usize)> {
    for (i, a) in args.iter().enumerate().skip(2) {
        let Some(text) = a.to_str() else { continue };
        if text == "--" {
            return None;
        }
        if text == "--config" {
            return args.get(i + 1).map(|f| (i, PathBuf::from(f), 2));
        }
        if let Some(file) = text.strip_prefix("--config=") {
            return Some((i, PathBuf::from(file), 1));
        }
    }
    None
}

/// The file's top-level settings, in the file's order.
pub fn read(file: &Path) -> Result<toml::Table, HubError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| HubError::Config(format!("--config {}: {e}", file.display())))?;
    text.parse::<toml::Table>()
        .map_err(|e| HubError::Config(format!("{}: {e}", file.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_table_becomes_its_options() {
        let table: toml::Table = "listen = \"0.0.0.0:8443\"\n[portal]\nenabled = true\nbase_url = \"https://a.it\"\nlink_minutes = 10\nlisten = \"0.0.0.0:8444\"\n"
            .parse()
            .unwrap();
        let flat = flatten_tables(table, Path::new("hub.toml")).unwrap();
        let mut keys: Vec<&str> = flat.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "listen",
                "portal",
                "portal_base_url",
                "portal_link_minutes",
                "portal_listen"
            ]
        );
        let nested: toml::Table = "[portal.x]\ny = 1\n".parse().unwrap();
        assert!(flatten_tables(nested, Path::new("hub.toml")).is_err());
    }
}
