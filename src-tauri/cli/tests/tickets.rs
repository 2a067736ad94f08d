//! Replies from the CLI against the fake panel over HTTP, into a real data
//! dir: a process killed between sending a reply and hearing the answer
//! leaves a reply the next delivery finds landed, and sends nothing twice.

use std::{
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use paneldesk_fakepanel::{Config, FakePanel, Faults};

const BIN: &str = env!("CARGO_BIN_EXE_paneldesk-cli");

fn cli(dir: &Path, fake: &FakePanel, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("PANELDESK_ADMIN_KEY_SHOP", fake.admin_key())
        .env_remove("PANELDESK_ADMIN_KEY")
        .stdin(Stdio::null());
    c
}

fn ok(dir: &Path, fake: &FakePanel, args: &[&str]) -> String {
    let out = cli(dir, fake, args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn replies(fake: &FakePanel) -> usize {
    fake.writes()
        .iter()
        .filter(|w| w.path.ends_with("/reply"))
        .count()
}

#[test]
fn a_reply_whose_sender_is_killed_before_the_answer_is_sent_exactly_once() {
    let fake = FakePanel::spawn(Config {
        now: chrono::Utc::now().timestamp(),
        tickets: 10,
        ..Config::with_orders(100)
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(
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
            "--staff-name",
            "mira",
        ],
    );
    ok(dir, &fake, &["sync", "--once", "--resource", "tickets"]);
    let ticket = fake.with_world(|w| w.tickets.iter().find(|t| t.status != "closed").unwrap().id);

    // The panel applies the reply, then takes a minute to answer.
    fake.set_faults(Faults {
        hang_after_write_ms: 60_000,
        ..Faults::default()
    });
    let mut sender = cli(
        dir,
        &fake,
        &[
            "ticket",
            "reply",
            "--panel",
            "Shop",
            "--ticket",
            &ticket.to_string(),
            "--text",
            "Killed mid-answer",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    // Until the fake has applied it (its record is the signal, not a clock).
    let deadline = Instant::now() + Duration::from_secs(30);
    while replies(&fake) == 0 {
        assert!(
            Instant::now() < deadline,
            "the reply never reached the fake"
        );
        assert!(
            sender.try_wait().unwrap().is_none(),
            "the sender ended before the answer"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    sender.kill().unwrap();
    sender.wait().unwrap();
    fake.set_faults(Faults::default());

    let listed = ok(dir, &fake, &["outbox", "list"]);
    assert!(listed.contains("sending"), "{listed}");
    let drained = ok(dir, &fake, &["outbox", "drain"]);
    assert!(drained.contains(": sent"), "{drained}");
    assert_eq!(
        replies(&fake),
        1,
        "posted once, found landed after the kill"
    );
    let on_fake = fake.with_world(|w| {
        w.ticket(ticket)
            .unwrap()
            .messages
            .iter()
            .filter(|m| m.message.contains("Killed mid-answer"))
            .count()
    });
    assert_eq!(on_fake, 1);
    let log = ok(dir, &fake, &["log"]);
    assert!(
        log.contains("reply") && log.contains(&format!("ticket {ticket}")),
        "{log}"
    );
}
