//! `paneldesk-cli`: the headless command line over the same core as the app.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use paneldesk_core::{db::Db, paths::DataDir};

#[derive(Parser)]
#[command(
    name = "paneldesk-cli",
    version,
    about = "Paneldesk without the window: panels, sync, reports, exports"
)]
struct Cli {
    /// The data dir (default: the app's own, so the CLI and the app share one cache).
    #[arg(long, global = true, env = paneldesk_core::paths::DATA_DIR_ENV)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Where the data dir is and the schema versions of its databases.
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let data_dir = cli
        .data_dir
        .map(DataDir::new)
        .unwrap_or_else(DataDir::resolve);
    match run(cli.command, &data_dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.fix() {
                Some(fix) => eprintln!("error: {e}. {fix}"),
                None => eprintln!("error: {e}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, data_dir: &DataDir) -> paneldesk_core::Result<()> {
    match command {
        Command::Info { json } => {
            let db = Db::open(data_dir)?;
            let v = db.schema_versions()?;
            if json {
                let info = serde_json::json!({
                    "version": paneldesk_core::VERSION,
                    "data_dir": data_dir.root(),
                    "cache_schema_version": v.cache,
                    "local_schema_version": v.local,
                });
                println!("{info}");
            } else {
                println!("Paneldesk {}", paneldesk_core::VERSION);
                println!("data dir       {}", data_dir.root().display());
                println!("cache schema   {}", v.cache);
                println!("local schema   {}", v.local);
            }
            Ok(())
        }
    }
}
