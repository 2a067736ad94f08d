//! `paneldesk-cli`: the headless command line over the same core as the app.
//! Its names, options, JSON shapes and exit codes are a contract
//! (`../shared/PRODUCT.md`, "The command line").

mod api;
mod progress;
mod report;
mod tickets;

use std::{io::IsTerminal, path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand, ValueEnum};
use paneldesk_core::{
    activity::Actor,
    db::{Db, Writer},
    export,
    lock::SyncLock,
    panels::{self, NewPanel, PanelStatus},
    secrets::Keychain,
    settings,
    sync::{Engine, EngineOptions, Resource, SyncOutcome},
    Error, ErrorCode,
};

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
    /// Add, list, test or remove panels.
    #[command(subcommand)]
    Panel(PanelCmd),
    /// Fetch the panels' data into the cache.
    Sync(SyncArgs),
    /// Compare the cache with the panels inside the retention window now:
    /// statuses are corrected and rows the panels no longer have are deleted
    /// (the app and `sync --watch` do it daily by themselves).
    Verify {
        #[arg(long)]
        panel: Option<String>,
    },
    /// Write a cached table as CSV to standard output.
    Export {
        #[arg(value_enum)]
        what: ExportWhat,
        /// CSV (the only format; required so scripts say what they expect).
        #[arg(long, required = true)]
        csv: bool,
        #[arg(long)]
        panel: Option<String>,
        /// Neutralise text cells a spreadsheet would run as formulas (a
        /// leading `'`); raw RFC 4180 without it.
        #[arg(long)]
        spreadsheet_safe: bool,
    },
    /// Reports (service health, top spenders, flagged replies, staff statistics).
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Show or set how many days of finished data the cache keeps; lowering it deletes at once.
    Retention {
        #[arg(long)]
        days: Option<i64>,
    },
    /// Answer tickets.
    #[command(subcommand)]
    Ticket(tickets::TicketCmd),
    /// The replies on their way to the panels.
    #[command(subcommand)]
    Outbox(tickets::OutboxCmd),
    /// Service descriptions kept on this computer.
    #[command(subcommand)]
    Services(ServicesCmd),
    /// The activity log: who did what to which panel, newest first.
    Log {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Where the data dir is, where its database key is kept and the schema
    /// versions of its databases.
    Info {
        #[arg(long)]
        json: bool,
    },
    /// Make the data dir. Its databases are encrypted with a key kept in the
    /// OS keychain; with --no-keychain (a server with no keychain) the key is
    /// written to `db.key` in the data dir, readable by its owner only.
    /// Without `init`, the first command makes the data dir the default way.
    Init {
        #[arg(long)]
        no_keychain: bool,
    },
    /// Serve the cache as Perfect Panel's Admin API v2 on this computer
    /// (`/<panel name>/adminapi/v2`, every panel at `/adminapi/v2`), to keys
    /// made with `api-key create`. Until Ctrl+C.
    Serve {
        #[arg(long, default_value_t = api::DEFAULT_PORT)]
        port: u16,
        /// A loopback address only (serving other computers is not offered).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Requests a second each key may make.
        #[arg(long, default_value_t = paneldesk_core::local_api::DEFAULT_RATE_PER_KEY)]
        rate: u32,
    },
    /// The local API's keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(api::KeyCmd),
    /// The databases themselves, decrypted (Debian's `sqlcipher` shell is too
    /// old to open them).
    #[command(subcommand)]
    Db(DbCmd),
}

#[derive(Subcommand)]
enum DbCmd {
    /// Run one read-only SQL statement over the cache, with local.sqlite3
    /// attached as `local`; rows are printed tab-separated under a header.
    Sql { statement: String },
}

#[derive(Subcommand)]
enum ServicesCmd {
    /// Import descriptions from a CSV or XLSX file (a service id column and a
    /// description column; others ignored). Without --apply it only says what
    /// would change.
    Import {
        #[arg(long)]
        panel: String,
        file: PathBuf,
        #[arg(long)]
        apply: bool,
        /// Also keep descriptions of services the cached catalogue lacks.
        #[arg(long)]
        include_unknown: bool,
    },
}

