//! Browsing the cache: the tables, detail panes, dashboard and command
//! palette of the console, all read from SQL and never loaded whole. Every
//! function takes the cache with local.sqlite3 attached (`reports::open`,
//! `db::Readers`): panels and notes live there.
//!
//! Lists are keyset-paged: a page ends with a cursor (the last row's sort
//! key, panel and id) and the next page starts strictly after it, so paging
//! costs the same at row 10 and at row 900,000 and rows arriving meanwhile
//! never shift a page. Each panel is queried on its own, where the
//! `(panel_id, ...)` indexes answer in order, and the panels' pages are
//! merged: panels are few, rows are many.

mod dashboard;
mod detail;
mod filters;
mod search;
mod text_index;
mod ticket;

use std::cmp::Ordering;

use rusqlite::{types::Value, Row};
use serde::{Deserialize, Serialize};

pub use dashboard::{
    critical_services, dashboard, last_synced, sync_status, CriticalService, Dashboard,
    PanelTotals, ResourceStatus,
};
pub use detail::{
    add_note, delete_note, notes, order_detail, payment_detail, user_detail, Note, OrderDetail,
    PaymentDetail, TicketMention, UserDetail,
};
pub use filters::{
    facets, sortable_columns, Facets, OrderFilter, OrderRow, PaymentFilter, PaymentRow,
    ServiceFilter, ServiceOption, ServiceRow, SortableColumns, TicketFilter, TicketRow, UserFilter,
    UserRow,
};
pub use search::{search, SearchHit, SearchKind};
pub use ticket::{ticket_counts, ticket_view, MessageView, QuotedOrder, TicketCounts, TicketView};

use crate::db::{CacheConn, ReadConn};
use crate::{model::Resource, Result};

/// Rows a page holds at most.
pub const MAX_PAGE_ROWS: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SortDir {
    Asc,
    #[default]
    Desc,
}

/// A column to sort by (one the table allows) and its direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Sort {
    pub column: String,
    pub dir: SortDir,
}

/// A row's sort value: every sortable column is an integer or a text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum SortKey {
    Int(i64),
    Text(String),
}

/// Where a page ended: the next page starts strictly after this row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Cursor {
    pub key: SortKey,
    pub panel_id: i64,
    pub id: i64,
}

impl Cursor {
    fn cmp_rows(&self, other: &Cursor) -> Ordering {
        (&self.key, self.panel_id, self.id).cmp(&(&other.key, other.panel_id, other.id))
    }
}

/// A page of rows and the cursor to ask for the next one (None: the end).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub next: Option<Cursor>,
    /// The first row's cursor: asked with the sort reversed, it pages the
    /// rows before this page (a table scrolled far keeps only a window).
    pub first: Option<Cursor>,
}

