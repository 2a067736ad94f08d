//! `paneldesk-cli serve` and `api-key`: the local API from the command line.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

const BIN: &str = env!("CARGO_BIN_EXE_paneldesk-cli");
const KEY: (&str, &str) = (
    "PANELDESK_DB_KEY",
    "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
);

fn cli(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env(KEY.0, KEY.1)
        .stdin(Stdio::null());
    c
}

fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let out = cli(dir, args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_key_made_on_the_command_line_reads_through_serve_until_it_is_revoked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "panel",
            "add",
            "--name",
            "Main",
            "--url",
            "http://127.0.0.1:9/adminapi/v2",
            "--no-keychain",
        ],
    );
    let secret = ok(
        dir,
        &[
            "api-key",
            "create",
            "--name",
            "script",
            "--scope",
            "orders:read",
            "--panel",
            "Main",
        ],
    );
    let secret = secret.trim().to_owned();
    assert!(secret.starts_with("pdk_") && secret.len() == 68, "{secret}");
    let listed = ok(dir, &["api-key", "list"]);
    assert!(
        listed.contains("script") && listed.contains(&secret[..12]) && !listed.contains(&secret)
    );
    assert!(
        listed.contains("orders:read") && listed.contains("active"),
        "{listed}"
    );

    // Refused beyond this computer, before it listens.
    let out = cli(dir, &["serve", "--bind", "0.0.0.0"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only listens on this computer"));

    let mut server = cli(dir, &["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let get = |key: &str| {
        let url = format!("{base}/Main/adminapi/v2/orders?limit=5");
        let out = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H"])
            .arg(format!("X-Api-Key: {key}"))
            .arg(&url)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(get(&secret), "200");
    ok(dir, &["api-key", "revoke", "1"]);
    assert_eq!(get(&secret), "401", "revoked from the next request on");
    server.kill().unwrap();
    server.wait().unwrap();
}
