//! The real OS keychain (Secret Service on Linux). `make test` runs these
//! inside a D-Bus session with an unlocked gnome-keyring.

use std::process::Command;

use paneldesk_core::secrets::{Keychain, SecretError};

/// The child side of `a_secret_survives_the_process_that_stored_it`: a
/// separate process reads what the parent stored. Ignored unless asked for.
#[test]
#[ignore = "run by its parent test in a second process"]
fn child_reads_secret() {
    let account = std::env::var("PANELDESK_TEST_ACCOUNT").expect("run by the parent test");
    let secret = Keychain.get(&account).unwrap_or_else(|e| panic!("{e}"));
    println!("SECRET<{secret}>");
}

fn run_child(account: &str, envs: &[(&str, &str)]) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_reads_secret",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PANELDESK_TEST_ACCOUNT", account)
        .envs(envs.iter().copied())
        .output()
        .unwrap()
}

fn unique_account(tag: &str) -> String {
    format!("test-{tag}-{}:{}:admin", std::process::id(), rand_suffix())
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[test]
fn a_secret_survives_the_process_that_stored_it() {
    let account = unique_account("persist");
    let secret = format!("pk_live_{}", rand_suffix());
    Keychain
        .set(&account, &secret)
        .expect("keychain reachable in tests");

    let out = run_child(&account, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("SECRET<{secret}>")),
        "child read something else: {stdout}"
    );

    Keychain.delete(&account).unwrap();
    assert!(matches!(
        Keychain.get(&account),
        Err(SecretError::NotFound { .. })
    ));
}

#[test]
fn no_reachable_keychain_is_a_clear_error_not_a_memory_store() {
    // A D-Bus address with nothing behind it: the child must fail with the
    // keychain error, proving secrets never silently land in process memory.
    let account = unique_account("absent");
    let out = run_child(
        &account,
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/paneldesk-bus",
        )],
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.status.success(),
        "child read a secret without a keychain: {all}"
    );
    assert!(all.contains("the OS keychain is not available"), "{all}");
}
