//! The AI buttons against the fake AI server over HTTP (OpenAI chat
//! completions and Anthropic messages, streamed), on a ticket synced from the
//! fake panel into a real data dir. Keys live in the OS keychain, so this
//! runs inside `make test`'s D-Bus session like the other keychain tests.

use paneldesk_core::{
    activity::{self, Action, Actor},
    ai::{self, providers, AiError, NewProvider, PresetEdit, ProviderKind, Refinement, Task},
    browse,
    db::Db,
    paths::DataDir,
    secrets::Keychain,
    sync::Resource,
    ErrorCode,
};
use paneldesk_fakepanel::{
    ai::{AiScript, FakeAi},
    Config, FakePanel,
};

mod common;

const KEY: &str = "sk-fake-secret-key-7f3a9c";

struct Fx {
    rt: tokio::runtime::Runtime,
    tmp: tempfile::TempDir,
    db: Db,
    ai: FakeAi,
    _panel: FakePanel,
    panel_id: i64,
    /// An open ticket whose conversation is cached and which quotes a cached order.
    ticket: i64,
}

fn fx(key: &str) -> Fx {
    let panel = FakePanel::spawn(Config {
        tickets: 30,
        ..Config::with_orders(2_000)
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(tmp.path())).unwrap();
    let panel_id = common::env_panel(&db, "Shop", &panel, 100.0).id;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let engine = common::engine(&db);
    rt.block_on(engine.sync_once(
        None,
        &[Resource::Orders, Resource::Users, Resource::Tickets],
    ))
    .unwrap();
    let read = db.read().unwrap();
    let ids: Vec<i64> = read
        .prepare("SELECT id FROM tickets WHERE panel_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([panel_id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let ticket = ids
        .into_iter()
        .find(|id| {
            let v = browse::ticket_view(&read, panel_id, *id).unwrap();
            v.messages.len() >= 2 && v.quoted_orders.iter().any(|q| q.order.is_some())
        })
        .expect("a ticket quoting a cached order");
    Fx {
        rt,
        tmp,
        db,
        ai: FakeAi::spawn(0, key).unwrap(),
        _panel: panel,
        panel_id,
        ticket,
    }
}

impl Fx {
    fn provider(&self, kind: ProviderKind, key: Option<&str>) -> ai::Provider {
        providers::save(
            &mut self.db.local().unwrap(),
            self.db.install_id(),
            &Keychain,
            &Actor::cli(),
            None,
            NewProvider {
                kind: Some(kind),
                name: format!("{kind}"),
                base_url: Some(format!("{}/v1", self.ai.url())),
                model: Some("fake-small".into()),
                key: key.map(str::to_owned),
                context_tokens: None,
            },
        )
        .unwrap()
    }

    /// Runs a task to its end; the tokens as they came, and the outcome.
    fn run(
        &self,
        task: &Task,
        provider: i64,
    ) -> (Vec<String>, paneldesk_core::Result<ai::CallOutcome>) {
        let mut tokens = Vec::new();
        let (_keep, stop) = tokio::sync::watch::channel(false);
        let out = self.rt.block_on(async {
            let plan = ai::plan(&self.db, self.panel_id, self.ticket, task, Some(provider))?;
            ai::ask(
                &self.db,
                &Keychain,
                &Actor::cli(),
                plan,
                task,
                |t| tokens.push(t.to_owned()),
                stop,
            )
            .await
        });
        (tokens, out)
    }

    fn script(&self, answers: &[&str]) {
        self.ai.set_script(AiScript {
            answers: answers.iter().map(|a| a.to_string()).collect(),
            fallback: "OK".into(),
            report_usage: true,
            ..AiScript::default()
        });
    }

    fn preset(&self, provider: i64) -> i64 {
        providers::save_preset(
            &self.db.local().unwrap(),
            self.db.install_id(),
            &Actor::cli(),
            None,
            PresetEdit {
                title: "Polite".into(),
                provider_id: provider,
                model: None,
                system_prompt: "You are a polite support agent.".into(),
            },
        )
        .unwrap()
        .id
    }
}

#[test]
fn every_button_streams_from_openai_anthropic_and_a_local_server_and_sends_the_prompt_filled_exactly(
) {
    let f = fx(KEY);
    providers::set_analysis_prompt(
        &f.db.local().unwrap(),
        "S={{subject}} C={{customer}} T={{status}}\n{{conversation}}",
    )
    .unwrap();
    let view = browse::ticket_view(&f.db.read().unwrap(), f.panel_id, f.ticket).unwrap();
    for (kind, key) in [
        (ProviderKind::OpenAi, Some(KEY)),
        (ProviderKind::Anthropic, Some(KEY)),
        (ProviderKind::OpenAiCompatible, Some(KEY)),
    ] {
        let provider = f.provider(kind, key).id;
        let preset = f.preset(provider);
        let tasks = [
            (
                Task::Analyze,
                "Summary: wants a refill. Next: check the order.",
            ),
            (Task::Translate { seq: 0 }, "Hallo, bitte helfen."),
            (Task::Intent { seq: 0 }, "Refill request."),
            (
                Task::Draft { preset_id: preset },
                "Hi, we are checking your order now.",
            ),
            (
                Task::Refine {
                    how: Refinement::Shorter,
                    draft: "Hi, we are checking it.".into(),
                },
                "Checking it.",
            ),
            (
                Task::Refine {
                    how: Refinement::Friendlier,
                    draft: "Checking it.".into(),
                },
                "Happy to help: checking it now!",
            ),
            (
                Task::Refine {
                    how: Refinement::MoreFormal,
                    draft: "Checking it.".into(),
                },
                "We are reviewing your order.",
            ),
            (
                Task::Refine {
                    how: Refinement::CustomerLanguage,
                    draft: "Checking it.".into(),
                },
                "Lo estamos revisando.",
            ),
        ];
        f.script(&tasks.iter().map(|(_, a)| *a).collect::<Vec<_>>());
        let before = f.ai.record().len();
        for (task, answer) in &tasks {
            let (tokens, out) = f.run(task, provider);
            let out = out.unwrap_or_else(|e| panic!("{kind} {task:?}: {e}"));
            assert!(tokens.len() > 1, "{kind} {task:?}: streamed token by token");
            let expected = if matches!(task, Task::Intent { .. }) {
                "refill"
            } else {
                *answer
            };
            assert_eq!(out.text, expected, "{kind} {task:?}");
            assert!(out.usage.is_some(), "{kind}: usage reported");
        }
        let record = &f.ai.record()[before..];
        assert_eq!(record.len(), 8);
        let path = if kind == ProviderKind::Anthropic {
            "/v1/messages"
        } else {
            "/v1/chat/completions"
        };
        assert!(record.iter().all(|r| r.path == path && r.finished));
        // The analysis prompt's placeholders, filled from the cache exactly.
        let user = |r: &paneldesk_fakepanel::ai::AiRequest| {
            r.body["messages"].as_array().unwrap().last().unwrap()["content"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let analyze = user(&record[0]);
        assert!(
            analyze.starts_with(&format!(
                "S={} C={} T={}\n",
                view.ticket.subject, view.ticket.username, view.ticket.status
            )),
            "{analyze}"
        );
        assert!(analyze.contains(&format!("Customer ({}): ", view.ticket.username)));
        // The draft is grounded in the cached orders the ticket quotes.
        let draft = user(&record[3]);
        let quoted = view
            .quoted_orders
            .iter()
            .find(|q| q.order.is_some())
            .unwrap();
        let order = quoted.order.as_ref().unwrap();
        assert!(
            draft.contains(&format!(
                "- #{}: status {}, start count",
                order.id, order.status
            )),
            "{draft}"
        );
        assert!(draft.contains(&format!("quantity {}", order.quantity)));
        // Anthropic takes the system prompt beside the messages; OpenAI as the first message.
        let system_of = |r: &paneldesk_fakepanel::ai::AiRequest| match kind {
            ProviderKind::Anthropic => r.body["system"].as_str().unwrap().to_owned(),
            _ => r.body["messages"][0]["content"]
                .as_str()
                .unwrap()
                .to_owned(),
        };
        let system = system_of(&record[3]);
        assert!(system.starts_with("You are a polite support agent."));
        assert!(system.contains("Never state a status"));
        // Each refinement says what it does, and carries the draft.
        for (r, words) in [
            (5, "friendlier"),
            (6, "more formal"),
            (7, "language the customer wrote in"),
        ] {
            let system = system_of(&record[r]);
            assert!(system.contains(words), "{kind} refinement {r}: {system}");
            assert!(user(&record[r]).ends_with("Reply:\nChecking it."));
        }
    }
}

#[test]
fn a_local_server_needs_no_key_and_no_other_network() {
    let f = fx("");
    let provider = f.provider(ProviderKind::OpenAiCompatible, None);
    assert_eq!(provider.key_last4, None);
    f.script(&["Ready."]);
    let (_, out) = f.run(&Task::Analyze, provider.id);
    assert_eq!(out.unwrap().text, "Ready.");
    let record = f.ai.record();
    assert!(record[0].headers.iter().all(|(k, _)| k != "authorization"));
}

#[test]
fn keys_travel_only_in_the_auth_header_and_stay_out_of_the_data_dir_and_answers() {
    let f = fx(KEY);
    let openai = f.provider(ProviderKind::OpenAi, Some(KEY));
    let anthropic = f.provider(ProviderKind::Anthropic, Some(KEY));
    assert_eq!(openai.key_last4.as_deref(), Some(&KEY[KEY.len() - 4..]));
    for p in [&openai, &anthropic] {
        f.run(&Task::Analyze, p.id).1.unwrap();
    }
    for r in f.ai.record() {
        assert!(!r.body.to_string().contains(KEY), "a key in a body");
        let with_key: Vec<&str> = r
            .headers
            .iter()
            .filter(|(_, v)| v.contains(KEY))
            .map(|(k, _)| k.as_str())
            .collect();
        let expected = if r.path == "/v1/messages" {
            "x-api-key"
        } else {
            "authorization"
        };
        assert_eq!(with_key, [expected]);
    }
    // What the window is answered: providers carry the last 4 characters only.
    let listed = serde_json::to_string(&providers::list(&f.db.local().unwrap()).unwrap()).unwrap();
    assert!(!listed.contains(KEY));
    // The data dir (databases, WAL files, logs) never holds the key.
    drop(f.db.local());
    for entry in walk(f.tmp.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
            "{} holds the key",
            entry.display()
        );
    }
    // Keys can be kept (blank), cleared (-), and the log names neither.
    let kept = providers::save(
        &mut f.db.local().unwrap(),
        f.db.install_id(),
        &Keychain,
        &Actor::cli(),
        Some(openai.id),
        NewProvider {
            name: openai.name.clone(),
            key: Some("  ".into()),
            ..NewProvider::default()
        },
    )
    .unwrap();
    assert_eq!(kept.key_last4, openai.key_last4);
    let cleared = providers::save(
        &mut f.db.local().unwrap(),
        f.db.install_id(),
        &Keychain,
        &Actor::cli(),
        Some(openai.id),
        NewProvider {
            name: openai.name.clone(),
            key: Some("-".into()),
            ..NewProvider::default()
        },
    )
    .unwrap();
    assert_eq!(cleared.key_last4, None);
    let err = f.run(&Task::Analyze, openai.id).1.unwrap_err();
    assert_eq!(err.code(), ErrorCode::SecretNotFound);
    let log = activity::recent(&f.db.local().unwrap(), 100).unwrap();
    assert!(log
        .iter()
        .any(|r| r.action == Action::AiKey && r.details.as_deref() == Some("key cleared")));
    assert!(!serde_json::to_string(&log).unwrap().contains(KEY));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_stop_mid_stream_closes_the_request_and_keeps_what_came() {
    let f = fx(KEY);
    let provider = f.provider(ProviderKind::OpenAi, Some(KEY)).id;
    f.ai.set_script(AiScript {
        fallback: "one two three four five six seven eight nine ten".into(),
        token_delay_ms: 150,
        report_usage: true,
        ..AiScript::default()
    });
    let (tx, stop) = tokio::sync::watch::channel(false);
    let mut seen = 0;
    let out =
        f.rt.block_on(async {
            let plan = ai::plan(&f.db, f.panel_id, f.ticket, &Task::Analyze, Some(provider))?;
            ai::ask(
                &f.db,
                &Keychain,
                &Actor::cli(),
                plan,
                &Task::Analyze,
                |_| {
                    seen += 1;
                    if seen == 2 {
                        let _ = tx.send(true);
                    }
                },
                stop,
            )
            .await
        })
        .unwrap();
    assert!(out.stopped);
    assert_eq!(out.text, "one two ");
    // The fake sees its stream cut: the connection was closed, not left running.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !f.ai.record()[0].cancelled {
        assert!(
            std::time::Instant::now() < deadline,
            "the request was never cancelled"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!f.ai.record()[0].finished);
}

#[test]
fn a_401_a_429_and_a_missing_model_give_their_errors_with_a_fix() {
    let f = fx(KEY);
    let provider = f.provider(ProviderKind::Anthropic, Some(KEY)).id;
    for (status, code, fix) in [
        (401, ErrorCode::WrongKey, "API key"),
        (429, ErrorCode::RateLimited, "Wait a minute"),
        (404, ErrorCode::Config, "Pick a model"),
    ] {
        f.ai.set_script(AiScript {
            fail_status: Some(status),
            ..AiScript::default()
        });
        let err = f.run(&Task::Analyze, provider).1.unwrap_err();
        assert_eq!(err.code(), code, "HTTP {status}: {err}");
        assert!(err.fix().unwrap().contains(fix), "{:?}", err.fix());
    }
    // A wrong key stored is a 401 from the provider itself.
    let wrong = f.provider(ProviderKind::OpenAi, Some("sk-wrong"));
    f.ai.set_script(AiScript::default());
    assert_eq!(
        f.run(&Task::Analyze, wrong.id).1.unwrap_err().code(),
        ErrorCode::WrongKey
    );
    // Nothing listens: the network error says so.
    let down = providers::save(
        &mut f.db.local().unwrap(),
        f.db.install_id(),
        &Keychain,
        &Actor::cli(),
        None,
        NewProvider {
            kind: Some(ProviderKind::OpenAiCompatible),
            name: "down".into(),
            base_url: Some("http://127.0.0.1:9/v1".into()),
            model: Some("m".into()),
            ..NewProvider::default()
        },
    )
    .unwrap();
    let err = f.run(&Task::Analyze, down.id).1.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unreachable);
    assert!(matches!(
        err,
        paneldesk_core::Error::Ai(AiError::Network(_))
    ));
}

#[test]
fn a_context_too_long_drops_the_oldest_messages_once_and_says_so() {
    let f = fx(KEY);
    let provider = f.provider(ProviderKind::OpenAi, Some(KEY)).id;
    let full = ai::plan(&f.db, f.panel_id, f.ticket, &Task::Analyze, Some(provider)).unwrap();
    assert_eq!(full.prompt.dropped_messages, 0);
    // The server takes a little less than the whole conversation.
    f.ai.set_script(AiScript {
        fallback: "Short.".into(),
        context_limit_chars: Some(full.prompt.user.len() + full.prompt.system.len() - 10),
        report_usage: true,
        ..AiScript::default()
    });
    let (_, out) = f.run(&Task::Analyze, provider);
    let out = out.unwrap();
    assert_eq!(out.text, "Short.");
    assert!(out.dropped_messages > 0);
    assert_eq!(f.ai.record().len(), 2, "retried once");
}

#[test]
fn a_draft_naming_an_order_the_cache_does_not_hold_is_flagged_and_usage_unknown_is_not_zero() {
    let f = fx(KEY);
    let provider = f.provider(ProviderKind::OpenAi, Some(KEY)).id;
    let preset = f.preset(provider);
    let view = browse::ticket_view(&f.db.read().unwrap(), f.panel_id, f.ticket).unwrap();
    let known = view
        .quoted_orders
        .iter()
        .find(|q| q.order.is_some())
        .unwrap()
        .id;
    f.ai.set_script(AiScript {
        answers: [format!(
            "Order {known} is on its way; order 999999901 was refunded."
        )]
        .into(),
        report_usage: false,
        ..AiScript::default()
    });
    let (_, out) = f.run(&Task::Draft { preset_id: preset }, provider);
    let out = out.unwrap();
    assert_eq!(out.unknown_order_ids, [999_999_901]);
    assert_eq!(out.usage, None);
    let usage = ai::usage_by_day(&f.db.local().unwrap(), 1).unwrap();
    assert_eq!(
        (
            usage[0].calls,
            usage[0].unknown_calls,
            usage[0].input_tokens
        ),
        (1, 1, 0)
    );
    let log = activity::recent(&f.db.local().unwrap(), 5).unwrap();
    assert_eq!(log[0].action, Action::AiCall);
    assert!(log[0]
        .details
        .as_deref()
        .unwrap()
        .contains("tokens unknown"));
    assert!(
        !log[0].details.as_deref().unwrap().contains("refunded"),
        "no content in the log"
    );
}
