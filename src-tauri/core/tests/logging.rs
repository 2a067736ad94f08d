//! Logging reaches a file in the log dir (its own test binary: the subscriber is global).

use paneldesk_core::logging;

#[test]
fn log_lines_land_in_a_daily_file_in_the_log_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let log_dir = tmp.path().join("logs");
    let guard = logging::init(&log_dir, false).unwrap();
    tracing::info!(panel = "Main", "sync started");
    drop(guard); // flushes the background writer

    let files: Vec<_> = std::fs::read_dir(&log_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with(logging::LOG_FILE_PREFIX), "{name}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        text.contains("sync started") && text.contains("panel=\"Main\""),
        "{text}"
    );
}
