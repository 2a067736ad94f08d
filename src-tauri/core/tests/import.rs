//! Importing service descriptions from CSV and XLSX into a real data dir,
//! against a catalogue synced from the fake panel over HTTP: other columns
//! are ignored, hard text is kept exactly, unknown services are shown and
//! left out, and a services refresh does not erase what was imported.

use std::path::Path;

use paneldesk_core::{
    activity::{self, Action, Actor, LogFilter},
    browse::{Filter, PageRequest, ServiceFilter, Sort, SortDir},
    db::Db,
    paths::DataDir,
    service_descriptions::{self, ImportFile, RowChange},
    sync::Resource,
    ErrorCode,
};
use paneldesk_fakepanel::{Config, FakePanel};

mod common;

/// Quotes, commas, a newline, unicode and markup: kept as written.
const HARD: &str = "Real \"HQ\" followers, no drop\nRefill 30 days — 🚀 <b>fast</b>, ünïcödé";

struct Fx {
    tmp: tempfile::TempDir,
    db: Db,
    panel_id: i64,
    _fake: FakePanel,
}

fn fx() -> Fx {
    let fake = FakePanel::spawn(Config::with_orders(20)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path().join("data"))).unwrap();
    let panel_id = common::env_panel(&db, "Shop", &fake, 50.0).id;
    sync_services(&db);
    Fx {
        tmp,
        db,
        panel_id,
        _fake: fake,
    }
}

fn sync_services(db: &Db) {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(common::engine(db).sync_once(None, &[Resource::Services]))
        .unwrap();
}

fn descriptions(db: &Db, panel_id: i64) -> Vec<(i64, Option<String>)> {
    let page = ServiceFilter {
        panel_id: Some(panel_id),
        ..ServiceFilter::default()
    }
    .list(
        &db.read().unwrap(),
        &PageRequest {
            sort: Some(Sort {
                column: "id".into(),
                dir: SortDir::Asc,
            }),
            ..PageRequest::default()
        },
    )
    .unwrap();
    page.rows
        .into_iter()
        .filter(|s| s.description.is_some())
        .map(|s| (s.id, s.description))
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> ImportFile {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    ImportFile::read(&p).unwrap()
}

#[test]
fn a_csv_with_extra_columns_and_hard_text_is_previewed_then_imported() {
    let f = fx();
    let mut csv = String::from("\u{feff}Category,Service ID,Name,Description,Rate\n");
    csv += &format!(
        "Instagram,101,ignored name,\"{}\",1.5\n",
        HARD.replace('"', "\"\"")
    );
    csv += "Instagram,102,x,\"Plain, with a comma\",2\n";
    csv += "Nowhere,99999,x,For a service the panel does not have,3\n";
    csv += "Bad,abc,x,not an id,4\n";
    csv += ",,,,\n";
    let file = write(f.tmp.path(), "descriptions.csv", &csv);

    let preview = service_descriptions::preview(&f.db.read().unwrap(), f.panel_id, &file).unwrap();
    assert_eq!(
        (
            preview.new,
            preview.updated,
            preview.unchanged,
            preview.unknown
        ),
        (2, 0, 0, 1)
    );
    assert_eq!(preview.sample.len(), 3);
    assert_eq!(preview.sample[0].description, HARD);
    assert_eq!(preview.sample[0].line, 2);
    assert!(preview.sample[0].service_name.is_some());
    assert_eq!(preview.sample[2].change, RowChange::UnknownService);
    assert_eq!(preview.bad.len(), 1);
    assert_eq!(preview.bad[0].line, 5);
    // A preview writes nothing.
    assert!(descriptions(&f.db, f.panel_id).is_empty());

    let mut local = f.db.local().unwrap();
    let done = service_descriptions::apply(
        &f.db.read().unwrap(),
        &mut local,
        f.db.install_id(),
        &Actor::cli(),
        f.panel_id,
        &file,
        false,
    )
    .unwrap();
    assert_eq!(
        (done.written, done.unchanged, done.skipped_unknown, done.bad),
        (2, 0, 1, 1)
    );
    assert_eq!(
        descriptions(&f.db, f.panel_id),
        vec![
            (101, Some(HARD.to_owned())),
            (102, Some("Plain, with a comma".to_owned()))
        ]
    );

    // The same file again changes nothing; an edited row overwrites.
    let again = service_descriptions::preview(&f.db.read().unwrap(), f.panel_id, &file).unwrap();
    assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 2));
    let edit = write(
        f.tmp.path(),
        "edit.csv",
        "service_id,description\n102,Changed\n",
    );
    let preview = service_descriptions::preview(&f.db.read().unwrap(), f.panel_id, &edit).unwrap();
    assert_eq!(preview.updated, 1);
    service_descriptions::apply(
        &f.db.read().unwrap(),
        &mut local,
        f.db.install_id(),
        &Actor::cli(),
        f.panel_id,
        &edit,
        false,
    )
    .unwrap();
    assert_eq!(
        descriptions(&f.db, f.panel_id)[1].1.as_deref(),
        Some("Changed")
    );

    // A services refresh replaces the cached catalogue; the descriptions stay.
    sync_services(&f.db);
    assert_eq!(descriptions(&f.db, f.panel_id).len(), 2);

    // Each import is in the activity log, with its counts.
    let log = activity::query(
        &local,
        &LogFilter {
            action: Some(Action::Import),
            ..LogFilter::default()
        },
    )
    .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(
        log[1].details.as_deref(),
        Some("2 written, 0 unchanged, 1 unknown services left out, 1 unreadable rows")
    );
}

