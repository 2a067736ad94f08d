//! Top spenders: who ordered and paid the most inside the window.

use std::collections::{BTreeSet, HashMap};

use rusqlite::params;
use serde::Serialize;

use super::{csv_text, money, money_opt, opt, panels, window_start, PanelInfo};
use crate::db::{CacheConn, ReadConn};
use crate::{model::format_micros, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct TopSpendersParams {
    /// One panel (its id), or every configured panel.
    pub panel: Option<i64>,
    pub window_hours: f64,
    /// "Now", unix seconds.
    pub at: i64,
    /// A profile's (panel id, user id) pairs; `None` is every user.
    pub users: Option<Vec<(i64, i64)>>,
    /// Rows need `payments_count >= min_payments`.
    pub min_payments: i64,
    /// Rows need `spend >= min_spend`, in micro-units of the row's own currency.
    pub min_spend_micros: i64,
}

impl TopSpendersParams {
    /// Every panel and user, the default window, no filters, at `at`.
    pub fn new(at: i64) -> Self {
        TopSpendersParams {
            panel: None,
            window_hours: super::DEFAULT_WINDOW_HOURS,
            at,
            users: None,
            min_payments: 0,
            min_spend_micros: 0,
        }
    }

    /// What is wrong with the parameters, for a usage error.
    pub fn validate(&self) -> std::result::Result<(), String> {
        super::check_window(self.window_hours)?;
        if self.min_payments < 0 {
            return Err(format!(
                "min payments must be 0 or more, not {}",
                self.min_payments
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TopSpenderRow {
    #[serde(skip)]
    pub panel_id: i64,
    /// The panel's name.
    pub panel: String,
    pub user_id: i64,
    pub username: String,
    #[serde(skip)]
    pub email: Option<String>,
    /// When the user signed up (unix seconds), when the panel says.
    pub joined: Option<i64>,
    /// Signed up inside the window.
    pub is_new: bool,
    pub payments_count: i64,
    #[serde(rename = "payments_total", serialize_with = "money")]
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub payments_total_micros: i64,
    #[serde(rename = "spend", serialize_with = "money")]
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub spend_micros: i64,
    /// The panel's own `spent` for the user.
    #[serde(rename = "lifetime", serialize_with = "money_opt")]
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub lifetime_micros: Option<i64>,
    /// The currency of every money field of the row (the panel's).
    pub currency: Option<String>,
    pub top_services: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TopSpendersReport {
    pub window_hours: f64,
    pub at: i64,
    pub users: Vec<TopSpenderRow>,
}

impl TopSpendersReport {
    /// Money as decimals (`12.50`); top services separated by spaces.
    pub fn to_csv(&self, style: crate::export::CsvStyle) -> String {
        csv_text(
            &[
                "panel",
                "user_id",
                "username",
                "joined",
                "is_new",
                "payments_count",
                "payments_total",
                "spend",
                "lifetime",
                "currency",
                "top_services",
            ],
            self.users.iter().map(|r| {
                vec![
                    r.panel.clone(),
                    r.user_id.to_string(),
                    r.username.clone(),
                    opt(&r.joined),
                    r.is_new.to_string(),
                    r.payments_count.to_string(),
                    format_micros(r.payments_total_micros),
                    format_micros(r.spend_micros),
                    r.lifetime_micros.map(format_micros).unwrap_or_default(),
                    opt(&r.currency),
                    r.top_services
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(" "),
                ]
            }),
            style,
        )
    }
}

/// The top spenders report by the rules (see [`super::help::TOP_SPENDERS`]).
///
/// Orders and payments belong to a user by username; a username with orders
/// or payments but no cached user row (not synced yet) has no ID and is left out.
pub fn top_spenders(conn: &ReadConn, p: &TopSpendersParams) -> Result<TopSpendersReport> {
    let from = window_start(p.at, p.window_hours);
    let wanted: Option<BTreeSet<(i64, i64)>> =
        p.users.as_ref().map(|u| u.iter().copied().collect());
    let mut rows = Vec::new();
    for panel in panels(conn, p.panel)? {
        let mut panel_rows = panel_rows(conn, &panel, p, from)?;
        if let Some(wanted) = &wanted {
            panel_rows.retain(|r| wanted.contains(&(panel.id, r.user_id)));
        }
        rows.extend(panel_rows);
    }
    rows.sort_by(|a, b| {
        b.spend_micros
            .cmp(&a.spend_micros)
            .then_with(|| a.user_id.cmp(&b.user_id))
            .then_with(|| a.panel.cmp(&b.panel))
            .then_with(|| a.panel_id.cmp(&b.panel_id))
    });
    Ok(TopSpendersReport {
        window_hours: p.window_hours,
        at: p.at,
        users: rows,
    })
}

fn panel_rows(
    conn: &ReadConn,
    panel: &PanelInfo,
    p: &TopSpendersParams,
    from: f64,
) -> Result<Vec<TopSpenderRow>> {
    let mut st = conn
        .prepare_cached(
            "WITH o AS (
                 SELECT user, sum(CASE WHEN status <> 'canceled' THEN COALESCE(charge, 0) ELSE 0 END) AS spend
                 FROM orders WHERE panel_id = ?1 AND created > ?2 AND created <= ?3
                 GROUP BY user
             ),
             p AS (
                 SELECT user, count(*) AS n, sum(COALESCE(amount, 0)) AS total
                 FROM payments WHERE panel_id = ?1 AND status = 'completed' AND created > ?2 AND created <= ?3
                 GROUP BY user
             ),
             a AS (SELECT user FROM o UNION SELECT user FROM p)
             SELECT u.id, u.username, u.email, u.created, u.spent, u.currency,
                    COALESCE(p.n, 0) AS payments_count, COALESCE(p.total, 0) AS payments_total,
                    COALESCE(o.spend, 0) AS spend
             FROM a
             JOIN users u INDEXED BY users_username ON u.panel_id = ?1 AND u.username = a.user
             LEFT JOIN o ON o.user = a.user
             LEFT JOIN p ON p.user = a.user
             WHERE (u.created IS NULL OR u.created <= ?3)
               AND COALESCE(p.n, 0) >= ?4 AND COALESCE(o.spend, 0) >= ?5",
        )
        .map_err(CacheConn::err)?;
    let found = st
        .query_map(
            params![panel.id, from, p.at, p.min_payments, p.min_spend_micros],
            |r| {
                let joined: Option<i64> = r.get("created")?;
                Ok(TopSpenderRow {
                    panel_id: panel.id,
                    panel: panel.name.clone(),
                    user_id: r.get("id")?,
                    username: r.get("username")?,
                    email: r.get("email")?,
                    joined,
                    is_new: joined.is_some_and(|j| j as f64 > from && j <= p.at),
                    lifetime_micros: r.get("spent")?,
                    currency: panel.currency.clone().or(r.get("currency")?),
                    payments_count: r.get("payments_count")?,
                    payments_total_micros: r.get("payments_total")?,
                    spend_micros: r.get("spend")?,
                    top_services: Vec::new(),
                })
            },
        )
        .map_err(CacheConn::err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(CacheConn::err)?;
    if found.is_empty() {
        return Ok(found);
    }

    // The 3 services each user ordered most in the window (canceled orders
    // count; ties: lower service id first).
    let mut top: HashMap<String, Vec<i64>> = HashMap::new();
    let mut st = conn
        .prepare_cached(
            "SELECT user, service_id FROM (
                 SELECT user, service_id,
                        row_number() OVER (PARTITION BY user ORDER BY count(*) DESC, service_id) AS rn
                 FROM orders
                 WHERE panel_id = ?1 AND created > ?2 AND created <= ?3 AND service_id IS NOT NULL
                 GROUP BY user, service_id
             )
             WHERE rn <= 3 ORDER BY user, rn",
        )
        .map_err(CacheConn::err)?;
    let rows = st
        .query_map(params![panel.id, from, p.at], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(CacheConn::err)?;
    for row in rows {
        let (user, service) = row.map_err(CacheConn::err)?;
        top.entry(user).or_default().push(service);
    }
    Ok(found
        .into_iter()
        .map(|mut row| {
            row.top_services = top.remove(&row.username).unwrap_or_default();
            row
        })
        .collect())
}

/// A spender, as the chart asks for them: their panel and username (the
/// key orders are cached by).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpenderKey {
    pub panel_id: i64,
    pub username: String,
}

/// One user's spend on one local day inside the window (the top spenders'
/// chart): the same rule as the report's Spend, canceled orders left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpendDay {
    pub panel_id: i64,
    pub username: String,
    /// YYYY-MM-DD in the time zone asked for (the OS's in the app).
    pub day: String,
    #[serde(rename = "spend", serialize_with = "money")]
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub spend_micros: i64,
}

/// Each of `users`' spend per local day inside the window; days without an
/// order are not listed. Amounts stay in each panel's currency: the caller
/// never adds two panels' together.
pub fn spend_per_day<Tz: chrono::TimeZone>(
    conn: &ReadConn,
    users: &[SpenderKey],
    p: &super::WindowParams,
    tz: &Tz,
) -> Result<Vec<SpendDay>> {
    let from = window_start(p.at, p.window_hours);
    let mut st = conn
        .prepare_cached(
            "SELECT created, COALESCE(charge, 0) FROM orders
             WHERE panel_id = ?1 AND user = ?2 AND created > ?3 AND created <= ?4 AND status <> 'canceled'",
        )
        .map_err(CacheConn::err)?;
    let mut out = Vec::new();
    for u in users {
        let mut days: std::collections::BTreeMap<String, i64> = Default::default();
        let rows = st
            .query_map(params![u.panel_id, u.username, from, p.at], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(CacheConn::err)?;
        for row in rows {
            let (created, charge) = row.map_err(CacheConn::err)?;
            let day = tz
                .timestamp_opt(created, 0)
                .earliest()
                .expect("a unix time is a time")
                .date_naive()
                .to_string();
            *days.entry(day).or_default() += charge;
        }
        out.extend(days.into_iter().map(|(day, spend_micros)| SpendDay {
            panel_id: u.panel_id,
            username: u.username.clone(),
            day,
            spend_micros,
        }));
    }
    Ok(out)
}
