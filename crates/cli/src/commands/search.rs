use clap::Args;
use rapportino_core::search::{self, SearchKind, SearchRequest};
use rapportino_core::store::read_change_log;
use rapportino_core::{Result, Store};

use super::Paging;
use crate::output::{cell, more, Out};

#[derive(Args)]
pub struct SearchArgs {
    /// Words to look for (the last one may be a prefix).
    query: String,
    /// Only these kinds (client, ticket, intervention); repeatable.
    #[arg(long = "kind")]
    kinds: Vec<SearchKind>,
    #[command(flatten)]
    paging: Paging,
}

pub fn search(store: &mut Store, out: Out, a: SearchArgs) -> Result<()> {
    let request = SearchRequest {
        query: a.query,
        kinds: (!a.kinds.is_empty()).then_some(a.kinds),
    };
    let page = search::search(store, &request, &a.paging.into())?;
    out.emit(&page, |p| {
        if p.items.is_empty() {
            return "nessun risultato".into();
        }
        let mut s: Vec<String> = p
            .items
            .iter()
            .map(|h| {
                format!(
                    "{:12} {} — {}\n             {}\n             {}",
                    h.kind.as_str(),
                    cell(&h.title, 60),
                    h.subtitle,
                    h.snippet,
                    h.id
                )
            })
            .collect();
        s.push(more(p.has_more, p.offset, p.limit));
        s.join("\n")
    });
    Ok(())
}

#[derive(Args)]
pub struct ChangesArgs {
    /// Show records after this sequence number.
    #[arg(long, default_value_t = 0)]
    after: i64,
    #[arg(long, default_value_t = 50)]
    limit: i64,
}

pub fn changes(store: &mut Store, out: Out, a: ChangesArgs) -> Result<()> {
    let records = read_change_log(store.conn(), a.after, a.limit.clamp(1, 10_000))?;
    out.emit(&records, |r| {
        r.iter()
            .map(|c| {
                format!(
                    "{:6} {} {:7} {:13} {} {}",
                    c.seq, c.recorded_at, c.op, c.entity, c.entity_id, c.fields
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
