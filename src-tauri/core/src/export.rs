//! CSV exports of the cache (RFC 4180, snake_case headers, unix seconds,
//! money as decimal numbers), streamed from SQL.

use std::io::Write;

use rusqlite::types::{Value, ValueRef};

use crate::db::CacheConn;
use crate::{model::format_micros, model::Resource, Error, Result};

/// Columns and how each is written: plain, or money (micro-units as a decimal).
fn columns(resource: Resource) -> &'static [(&'static str, &'static str, bool)] {
    // (header, SQL expression, is money)
    match resource {
        Resource::Orders => &[
            ("id", "o.id", false),
            ("user", "o.user", false),
            ("charge", "o.charge", true),
            ("link", "o.link", false),
            ("start_count", "o.start_count", false),
            ("quantity", "o.quantity", false),
            ("service_id", "o.service_id", false),
            ("service_name", "o.service_name", false),
            ("status", "o.status", false),
            ("remains", "o.remains", false),
            ("created_timestamp", "o.created", false),
            ("last_update_timestamp", "o.last_update", false),
            ("finished_at", "o.finished_at", false),
            ("mode", "o.mode", false),
            ("provider", "o.provider", false),
            ("external_id", "o.external_id", false),
        ],
        Resource::Users => &[
            ("id", "o.id", false),
            ("username", "o.username", false),
            ("email", "o.email", false),
            ("balance", "o.balance", true),
            ("spent", "o.spent", true),
            ("status", "o.status", false),
            ("created_timestamp", "o.created", false),
            ("last_auth_timestamp", "o.last_auth", false),
            ("discount", "o.discount", false),
        ],
        Resource::Payments => &[
            ("id", "o.id", false),
            ("user", "o.user", false),
            ("balance", "o.balance", true),
            ("amount", "o.amount", true),
            ("method", "o.method", false),
            ("status", "o.status", false),
            ("fraud_risk", "o.fraud_risk", false),
            ("memo", "o.memo", false),
            ("created_timestamp", "o.created", false),
            ("updated_timestamp", "o.updated", false),
            ("mode", "o.mode", false),
        ],
        Resource::Tickets => &[
            ("id", "o.id", false),
            ("user", "o.username", false),
            ("subject", "o.subject", false),
            ("status", "o.status", false),
            ("assignee", "o.assignee", false),
            ("created_timestamp", "o.created", false),
            ("last_update_timestamp", "o.last_update", false),
        ],
        Resource::Services => &[
            ("id", "o.id", false),
            ("name", "o.name", false),
            ("type", "o.kind", false),
            ("rate", "o.rate", true),
            ("min", "o.min", false),
            ("max", "o.max", false),
            ("category", "o.category", false),
        ],
    }
}

/// How text cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvStyle {
    /// RFC 4180 as the data says (the CLI's default: for programs).
    #[default]
    Raw,
    /// For spreadsheets (the app's exports): a text cell a spreadsheet would
    /// run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return) gets a leading `'` (OWASP's CSV injection advice).
    /// Numbers, negative ones too, stay numbers.
    SpreadsheetSafe,
}

/// One cell as `style` writes it.
pub fn cell(text: &str, style: CsvStyle) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if style == CsvStyle::SpreadsheetSafe && risky && text.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Writes one record, each cell as `style` says.
pub fn write_row<W: Write, S: AsRef<str>>(
    w: &mut ::csv::Writer<W>,
    style: CsvStyle,
    fields: impl IntoIterator<Item = S>,
) -> ::csv::Result<()> {
    w.write_record(
        fields
            .into_iter()
            .map(|f| cell(f.as_ref(), style).into_owned()),
    )
}

/// Writes every cached row of `resource` (of one panel, or all) as CSV,
/// with the panel's name first. `panels` maps panel ids to names.
pub fn csv(
    cache: &CacheConn,
    panels: &[(i64, String)],
    resource: Resource,
    only_panel: Option<i64>,
    style: CsvStyle,
    out: impl Write,
) -> Result<u64> {
    csv_where(
        cache,
        panels,
        resource,
        only_panel,
        RowFilter::default(),
        style,
        out,
    )
}

/// Rows an export keeps: SQL conditions, each starting with " AND ", over
/// the table's own columns, with `?` parameters (none: every row).
#[derive(Debug, Default)]
pub struct RowFilter<'a> {
    pub sql: &'a str,
    pub params: Vec<Value>,
}