#[test]
fn an_xlsx_file_is_read_from_its_first_sheet_and_unknown_services_can_be_kept() {
    let f = fx();
    let file = f.tmp.path().join("descriptions.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Notes", "ID", "Description"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    // Ids as numbers (a spreadsheet's own type) and as text.
    sheet.write_string(1, 0, "x").unwrap();
    sheet.write_number(1, 1, 103.0).unwrap();
    sheet.write_string(1, 2, HARD).unwrap();
    sheet.write_string(2, 1, "104").unwrap();
    sheet.write_string(2, 2, "Text id").unwrap();
    sheet.write_number(3, 1, 88888.0).unwrap();
    sheet
        .write_string(3, 2, "Not in the catalogue yet")
        .unwrap();
    book.save(&file).unwrap();
    let file = ImportFile::read(&file).unwrap();

    let preview = service_descriptions::preview(&f.db.read().unwrap(), f.panel_id, &file).unwrap();
    assert_eq!((preview.new, preview.unknown), (2, 1));
    assert_eq!(preview.sample[0].service_id, 103);
    let done = service_descriptions::apply(
        &f.db.read().unwrap(),
        &mut f.db.local().unwrap(),
        f.db.install_id(),
        &Actor::cli(),
        f.panel_id,
        &file,
        true,
    )
    .unwrap();
    assert_eq!((done.written, done.skipped_unknown), (3, 0));
    assert_eq!(
        descriptions(&f.db, f.panel_id),
        vec![
            (103, Some(HARD.to_owned())),
            (104, Some("Text id".to_owned()))
        ]
    );
}

#[test]
fn a_file_without_the_columns_or_unreadable_is_a_clear_error_and_writes_nothing() {
    let f = fx();
    let read = f.db.read().unwrap();
    let no_columns = write(f.tmp.path(), "x.csv", "name,rate\nfoo,1\n");
    let err = service_descriptions::preview(&read, f.panel_id, &no_columns).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRequest);
    assert!(
        err.to_string()
            .contains("no header row naming a service id"),
        "{err}"
    );
    assert!(err.fix().unwrap().contains("service_id and description"));

    let fake_xlsx = write(f.tmp.path(), "broken.xlsx", "this is not a workbook");
    let err = service_descriptions::preview(&read, f.panel_id, &fake_xlsx).unwrap_err();
    assert!(err.to_string().starts_with("could not read"), "{err}");

    let empty = write(f.tmp.path(), "empty.csv", "");
    assert!(service_descriptions::preview(&read, f.panel_id, &empty).is_err());

    let err = service_descriptions::apply(
        &read,
        &mut f.db.local().unwrap(),
        f.db.install_id(),
        &Actor::cli(),
        f.panel_id,
        &no_columns,
        true,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRequest);
    assert!(descriptions(&f.db, f.panel_id).is_empty());
    assert!(activity::recent(&f.db.local().unwrap(), 10)
        .unwrap()
        .iter()
        .all(|r| r.action != Action::Import));
}
