//! A search for part of an order's link or username, narrowed by the
//! trigram index (cache migration 0011) instead of reading every order.
//!
//! The index holds no positions, so it answers which orders hold each of
//! the search's trigrams somewhere: a superset of the matches (the index
//! folds case as LIKE does for ASCII, and more). The search's own LIKE
//! then decides, over those orders only, so the answer is the scan's.

use crate::db::{self, CacheConn, ReadConn};
use crate::Result;

/// More candidates than this and the search reads the orders instead: a
/// common fragment ("https") would otherwise look most of them up one by
/// one, slower than the scan.
const MOST: usize = 50_000;

/// The ids of the orders (of any panel) that may hold `text`, or `None`
/// when the index cannot narrow it: fewer than 3 characters, too common,
/// or not whole yet (a first backfill's index is filled by the sync pass
/// after it: `store::end_backfill`).
pub(super) fn candidates(cache: &ReadConn, text: &str) -> Result<Option<Vec<i64>>> {
    let Some(query) = trigrams_query(text) else {
        return Ok(None);
    };
    if !db::search_index_whole(cache)? {
        return Ok(None);
    }
    let mut st = cache
        .prepare_cached("SELECT rowid FROM orders_text WHERE orders_text MATCH ?1 LIMIT ?2")
        .map_err(CacheConn::err)?;
    let rows = st
        .query_map(rusqlite::params![query, MOST as i64 + 1], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(CacheConn::err)?;
    let mut ids = rows
        .map(|r| r.map(|key| key & ((1 << 40) - 1)))
        .collect::<rusqlite::Result<Vec<i64>>>()
        .map_err(CacheConn::err)?;
    if ids.len() > MOST {
        return Ok(None);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids))
}

/// `text`'s trigrams, each a quoted FTS5 string, all required:
/// `"abc" AND "bcd"`. `None` under 3 characters.
fn trigrams_query(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 3 {
        return None;
    }
    let mut seen: Vec<String> = Vec::new();
    for w in chars.windows(3) {
        let t: String = w.iter().collect();
        if !seen.contains(&t) {
            seen.push(t);
        }
    }
    Some(
        seen.iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND "),
    )
}

#[cfg(test)]
mod tests {
    use super::trigrams_query;

    #[test]
    fn a_search_becomes_its_distinct_trigrams_quoted() {
        assert_eq!(trigrams_query("ab"), None);
        assert_eq!(trigrams_query("abc").unwrap(), r#""abc""#);
        assert_eq!(
            trigrams_query("aaaa\"b").unwrap(),
            r#""aaa" AND "aa""" AND "a""b""#
        );
        assert_eq!(trigrams_query("çöğü").unwrap(), r#""çöğ" AND "öğü""#);
    }
}
