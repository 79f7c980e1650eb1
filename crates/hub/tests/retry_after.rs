//! A busy hub's `Retry-After` reaches the device's schedule: a round refused with 503
//! `HUB_BUSY` (a real hub past its request deadline, on the same storage as the hub the device
//! enrolled with) fails with `HUB_BUSY`, records the wait, and the automatic schedule waits at
//! least that long; the next round that gets through clears it.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::time::Duration;

use rapportino_core::sync::schedule::{self, Attempt, Backoff};
use rapportino_core::Code;
use rapportino_model::protocol::Role;

#[test]
fn a_busy_hubs_retry_after_holds_the_automatic_sync_back() {
    let s = common::sqlite_storage();
    let hub = common::TestHub::plain(s.storage.clone());
    // The same hub (storage) past its request deadline: every request answers 503 HUB_BUSY
    // with `Retry-After: 5`.
    let busy = common::TestHub::start(s.storage.clone(), false, |c| {
        c.request_timeout = Duration::ZERO;
    });
    let dir = tempfile::tempdir().unwrap();
    let mut d =
        sync_support::Device::onboarded(dir.path(), "MR", sync_support::rome(2026, 11, 22, 9, 0));
    let code =
        rapportino_hub::auth::create_code(&s.storage, Role::Technician, None, chrono::Utc::now())
            .unwrap()
            .code;
    rapportino_sync_http::enrol(&mut d.store, &hub.url, &code, "Portatile", None).unwrap();
    d.sync();
    assert_eq!(schedule::hub_wait(&d.store).unwrap(), None);

    let point_at = |d: &sync_support::Device, url: &str| {
        d.store
            .conn()
            .execute(
                "UPDATE local_state SET value = ?1 WHERE key = 'sync.hub_url'",
                [url],
            )
            .unwrap();
    };
    point_at(&d, &busy.url);
    d.client("Ottica Bassi"); // something to push
    let err = rapportino_sync_http::sync_now(&mut d.store).unwrap_err();
    assert_eq!(err.code(), Code::HubBusy, "{err}");
    let wait = schedule::hub_wait(&d.store)
        .unwrap()
        .expect("the hub's wait");
    assert_eq!(
        wait,
        Duration::from_secs(5),
        "Retry-After: 5, on the device's clock"
    );
    // The schedule waits at least that (here its own first backoff is longer).
    let mut backoff = Backoff::default();
    let next = backoff.after(Attempt::of::<()>(Err(err.code())), Some(wait));
    assert!(next >= wait);
    // As the device's clock moves on the wait shrinks; a round that gets through clears it.
    d.clock.advance(chrono::Duration::seconds(3));
    assert_eq!(
        schedule::hub_wait(&d.store).unwrap(),
        Some(Duration::from_secs(2))
    );
    point_at(&d, &hub.url);
    d.sync();
    assert_eq!(schedule::hub_wait(&d.store).unwrap(), None);
}
