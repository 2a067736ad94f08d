//! `serve` and `api-key`: the local API (the cache in Perfect Panel's own
//! shape, on 127.0.0.1) and its keys.

use std::{net::SocketAddr, process::ExitCode};

use clap::Subcommand;
use paneldesk_core::{
    activity::Actor,
    db::Db,
    local_api::{self, keys, ApiKeyEdit, LocalApi, Scope},
    panels, Error,
};

use crate::runtime;

pub use local_api::DEFAULT_PORT;

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Make a key; it is printed once and kept only as its SHA-256.
    Create {
        #[arg(long)]
        name: String,
        /// `<resource>:read` or `<resource>:write` (orders, users, payments,
        /// tickets, services); repeat it for more.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// A panel the key may reach (by name); repeat it for more. None: every panel.
        #[arg(long = "panel")]
        panels: Vec<String>,
    },
    /// Every key: prefix, scopes, panels, last use, status.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key (by its id in the list): refused from its next request on.
    Revoke { id: i64 },
}

pub fn key(db: &Db, cmd: KeyCmd) -> Result<(), Error> {
    let local = db.local()?;
    match cmd {
        KeyCmd::Create {
            name,
            scopes,
            panels: names,
        } => {
            let scopes = scopes
                .iter()
                .map(|s| s.parse::<Scope>())
                .collect::<Result<Vec<_>, _>>()?;
            let panels = names
                .iter()
                .map(|n| panels::by_name(&local, n).map(|p| p.id))
                .collect::<Result<Vec<_>, _>>()?;
            let made = keys::create(
                &local,
                db.install_id(),
                &Actor::cli(),
                &ApiKeyEdit {
                    name,
                    scopes,
                    panels,
                },
            )?;
            eprintln!("key #{} made; it is shown this once:", made.key.id);
            println!("{}", made.secret);
        }
        KeyCmd::List { json } => {
            let list = keys::list(&local)?;
            if json {
                println!("{}", serde_json::to_string(&list).unwrap_or_default());
            } else {
                for k in list {
                    let scopes: Vec<String> = k.scopes.iter().map(Scope::to_string).collect();
                    println!(
                        "#{} {} {}…  {}  panels: {}  {}",
                        k.id,
                        k.name,
                        k.prefix,
                        scopes.join(" "),
                        if k.panels.is_empty() {
                            "all".to_owned()
                        } else {
                            format!("{:?}", k.panels)
                        },
                        if k.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        }
                    );
                }
            }
        }
        KeyCmd::Revoke { id } => {
            let k = keys::revoke(&local, db.install_id(), &Actor::cli(), id)?;
            println!("key #{} ({}) revoked", k.id, k.name);
        }
    }
    Ok(())
}

/// `serve`: until Ctrl+C.
pub fn serve(db: &Db, addr: SocketAddr, rate: u32) -> Result<ExitCode, Error> {
    let rt = runtime()?;
    rt.block_on(async {
        let running = local_api::serve(LocalApi::new(db.clone(), rate, None), addr).await?;
        // Scripts read this line for the port (with --port 0).
        println!("listening on http://{}", running.addr);
        let _ = tokio::signal::ctrl_c().await;
        running.stop().await;
        Ok::<_, Error>(())
    })?;
    eprintln!("the local API stopped");
    Ok(ExitCode::SUCCESS)
}
