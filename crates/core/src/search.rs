//! Full-text search (SQLite FTS5) across clients, tickets and interventions, ranked, paged.
//!
//! User input is never passed to FTS5 as syntax: it is split into words, each word becomes a quoted
//! phrase of its tokens (a ticket number becomes one token) and the last word may be a prefix
//! (search as you type). See ARCHITECTURE.md for how the work per query stays bounded.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::macros::string_enum;
use crate::paging::{Page, PageRequest};
use crate::store::Store;
use crate::validate::limits;

string_enum! {
    SearchKind, field = "kind" {
        Client => "client",
        Ticket => "ticket",
        Intervention => "intervention",
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SearchHit {
    pub kind: SearchKind,
    pub id: String,
    pub title: String,
    pub subtitle: String,
    /// Matching text with the hits between `[` and `]`.
    pub snippet: String,
    /// Relevance tier: 0 = the words are in the record's identity (client name, P.IVA, CF; ticket
    /// number or title), 1 = elsewhere in its text. Lower first; then clients, tickets,
    /// interventions; then newest first.
    pub tier: u8,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SearchRequest {
    pub query: String,
    /// Limit to these kinds (default: all).
    #[ts(optional)]
    pub kinds: Option<Vec<SearchKind>>,
}

/// The words of a search, as the index tokenises them (lower-case, split on punctuation); a word
/// shaped like a ticket number is kept as one token (see `tickets.number_key`).
fn words(input: &str) -> Vec<Vec<String>> {
    input
        .split_whitespace()
        .filter_map(|w| {
            let tokens: Vec<String> = w
                .split(|c: char| !c.is_alphanumeric())
                .filter(|t| !t.is_empty())
                .map(str::to_lowercase)
                .collect();
            if looks_like_number(&tokens) {
                return Some(vec![tokens.concat()]);
            }
            (!tokens.is_empty()).then_some(tokens)
        })
        .collect()
}

/// Turns free text into a safe FTS5 query: every word a quoted phrase, all required; with
/// `prefix`, the last word may be incomplete (search as you type). `None`: nothing to search.
pub fn fts_query(input: &str, prefix: bool) -> Option<String> {
    let words = words(input);
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let star = if prefix && i == last { "*" } else { "" };
                format!("\"{}\"{star}", w.join(" "))
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// `T-2026-MR-0017`, `t-2026-mr`, `RI-2026-MR2-3`: a short prefix, then a year.
fn looks_like_number(tokens: &[String]) -> bool {
    tokens.len() >= 2
        && (1..=2).contains(&tokens[0].len())
        && tokens[0].chars().all(|c| c.is_ascii_alphabetic())
        && tokens[1].len() == 4
        && tokens[1].chars().all(|c| c.is_ascii_digit())
}

/// Matches scored per kind (the newest ones) when a word is common.
pub const CANDIDATES: i64 = 400;
/// With at least this many whole-word matches the last word is not expanded as a prefix.
const ENOUGH_WHOLE_WORD_MATCHES: i64 = 50;

struct KindSql {
    kind: SearchKind,
    fts: &'static str,
    /// The identity columns: a match there is tier 0. `None`: one tier only.
    identity: Option<&'static str>,
    /// Display columns for one row by `rid = ?1`: id, title, subtitle, text to show the hits in.
    display: &'static str,
}

/// In ranking order: at the same tier a client comes before a ticket, a ticket before an
/// intervention.
const KINDS: [KindSql; 3] = [
    KindSql {
        kind: SearchKind::Client,
        fts: "clients_fts",
        identity: Some("{name vat_number fiscal_code}"),
        display: "SELECT id, name, trim(coalesce(city, '') || ' ' || coalesce(vat_number, '')),
                  concat_ws(' · ', name, vat_number, fiscal_code, city, email, notes)
                  FROM clients WHERE rid = ?1",
    },
    KindSql {
        kind: SearchKind::Ticket,
        fts: "tickets_fts",
        identity: Some("{number_key number title}"),
        display: "SELECT t.id, t.number || ' · ' || t.title, c.name || ' · ' || t.status,
                  concat_ws(' · ', t.title, t.description, t.category)
                  FROM tickets t JOIN clients c ON c.id = t.client_id WHERE t.rid = ?1",
    },
    KindSql {
        kind: SearchKind::Intervention,
        fts: "interventions_fts",
        identity: None,
        display: "SELECT i.id, t.number || ' · ' || c.name, substr(i.created_at, 1, 10) || ' · ' || i.mode,
                  concat_ws(' · ', i.work_done, i.outcome_reason)
                  FROM interventions i JOIN tickets t ON t.id = i.ticket_id JOIN clients c ON c.id = i.client_id
                  WHERE i.rid = ?1",
    },
];

/// The newest matches of each kind (at most `?2` per kind and tier), with their tier. `?1` is the
/// query, `?3` the same query restricted to identity columns.
fn candidates_sql(kinds: &[&KindSql]) -> String {
    kinds
        .iter()
        .map(|k| {
            let kind = KINDS.iter().position(|x| x.kind == k.kind).unwrap_or(0);
            let newest = |tier: u8, param: &str| {
                format!(
                    "SELECT {kind} AS k, rowid, {tier} AS tier FROM \
                     (SELECT rowid FROM {fts} WHERE {fts} MATCH {param} ORDER BY rowid DESC LIMIT ?2)",
                    fts = k.fts
                )
            };
            match k.identity {
                Some(cols) => format!(
                    "SELECT k, rowid, min(tier) AS tier FROM ({} UNION ALL {}) GROUP BY rowid",
                    newest(0, &format!("'{cols} : (' || ?3 || ')'")),
                    newest(1, "?1")
                ),
                None => newest(1, "?1"),
            }
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

pub fn search(
    store: &Store,
    request: &SearchRequest,
    page: &PageRequest,
) -> Result<Page<SearchHit>> {
    if request.query.chars().count() > limits::QUERY {
        return Err(Error::invalid(
            Code::TooLong,
            "query",
            format!("the search is limited to {} characters", limits::QUERY),
        ));
    }
    let wanted = |k: SearchKind| {
        request
            .kinds
            .as_ref()
            .is_none_or(|ks| ks.is_empty() || ks.contains(&k))
    };
    let kinds: Vec<&KindSql> = KINDS.iter().filter(|k| wanted(k.kind)).collect();
    let conn = store.conn();
    let union = candidates_sql(&kinds);
    // The work per query is bounded whatever the database size (see ARCHITECTURE.md, Search):
    // - whole words stream through the index; a prefix needs the doclists of every word it
    //   expands to, so when the whole words already match plenty the last word is not expanded;
    // - each index yields only its newest matches (rowid order streams and stops early), once for
    //   the identity columns and once for all text: no score that must visit every match;
    // - only the page's rows are read from their tables.
    let Some(whole) = fts_query(&request.query, false) else {
        return Ok(Page::from_rows(Vec::new(), page));
    };
    let whole_matches: i64 = conn
        // `?3 IS NOT NULL`: every statement names all three parameters, whichever kinds are asked.
        .prepare_cached(&format!(
            "SELECT count(*) FROM ({union}) WHERE ?3 IS NOT NULL"
        ))?
        .query_row(
            rusqlite::params![whole, ENOUGH_WHOLE_WORD_MATCHES, whole],
            |r| r.get(0),
        )?;
    let prefix = whole_matches < ENOUGH_WHOLE_WORD_MATCHES;
    let q = if prefix {
        fts_query(&request.query, true).unwrap_or(whole)
    } else {
        whole
    };
    let window = (page.sql_offset() + page.sql_limit()).max(CANDIDATES);
    let ranked: Vec<(usize, i64, u8)> = conn
        .prepare_cached(&format!(
            "SELECT k, rowid, tier FROM ({union}) WHERE ?3 IS NOT NULL ORDER BY tier, k, rowid DESC LIMIT ?4 OFFSET ?5"
        ))?
        .query_map(rusqlite::params![q, window, q, page.sql_limit(), page.sql_offset()], |r| {
            Ok((r.get::<_, i64>(0)? as usize, r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    let terms = words(&request.query).concat();
    let mut hits = Vec::with_capacity(ranked.len());
    for (k, rowid, tier) in ranked {
        let kind = &KINDS[k];
        let (id, title, subtitle, text): (String, String, String, String) =
            conn.prepare_cached(kind.display)?.query_row([rowid], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        hits.push(SearchHit {
            kind: kind.kind,
            id,
            title,
            subtitle,
            snippet: highlight(&text, &terms, prefix),
            tier,
        });
    }
    Ok(Page::from_rows(hits, page))
}

/// Folds the accents Italian text uses, as the index's `remove_diacritics` does.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

/// A short extract of `text` around the first hit, hits between `[` and `]`. Done here rather than
/// with FTS5's `snippet()`, which re-reads the whole doclist of a common word for every row.
pub fn highlight(text: &str, terms: &[String], prefix: bool) -> String {
    const CONTEXT_WORDS: usize = 12;
    let matches = |word: &str| {
        let folded: String = word
            .chars()
            .flat_map(char::to_lowercase)
            .map(fold)
            .collect();
        terms.iter().any(|t| {
            let t: String = t.chars().map(fold).collect();
            folded == t
                || (prefix && folded.starts_with(&t))
                || (t.len() > 4 && folded.replace(['-', '.'], "") == t)
        })
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let hit = |w: &str| {
        w.split(|c: char| !c.is_alphanumeric())
            .any(|part| !part.is_empty() && matches(part))
            || matches(w)
    };
    let first = words.iter().position(|w| hit(w)).unwrap_or(0);
    let from = first.saturating_sub(CONTEXT_WORDS / 3);
    let to = (from + CONTEXT_WORDS).min(words.len());
    let mut out: Vec<String> = words[from..to]
        .iter()
        .map(|w| {
            if hit(w) {
                format!("[{w}]")
            } else {
                (*w).to_owned()
            }
        })
        .collect();
    if from > 0 {
        out.insert(0, "…".into());
    }
    if to < words.len() {
        out.push("…".into());
    }
    out.join(" ")
}

/// The same search done the slow way, as an app without a full-text index would: every word must
/// appear (`LIKE '%word%'`) in one of the same columns; all matches are collected (what a list
/// needs to be sorted or counted). `limit` stops at the first matches instead (`None`: all).
/// The benchmark's baseline.
pub fn search_by_like_scan(
    store: &Store,
    query: &str,
    limit: Option<i64>,
) -> Result<Vec<(SearchKind, String)>> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(|w| format!("%{}%", crate::clients::escape_like(w)))
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let clause = |cols: &[&str]| -> String {
        (1..=words.len())
            .map(|i| {
                format!(
                    "({})",
                    cols.iter()
                        .map(|c| format!("{c} LIKE ?{i} ESCAPE '\\'"))
                        .collect::<Vec<_>>()
                        .join(" OR ")
                )
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let sql = format!(
        "SELECT 'client', id FROM clients WHERE {}
         UNION ALL SELECT 'ticket', id FROM tickets WHERE {}
         UNION ALL SELECT 'intervention', id FROM interventions WHERE {}
         LIMIT {}",
        clause(&[
            "name",
            "vat_number",
            "fiscal_code",
            "city",
            "email",
            "notes"
        ]),
        clause(&["number", "title", "description", "category"]),
        clause(&["work_done", "outcome_reason"]),
        limit.unwrap_or(-1)
    );
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(words.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(k, id)| Ok((k.parse()?, id)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_hits_ignoring_case_and_accents() {
        let t = highlight(
            "Verificata la CITTÀ e il firewall della sede",
            &["citta".into(), "fire".into()],
            true,
        );
        assert_eq!(t, "Verificata la [CITTÀ] e il [firewall] della sede");
        let t = highlight(
            "Verificata la CITTÀ e il firewall della sede",
            &["fire".into()],
            false,
        );
        assert!(!t.contains('['), "no prefix match without prefix: {t}");
        let long = (0..40)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ")
            + " rete";
        assert!(highlight(&long, &["rete".into()], false).starts_with("… "));
    }

    #[test]
    fn user_text_becomes_safe_phrases() {
        assert_eq!(fts_query("rossi", false).as_deref(), Some("\"rossi\""));
        assert_eq!(fts_query("rossi", true).as_deref(), Some("\"rossi\"*"));
        assert_eq!(
            fts_query("Server  Città", true).as_deref(),
            Some("\"server\" \"città\"*")
        );
        assert_eq!(
            fts_query("T-2026-MR-0017", true).as_deref(),
            Some("\"t2026mr0017\"*")
        );
        assert_eq!(
            fts_query("t-2026-mr2-00", true).as_deref(),
            Some("\"t2026mr200\"*")
        );
        assert_eq!(
            fts_query("Wi-Fi lento", true).as_deref(),
            Some("\"wi fi\" \"lento\"*")
        );
        // FTS5 syntax in user input is neutralised.
        assert_eq!(
            fts_query("\"a\" OR NEAR(b)", true).as_deref(),
            Some("\"a\" \"or\" \"near b\"*")
        );
        assert_eq!(fts_query("  -- ** ", true), None);
    }
}