#[derive(Subcommand)]
enum PanelCmd {
    /// Add a panel. The admin key comes from PANELDESK_ADMIN_KEY or one line on
    /// standard input; the services key from PANELDESK_SERVICES_KEY.
    ///
    /// With --no-keychain no key is stored: every run reads the admin key
    /// from PANELDESK_ADMIN_KEY_<NAME> and the services key from
    /// PANELDESK_SERVICES_KEY_<NAME> (the older PANELDESK_ADMIN_KEY_<NAME>_SERVICES
    /// still works); <NAME> is the panel's name in upper case, other
    /// characters than letters and digits as _.
    Add {
        #[arg(long)]
        name: String,
        /// The panel's address (https://panel.example) or its API base (.../adminapi/v2).
        #[arg(long)]
        url: String,
        /// Your staff name on this panel (replies are attributed to it).
        #[arg(long)]
        staff_name: Option<String>,
        /// Requests per second (default 5).
        #[arg(long)]
        rate_limit: Option<f64>,
        /// Store no key: every run reads PANELDESK_ADMIN_KEY_<NAME> and PANELDESK_SERVICES_KEY_<NAME> (servers without a keychain).
        #[arg(long)]
        no_keychain: bool,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    /// Connect with the stored key and say what the panel answers.
    Test { name: String },
    /// Remove a panel, its keys and its cached data.
    Remove { name: String },
}

#[derive(Args)]
struct SyncArgs {
    /// Sync until caught up, then exit.
    #[arg(long, conflicts_with = "watch", required_unless_present = "watch")]
    once: bool,
    /// Keep syncing on the engine's intervals until interrupted (Ctrl+C stops cleanly).
    #[arg(long)]
    watch: bool,
    #[arg(long)]
    panel: Option<String>,
    /// Comma list of orders, users, payments, tickets, services (default: all).
    #[arg(long, value_delimiter = ',')]
    resource: Vec<String>,
    /// Set the rows asked per request (1-1000) for every panel and resource first.
    #[arg(long)]
    per_fetch: Option<u32>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportWhat {
    Orders,
    Users,
    Payments,
    Tickets,
    Services,
}

fn exit_code(e: &Error) -> u8 {
    if matches!(
        e,
        Error::Config(paneldesk_core::panels::PanelConfigError::MissingKey)
    ) {
        return 3;
    }
    match e.code() {
        ErrorCode::WrongKey | ErrorCode::SecretNotFound | ErrorCode::DatabaseKey => 3,
        ErrorCode::Unreachable => 4,
        ErrorCode::KeychainUnavailable => 5,
        ErrorCode::RateLimited => 6,
        _ => 1,
    }
}

fn fail(e: &Error) -> ExitCode {
    match e.fix() {
        Some(fix) => eprintln!("error: {e}. {fix}"),
        None => eprintln!("error: {e}"),
    }
    ExitCode::from(exit_code(e))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let data_dir = cli
        .data_dir
        .map(paneldesk_core::paths::DataDir::new)
        .unwrap_or_else(paneldesk_core::paths::DataDir::resolve);
    let _log = paneldesk_core::logging::init(&data_dir.log_dir(), false).ok();
    paneldesk_core::crash::install(data_dir.log_dir(), "paneldesk-cli");
    if let Command::Init { no_keychain: true } = cli.command {
        if let Err(e) = paneldesk_core::db::init_key_file(&data_dir) {
            return fail(&e);
        }
    }
    let db = match Db::open(&data_dir) {
        Ok(db) => db,
        Err(e) => return fail(&e),
    };
    let result = match cli.command {
        Command::Panel(cmd) => panel(&db, cmd),
        Command::Sync(args) => return sync_cmd(&db, args),
        Command::Export {
            what,
            panel,
            spreadsheet_safe,
            ..
        } => export_cmd(&db, what, panel.as_deref(), csv_style(spreadsheet_safe)),
        Command::Report(cmd) => match report::run(&db, cmd) {
            Ok(()) => Ok(()),
            Err(report::ReportError::Usage(message)) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
            Err(report::ReportError::Failed(e)) => Err(e),
        },
        Command::Retention { days } => retention(&db, days),
        Command::Verify { panel } => return verify_cmd(&db, panel.as_deref()),
        Command::Info { json } => info(&db, json),
        Command::Init { .. } => {
            println!(
                "{} is ready; its database key is in {}",
                db.data_dir().root().display(),
                db.key_source()
            );
            Ok(())
        }
        Command::Db(DbCmd::Sql { statement }) => sql(&db, &statement),
        Command::Serve { port, bind, rate } => {
            return exit(api::serve(&db, std::net::SocketAddr::new(bind, port), rate))
        }
        Command::ApiKey(cmd) => api::key(&db, cmd),
        Command::Ticket(cmd) => return exit(tickets::ticket(&db, cmd)),
        Command::Outbox(cmd) => return exit(tickets::outbox_cmd(&db, cmd)),
        Command::Log { limit, json } => return exit(tickets::log(&db, limit, json)),
        Command::Services(ServicesCmd::Import {
            panel,
            file,
            apply,
            include_unknown,
        }) => import_cmd(&db, &panel, &file, apply, include_unknown),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `export ... | head`: the reader has what it wanted.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn exit(r: Result<ExitCode, Error>) -> ExitCode {
    r.unwrap_or_else(|e| fail(&e))
}

fn read_admin_key() -> Result<Option<String>, Error> {
    if let Ok(k) = std::env::var("PANELDESK_ADMIN_KEY") {
        return Ok(Some(k));
    }
    if std::io::stdin().is_terminal() {
        eprint!("Admin API key: ");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::io("reading the key from standard input", e))?;
    Ok(Some(line.trim().to_owned()).filter(|k| !k.is_empty()))
}

fn panel(db: &Db, cmd: PanelCmd) -> Result<(), Error> {
    let keychain = Keychain;
    match cmd {
        PanelCmd::Add {
            name,
            url,
            staff_name,
            rate_limit,
            no_keychain,
        } => {
            let admin_key = if no_keychain { None } else { read_admin_key()? };
            let new = NewPanel {
                name,
                url,
                staff_name,
                rate_limit,
                admin_key,
                services_key: std::env::var("PANELDESK_SERVICES_KEY").ok(),
                no_keychain,
            };
            let p = panels::add(
                &mut db.local()?,
                db.install_id(),
                &keychain,
                &Actor::cli(),
                new,
            )?;
            println!("added panel {} ({})", p.name, p.url);
            if p.no_keychain {
                println!(
                    "its admin key is read from {} and its services key from {} at every run",
                    panels::env_key_var(&p.name),
                    panels::services_env_vars(&p.name)[0]
                );
            }
        }
        PanelCmd::List { json } => {
            let list = panels::list(&db.local()?)?;
            if json {
                let rows: Vec<_> = list
                    .iter()
                    .map(|p| {
                        serde_json::json!({
                            "name": p.name, "url": p.url, "staff_name": p.staff_name, "rate_limit": p.rate_limit,
                            "enabled": p.enabled, "status": if p.enabled { p.status } else { PanelStatus::Disabled },
                            "last_error": p.last_error, "admin_key_last4": p.admin_key_last4, "has_services_key": p.has_services_key,
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
            } else if list.is_empty() {
                println!(
                    "no panels yet: add one with `paneldesk-cli panel add --name NAME --url URL`"
                );
            } else {
                let width = list
                    .iter()
                    .map(|p| p.name.chars().count())
                    .max()
                    .unwrap_or(4)
                    .max(4);
                println!("{:width$}  {:12}  {:>5}  URL", "NAME", "STATUS", "RATE");
                for p in &list {
                    println!(
                        "{:width$}  {:12}  {:>5}  {}",
                        p.name,
                        p.status.to_string(),
                        p.rate_limit,
                        p.url
                    );
                    if let Some(e) = &p.last_error {
                        println!("{:width$}  last error: {e}", "");
                    }
                }
            }
        }
        PanelCmd::Test { name } => {
            let p = panels::by_name(&db.local()?, &name)?;
            let probe = runtime()?.block_on(panels::test(db, &keychain, p.id))?;
            println!(
                "{}: connected to {} ({} orders, {} users visible)",
                p.name, p.url, probe.orders, probe.users
            );
        }
        PanelCmd::Remove { name } => {
            let p = panels::by_name(&db.local()?, &name)?;
            panels::remove(
                &Writer::start(db)?,
                db.install_id(),
                &keychain,
                &Actor::cli(),
                &p,
            )?;
            println!("removed panel {} and its cached data", p.name);
        }
    }
    Ok(())
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting the async runtime", e))
}

fn sync_cmd(db: &Db, args: SyncArgs) -> ExitCode {
    match sync_run(db, args) {
        Ok(code) => code,
        Err(e) => fail(&e),
    }
}

fn sync_run(db: &Db, args: SyncArgs) -> Result<ExitCode, Error> {
    let mut resources = Vec::new();
    for r in &args.resource {
        match r.trim().parse::<Resource>() {
            Ok(r) => resources.push(r),
            Err(_) => {
                eprintln!(
                    "error: unknown resource {r:?}: use orders, users, payments, tickets, services"
                );
                return Ok(ExitCode::from(2));
            }
        }
    }
    if resources.is_empty() {
        resources = Resource::ALL.to_vec();
    }
    let who = if args.watch {
        "paneldesk-cli sync --watch"
    } else {
        "paneldesk-cli sync --once"
    };
    let _lock = SyncLock::acquire(db.data_dir(), who)?;
    if let Some(n) = args.per_fetch {
        settings::set_per_fetch_everywhere(&db.local()?, db.install_id(), &Actor::cli(), n)?;
    }
    let local = db.local()?;
    if panels::list(&local)?.is_empty() {
        eprintln!("error: no panel to sync. Add one with `paneldesk-cli panel add --name NAME --url URL`.");
        return Ok(ExitCode::from(1));
    }
    drop(local);
    let engine = Engine::new(
        db.clone(),
        Writer::start(db)?,
        Keychain,
        EngineOptions::default(),
    );
    let rt = runtime()?;
    let bars = std::io::stderr()
        .is_terminal()
        .then(|| progress::Bars::follow(&rt, engine.subscribe()));
    if args.watch {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        // The sync owner also delivers the reply outbox.
        let outbox = paneldesk_core::tickets::Outbox::new(engine.clone(), Actor::cli());
        rt.block_on(async {
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                let _ = stop_tx.send(true);
            });
            let delivering =
                outbox.watch(std::time::Duration::from_secs(10), stop_rx.clone(), |_| {});
            let (synced, ()) = tokio::join!(engine.watch(stop_rx), delivering);
            synced
        })?;
        eprintln!("sync stopped");
        return Ok(ExitCode::SUCCESS);
    }
    let reports = rt.block_on(engine.sync_once(args.panel.as_deref(), &resources))?;
    drop(bars);
    let mut code = ExitCode::SUCCESS;
    for r in &reports {
        let counts: Vec<String> = r
            .fetched
            .iter()
            .map(|(res, n)| format!("{} {n}", res.as_str()))
            .collect();
        eprintln!(
            "{}: fetched {}",
            r.panel,
            if counts.is_empty() {
                "nothing".to_owned()
            } else {
                counts.join(", ")
            }
        );
        if let Some(e) = &r.error {
            eprintln!(
                "error: panel {}: {e}. {}",
                r.panel,
                e.fix().unwrap_or_default()
            );
            if code == ExitCode::SUCCESS {
                code = ExitCode::from(exit_code(e));
            }
        }
    }
    Ok(code)
}

fn verify_cmd(db: &Db, panel: Option<&str>) -> ExitCode {
    let run = || -> Result<ExitCode, Error> {
        let _lock = SyncLock::acquire(db.data_dir(), "paneldesk-cli verify")?;
        let engine = Engine::new(
            db.clone(),
            Writer::start(db)?,
            Keychain,
            EngineOptions::default(),
        );
        let rt = runtime()?;
        let reports = rt.block_on(engine.verify_once(panel))?;
        Ok(report_panels(&reports, "verified"))
    };
    run().unwrap_or_else(|e| fail(&e))
}

/// One line per panel, and one `error:` line per failed panel; the exit
/// code of the first failure.
fn report_panels(reports: &[SyncOutcome], done: &str) -> ExitCode {
    let mut code = ExitCode::SUCCESS;
    for r in reports {
        match &r.error {
            None => eprintln!("{}: {done}", r.panel),
            Some(e) => {
                eprintln!(
                    "error: panel {}: {e}. {}",
                    r.panel,
                    e.fix().unwrap_or_default()
                );
                if code == ExitCode::SUCCESS {
                    code = ExitCode::from(exit_code(e));
                }
            }
        }
    }
    code
}

/// `--spreadsheet-safe` as the core's CSV style.
pub(crate) fn csv_style(spreadsheet_safe: bool) -> export::CsvStyle {
    if spreadsheet_safe {
        export::CsvStyle::SpreadsheetSafe
    } else {
        export::CsvStyle::Raw
    }
}

fn export_cmd(
    db: &Db,
    what: ExportWhat,
    panel: Option<&str>,
    style: export::CsvStyle,
) -> Result<(), Error> {
    let resource = match what {
        ExportWhat::Orders => Resource::Orders,
        ExportWhat::Users => Resource::Users,
        ExportWhat::Payments => Resource::Payments,
        ExportWhat::Tickets => Resource::Tickets,
        ExportWhat::Services => Resource::Services,
    };
    let local = db.local()?;
    let names: Vec<(i64, String)> = panels::list(&local)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let only = panel
        .map(|n| panels::by_name(&local, n).map(|p| p.id))
        .transpose()?;
    let stdout = std::io::stdout().lock();
    let rows = export::csv(
        &db.cache()?,
        &names,
        resource,
        only,
        style,
        std::io::BufWriter::new(stdout),
    )?;
    // Exports are logged (what and how many; never the rows).
    let entry = paneldesk_core::activity::Entry {
        actor: Actor::cli(),
        panel: only.map(|id| (id, panel.unwrap_or_default().to_owned())),
        action: paneldesk_core::activity::Action::Export,
        target: Some(resource.as_str().to_owned()),
        outcome: paneldesk_core::activity::Outcome::Sent,
        details: Some(format!("{rows} rows")),
    };
    paneldesk_core::activity::append(&local, db.install_id(), &entry)
}

fn import_cmd(
    db: &Db,
    panel: &str,
    file: &std::path::Path,
    apply: bool,
    include_unknown: bool,
) -> Result<(), Error> {
    use paneldesk_core::service_descriptions::{self, ImportFile};
    let panel = panels::by_name(&db.local()?, panel)?;
    let file = ImportFile::read(file)?;
    let read = db.read()?;
    let p = service_descriptions::preview(&read, panel.id, &file)?;
    println!(
        "{}: {} new, {} updated, {} unchanged, {} unknown services, {} unreadable rows",
        file.name,
        p.new,
        p.updated,
        p.unchanged,
        p.unknown,
        p.bad.len()
    );
    for b in &p.bad {
        println!("  row {}: {}", b.line, b.reason);
    }
    if !apply {
        println!("nothing written: add --apply to import");
        return Ok(());
    }
    let done = service_descriptions::apply(
        &read,
        &mut db.local()?,
        db.install_id(),
        &Actor::cli(),
        panel.id,
        &file,
        include_unknown,
    )?;
    println!(
        "imported: {} written, {} unchanged, {} unknown services left out",
        done.written, done.unchanged, done.skipped_unknown
    );
    Ok(())
}

fn retention(db: &Db, days: Option<i64>) -> Result<(), Error> {
    match days {
        Some(d) if d < 1 => {
            eprintln!("error: retention must be at least 1 day");
            std::process::exit(2);
        }
        Some(d) => {
            let removed = settings::set_retention_days(
                &Writer::start(db)?,
                db.install_id(),
                &Actor::cli(),
                d,
            )?;
            println!(
                "retention {d} days: removed {} orders, {} payments, {} closed tickets",
                removed.orders, removed.payments, removed.tickets
            );
        }
        None => println!("retention {} days", settings::retention_days(&db.local()?)?),
    }
    Ok(())
}

fn info(db: &Db, json: bool) -> Result<(), Error> {
    let v = db.schema_versions()?;
    let dir = db.data_dir().root();
    if json {
        let info = serde_json::json!({
            "version": paneldesk_core::VERSION,
            "data_dir": dir,
            "cache_schema_version": v.cache,
            "local_schema_version": v.local,
            "key_source": db.key_source().to_string(),
        });
        println!("{info}");
    } else {
        println!("Paneldesk {}", paneldesk_core::VERSION);
        println!("data dir       {}", dir.display());
        println!("cache schema   {}", v.cache);
        println!("local schema   {}", v.local);
        println!("database key   {}", db.key_source());
    }
    Ok(())
}

/// `db sql`: one statement, read-only (`query_only`: a write is refused by
/// SQLite itself, not by reading the statement).
fn sql(db: &Db, statement: &str) -> Result<(), Error> {
    use std::io::Write;
    let conn = db.read()?;
    let err = paneldesk_core::db::CacheConn::err;
    conn.pragma_update(None, "query_only", true).map_err(err)?;
    let mut st = conn.prepare(statement).map_err(err)?;
    let names: Vec<String> = st.column_names().iter().map(|n| n.to_string()).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let io = |e| Error::io("writing the rows", e);
    writeln!(out, "{}", names.join("\t")).map_err(io)?;
    let mut rows = st.query([]).map_err(err)?;
    while let Some(row) = rows.next().map_err(err)? {
        let cells = (0..names.len())
            .map(|i| {
                Ok(match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => String::new(),
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Real(x) => x.to_string(),
                    rusqlite::types::ValueRef::Text(t) => {
                        String::from_utf8_lossy(t).replace(['\t', '\n', '\r'], " ")
                    }
                    rusqlite::types::ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(err)?;
        writeln!(out, "{}", cells.join("\t")).map_err(io)?;
    }
    out.flush().map_err(io)
}
