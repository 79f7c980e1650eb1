//! From the database to files: one report, one statement, or every client's statement for a month
//! into a folder. Every file is written atomically; the batch renders on worker threads while the
//! calling thread reads the database (a `Store` stays on its thread).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use chrono::Utc;
use rapportino_core::ids::{ClientId, QuoteId, ReportId};
use rapportino_core::reports::{self, logo, Logo, StatementDocument};
use rapportino_core::{Code, Error, Result, Store};

use crate::{html, write_atomic, Renderer};

pub use rapportino_core::documents::{BatchProgress, BatchSummary, ExportedFile};

/// When a report's PDF says it was made: the signing instant for a signed report (so the same
/// report always gives the same file), now for a draft.
fn report_instant(store: &Store, id: ReportId) -> Result<chrono::DateTime<Utc>> {
    let r = reports::get(store, id)?;
    match r.signed_at.as_deref() {
        Some(t) => rapportino_core::time::parse_instant(t),
        None => Ok(store.now()),
    }
}

/// A report's PDF bytes: for a signed report always the same bytes (printed, saved or mailed).
pub fn report_bytes(store: &Store, renderer: &Renderer, id: ReportId) -> Result<Vec<u8>> {
    let doc = reports::document(store, id)?;
    let logo = logo::get(store.conn())?;
    renderer.report(&doc, logo.as_ref(), report_instant(store, id)?)
}

/// When a quote's PDF says it was made: its acceptance, refusal, sending or creation, the last
/// of them that happened — so a quote in a given state always gives the same bytes (the mailed
/// PDF is the printed one).
fn quote_instant(q: &rapportino_core::quotes::Quote) -> Result<chrono::DateTime<Utc>> {
    let at = q
        .accepted_at
        .as_deref()
        .or(q.refused_at.as_deref())
        .or(q.sent_at.as_deref())
        .unwrap_or(&q.created_at);
    rapportino_core::time::parse_instant(at)
}

/// A quote's PDF bytes (the same bytes every time for a quote in the same state).
pub fn quote_bytes(store: &Store, renderer: &Renderer, id: QuoteId) -> Result<Vec<u8>> {
    let q = rapportino_core::quotes::get(store, id)?;
    let doc = rapportino_core::quotes::document(store, id)?;
    let logo = logo::get(store.conn())?;
    renderer.quote(&doc, logo.as_ref(), quote_instant(&q)?)
}

/// Renders a quote and writes it to `path`.
pub fn quote_to_file(
    store: &Store,
    renderer: &Renderer,
    id: QuoteId,
    path: &Path,
) -> Result<ExportedFile> {
    let bytes = quote_bytes(store, renderer, id)?;
    write_atomic(path, &bytes)?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
    })
}

