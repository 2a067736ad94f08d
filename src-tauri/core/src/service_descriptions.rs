//! Service descriptions imported from a CSV or XLSX file (Services > Import
//! descriptions), kept in `local.sqlite3`: a services refresh replaces the
//! cached catalogue, so a description kept in the cache would be erased.
//!
//! The file needs a header row naming a service id column (`service_id`,
//! `service id`, `id` or `service`) and a `description` column; every other
//! column is ignored. Rows are upserted by (panel, service id). A preview
//! comes first: what is new, what changes, what is the same, and which ids
//! the panel's cached catalogue does not have.

use std::{collections::HashMap, io::Cursor};

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::{LocalConn, ReadConn},
    panels, Result,
};

/// A file as the operator chose it: its name (the extension says its
/// format) and its bytes. The window reads the file it is given, so no path
/// on this machine crosses the IPC.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl ImportFile {
    /// Reads a file from disk (the CLI, the tests).
    pub fn read(path: &std::path::Path) -> Result<ImportFile> {
        Ok(ImportFile {
            name: path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: std::fs::read(path)
                .map_err(|e| crate::Error::io(format!("reading {}", path.display()), e))?,
        })
    }
}

/// What a row of the file does to the descriptions kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RowChange {
    /// No description was kept for this service.
    New,
    /// The kept description differs and is overwritten.
    Updated,
    /// The same text is kept already.
    Unchanged,
    /// The panel's cached catalogue has no such service: left out unless asked.
    UnknownService,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportRow {
    /// The row in the file, counting the header as 1 (as a spreadsheet shows it).
    pub line: u32,
    pub service_id: i64,
    /// The cached service's name, when there is one.
    pub service_name: Option<String>,
    pub description: String,
    pub change: RowChange,
}

/// A row that could not be read: left out, and said why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BadRow {
    pub line: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportPreview {
    pub panel_id: i64,
    pub new: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub unknown: u32,
    /// The first rows, in file order.
    pub sample: Vec<ImportRow>,
    pub bad: Vec<BadRow>,
}

/// Rows a preview shows.
const SAMPLE_ROWS: usize = 20;
/// A bigger file is not a list of descriptions.
const MAX_FILE_BYTES: usize = 32 << 20;
/// A description longer than this is refused (a column picked by mistake).
const MAX_DESCRIPTION_CHARS: usize = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("could not read {file}: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("{0} has no header row naming a service id column (service_id or id) and a description column")]
    NoColumns(String),
    #[error("{0} holds no rows to import")]
    Empty(String),
}

impl ImportError {
    pub fn fix(&self) -> String {
        match self {
            ImportError::Unreadable { .. } => {
                "Save the file as CSV (UTF-8) or XLSX and choose it again.".into()
            }
            ImportError::NoColumns(_) => {
                "Name the columns in the first row: service_id and description.".into()
            }
            ImportError::Empty(_) => "Choose a file with a row per service.".into(),
        }
    }
}

/// A data row read: where it is in the file, its service and its description.
struct FileRow {
    line: u32,
    service_id: i64,
    description: String,
}

/// The id and description of each data row, from the file's first sheet
/// (XLSX, XLS, ODS) or its text (anything else, read as CSV).
fn read_rows(f: &ImportFile) -> Result<(Vec<FileRow>, Vec<BadRow>)> {
    let file = f.name.clone();
    let unreadable = |reason: String| ImportError::Unreadable {
        file: file.clone(),
        reason,
    };
    if f.bytes.len() > MAX_FILE_BYTES {
        return Err(unreadable(format!("it is over {} MB", MAX_FILE_BYTES >> 20)).into());
    }
    let ext = f
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default();
    let table: Vec<Vec<String>> = if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        let mut book = open_workbook_auto_from_rs(Cursor::new(f.bytes.as_slice()))
            .map_err(|e| unreadable(e.to_string()))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| ImportError::Empty(file.clone()))?
            .map_err(|e| unreadable(e.to_string()))?;
        range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect()
    } else {
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(f.bytes.as_slice());
        let mut out = Vec::new();
        for rec in rd.records() {
            let rec = rec.map_err(|e| unreadable(e.to_string()))?;
            out.push(rec.iter().map(str::to_owned).collect());
        }
        out
    };
    let mut rows = table.into_iter();
    let header = rows
        .next()
        .ok_or_else(|| ImportError::Empty(file.clone()))?;
    let find = |names: &[&str]| {
        names.iter().find_map(|n| {
            header.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .to_lowercase()
                    .replace(['_', '-'], " ")
                    == *n
            })
        })
    };
    let (Some(id_col), Some(text_col)) = (
        find(&["service id", "id", "service"]),
        find(&["description"]),
    ) else {
        return Err(ImportError::NoColumns(file).into());
    };
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (i, row) in rows.enumerate() {
        let line = i as u32 + 2;
        let cell = |c: usize| row.get(c).map(String::as_str).unwrap_or_default();
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let id_text = cell(id_col).trim();
        let Some(id) = id_text.parse::<i64>().ok().filter(|id| *id > 0) else {
            bad.push(BadRow {
                line,
                reason: format!("{id_text:?} is not a service id"),
            });
            continue;
        };
        // Kept as written: quotes, commas, newlines and any script.
        let text = cell(text_col).to_owned();
        if text.chars().count() > MAX_DESCRIPTION_CHARS {
            bad.push(BadRow {
                line,
                reason: format!("the description is over {MAX_DESCRIPTION_CHARS} characters"),
            });
            continue;
        }
        good.push(FileRow {
            line,
            service_id: id,
            description: text,
        });
    }
    if good.is_empty() && bad.is_empty() {
        return Err(ImportError::Empty(file).into());
    }
    Ok((good, bad))
}

