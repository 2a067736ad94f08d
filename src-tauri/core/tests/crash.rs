//! The crash report: written by the panic hook into a real logs folder,
//! holding where the code failed and never data a message was built from.
//! Its own test binary: a panic hook is global to the process.

use paneldesk_core::crash;

#[test]
fn a_panic_writes_a_report_without_the_data_and_the_next_start_offers_it_once() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    crash::install(logs.clone(), "paneldesk-test");
    assert_eq!(crash::pending(&logs), None);

    // A message built from data: a customer's words and a key.
    let built = std::thread::Builder::new()
        .name("sync".into())
        .spawn(|| {
            let ticket = "my password is hunter2";
            let key = "pp-admin-key-7f3a9c";
            panic!("could not parse {ticket} with {key}");
        })
        .unwrap()
        .join();
    assert!(built.is_err());
    let report = crash::pending(&logs).expect("a report is offered");
    let text = std::fs::read_to_string(&report.path).unwrap();
    assert!(text.contains("paneldesk-test"), "{text}");
    assert!(text.contains("thread: sync"), "{text}");
    assert!(text.contains("tests/crash.rs:"), "where it failed: {text}");
    assert!(text.contains(crash::WITHHELD), "{text}");
    assert!(
        !text.contains("hunter2") && !text.contains("pp-admin-key"),
        "{text}"
    );

    // Seen: not offered again, still in the folder.
    crash::dismiss(&logs).unwrap();
    assert_eq!(crash::pending(&logs), None);
    assert!(std::path::Path::new(&report.path.replace(".txt", ".seen.txt")).exists());

    // A literal message is code, not data: kept.
    let literal = std::thread::spawn(|| panic!("the writer's channel closed")).join();
    assert!(literal.is_err());
    let second = crash::pending(&logs).expect("a second report");
    assert!(std::fs::read_to_string(&second.path)
        .unwrap()
        .contains("message: the writer's channel closed"));
}
