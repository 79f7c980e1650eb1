//! `serve`'s options of the reserved area (in hub.toml: the `[portal]` table, whose keys are
//! these options without `portal_`, `enabled` for `--portal` itself).

use std::path::Path;
use std::time::Duration;

use super::PortalConfig;
use crate::error::HubError;

#[derive(clap::Args, Debug)]
pub struct PortalArgs {
    /// Serve the customer's reserved area at `/portal` (HTTPS only): contacts sign in with a
    /// one-time link by e-mail and see their client's tickets.
    #[arg(long, requires = "portal_base_url")]
    pub portal: bool,
    /// The address customers reach the hub at, for the links in the sign-in mails
    /// (`https://assistenza.example.it:8443`); never taken from a request.
    #[arg(long, value_name = "URL", requires = "portal")]
    pub portal_base_url: Option<String>,
    /// Minutes a sign-in link stays valid.
    #[arg(long, default_value_t = 15, requires = "portal")]
    pub portal_link_minutes: u64,
    /// Minutes without a page view after which a session ends.
    #[arg(long, default_value_t = 30, requires = "portal")]
    pub portal_idle_minutes: u64,
    /// Hours after sign-in after which a session ends anyway.
    #[arg(long, default_value_t = 8, requires = "portal")]
    pub portal_session_hours: u64,
    /// Serve the reserved area on a listener of its own (`0.0.0.0:8444`, same TLS certificate)
    /// instead of the main one, which then does not serve it.
    #[arg(long, value_name = "ADDR", requires = "portal")]
    pub portal_listen: Option<std::net::SocketAddr>,
}

impl PortalArgs {
    /// The reserved area's settings, when it is on (the intake rules from the intake file).
    pub fn config(&self, intake_config: Option<&Path>) -> Result<Option<PortalConfig>, HubError> {
        if !self.portal {
            return Ok(None);
        }
        let base = self.portal_base_url.clone().unwrap_or_default();
        if !base.starts_with("https://") {
            return Err(HubError::Config(
                "--portal-base-url must be an https:// address".into(),
            ));
        }
        let mut portal = PortalConfig::new(&base);
        portal.link_ttl = Duration::from_secs(self.portal_link_minutes.max(1) * 60);
        portal.idle = Duration::from_secs(self.portal_idle_minutes.max(1) * 60);
        portal.absolute = Duration::from_secs(self.portal_session_hours.max(1) * 3600);
        portal.listen = self.portal_listen;
        if let Some(path) = intake_config {
            if let Ok(intake) = rapportino_intake::imap::load_config(path) {
                portal.rules = intake.rules;
            }
        }
        tracing::info!(path = super::PREFIX, "customer's reserved area enabled");
        Ok(Some(portal))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::PortalArgs;

    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        portal: PortalArgs,
    }

    fn config(args: &[&str]) -> super::PortalConfig {
        let base = ["serve", "--portal", "--portal-base-url", "https://a.it"];
        let all = base.iter().chain(args).copied();
        let serve = Serve::try_parse_from(all).unwrap();
        serve.portal.config(None).unwrap().unwrap()
    }

    #[test]
    fn the_reserved_area_has_its_own_listener_only_when_given() {
        assert_eq!(config(&[]).listen, None);
        let own = config(&["--portal-listen", "127.0.0.1:8444"]);
        assert_eq!(own.listen, Some("127.0.0.1:8444".parse().unwrap()));
        let bad = ["serve", "--portal", "--portal-base-url", "https://a.it"]
            .into_iter()
            .chain(["--portal-listen", "nowhere"]);
        assert!(Serve::try_parse_from(bad).is_err());
    }
}