/// A spreadsheet cell as text: whole numbers without a decimal point, so an
/// id typed as a number reads as one.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Reads the file and says what importing it into `panel_id` would do; writes nothing.
pub fn preview(read: &ReadConn, panel_id: i64, file: &ImportFile) -> Result<ImportPreview> {
    panels::by_id(read.local(), panel_id)?;
    let (rows, bad) = read_rows(file)?;
    let classified = classify(read, panel_id, rows)?;
    let count = |c: RowChange| classified.iter().filter(|r| r.change == c).count() as u32;
    Ok(ImportPreview {
        panel_id,
        new: count(RowChange::New),
        updated: count(RowChange::Updated),
        unchanged: count(RowChange::Unchanged),
        unknown: count(RowChange::UnknownService),
        sample: classified.into_iter().take(SAMPLE_ROWS).collect(),
        bad,
    })
}

fn classify(read: &ReadConn, panel_id: i64, rows: Vec<FileRow>) -> Result<Vec<ImportRow>> {
    let names: HashMap<i64, String> = read
        .prepare_cached("SELECT id, name FROM services WHERE panel_id = ?1")
        .map_err(crate::db::CacheConn::err)?
        .query_map([panel_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(crate::db::CacheConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(crate::db::CacheConn::err)?;
    let kept = kept(read.local(), panel_id)?;
    Ok(rows
        .into_iter()
        .map(
            |FileRow {
                 line,
                 service_id,
                 description,
             }| {
                let service_name = names.get(&service_id).cloned();
                let change = match (&service_name, kept.get(&service_id)) {
                    (None, _) => RowChange::UnknownService,
                    (Some(_), None) => RowChange::New,
                    (Some(_), Some(old)) if *old == description => RowChange::Unchanged,
                    (Some(_), Some(_)) => RowChange::Updated,
                };
                ImportRow {
                    line,
                    service_id,
                    service_name,
                    description,
                    change,
                }
            },
        )
        .collect())
}

fn kept(local: &LocalConn, panel_id: i64) -> Result<HashMap<i64, String>> {
    local
        .prepare_cached(
            "SELECT service_id, description FROM service_descriptions WHERE panel_id = ?1",
        )
        .map_err(LocalConn::err)?
        .query_map([panel_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportDone {
    /// Descriptions written (new and updated).
    pub written: u32,
    pub unchanged: u32,
    /// Rows of unknown services left out.
    pub skipped_unknown: u32,
    pub bad: u32,
}

/// Imports the file into `panel_id`, in one transaction; rows of services
/// the cache does not have are written only when `include_unknown`. A later
/// row for the same service wins, as a spreadsheet's last edit would. Logged.
pub fn apply(
    read: &ReadConn,
    local: &mut LocalConn,
    install_id: &str,
    actor: &Actor,
    panel_id: i64,
    file: &ImportFile,
    include_unknown: bool,
) -> Result<ImportDone> {
    let panel = panels::by_id(local, panel_id)?;
    let (rows, bad) = read_rows(file)?;
    let classified = classify(read, panel_id, rows)?;
    let now = chrono::Utc::now().timestamp();
    let mut done = ImportDone {
        written: 0,
        unchanged: 0,
        skipped_unknown: 0,
        bad: bad.len() as u32,
    };
    let tx = local.begin()?;
    for r in &classified {
        match r.change {
            RowChange::Unchanged => done.unchanged += 1,
            RowChange::UnknownService if !include_unknown => done.skipped_unknown += 1,
            _ => {
                tx.execute(
                    "INSERT INTO service_descriptions (panel_id, service_id, description, updated_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (panel_id, service_id) DO UPDATE
                     SET description = excluded.description, updated_at = excluded.updated_at",
                    params![panel_id, r.service_id, r.description, now],
                )
                .map_err(LocalConn::err)?;
                done.written += 1;
            }
        }
    }
    activity::append(
        &tx,
        install_id,
        &Entry {
            actor: actor.clone(),
            panel: Some((panel.id, panel.name)),
            action: Action::Import,
            target: Some(format!("service descriptions from {}", file.name)),
            outcome: Outcome::Sent,
            details: Some(format!(
                "{} written, {} unchanged, {} unknown services left out, {} unreadable rows",
                done.written, done.unchanged, done.skipped_unknown, done.bad
            )),
        },
    )?;
    tx.commit()?;
    Ok(done)
}
