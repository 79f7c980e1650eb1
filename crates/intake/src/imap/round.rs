//! One round on a mailbox: every unseen message fetched, handed to the sink and flagged, in
//! batches (at most [`BATCH`] mails and [`BATCH_BYTES`] of them, one FETCH, one sink call — the
//! device's and the hub's sinks record a batch in one transaction — and one STORE).
//!
//! The rounds are pipelined, and the sink runs on a thread of its own ([`SinkThread`]): while
//! it records batch n, the collector fetches batch n+1 and parses it; when n is recorded, n+1
//! goes to the sink and n is flagged. A mail is flagged only when the sink said it is recorded
//! (committed): a failure anywhere leaves the rest unflagged (a failing batch stops the round
//! before the next one goes to the sink), fetched again next round, where the sink finds its
//! idempotency key.

use std::collections::HashMap;

use chrono::Utc;
use futures_util::TryStreamExt;
use rapportino_model::vocab::RequestStatus;

use super::{imap_err, MailboxConfig, Recorded, RoundReport, Session, Sink};
use crate::error::IntakeError;
use crate::mime::{from_header_too_large, from_mime, Envelope};
use crate::request::IncomingRequest;

/// Most messages in one batch.
pub const BATCH: usize = 500;
/// Most bytes of whole messages (their RFC822.SIZE) in one batch: large mails make a smaller
/// batch (always at least one mail).
pub const BATCH_BYTES: u64 = 32 * 1024 * 1024;
/// UIDs per size query (before any mail is fetched).
const SIZES_PER_COMMAND: usize = 1000;

/// One batch: the mails fetched whole and those over the size cap (only their header).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Batch {
    pub(crate) whole: Vec<u32>,
    pub(crate) oversized: Vec<(u32, u64)>,
}

