//! A restore and a sync round never interleave on one database: both hold the database's sync
//! guard, so a restore asked for during a round waits for it (or gives up with SYNC_RUNNING,
//! changing nothing), and what the round wrote is not written into the restored data.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Duration;

use rapportino_core::backup::{self, RestoreOptions};
use rapportino_core::clients::{self, ClientFilter};
use rapportino_core::error::{Code, Error, Result};
use rapportino_core::sync::protocol::{PullResponse, PushRequest, PushResponse};
use rapportino_core::sync::{self, SnapshotItem, Transport};
use rapportino_core::{PageRequest, Store};

/// A hub that takes its time: the push waits until the test lets it go, then fails as an
/// unreachable hub would.
struct SlowHub {
    entered: Sender<()>,
    release: Receiver<()>,
}

impl Transport for SlowHub {
    fn push(&mut self, _req: &PushRequest) -> Result<PushResponse> {
        self.entered.send(()).unwrap();
        self.release.recv_timeout(Duration::from_secs(30)).unwrap();
        Err(Error::invalid(Code::HubUnreachable, "hub", "timed out"))
    }

    fn pull(&mut self, _after: i64, _limit: i64) -> Result<PullResponse> {
        unreachable!("the round stops at the push")
    }

    fn snapshot(&mut self, _on_item: &mut dyn FnMut(SnapshotItem) -> Result<()>) -> Result<()> {
        unreachable!("the round stops at the push")
    }
}

fn names(s: &Store) -> Vec<String> {
    let mut v: Vec<String> = clients::list(s, &ClientFilter::default(), &PageRequest::new(100, 0))
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.name)
        .collect();
    v.sort();
    v
}

/// A database with one client, its backup, then a second client.
fn database(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("rapportino.db");
    let copy = dir.join("copia.db");
    let mut s = Store::open(&db).unwrap();
    common::onboard(&mut s, "MR");
    common::client(&mut s, "Cartoleria Esposito");
    backup::backup_to(&s, &copy).unwrap();
    common::client(&mut s, "Ferramenta Bianchi");
    (db, copy)
}

#[test]
fn a_restore_during_a_sync_round_waits_for_it_or_gives_up_changing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, copy) = database(dir.path());
    let safety = dir.path().join("backups");

    // A sync round on a connection of its own (as the app's worker does), stuck in its push.
    let (entered_tx, entered) = channel();
    let (release, release_rx) = channel();
    let syncing = {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut s = Store::open(&db).unwrap();
            let mut hub = SlowHub {
                entered: entered_tx,
                release: release_rx,
            };
            sync::run(&mut s, &mut hub)
        })
    };
    entered.recv_timeout(Duration::from_secs(30)).unwrap();

    // Asked to wait briefly: refused with a clear code, and nothing is touched.
    let mut window = Store::open(&db).unwrap();
    let brief = RestoreOptions {
        wait_for_sync: Duration::from_millis(200),
        ..RestoreOptions::default()
    };
    let err = backup::restore_with(&mut window, &copy, &safety, &brief).unwrap_err();
    assert_eq!(err.code(), Code::SyncRunning, "{err}");
    assert_eq!(
        names(&window),
        ["Cartoleria Esposito", "Ferramenta Bianchi"]
    );
    assert!(
        !safety.exists(),
        "no safety copy for a restore that did not happen"
    );

    // With the usual patience it waits for the round to end, then restores.
    let (done_tx, done) = channel();
    let restoring = std::thread::spawn(move || {
        let restored = backup::restore_from(&mut window, &copy, &safety);
        done_tx.send(()).unwrap();
        restored.map(|_| names(&window))
    });
    assert!(
        done.recv_timeout(Duration::from_millis(700)).is_err(),
        "the restore went ahead in the middle of the round"
    );
    release.send(()).unwrap();
    let round = syncing.join().unwrap();
    assert_eq!(round.unwrap_err().code(), Code::HubUnreachable);
    done.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(restoring.join().unwrap().unwrap(), ["Cartoleria Esposito"]);

    // Consistent after: the backup's data, and nothing of the round written over it (its
    // outcome went into the data the restore replaced).
    let s = Store::open(&db).unwrap();
    assert_eq!(names(&s), ["Cartoleria Esposito"]);
    let status = sync::status(&s).unwrap();
    assert!(status.last_error.is_none(), "{:?}", status.last_error);
    assert!(status.last_attempt_at.is_none());
    let check: String = s
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn a_sync_round_waits_for_a_restore_holding_the_guard() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _copy) = database(dir.path());
    let s = Store::open(&db).unwrap();
    // What a restore holds while it copies.
    let held = sync::guard::acquire(&s).unwrap();
    let (entered_tx, entered) = channel();
    let (release, release_rx) = channel();
    let syncing = std::thread::spawn(move || {
        let mut s = Store::open(&db).unwrap();
        let mut hub = SlowHub {
            entered: entered_tx,
            release: release_rx,
        };
        sync::run(&mut s, &mut hub)
    });
    assert!(
        entered.recv_timeout(Duration::from_millis(500)).is_err(),
        "the round started while the guard was held"
    );
    drop(held);
    entered.recv_timeout(Duration::from_secs(30)).unwrap();
    release.send(()).unwrap();
    assert_eq!(
        syncing.join().unwrap().unwrap_err().code(),
        Code::HubUnreachable
    );
}
