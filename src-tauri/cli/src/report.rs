//! `paneldesk-cli report ...`: every report as an aligned table, JSON or CSV.

use clap::{Args, Subcommand, ValueEnum};
use paneldesk_core::{
    db::{Db, Writer},
    lock::SyncLock,
    panels, reports,
    secrets::Keychain,
    sync::{Engine, EngineOptions},
    Error,
};

#[derive(Args)]
pub struct Common {
    /// The window in hours (default: the profile's, else 24).
    #[arg(long)]
    window_hours: Option<f64>,
    /// One panel (default: all).
    #[arg(long)]
    panel: Option<String>,
    /// "Now", unix seconds (default: the clock).
    #[arg(long)]
    at: Option<i64>,
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    #[arg(long)]
    csv: bool,
    /// With --csv: neutralise text cells a spreadsheet would run as formulas.
    #[arg(long, requires = "csv")]
    spreadsheet_safe: bool,
}

#[derive(Subcommand)]
pub enum ReportCmd {
    /// Stuck and slow orders per service, scored.
    ServiceHealth {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        stuck_after: Option<f64>,
        #[arg(long)]
        slow_multiplier: Option<f64>,
        #[arg(long)]
        min_orders: Option<i64>,
        #[arg(long)]
        profile: Option<String>,
    },
    /// Who spent most inside the window.
    TopSpenders {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        min_payments: Option<i64>,
        #[arg(long)]
        min_spend: Option<f64>,
        /// `ID,ID` (with --panel) or `PANEL:ID,...`.
        #[arg(long, value_delimiter = ',')]
        users: Vec<String>,
        #[arg(long)]
        profile: Option<String>,
    },
    /// Replies that look careless, by staff or by service.
    FlaggedReplies {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_enum, default_value = "staff")]
        by: By,
    },
    /// Tickets answered and response time per staff.
    StaffStats {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum By {
    Staff,
    Service,
}

/// A usage mistake (exit 2) or a failure.
pub enum ReportError {
    Usage(String),
    Failed(Error),
}

impl From<Error> for ReportError {
    fn from(e: Error) -> Self {
        ReportError::Failed(e)
    }
}

enum Output {
    Json(String),
    Csv(String),
}

struct Resolved {
    panel: Option<i64>,
    at: i64,
    window: Option<f64>,
}

/// The report in the form asked for; only that form is built (a top
/// spenders report of 40,000 rows took 0.3 s to build both).
fn pick_output(
    common: &Common,
    json: impl FnOnce() -> String,
    csv: impl FnOnce(paneldesk_core::export::CsvStyle) -> String,
) -> Output {
    if common.json {
        Output::Json(json())
    } else {
        Output::Csv(csv(crate::csv_style(common.spreadsheet_safe)))
    }
}

fn resolve(db: &Db, common: &Common) -> Result<Resolved, ReportError> {
    if let Some(h) = common.window_hours {
        reports::check_window(h).map_err(ReportError::Usage)?;
    }
    let panel = match &common.panel {
        Some(name) => Some(panels::by_name(&db.local()?, name)?.id),
        None => None,
    };
    Ok(Resolved {
        panel,
        at: common.at.unwrap_or_else(chrono_now),
        window: common.window_hours,
    })
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn users(
    db: &Db,
    panel: Option<i64>,
    list: &[String],
) -> Result<Option<Vec<(i64, i64)>>, ReportError> {
    if list.is_empty() {
        return Ok(None);
    }
    let local = db.local()?;
    let mut out = Vec::new();
    for item in list {
        let (p, id) = match item.split_once(':') {
            Some((name, id)) => (panels::by_name(&local, name)?.id, id),
            None => (
                panel.ok_or_else(|| {
                    ReportError::Usage(format!(
                        "--users {item} needs --panel, or write it PANEL:{item}"
                    ))
                })?,
                item.as_str(),
            ),
        };
        let id = id
            .trim()
            .parse()
            .map_err(|_| ReportError::Usage(format!("{id:?} is not a user id")))?;
        out.push((p, id));
    }
    Ok(Some(out))
}

pub fn run(db: &Db, cmd: ReportCmd) -> Result<(), ReportError> {
    let conn = db.read()?;
    let (common, out) = match &cmd {
        ReportCmd::ServiceHealth {
            common,
            stuck_after,
            slow_multiplier,
            min_orders,
            profile,
        } => {
            let r = resolve(db, common)?;
            let mut params = match profile {
                Some(name) => reports::service_health_profile(&db.local()?, name)?
                    .ok_or_else(|| {
                        ReportError::Usage(format!(
                            "there is no service health profile named {name:?}"
                        ))
                    })?
                    .params(r.panel, r.at, r.window),
                None => {
                    let mut p = reports::ServiceHealthParams::new(r.at);
                    p.panel = r.panel;
                    p.window_hours = r.window.unwrap_or(reports::DEFAULT_WINDOW_HOURS);
                    p
                }
            };
            if let Some(v) = stuck_after {
                params.stuck_after_h = *v;
            }
            if let Some(v) = slow_multiplier {
                params.slow_multiplier = *v;
            }
            if let Some(v) = min_orders {
                params.min_orders = *v;
            }
            params.validate().map_err(ReportError::Usage)?;
            let report = reports::service_health(&conn, &params)?;
            (
                common,
                pick_output(
                    common,
                    || serde_json::to_string(&report).unwrap_or_default(),
                    |style| report.to_csv(style),
                ),
            )
        }
        ReportCmd::TopSpenders {
            common,
            min_payments,
            min_spend,
            users: list,
            profile,
        } => {
            let r = resolve(db, common)?;
            let mut params = match profile {
                Some(name) => reports::top_spender_profile(&db.local()?, name)?
                    .ok_or_else(|| {
                        ReportError::Usage(format!(
                            "there is no top spenders profile named {name:?}"
                        ))
                    })?
                    .params(r.panel, r.at, r.window),
                None => {
                    let mut p = reports::TopSpendersParams::new(r.at);
                    p.panel = r.panel;
                    p.window_hours = r.window.unwrap_or(reports::DEFAULT_WINDOW_HOURS);
                    p
                }
            };
            if let Some(v) = min_payments {
                params.min_payments = *v;
            }
            if let Some(v) = min_spend {
                params.min_spend_micros = (v * 1_000_000.0).round() as i64;
            }
            if let Some(u) = users(db, r.panel, list)? {
                params.users = Some(u);
            }
            params.validate().map_err(ReportError::Usage)?;
            let report = reports::top_spenders(&conn, &params)?;
            (
                common,
                pick_output(
                    common,
                    || serde_json::to_string(&report).unwrap_or_default(),
                    |style| report.to_csv(style),
                ),
            )
        }
        ReportCmd::FlaggedReplies { common, by } => {
            let r = resolve(db, common)?;
            let params = reports::WindowParams {
                panel: r.panel,
                window_hours: r.window.unwrap_or(reports::DEFAULT_WINDOW_HOURS),
                at: r.at,
            };
            match by {
                By::Staff => {
                    let report = reports::flagged_by_staff(&conn, &params)?;
                    (
                        common,
                        pick_output(
                            common,
                            || serde_json::to_string(&report).unwrap_or_default(),
                            |style| report.to_csv(style),
                        ),
                    )
                }
                By::Service => {
                    // Missing conversations are the sync engine's to fetch,
                    // under the sync lock; a report never waits for it.
                    match SyncLock::acquire(db.data_dir(), "paneldesk-cli report flagged-replies") {
                        Ok(_lock) => {
                            let engine =
                                Engine::new(db.clone(), Writer::start(db)?, Keychain, EngineOptions::default());
                            crate::runtime()?.block_on(engine.fetch_report_conversations(
                                params.panel,
                                params.window_hours,
                                params.at,
                                reports::MAX_TICKET_FETCHES,
                            ))?;
                        }
                        Err(Error::Busy(owner)) => eprintln!(
                            "note: {owner}: no conversation was fetched; the tickets still missing one count as not_fetched"
                        ),
                        Err(e) => return Err(e.into()),
                    }
                    let report = reports::flagged_by_service(&conn, &params)?;
                    (
                        common,
                        pick_output(
                            common,
                            || serde_json::to_string(&report).unwrap_or_default(),
                            |style| report.to_csv(style),
                        ),
                    )
                }
            }
        }
        ReportCmd::StaffStats { common } => {
            let r = resolve(db, common)?;
            let params = reports::WindowParams {
                panel: r.panel,
                window_hours: r.window.unwrap_or(reports::DEFAULT_WINDOW_HOURS),
                at: r.at,
            };
            let report = reports::staff_stats(&conn, &params)?;
            (
                common,
                pick_output(
                    common,
                    || serde_json::to_string(&report).unwrap_or_default(),
                    |style| report.to_csv(style),
                ),
            )
        }
    };
    match out {
        Output::Json(j) => println!("{j}"),
        Output::Csv(c) if common.csv => print!("{c}"),
        Output::Csv(c) => print!("{}", aligned(&c)),
    }
    Ok(())
}

/// The CSV's columns aligned for a terminal: the table and the CSV come from one place.
fn aligned(csv_text: &str) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(str::to_owned).collect())
        .collect();
    let Some(cols) = rows.iter().map(Vec::len).max() else {
        return String::new();
    };
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|v| v.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, v)| {
                let numeric = i > 0 && !v.is_empty() && v.parse::<f64>().is_ok();
                if numeric {
                    format!("{v:>w$}", w = widths[c])
                } else {
                    format!("{v:<w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 && rows.len() == 1 {
            out.push_str("(no rows)\n");
        }
    }
    out
}