/// The UIDs (ascending) as an IMAP set, runs of consecutive ones as ranges: `3:7,9`. A range
/// is written only for UIDs that are all in the list, so it asks for nothing else.
pub(crate) fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && end.checked_add(1) == Some(uids[i + 1]) {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if end == start {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// The unseen mails (ascending UIDs) cut into batches by count and by the bytes fetched whole.
/// A mail whose size the server did not say (gone meanwhile) counts as whole and empty.
pub(crate) fn plan(
    uids: &[u32],
    sizes: &HashMap<u32, u64>,
    message_max: u64,
    max_count: usize,
    max_bytes: u64,
) -> Vec<Batch> {
    let mut batches = Vec::new();
    let mut current = Batch::default();
    let mut bytes = 0u64;
    for &uid in uids {
        let size = sizes.get(&uid).copied().unwrap_or(0);
        let whole = size <= message_max;
        let count = current.whole.len() + current.oversized.len();
        if count > 0 && (count >= max_count || (whole && bytes.saturating_add(size) > max_bytes)) {
            batches.push(std::mem::take(&mut current));
            bytes = 0;
        }
        if whole {
            current.whole.push(uid);
            bytes = bytes.saturating_add(size);
        } else {
            current.oversized.push((uid, size));
        }
    }
    if !current.whole.is_empty() || !current.oversized.is_empty() {
        batches.push(current);
    }
    batches
}

/// One round on a logged-in session: every unseen message of the folder taken, then flagged.
pub async fn process(
    session: &mut Session,
    cfg: &MailboxConfig,
    sink: &SinkThread,
) -> Result<RoundReport, IntakeError> {
    let mailbox = session.select(&cfg.folder).await.map_err(imap_err)?;
    let validity = mailbox.uid_validity.unwrap_or(0);
    let mut uids: Vec<u32> = session
        .uid_search("UNSEEN")
        .await
        .map_err(imap_err)?
        .into_iter()
        .collect();
    uids.sort_unstable();
    uids.dedup();
    // Sizes first: a mail over the cap is never fetched whole, only its header.
    let mut sizes = HashMap::with_capacity(uids.len());
    for chunk in uids.chunks(SIZES_PER_COMMAND) {
        let fetched: Vec<async_imap::types::Fetch> = session
            .uid_fetch(uid_set(chunk), "(UID RFC822.SIZE)")
            .await
            .map_err(imap_err)?
            .try_collect()
            .await
            .map_err(imap_err)?;
        sizes.extend(
            fetched
                .iter()
                .filter_map(|f| Some((f.uid?, u64::from(f.size?)))),
        );
    }
    let batches = plan(&uids, &sizes, cfg.message_max, BATCH, BATCH_BYTES);
    let mut report = RoundReport {
        mailbox: cfg.name.clone(),
        ..RoundReport::default()
    };
    // The batch the sink is recording.
    let mut recording: Option<Outcome> = None;
    for batch in &batches {
        let mut fetched: Vec<async_imap::types::Fetch> = Vec::new();
        if !batch.whole.is_empty() {
            fetched = session
                .uid_fetch(uid_set(&batch.whole), "(UID INTERNALDATE BODY.PEEK[])")
                .await
                .map_err(imap_err)?
                .try_collect()
                .await
                .map_err(imap_err)?;
        }
        let mut headers: Vec<async_imap::types::Fetch> = Vec::new();
        if !batch.oversized.is_empty() {
            let set: Vec<u32> = batch.oversized.iter().map(|(uid, _)| *uid).collect();
            headers = session
                .uid_fetch(uid_set(&set), "(UID INTERNALDATE BODY.PEEK[HEADER])")
                .await
                .map_err(imap_err)?
                .try_collect()
                .await
                .map_err(imap_err)?;
        }
        let mut next = Some(requests(cfg, validity, batch, &fetched, &headers));
        drop((fetched, headers));
        if let Some(previous) = recording.take() {
            let outcome = previous.wait().await;
            // The next batch goes to the sink only after this one was recorded whole.
            if outcome.1.is_none() {
                recording = next.take().map(|r| sink.send(r));
            }
            finish(session, cfg, &mut report, outcome).await?;
        }
        if let Some(r) = next {
            recording = Some(sink.send(r));
        }
    }
    if let Some(last) = recording {
        let outcome = last.wait().await;
        finish(session, cfg, &mut report, outcome).await?;
    }
    Ok(report)
}

/// The requests of a fetched batch, in UID order (as they arrived).
fn requests(
    cfg: &MailboxConfig,
    validity: u32,
    batch: &Batch,
    fetched: &[async_imap::types::Fetch],
    headers: &[async_imap::types::Fetch],
) -> Vec<(u32, IncomingRequest)> {
    let envelope = |f: &async_imap::types::Fetch, uid: u32| Envelope {
        source: cfg.name.clone(),
        received_at: f
            .internal_date()
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_else(Utc::now),
        fallback_key: Envelope::imap_key(&cfg.folder, validity, uid),
        category: cfg.category.clone(),
        service: cfg.service.clone(),
        kept_max: cfg.kept_max,
    };
    let mut requests: Vec<(u32, IncomingRequest)> =
        Vec::with_capacity(fetched.len() + headers.len());
    // Only what was asked for (a server adding others is not followed).
    requests.extend(fetched.iter().filter_map(|f| {
        let uid = f.uid?;
        batch.whole.binary_search(&uid).ok()?;
        Some((
            uid,
            from_mime(f.body().unwrap_or_default(), &envelope(f, uid)),
        ))
    }));
    requests.extend(headers.iter().filter_map(|f| {
        let uid = f.uid?;
        let size = batch.oversized.iter().find(|(o, _)| *o == uid)?.1;
        let header = f.header().unwrap_or_default();
        Some((
            uid,
            from_header_too_large(header, size, cfg.message_max, &envelope(f, uid)),
        ))
    }));
    requests.sort_by_key(|(uid, _)| *uid);
    requests.dedup_by_key(|(uid, _)| *uid);
    requests
}

/// Counts what the sink recorded, flags it, and returns the failure that stopped the sink.
async fn finish(
    session: &mut Session,
    cfg: &MailboxConfig,
    report: &mut RoundReport,
    (outcomes, failure): (Vec<(u32, Recorded)>, Option<IntakeError>),
) -> Result<(), IntakeError> {
    let mut done: Vec<u32> = Vec::with_capacity(outcomes.len());
    for (uid, recorded) in outcomes {
        report.fetched += 1;
        match recorded.status {
            None => report.duplicates += 1,
            Some(RequestStatus::Ticketed | RequestStatus::Assigned) => report.ticketed += 1,
            Some(RequestStatus::Appended) => report.appended += 1,
            Some(RequestStatus::New) => report.triage += 1,
            Some(RequestStatus::Ignored | RequestStatus::Rejected) => report.ignored += 1,
        }
        done.push(uid);
    }
    done.sort_unstable();
    // What was recorded is flagged even when a later mail of the batch failed.
    flag(session, cfg, &done).await?;
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

type Taken = (Vec<(u32, Recorded)>, Option<IntakeError>);
type Job = (
    Vec<(u32, IncomingRequest)>,
    tokio::sync::oneshot::Sender<Taken>,
);

/// The sink on a thread of its own for a round (or a watch): batches sent to it are taken in
/// order ([`Sink::take_batch`]) while the collector goes on fetching and parsing.
pub struct SinkThread {
    jobs: std::sync::mpsc::Sender<Job>,
}

/// A batch sent to the [`SinkThread`]: what it recorded, once it has.
struct Outcome(tokio::sync::oneshot::Receiver<Taken>);

impl Outcome {
    async fn wait(self) -> Taken {
        self.0.await.unwrap_or_else(|_| {
            (
                Vec::new(),
                Some(IntakeError::Record("the sink panicked".into())),
            )
        })
    }
}

impl SinkThread {
    /// Runs `f` with `sink` on a thread of its own, stopped (after its last batch) when `f`
    /// returns.
    pub fn run<T>(sink: &mut (dyn Sink + Send), f: impl FnOnce(&SinkThread) -> T) -> T {
        std::thread::scope(|scope| {
            let (jobs, queue) = std::sync::mpsc::channel::<Job>();
            scope.spawn(move || {
                for (requests, reply) in queue {
                    let taken = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        sink.take_batch(&requests)
                    }))
                    .unwrap_or_else(|_| {
                        (
                            Vec::new(),
                            Some(IntakeError::Record("the sink panicked".into())),
                        )
                    });
                    let _ = reply.send(taken);
                }
            });
            f(&SinkThread { jobs })
        })
    }

    fn send(&self, requests: Vec<(u32, IncomingRequest)>) -> Outcome {
        let (reply, outcome) = tokio::sync::oneshot::channel();
        // A stopped thread drops the reply: the outcome then reads as a failure.
        let _ = self.jobs.send((requests, reply));
        Outcome(outcome)
    }
}