/// Renders the quote into its own folder beside the database (`preventivi/`, apart from the
/// reports' `rapporti/`, created owner-only) as `Preventivo-<number>.pdf`, the number checked first: a number that came
/// by sync names no file outside the folder.
pub fn quote_to_library(store: &Store, renderer: &Renderer, id: QuoteId) -> Result<ExportedFile> {
    let name =
        rapportino_core::quotes::pdf_file_name(&rapportino_core::quotes::get(store, id)?.number)?;
    let dir = rapportino_core::documents::quotes_folder(store);
    rapportino_core::owner_only::create_dir_all(&dir).map_err(|e| {
        Error::invalid(
            Code::OutputUnwritable,
            "path",
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    quote_to_file(store, renderer, id, &dir.join(name))
}

/// Renders a report (draft or signed) and writes it to `path`.
pub fn report_to_file(
    store: &Store,
    renderer: &Renderer,
    id: ReportId,
    path: &Path,
) -> Result<ExportedFile> {
    let bytes = report_bytes(store, renderer, id)?;
    write_atomic(path, &bytes)?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
    })
}

/// Renders the report into the reports folder beside the database
/// ([`rapportino_core::documents::reports_folder`], created owner-only), to open or print it
/// again without a dialog. The file name is the report's number, checked first
/// (`REPORT_NUMBER_INVALID`): a number that came by sync names no file outside the folder.
pub fn report_to_library(store: &Store, renderer: &Renderer, id: ReportId) -> Result<ExportedFile> {
    let name = reports::pdf_file_name(&reports::get(store, id)?.number)?;
    let dir = rapportino_core::documents::reports_folder(store);
    rapportino_core::owner_only::create_dir_all(&dir).map_err(|e| {
        Error::invalid(
            Code::OutputUnwritable,
            "path",
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    report_to_file(store, renderer, id, &dir.join(name))
}

/// Renders one client's statement for a month and writes it to `path`.
pub fn statement_to_file(
    store: &Store,
    renderer: &Renderer,
    client: ClientId,
    year: i32,
    month: u32,
    path: &Path,
) -> Result<ExportedFile> {
    let doc = reports::statement::for_client(store, client, year, month)?;
    let logo = logo::get(store.conn())?;
    let bytes = renderer.statement(&doc, logo.as_ref(), store.now())?;
    write_atomic(path, &bytes)?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
    })
}

/// Renders one client's statement into the month's statements folder beside the database
/// ([`rapportino_core::documents::statements_folder`], created owner-only), to print it without a
/// dialog; the file is named as in the batch ([`file_name`]: nothing of the client's name can
/// lead outside the folder).
pub fn statement_to_library(
    store: &Store,
    renderer: &Renderer,
    client: ClientId,
    year: i32,
    month: u32,
) -> Result<ExportedFile> {
    rapportino_core::time::month_bounds(year, month)?;
    let name = rapportino_core::clients::get(store, client)?.name;
    let dir = rapportino_core::documents::statements_folder(store, year, month);
    rapportino_core::owner_only::create_dir_all(&dir).map_err(|e| {
        Error::invalid(
            Code::OutputUnwritable,
            "path",
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    let file = file_name("Rendiconto", &format!("{year}-{month:02}"), &name, "pdf");
    statement_to_file(store, renderer, client, year, month, &dir.join(file))
}

#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// Only the first N clients (name order).
    pub limit: Option<usize>,
    /// Also write statements with no work and no contract to report on.
    pub include_empty: bool,
    /// HTML pages instead of PDFs (the benchmark's input for other engines).
    pub html: bool,
    /// Rendering threads (default: one per core, at most 8).
    pub workers: Option<usize>,
}

/// A file name from a client's name: readable, accents kept, nothing a file system refuses.
pub fn file_name(prefix: &str, month: &str, client: &str, ext: &str) -> String {
    let clean: String = client
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim().trim_matches('.');
    let short: String = clean.chars().take(80).collect();
    format!("{prefix} {month} - {}.{ext}", short.trim())
}

enum Job {
    Write {
        path: PathBuf,
        doc: Box<StatementDocument>,
    },
}

/// Writes every client's statement for a month into `dir` (created owner-only if missing), calling
/// `progress` after each client. Stops at the first failure (OUTPUT_UNWRITABLE…); the files
/// already written are complete.
pub fn statements_batch(
    store: &Store,
    year: i32,
    month: u32,
    dir: &Path,
    options: &BatchOptions,
    mut progress: impl FnMut(&BatchProgress),
) -> Result<BatchSummary> {
    let started = Instant::now();
    rapportino_core::time::month_bounds(year, month)?;
    rapportino_core::owner_only::create_dir_all(dir).map_err(|e| {
        Error::invalid(
            Code::OutputUnwritable,
            "path",
            format!("cannot create the folder {}: {e}", dir.display()),
        )
    })?;
    let month_text = format!("{year}-{month:02}");
    let logo = logo::get(store.conn())?;
    let now = store.now();
    let workers = options
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .clamp(1, 8);

    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(workers * 4);
    let job_rx = std::sync::Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Result<u64>>();
    let mut tally = Tally::default();

    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            let logo: Option<&Logo> = logo.as_ref();
            let as_html = options.html;
            scope.spawn(move || {
                let renderer = match Renderer::new() {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = done_tx.send(Err(e));
                        return;
                    }
                };
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(Job::Write { path, doc }) = job else {
                        return;
                    };
                    let result = if as_html {
                        let page = html::statement(&doc, logo);
                        write_atomic(&path, page.as_bytes()).map(|()| page.len() as u64)
                    } else {
                        renderer
                            .statement(&doc, logo, now)
                            .and_then(|b| write_atomic(&path, &b).map(|()| b.len() as u64))
                    };
                    if done_tx.send(result).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);

        let mut used = HashSet::new();
        let mut sent = 0usize;
        let produced =
            reports::statement::for_each(store, year, month, options.limit, |_, total, doc| {
                tally.progress.total = total;
                while let Ok(r) = done_rx.try_recv() {
                    tally.record(r);
                    progress(&tally.progress);
                }
                if tally.failure.is_some() {
                    return Err(Error::Inconsistent("stopped".into()));
                }
                if !options.include_empty && !reports::statement::has_content(&doc) {
                    tally.skipped += 1;
                    tally.progress.done += 1;
                    progress(&tally.progress);
                    return Ok(());
                }
                let ext = if options.html { "html" } else { "pdf" };
                let mut name = file_name("Rendiconto", &month_text, &doc.client.name, ext);
                let mut n = 2;
                while !used.insert(name.clone()) {
                    name = file_name(
                        "Rendiconto",
                        &month_text,
                        &format!("{} ({n})", doc.client.name),
                        ext,
                    );
                    n += 1;
                }
                sent += 1;
                job_tx
                    .send(Job::Write {
                        path: dir.join(name),
                        doc: Box::new(doc),
                    })
                    .map_err(|_| Error::Inconsistent("the PDF workers stopped".into()))
            });
        drop(job_tx);
        for r in done_rx.iter() {
            tally.record(r);
            progress(&tally.progress);
        }
        if let Some(e) = tally.failure.take() {
            return Err(e);
        }
        produced?;
        if tally.progress.written != sent {
            return Err(Error::Inconsistent(format!(
                "{} of {sent} statements were not written",
                sent - tally.progress.written
            )));
        }
        Ok(())
    })?;

    Ok(BatchSummary {
        dir: dir.display().to_string(),
        month: month_text,
        total: tally.progress.total,
        written: tally.progress.written,
        skipped: tally.skipped,
        bytes: tally.bytes,
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}

/// What the batch has done so far.
struct Tally {
    progress: BatchProgress,
    bytes: u64,
    skipped: usize,
    failure: Option<Error>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            progress: BatchProgress {
                done: 0,
                total: 0,
                written: 0,
            },
            bytes: 0,
            skipped: 0,
            failure: None,
        }
    }
}

impl Tally {
    fn record(&mut self, r: Result<u64>) {
        self.progress.done += 1;
        match r {
            Ok(n) => {
                self.bytes += n;
                self.progress.written += 1;
            }
            Err(e) => {
                self.failure.get_or_insert(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_keep_accents() {
        assert_eq!(
            file_name(
                "Rendiconto",
                "2026-10",
                "Caffè Rossi s.n.c. / Filiale: Nord",
                "pdf"
            ),
            "Rendiconto 2026-10 - Caffè Rossi s.n.c. _ Filiale_ Nord.pdf"
        );
        assert_eq!(
            file_name("Rendiconto", "2026-10", "..", "pdf"),
            "Rendiconto 2026-10 - .pdf"
        );
    }
}
