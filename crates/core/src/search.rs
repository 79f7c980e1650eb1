//! Full-text search (SQLite FTS5) across clients, tickets and interventions, ranked by bm25, paged.
//!
//! User input is never passed to FTS5 as syntax: it is split into words, each word becomes a quoted
//! phrase of its tokens (so `T-2026-MR-0017` matches the ticket number) and the last word is a
//! prefix (search as you type).

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
    /// bm25 score: lower is better.
    pub rank: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SearchRequest {
    pub query: String,
    /// Limit to these kinds (default: all).
    #[ts(optional)]
    pub kinds: Option<Vec<SearchKind>>,
}

/// Turns free text into a safe FTS5 query; `None` when there is nothing to search for.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split_whitespace()
        .filter_map(|w| {
            let tokens: Vec<String> = w
                .split(|c: char| !c.is_alphanumeric())
                .filter(|t| !t.is_empty())
                .map(str::to_lowercase)
                .collect();
            if looks_like_number(&tokens) {
                // A (partly typed) ticket number matches the one-token form of the number.
                return Some(tokens.concat());
            }
            (!tokens.is_empty()).then(|| tokens.join(" "))
        })
        .collect();
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Matches scored per kind (the newest ones) when a word is common.
pub const CANDIDATES: i64 = 400;

/// `T-2026-MR-0017`, `t-2026-mr`, `RI-2026-MR2-3`: a short prefix, then a year.
fn looks_like_number(tokens: &[String]) -> bool {
    tokens.len() >= 2
        && (1..=2).contains(&tokens[0].len())
        && tokens[0].chars().all(|c| c.is_ascii_alphabetic())
        && tokens[1].len() == 4
        && tokens[1].chars().all(|c| c.is_ascii_digit())
}

struct KindSql {
    kind: SearchKind,
    fts: &'static str,
    /// Display columns for one row, by `rid = ?1`.
    display: &'static str,
    snippet_column: i32,
}

const KINDS: [KindSql; 3] = [
    KindSql {
        kind: SearchKind::Client,
        fts: "clients_fts",
        display: "SELECT id, name, trim(coalesce(city, '') || ' ' || coalesce(vat_number, '')) FROM clients WHERE rid = ?1",
        snippet_column: -1,
    },
    KindSql {
        kind: SearchKind::Ticket,
        fts: "tickets_fts",
        display: "SELECT t.id, t.number || ' · ' || t.title, c.name || ' · ' || t.status
                  FROM tickets t JOIN clients c ON c.id = t.client_id WHERE t.rid = ?1",
        snippet_column: -1,
    },
    KindSql {
        kind: SearchKind::Intervention,
        fts: "interventions_fts",
        display: "SELECT i.id, t.number || ' · ' || c.name, substr(i.created_at, 1, 10) || ' · ' || i.mode
                  FROM interventions i JOIN tickets t ON t.id = i.ticket_id JOIN clients c ON c.id = i.client_id
                  WHERE i.rid = ?1",
        snippet_column: 0,
    },
];

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
    let Some(q) = fts_query(&request.query) else {
        return Ok(Page::from_rows(Vec::new(), page));
    };
    let wanted = |k: SearchKind| {
        request
            .kinds
            .as_ref()
            .is_none_or(|ks| ks.is_empty() || ks.contains(&k))
    };
    let kinds: Vec<&KindSql> = KINDS.iter().filter(|k| wanted(k.kind)).collect();
    // Bounded work whatever the database size: each index takes its newest matches (rowid order
    // needs no scoring), scores only those with bm25, and the merge keeps the page. Rows are joined
    // to their tables only for the page. A rare word is ranked among all its matches; a common one
    // among its most recent CANDIDATES per kind — what a helpdesk search wants first.
    let window = (page.sql_offset() + page.sql_limit()).max(CANDIDATES);
    let union: Vec<String> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| {
            format!(
                "SELECT {i} AS k, rowid, rank FROM (SELECT rowid, rank FROM {fts} WHERE {fts} MATCH ?1 ORDER BY rowid DESC LIMIT ?2)",
                fts = k.fts
            )
        })
        .collect();
    let sql = format!(
        "{} ORDER BY rank, k, rowid DESC LIMIT ?3 OFFSET ?4",
        union.join(" UNION ALL ")
    );
    let conn = store.conn();
    let ranked: Vec<(usize, i64, f64)> = conn
        .prepare_cached(&sql)?
        .query_map(
            rusqlite::params![q, window, page.sql_limit(), page.sql_offset()],
            |r| Ok((r.get::<_, i64>(0)? as usize, r.get(1)?, r.get(2)?)),
        )?
        .collect::<Result<_, _>>()?;
    let mut hits = Vec::with_capacity(ranked.len());
    for (k, rowid, rank) in ranked {
        let kind = kinds[k];
        let (id, title, subtitle): (String, String, String) = conn
            .prepare_cached(kind.display)?
            .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let snippet: String = conn
            .prepare_cached(&format!(
                "SELECT snippet({fts}, {col}, '[', ']', '…', 12) FROM {fts} WHERE {fts} MATCH ?1 AND rowid = ?2",
                fts = kind.fts,
                col = kind.snippet_column
            ))?
            .query_row(rusqlite::params![q, rowid], |r| r.get(0))?;
        hits.push(SearchHit {
            kind: kind.kind,
            id,
            title,
            subtitle,
            snippet,
            rank,
        });
    }
    Ok(Page::from_rows(hits, page))
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
    fn user_text_becomes_safe_phrases() {
        assert_eq!(fts_query("rossi").as_deref(), Some("\"rossi\"*"));
        assert_eq!(
            fts_query("Server  Città").as_deref(),
            Some("\"server\" \"città\"*")
        );
        assert_eq!(
            fts_query("T-2026-MR-0017").as_deref(),
            Some("\"t2026mr0017\"*")
        );
        assert_eq!(
            fts_query("t-2026-mr2-00").as_deref(),
            Some("\"t2026mr200\"*")
        );
        assert_eq!(
            fts_query("Wi-Fi lento").as_deref(),
            Some("\"wi fi\" \"lento\"*")
        );
        // FTS5 syntax in user input is neutralised.
        assert_eq!(
            fts_query("\"a\" OR NEAR(b)").as_deref(),
            Some("\"a\" \"or\" \"near b\"*")
        );
        assert_eq!(fts_query("  -- ** "), None);
    }
}
