//! What every listing and every answer shares: page requests, paged lists, freshness.

use serde::{Deserialize, Serialize};

use crate::cursor::{self, Cursor};
use crate::error::{CatalogueError, Result};

pub const DEFAULT_PER_PAGE: u32 = 10;
pub const MAX_PER_PAGE: u32 = 100;

/// A page request: the `next_cursor` of the previous page (none for the first) and the
/// page size (default 10, at most 100).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub cursor: Option<String>,
    pub per_page: Option<u32>,
}

impl Page {
    pub fn first(per_page: u32) -> Self {
        Page {
            cursor: None,
            per_page: Some(per_page),
        }
    }

    pub fn after(cursor: impl Into<String>, per_page: Option<u32>) -> Self {
        Page {
            cursor: Some(cursor.into()),
            per_page,
        }
    }

    pub(crate) fn size(&self) -> Result<u32> {
        match self.per_page {
            None => Ok(DEFAULT_PER_PAGE),
            Some(n @ 1..=MAX_PER_PAGE) => Ok(n),
            Some(_) => Err(CatalogueError::bad(format!(
                "per_page must be between 1 and {MAX_PER_PAGE}."
            ))),
        }
    }
}

/// One page of a list. `next_cursor` is absent on the last page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub per_page: u32,
    pub next_cursor: Option<String>,
}

/// A page over rows ordered by one code (RTO code, component code, course code): its
/// size, the fingerprint its cursors carry, and the code to continue after.
#[derive(Debug, Clone)]
pub(crate) struct Keyed {
    pub per_page: u32,
    pub fingerprint: u32,
    /// Empty for the first page (every code sorts after it).
    pub after: String,
}

impl Keyed {
    /// Checks the page size and that the cursor, if any, was made by this listing.
    pub fn open(page: &Page, fingerprint: u32) -> Result<Self> {
        let per_page = page.size()?;
        let after = match cursor::check(page.cursor.as_deref(), fingerprint)? {
            Some(Cursor::Key { code, .. }) => code,
            Some(Cursor::Search { .. }) => return Err(cursor::foreign()),
            None => String::new(),
        };
        Ok(Keyed {
            per_page,
            fingerprint,
            after,
        })
    }

    /// The LIMIT to bind: one row more than the page tells whether another follows.
    pub fn limit(&self) -> i64 {
        i64::from(self.per_page) + 1
    }

    /// The page of `rows` (read with [`Keyed::limit`]), each mapped, with the cursor
    /// after the last one when more follow.
    pub fn finish<R, T>(
        &self,
        rows: Vec<R>,
        map: impl FnMut(R) -> T,
        key: impl Fn(&T) -> &str,
    ) -> Paged<T> {
        let more = rows.len() > self.per_page as usize;
        let items: Vec<T> = rows
            .into_iter()
            .take(self.per_page as usize)
            .map(map)
            .collect();
        let next_cursor = more.then(|| items.last()).flatten().map(|last| {
            Cursor::Key {
                fingerprint: self.fingerprint,
                code: key(last).to_owned(),
            }
            .encode()
        });
        Paged {
            items,
            per_page: self.per_page,
            next_cursor,
        }
    }
}

/// The source registers an answer draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Source {
    #[serde(rename = "training.gov.au")]
    Tga,
    #[serde(rename = "CRICOS (data.gov.au)")]
    Cricos,
}

/// How fresh an answer is: when the rows it used were last synced from upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freshness {
    /// The oldest sync time among the rows used (ISO 8601, `…Z`): everything in the answer
    /// was read from its register at or after this instant. Absent when no row was used.
    pub synced_at: Option<String>,
    /// The same per source register.
    pub sources: Vec<SourceFreshness>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFreshness {
    pub source: Source,
    pub synced_at: String,
}

/// Collects the sync times of the rows an answer uses.
#[derive(Debug, Default)]
pub(crate) struct Fresh {
    oldest: Vec<(Source, String)>,
}

impl Fresh {
    pub fn see(&mut self, source: Source, synced_at: Option<&str>) {
        let Some(t) = synced_at else { return };
        match self.oldest.iter_mut().find(|(s, _)| *s == source) {
            Some((_, old)) if t < old.as_str() => *old = t.to_owned(),
            Some(_) => {}
            None => self.oldest.push((source, t.to_owned())),
        }
    }

    pub fn tga(&mut self, synced_at: Option<&str>) {
        self.see(Source::Tga, synced_at);
    }

    pub fn cricos(&mut self, synced_at: Option<&str>) {
        self.see(Source::Cricos, synced_at);
    }

    pub fn finish(mut self) -> Freshness {
        self.oldest.sort();
        Freshness {
            synced_at: self.oldest.iter().map(|(_, t)| t.clone()).min(),
            sources: self
                .oldest
                .into_iter()
                .map(|(source, synced_at)| SourceFreshness { source, synced_at })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_default_to_ten_and_stop_at_a_hundred() {
        assert_eq!(Page::default().size().unwrap(), 10);
        assert_eq!(Page::first(100).size().unwrap(), 100);
        assert!(Page::first(0).size().unwrap_err().is_bad_input());
        assert!(Page::first(101).size().unwrap_err().is_bad_input());
    }

    #[test]
    fn freshness_is_the_oldest_row_per_source_and_overall() {
        let mut f = Fresh::default();
        f.tga(Some("2026-11-21T16:00:00Z"));
        f.tga(Some("2026-11-14T16:00:00Z"));
        f.cricos(Some("2026-11-01T18:00:00Z"));
        f.cricos(None);
        let out = f.finish();
        assert_eq!(out.synced_at.as_deref(), Some("2026-11-01T18:00:00Z"));
        assert_eq!(out.sources[0].synced_at, "2026-11-14T16:00:00Z");
        assert_eq!(out.sources[1].source, Source::Cricos);
        assert_eq!(Fresh::default().finish().synced_at, None);
    }
}
