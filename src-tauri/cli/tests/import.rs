//! `paneldesk-cli services import` into a real data dir, on a catalogue
//! synced from the fake panel over HTTP: a dry run writes nothing, --apply
//! writes, and the same code as the window's answers both.

use std::{path::Path, process::Command};

use paneldesk_fakepanel::{Config, FakePanel};

const BIN: &str = env!("CARGO_BIN_EXE_paneldesk-cli");

fn run(dir: &Path, fake: &FakePanel, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("PANELDESK_ADMIN_KEY_SHOP", fake.admin_key())
        .env("PANELDESK_SERVICES_KEY_SHOP", fake.services_key())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_dry_run_says_what_would_change_and_apply_writes_it() {
    let fake = FakePanel::spawn(Config::with_orders(10)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let dir = dir.as_path();
    run(
        dir,
        &fake,
        &[
            "panel",
            "add",
            "--name",
            "Shop",
            "--url",
            fake.url(),
            "--no-keychain",
        ],
    );
    run(dir, &fake, &["sync", "--once", "--resource", "services"]);
    let file = tmp.path().join("d.csv");
    std::fs::write(
        &file,
        "id,description,extra\n101,\"One, two\",x\n102,Two,y\n5555,Ghost,z\nnope,bad,w\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();

    let dry = run(dir, &fake, &["services", "import", "--panel", "Shop", file]);
    assert_eq!(
        dry,
        "d.csv: 2 new, 0 updated, 0 unchanged, 1 unknown services, 1 unreadable rows\n  row 5: \"nope\" is not a service id\nnothing written: add --apply to import\n"
    );
    let applied = run(
        dir,
        &fake,
        &["services", "import", "--panel", "Shop", file, "--apply"],
    );
    assert!(
        applied.ends_with("imported: 2 written, 0 unchanged, 1 unknown services left out\n"),
        "{applied}"
    );
    let again = run(dir, &fake, &["services", "import", "--panel", "Shop", file]);
    assert!(
        again.starts_with("d.csv: 0 new, 0 updated, 2 unchanged"),
        "{again}"
    );
    let log = run(dir, &fake, &["log", "--json"]);
    assert_eq!(log.matches("\"action\":\"import\"").count(), 1, "{log}");
}
