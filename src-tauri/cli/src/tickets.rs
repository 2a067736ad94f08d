//! `ticket reply`, `outbox` and `log`: replies through the same outbox as the
//! window, and the activity log.

use std::io::Read;
use std::process::ExitCode;

use clap::Subcommand;
use paneldesk_core::{
    activity::{self, Actor},
    db::{Db, Writer},
    lock::SyncLock,
    operators, panels,
    secrets::Keychain,
    sync::{Engine, EngineOptions},
    tickets::{self, NewReply, Outbox},
    Error,
};

use crate::runtime;

#[derive(Subcommand)]
pub enum TicketCmd {
    /// Reply to a ticket (the text from --text or standard input). Sent at
    /// once when this process can own the sync; otherwise queued for the
    /// owner (the app or `sync --watch`) to send.
    Reply {
        #[arg(long)]
        panel: String,
        #[arg(long)]
        ticket: i64,
        #[arg(long)]
        text: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum OutboxCmd {
    /// The replies not sent yet (and the last day's sent ones).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Send what is due now (needs the sync lock).
    Drain,
}

fn outbox(db: &Db) -> Result<Outbox, Error> {
    let engine = Engine::new(
        db.clone(),
        Writer::start(db)?,
        Keychain,
        EngineOptions::default(),
    );
    Ok(Outbox::new(engine, Actor::cli()))
}

pub fn ticket(db: &Db, cmd: TicketCmd) -> Result<ExitCode, Error> {
    let TicketCmd::Reply {
        panel,
        ticket,
        text,
    } = cmd;
    let text = match text {
        Some(t) => t,
        None => {
            let mut t = String::new();
            std::io::stdin()
                .read_to_string(&mut t)
                .map_err(|e| Error::io("reading the reply from standard input", e))?;
            t
        }
    };
    let p = panels::by_name(&db.local()?, &panel)?;
    // The messages the operator has seen: the cached conversation.
    let seen = paneldesk_core::browse::ticket_view(&db.read()?, p.id, ticket)?
        .messages
        .len() as i64;
    let operator = operators::current(&db.local()?)?;
    let rt = runtime()?;
    let lock = SyncLock::acquire(db.data_dir(), "paneldesk-cli ticket reply");
    let ob = outbox(db)?;
    let row = rt.block_on(tickets::outbox::queue(
        db,
        ob.engine().writer(),
        operator.id,
        NewReply {
            panel_id: p.id,
            ticket_id: ticket,
            text,
            seen_messages: seen,
        },
    ))?;
    let Ok(_lock) = lock else {
        println!(
            "reply #{} queued: the sync owner (the app or `sync --watch`) sends it",
            row.id
        );
        return Ok(ExitCode::SUCCESS);
    };
    let row = rt.block_on(ob.send(row.id, None))?;
    println!("reply #{}: {}", row.id, row.state);
    if let Some(e) = &row.error {
        println!("  {e}");
    }
    Ok(if row.state == tickets::OutboxState::Sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn outbox_cmd(db: &Db, cmd: OutboxCmd) -> Result<ExitCode, Error> {
    match cmd {
        OutboxCmd::List { json } => {
            let rows = tickets::outbox::list(&db.local()?, None)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&rows)
                        .map_err(|e| Error::io("writing JSON", e.into()))?
                );
            } else if rows.is_empty() {
                println!("the outbox is empty");
            } else {
                for r in rows {
                    println!(
                        "#{}  {:8}  {} ticket {}  {}",
                        r.id,
                        r.state.to_string(),
                        r.panel_name,
                        r.ticket_id,
                        r.error.unwrap_or_default()
                    );
                }
            }
        }
        OutboxCmd::Drain => {
            let _lock = SyncLock::acquire(db.data_dir(), "paneldesk-cli outbox drain")?;
            let rows = runtime()?.block_on(outbox(db)?.drain())?;
            for r in &rows {
                println!("reply #{}: {}", r.id, r.state);
            }
            if rows.is_empty() {
                println!("nothing due");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn log(db: &Db, limit: u32, json: bool) -> Result<ExitCode, Error> {
    let rows = activity::recent(&db.local()?, limit)?;
    if json {
        println!(
            "{}",
            serde_json::to_string(&rows).map_err(|e| Error::io("writing JSON", e.into()))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    for r in rows {
        let at = chrono::DateTime::from_timestamp(r.at, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        println!(
            "{at}  {:8} {:12}  {:14} {:8}  {}  {}  {}",
            r.actor_kind.to_string(),
            r.actor_name,
            r.action.to_string(),
            r.outcome.to_string(),
            r.panel_name.unwrap_or_default(),
            r.target.unwrap_or_default(),
            r.details.unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