/// As [`csv`], for the rows matching `filter` too.
pub fn csv_where(
    cache: &CacheConn,
    panels: &[(i64, String)],
    resource: Resource,
    only_panel: Option<i64>,
    filter: RowFilter<'_>,
    style: CsvStyle,
    out: impl Write,
) -> Result<u64> {
    let cols = columns(resource);
    let select: Vec<&str> = cols.iter().map(|c| c.1).collect();
    let sql_text = format!(
        "SELECT o.panel_id, {} FROM {} o WHERE (?1 IS NULL OR o.panel_id = ?1){} ORDER BY o.panel_id, o.id",
        select.join(", "),
        resource.as_str(),
        filter.sql
    );
    let mut params = vec![only_panel.map_or(Value::Null, Value::Integer)];
    params.extend(filter.params);
    let mut w = ::csv::Writer::from_writer(out);
    let write_err = |e: ::csv::Error| match e.into_kind() {
        ::csv::ErrorKind::Io(io) => Error::io("writing CSV", io),
        other => Error::io("writing CSV", std::io::Error::other(format!("{other:?}"))),
    };
    let mut header = vec!["panel"];
    header.extend(cols.iter().map(|c| c.0));
    w.write_record(&header).map_err(write_err)?;
    let mut st = cache.prepare(&sql_text).map_err(CacheConn::err)?;
    let mut rows = st
        .query(rusqlite::params_from_iter(params))
        .map_err(CacheConn::err)?;
    let mut n = 0;
    let mut record: Vec<String> = Vec::with_capacity(cols.len() + 1);
    while let Some(r) = rows.next().map_err(CacheConn::err)? {
        record.clear();
        let panel_id: i64 = r.get(0).map_err(CacheConn::err)?;
        record.push(
            panels
                .iter()
                .find(|p| p.0 == panel_id)
                .map(|p| p.1.clone())
                .unwrap_or_else(|| panel_id.to_string()),
        );
        for (i, (_, _, money)) in cols.iter().enumerate() {
            record.push(match r.get_ref(i + 1).map_err(CacheConn::err)? {
                ValueRef::Null => String::new(),
                ValueRef::Integer(v) if *money => format_micros(v),
                ValueRef::Integer(v) => v.to_string(),
                ValueRef::Real(v) => v.to_string(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                ValueRef::Blob(_) => String::new(),
            });
        }
        write_row(&mut w, style, &record).map_err(write_err)?;
        n += 1;
    }
    w.flush().map_err(|e| Error::io("writing CSV", e))?;
    Ok(n)
}

/// A new, dated file for an export of `table` (`.extension`): in PANELDESK_EXPORT_DIR when
/// set, else the Downloads folder (else the home folder). Never overwrites.
pub fn new_file(table: &str, extension: &str) -> Result<std::path::PathBuf> {
    let dir = std::env::var_os("PANELDESK_EXPORT_DIR")
        .map(std::path::PathBuf::from)
        .or_else(dirs::download_dir)
        .or_else(dirs::home_dir)
        .ok_or_else(|| {
            Error::io(
                "finding the Downloads folder",
                std::io::Error::other("there is neither a Downloads nor a home folder"),
            )
        })?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let stamp = chrono::Local::now().format("%Y-%m-%d-%H%M%S");
    (0..)
        .map(|n| match n {
            0 => dir.join(format!("paneldesk-{table}-{stamp}.{extension}")),
            n => dir.join(format!("paneldesk-{table}-{stamp}-{n}.{extension}")),
        })
        .find(|p| !p.exists())
        .ok_or_else(|| Error::io("naming the export", std::io::Error::other("no free name")))
}

#[cfg(test)]
mod spreadsheet_tests {
    use super::*;

    fn csv_of(rows: &[&[&str]], style: CsvStyle) -> String {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        for r in rows {
            write_row(&mut w, style, r.iter()).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn formulas_are_neutralised_for_spreadsheets_and_numbers_stay_numbers() {
        let row: &[&str] = &[
            "=HYPERLINK(\"http://evil.example\",\"refund\")",
            "+1+cmd|' /C calc'!A0",
            "@SUM(A1:A9)",
            "\tindent",
            "-5.00",
            "+3",
            "-",
            "plain user",
        ];
        assert_eq!(
            csv_of(&[row], CsvStyle::SpreadsheetSafe),
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"refund\"\")\",'+1+cmd|' /C calc'!A0,'@SUM(A1:A9),'\tindent,-5.00,+3,'-,plain user\n"
        );
        assert_eq!(
            csv_of(&[row], CsvStyle::Raw),
            "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"refund\"\")\",+1+cmd|' /C calc'!A0,@SUM(A1:A9),\tindent,-5.00,+3,-,plain user\n",
            "the CLI's default is the data as it is"
        );
    }
}