/// What a list asks: its sort, where the previous page ended, how many rows.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PageRequest {
    pub sort: Option<Sort>,
    pub after: Option<Cursor>,
    pub limit: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum BrowseError {
    #[error("the {table} table cannot be sorted by {column:?}")]
    BadSort { table: &'static str, column: String },
    #[error("the cursor does not fit a sort by {column:?}")]
    BadCursor { column: String },
    #[error("a note cannot be empty")]
    EmptyNote,
    #[error("there is no {what} #{id} in the cache")]
    NotFound { what: &'static str, id: i64 },
}

#[derive(Clone, Copy)]
enum KeyKind {
    Int,
    Text,
}

/// A sortable column: its name in the UI and the SQL expression sorted by.
/// Nullable columns are sorted through `coalesce`, so every row has a key.
struct SortColumn {
    name: &'static str,
    expr: &'static str,
    kind: KeyKind,
}

/// A table as the keyset engine sees it (its fields are this module's).
pub struct Table<T> {
    name: &'static str,
    resource: Resource,
    /// The selected columns, read by `row`.
    select: &'static str,
    row: fn(&Row) -> rusqlite::Result<T>,
    sorts: &'static [SortColumn],
}

impl<T> Table<T> {
    /// The names of the columns it sorts by, as the UI knows them.
    fn sort_names(&self) -> Vec<&'static str> {
        self.sorts.iter().map(|s| s.name).collect()
    }
}

/// A table's filter: each one says its table, its panel and its SQL
/// conditions; the list, the count and the CSV follow from them.
pub trait Filter {
    type Row: 'static;
    const TABLE: &'static Table<Self::Row>;

    /// One panel, or every configured one.
    fn panel(&self) -> Option<i64>;

    /// The filter as SQL conditions over the table's own columns.
    fn conditions(&self, cache: &ReadConn) -> Result<Where>;

    /// One keyset page of the matching rows.
    fn list(&self, cache: &ReadConn, req: &PageRequest) -> Result<Page<Self::Row>> {
        let panels = panel_ids(cache, self.panel())?;
        page(cache, Self::TABLE, &panels, &self.conditions(cache)?, req)
    }

    /// How many rows match.
    fn count(&self, cache: &ReadConn) -> Result<u64> {
        let w = self.conditions(cache)?;
        count(cache, Self::TABLE, &panel_ids(cache, self.panel())?, &w)
    }

    /// The matching rows as CSV (the columns of `export`); `panels` names the panels.
    fn export_csv(
        &self,
        cache: &ReadConn,
        panels: &[(i64, String)],
        out: impl std::io::Write,
    ) -> Result<u64> {
        let w = self.conditions(cache)?;
        crate::export::csv_where(
            cache,
            panels,
            Self::TABLE.resource,
            self.panel(),
            crate::export::RowFilter {
                sql: &w.sql(),
                params: w.params,
            },
            // The window's exports are opened in spreadsheets.
            crate::export::CsvStyle::SpreadsheetSafe,
            out,
        )
    }
}

/// The SQL conditions of a filter, with their parameters in order.
#[derive(Default)]
pub struct Where {
    clauses: Vec<String>,
    params: Vec<Value>,
    /// A substring search: every row is read, whatever the indexes.
    scans: bool,
}

impl Where {
    fn add(&mut self, clause: &str, params: impl IntoIterator<Item = Value>) {
        self.clauses.push(clause.to_owned());
        self.params.extend(params);
    }

    fn eq_text(&mut self, column: &str, value: &Option<String>) {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            self.add(&format!("{column} = ?"), [Value::Text(v.to_owned())]);
        }
    }

    fn eq_int(&mut self, column: &str, value: Option<i64>) {
        if let Some(v) = value {
            self.add(&format!("{column} = ?"), [Value::Integer(v)]);
        }
    }

    fn range(&mut self, column: &str, from: Option<i64>, to: Option<i64>) {
        if let Some(f) = from {
            self.add(&format!("{column} >= ?"), [Value::Integer(f)]);
        }
        if let Some(t) = to {
            self.add(&format!("{column} < ?"), [Value::Integer(t)]);
        }
    }

    /// Free text: a number is an id; anything else is a case-insensitive
    /// substring of the given text columns.
    fn text(&mut self, text: &Option<String>, columns: &[&str]) {
        let Some(t) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
            return;
        };
        if let Ok(id) = t.trim_start_matches('#').parse::<i64>() {
            self.add("id = ?", [Value::Integer(id)]);
            return;
        }
        let pattern = format!("%{}%", like_escape(t));
        let any = columns
            .iter()
            .map(|c| format!("{c} LIKE ? ESCAPE '\\'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        self.add(
            &format!("({any})"),
            columns.iter().map(|_| Value::Text(pattern.clone())),
        );
        self.scans = true;
    }

    /// Only these ids (a substring search narrowed by the trigram index):
    /// the rows are looked up by key instead of read in full.
    /// One parameter, a JSON array, whatever their number (SQLite takes at
    /// most 32,766 parameters).
    fn among_ids(&mut self, ids: &[i64]) {
        let list = serde_json::to_string(ids).expect("integers serialize");
        self.add(
            "id IN (SELECT value FROM json_each(?))",
            [Value::Text(list)],
        );
        self.scans = false;
    }

    fn sql(&self) -> String {
        self.clauses
            .iter()
            .map(|c| format!(" AND {c}"))
            .collect::<String>()
    }
}

pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The panels a filter covers: the one asked for, or every configured one.
fn panel_ids(conn: &ReadConn, only: Option<i64>) -> Result<Vec<i64>> {
    if let Some(p) = only {
        return Ok(vec![p]);
    }
    let mut st = conn
        .prepare_cached("SELECT id FROM local.panels ORDER BY id")
        .map_err(CacheConn::err)?;
    let ids = st
        .query_map([], |r| r.get(0))
        .map_err(CacheConn::err)?
        .collect::<rusqlite::Result<Vec<i64>>>()
        .map_err(CacheConn::err)?;
    Ok(ids)
}

fn sort_column<T>(table: &Table<T>, sort: &Sort) -> Result<&'static SortColumn> {
    table
        .sorts
        .iter()
        .find(|c| c.name == sort.column)
        .ok_or_else(|| {
            BrowseError::BadSort {
                table: table.name,
                column: sort.column.clone(),
            }
            .into()
        })
}

