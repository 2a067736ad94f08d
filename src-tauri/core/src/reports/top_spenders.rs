//! Top spenders: who ordered and paid the most inside the window.

use std::collections::BTreeSet;

use hashbrown::HashMap;

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
    /// How many users the report has in all, when `users` holds only the
    /// first of them (a request's `rows`); absent when it holds every one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users_total: Option<u64>,
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
        users_total: None,
    })
}

/// What one user did inside the window.
#[derive(Default)]
struct Activity {
    /// Charges of the orders not canceled, in micro-units.
    spend: i64,
    /// Orders per service, canceled ones included: (service, orders). A
    /// user orders few services in a window, so a list beats a map.
    services: Vec<(i64, i64)>,
    /// Completed payments: how many, and their sum in micro-units.
    payments_count: i64,
    payments_total: i64,
}

impl Activity {
    fn count(&mut self, service: i64) {
        match self.services.iter_mut().find(|(s, _)| *s == service) {
            Some((_, n)) => *n += 1,
            None => self.services.push((service, 1)),
        }
    }

    /// The 3 services ordered most (ties: lower service id first).
    fn top_services(&self) -> Vec<i64> {
        let mut by_count = self.services.clone();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        by_count.into_iter().take(3).map(|(s, _)| s).collect()
    }
}

/// Each user's activity inside the window, by username, in one map: a
/// username is hashed once per row read, never looked up twice (at 72 h,
/// 300,000 orders and 50,000 users, the lookups were the report's cost).
///
/// The orders in one pass over the covering `orders_created` index (no
/// table lookups), summed as they come: SQL's GROUP BY sorted the window's
/// orders twice (spend, then services), which took seconds at 100,000
/// orders a day.
fn activity_in_window(
    conn: &ReadConn,
    panel_id: i64,
    from: f64,
    at: i64,
) -> Result<HashMap<String, Activity>> {
    let mut by_user: HashMap<String, Activity> = HashMap::new();
    let mut st = conn
        .prepare_cached(
            "SELECT user, service_id, status = 'canceled', COALESCE(charge, 0)
             FROM orders INDEXED BY orders_created
             WHERE panel_id = ?1 AND created > ?2 AND created <= ?3",
        )
        .map_err(CacheConn::err)?;
    let mut rows = st
        .query(params![panel_id, from, at])
        .map_err(CacheConn::err)?;
    while let Some(r) = rows.next().map_err(CacheConn::err)? {
        let activity = by_user.entry_ref(text_at(r, 0)?).or_default();
        if let Some(service) = r.get::<_, Option<i64>>(1).map_err(CacheConn::err)? {
            activity.count(service);
        }
        if !r.get::<_, bool>(2).map_err(CacheConn::err)? {
            activity.spend += r.get::<_, i64>(3).map_err(CacheConn::err)?;
        }
    }
    let mut st = conn
        .prepare_cached(
            "SELECT user, count(*), sum(COALESCE(amount, 0))
             FROM payments INDEXED BY payments_created
             WHERE panel_id = ?1 AND status = 'completed' AND created > ?2 AND created <= ?3
             GROUP BY user",
        )
        .map_err(CacheConn::err)?;
    let mut rows = st
        .query(params![panel_id, from, at])
        .map_err(CacheConn::err)?;
    while let Some(r) = rows.next().map_err(CacheConn::err)? {
        let activity = by_user.entry_ref(text_at(r, 0)?).or_default();
        activity.payments_count = r.get(1).map_err(CacheConn::err)?;
        activity.payments_total = r.get(2).map_err(CacheConn::err)?;
    }
    Ok(by_user)
}

/// A text column, borrowed from the row: no String made for a name that
/// is only looked up.
fn text_at<'r>(r: &'r rusqlite::Row, i: usize) -> Result<&'r str> {
    r.get_ref(i)
        .and_then(|v| Ok(v.as_str()?))
        .map_err(CacheConn::err)
}

fn panel_rows(
    conn: &ReadConn,
    panel: &PanelInfo,
    p: &TopSpendersParams,
    from: f64,
) -> Result<Vec<TopSpenderRow>> {
    let mut active = activity_in_window(conn, panel.id, from, p.at)?;
    active.retain(|_, a| a.payments_count >= p.min_payments && a.spend >= p.min_spend_micros);
    let mut rows = Vec::with_capacity(active.len());
    for (user, mine) in users_named(conn, panel.id, &active, p.at)? {
        rows.push(TopSpenderRow {
            panel_id: panel.id,
            panel: panel.name.clone(),
            user_id: user.id,
            is_new: user.created.is_some_and(|j| j as f64 > from && j <= p.at),
            joined: user.created,
            lifetime_micros: user.spent,
            currency: panel.currency.clone().or(user.currency),
            payments_count: mine.payments_count,
            payments_total_micros: mine.payments_total,
            spend_micros: mine.spend,
            top_services: mine.top_services(),
            username: user.username,
            email: user.email,
        });
    }
    Ok(rows)
}

/// A user as a row needs them.
struct UserRow {
    id: i64,
    username: String,
    email: Option<String>,
    created: Option<i64>,
    spent: Option<i64>,
    currency: Option<String>,
}

/// The panel's users with these usernames, signed up by `at` (or with no
/// date). Few are looked up one by one; many are read in one pass over the
/// panel's users, because each lookup visits two random pages of the file,
/// each decrypted: 43,000 lookups took 1.4 s, the pass over 50,000 users a
/// tenth of that.
fn users_named<'a>(
    conn: &ReadConn,
    panel_id: i64,
    names: &'a HashMap<String, Activity>,
    at: i64,
) -> Result<Vec<(UserRow, &'a Activity)>> {
    const COLUMNS: &str = "id, username, email, created, spent, currency";
    let row = |r: &rusqlite::Row| {
        Ok(UserRow {
            id: r.get(0)?,
            username: r.get(1)?,
            email: r.get(2)?,
            created: r.get(3)?,
            spent: r.get(4)?,
            currency: r.get(5)?,
        })
    };
    let mut out = Vec::new();
    if names.len() < 1_000 {
        let mut st = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM users INDEXED BY users_username
                 WHERE panel_id = ?1 AND username = ?2 AND (created IS NULL OR created <= ?3)"
            ))
            .map_err(CacheConn::err)?;
        for (name, activity) in names {
            for u in st
                .query_map(params![panel_id, name, at], row)
                .map_err(CacheConn::err)?
            {
                out.push((u.map_err(CacheConn::err)?, activity));
            }
        }
    } else {
        let mut st = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM users WHERE panel_id = ?1 AND (created IS NULL OR created <= ?2)"
            ))
            .map_err(CacheConn::err)?;
        let mut rows = st.query(params![panel_id, at]).map_err(CacheConn::err)?;
        while let Some(r) = rows.next().map_err(CacheConn::err)? {
            // The name first: only the users asked for are read whole.
            if let Some(activity) = names.get(text_at(r, 1)?) {
                out.push((row(r).map_err(CacheConn::err)?, activity));
            }
        }
    }
    Ok(out)
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
