//! Every list is paginated: a request carries `limit`/`offset`, a page says whether more follow.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, TS)]
pub struct PageRequest {
    #[ts(optional)]
    pub limit: Option<u32>,
    #[ts(optional)]
    pub offset: Option<u32>,
}

impl PageRequest {
    pub fn new(limit: u32, offset: u32) -> Self {
        PageRequest {
            limit: Some(limit),
            offset: Some(offset),
        }
    }
    /// The limit, clamped to `1..=MAX_LIMIT`.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }
    pub fn offset(&self) -> u32 {
        self.offset.unwrap_or(0)
    }
    /// SQL `LIMIT` value: one more than asked, to learn whether another page exists.
    pub fn sql_limit(&self) -> i64 {
        i64::from(self.limit()) + 1
    }
    pub fn sql_offset(&self) -> i64 {
        i64::from(self.offset())
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub offset: u32,
    pub limit: u32,
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with [`PageRequest::sql_limit`].
    pub fn from_rows(mut rows: Vec<T>, req: &PageRequest) -> Self {
        let limit = req.limit();
        let has_more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        Page {
            items: rows,
            offset: req.offset(),
            limit,
            has_more,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            offset: self.offset,
            limit: self.limit,
            has_more: self.has_more,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_and_detects_more() {
        let req = PageRequest::new(2, 0);
        let p = Page::from_rows(vec![1, 2, 3], &req);
        assert_eq!(p.items, vec![1, 2]);
        assert!(p.has_more);
        assert_eq!(PageRequest::new(0, 0).limit(), 1);
        assert_eq!(PageRequest::new(10_000, 0).limit(), MAX_LIMIT);
    }
}