/// One keyset page of `table`, filtered by `w`, over the given panels.
fn page<T>(
    conn: &ReadConn,
    table: &Table<T>,
    panels: &[i64],
    w: &Where,
    req: &PageRequest,
) -> Result<Page<T>> {
    let sort = req.sort.clone().unwrap_or(Sort {
        column: "id".into(),
        dir: SortDir::Desc,
    });
    let col = sort_column(table, &sort)?;
    let limit = req.limit.unwrap_or(100).clamp(1, MAX_PAGE_ROWS) as usize;
    if let Some(c) = &req.after {
        let fits = matches!(
            (col.kind, &c.key),
            (KeyKind::Int, SortKey::Int(_)) | (KeyKind::Text, SortKey::Text(_))
        );
        if !fits {
            return Err(BrowseError::BadCursor {
                column: sort.column,
            }
            .into());
        }
    }
    let (op, dir) = match sort.dir {
        SortDir::Asc => (">", "ASC"),
        SortDir::Desc => ("<", "DESC"),
    };
    let mut found: Vec<(Cursor, T)> = Vec::new();
    for &panel in panels {
        let mut params: Vec<Value> = vec![Value::Integer(panel)];
        params.extend(w.params.iter().cloned());
        // Where this panel's rows resume, by the global order (key, panel, id).
        let resume = match &req.after {
            None => String::new(),
            Some(c) => {
                params.push(key_value(&c.key));
                let before_cursor_panel = match sort.dir {
                    SortDir::Desc => panel < c.panel_id,
                    SortDir::Asc => panel > c.panel_id,
                };
                if panel == c.panel_id {
                    // `key <= ? AND (key < ? OR id < ?)` rather than the row
                    // value `(key, id) < (?, ?)`, which SQLite does not turn
                    // into a range of an index on an expression (each page
                    // by charge walked the index from its top: 15 s deep down).
                    params.push(key_value(&c.key));
                    params.push(Value::Integer(c.id));
                    format!(
                        " AND {e} {op}= ? AND ({e} {op} ? OR id {op} ?)",
                        e = col.expr
                    )
                } else if before_cursor_panel {
                    format!(" AND {} {op}= ?", col.expr)
                } else {
                    format!(" AND {} {op} ?", col.expr)
                }
            }
        };
        // One row more than asked says whether a next page exists.
        params.push(Value::Integer(limit as i64 + 1));
        let q = format!(
            "SELECT {}, {} FROM {} WHERE panel_id = ?{}{} ORDER BY {} {dir}, id {dir} LIMIT ?",
            table.select,
            col.expr,
            table.name,
            w.sql(),
            resume,
            col.expr
        );
        let mut st = conn.prepare_cached(&q).map_err(CacheConn::err)?;
        let key_at = st.column_count() - 1;
        let mut rows = st
            .query(rusqlite::params_from_iter(params))
            .map_err(CacheConn::err)?;
        while let Some(r) = rows.next().map_err(CacheConn::err)? {
            let key = match col.kind {
                KeyKind::Int => SortKey::Int(r.get(key_at).map_err(CacheConn::err)?),
                KeyKind::Text => SortKey::Text(r.get(key_at).map_err(CacheConn::err)?),
            };
            let id: i64 = r.get("id").map_err(CacheConn::err)?;
            found.push((
                Cursor {
                    key,
                    panel_id: panel,
                    id,
                },
                (table.row)(r).map_err(CacheConn::err)?,
            ));
        }
    }
    found.sort_by(|a, b| match sort.dir {
        SortDir::Asc => a.0.cmp_rows(&b.0),
        SortDir::Desc => b.0.cmp_rows(&a.0),
    });
    // Every panel gave its `limit` + 1 best, so the first `limit` of the
    // merge are the global best, and any row past them is a next page.
    let more = found.len() > limit;
    found.truncate(limit);
    let next = if more {
        found.last().map(|(c, _)| c.clone())
    } else {
        None
    };
    Ok(Page {
        first: found.first().map(|(c, _)| c.clone()),
        rows: found.into_iter().map(|(_, row)| row).collect(),
        next,
    })
}

fn key_value(k: &SortKey) -> Value {
    match k {
        SortKey::Int(i) => Value::Integer(*i),
        SortKey::Text(t) => Value::Text(t.clone()),
    }
}

/// How many rows match the filter, over the same panels.
fn count<T>(conn: &ReadConn, table: &Table<T>, panels: &[i64], w: &Where) -> Result<u64> {
    let mut total = 0u64;
    for &panel in panels {
        let mut params: Vec<Value> = vec![Value::Integer(panel)];
        params.extend(w.params.iter().cloned());
        // A substring search reads every row: SQLite would walk the
        // smallest index on panel_id and look each row up (16 s over
        // 1,000,000 encrypted orders) instead of reading the table in order
        // (0.7 s); `+panel_id` keeps it off the indexes.
        let q = format!(
            "SELECT count(*) FROM {} WHERE {}panel_id = ?{}",
            table.name,
            if w.scans { "+" } else { "" },
            w.sql()
        );
        let n: i64 = conn
            .prepare_cached(&q)
            .and_then(|mut st| st.query_row(rusqlite::params_from_iter(params), |r| r.get(0)))
            .map_err(CacheConn::err)?;
        total += n as u64;
    }
    Ok(total)
}