/// Flags the recorded mail `\Seen` (or moves it to the processed folder).
async fn flag(session: &mut Session, cfg: &MailboxConfig, done: &[u32]) -> Result<(), IntakeError> {
    if done.is_empty() {
        return Ok(());
    }
    let set = uid_set(done);
    match &cfg.processed_folder {
        Some(folder) => session.uid_mv(&set, folder).await.map_err(imap_err)?,
        None => {
            let _: Vec<_> = session
                .uid_store(&set, "+FLAGS.SILENT (\\Seen)")
                .await
                .map_err(imap_err)?
                .try_collect()
                .await
                .map_err(imap_err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uid_set_writes_runs_as_ranges_and_nothing_else() {
        assert_eq!(uid_set(&[]), "");
        assert_eq!(uid_set(&[7]), "7");
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8, 10]), "1:3,5,7:8,10");
        assert_eq!(uid_set(&[u32::MAX - 1, u32::MAX]), "4294967294:4294967295");
    }

    #[test]
    fn batches_are_cut_by_count_and_by_bytes() {
        let uids: Vec<u32> = (1..=1200).collect();
        let sizes: HashMap<u32, u64> = uids.iter().map(|u| (*u, 1000)).collect();
        let b = plan(&uids, &sizes, 10_000, 500, 1 << 30);
        assert_eq!(
            b.iter().map(|b| b.whole.len()).collect::<Vec<_>>(),
            [500, 500, 200]
        );
        // 2,500 bytes a batch: two mails of 1,000 each.
        let b = plan(&uids[..5], &sizes, 10_000, 500, 2_500);
        assert_eq!(
            b.iter().map(|b| b.whole.clone()).collect::<Vec<_>>(),
            [vec![1, 2], vec![3, 4], vec![5]]
        );
        // A mail larger than the byte budget still goes, alone.
        let big: HashMap<u32, u64> = [(1, 10), (2, 5_000), (3, 10)].into();
        let b = plan(&[1, 2, 3], &big, 10_000, 500, 2_500);
        assert_eq!(
            b.iter().map(|b| b.whole.clone()).collect::<Vec<_>>(),
            [vec![1], vec![2], vec![3]]
        );
    }

    #[test]
    fn a_mail_over_the_cap_is_planned_for_its_header_only() {
        let sizes: HashMap<u32, u64> = [(1, 10), (2, 99_999), (3, 10)].into();
        let b = plan(&[1, 2, 3, 4], &sizes, 1_000, 500, 1 << 30);
        assert_eq!(
            b,
            [Batch {
                whole: vec![1, 3, 4],
                oversized: vec![(2, 99_999)],
            }]
        );
    }
}
