//! The rows Paneldesk keeps, as the core sees them: normalised from whatever
//! a panel sent. Money is integer micro-units with its currency code; times
//! are unix seconds UTC; statuses are canonical where known, kept as sent otherwise.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Money {
    /// Millionths of the currency unit: exact, and SUM-able in SQLite.
    pub micros: i64,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    pub id: i64,
    pub external_id: Option<String>,
    pub user: String,
    pub creation_type: Option<String>,
    pub charge: Option<Money>,
    pub provider_charge: Option<Money>,
    pub link: String,
    pub start_count: Option<i64>,
    pub quantity: i64,
    /// Equal to `quantity` when the panel left it out.
    pub remains: i64,
    pub service_id: Option<i64>,
    pub service_name: String,
    pub status: String,
    pub provider: Option<String>,
    pub mode: Option<String>,
    pub created: i64,
    pub last_update: Option<i64>,
    pub ip_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: Option<String>,
    pub balance: Option<Money>,
    pub spent: Option<Money>,
    pub status: String,
    pub created: Option<i64>,
    pub last_auth: Option<i64>,
    /// Percent.
    pub discount: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Payment {
    pub id: i64,
    pub user: String,
    pub balance: Option<Money>,
    pub amount: Option<Money>,
    pub method: String,
    pub status: String,
    pub fraud_risk: Option<String>,
    pub memo: String,
    pub mode: Option<String>,
    pub created: Option<i64>,
    pub updated: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ticket {
    pub id: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub subject: String,
    pub status: String,
    pub assignee: Option<String>,
    pub created: Option<i64>,
    pub last_update: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketMessage {
    /// The panel's id, when it gives one.
    pub id: Option<i64>,
    /// HTML as the panel sent it: hostile until sanitised for display.
    pub message: String,
    pub is_staff: bool,
    pub staff_name: Option<String>,
    /// None when the panel gave no usable time (reports skip such messages and say so).
    pub created: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketWithMessages {
    pub ticket: Ticket,
    pub messages: Vec<TicketMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub kind: Option<String>,
    pub category: Option<String>,
    /// Price per 1000, in micro-units of the panel's currency.
    pub rate_micros: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// Micro-units as a decimal with at least two places: 12_500_000 -> "12.50".
pub fn format_micros(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let abs = micros.unsigned_abs();
    let mut frac = format!("{:06}", abs % 1_000_000);
    while frac.len() > 2 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{sign}{}.{frac}", abs / 1_000_000)
}

/// Orders still moving: refreshed by id until they finish, never removed by
/// the retention, counted as open on the dashboard.
pub const OPEN_ORDER_STATUSES: [&str; 4] = ["pending", "in_progress", "processing", "awaiting"];
/// Orders done for good: a finished order counts for reports from its finish time.
pub const FINISHED_ORDER_STATUSES: [&str; 2] = ["completed", "partial"];

/// A status set as an SQL list, `('pending', 'in_progress')`, for `IN`:
/// the sets are the constants above, never retyped in a query.
pub fn sql_list(statuses: &[&str]) -> String {
    let quoted: Vec<String> = statuses.iter().map(|s| format!("'{s}'")).collect();
    format!("({})", quoted.join(", "))
}

/// Canonical order statuses; other values are kept as the panel sent them.
pub const ORDER_STATUSES: [&str; 9] = [
    "pending",
    "in_progress",
    "processing",
    "completed",
    "partial",
    "canceled",
    "error",
    "fail",
    "awaiting",
];

/// `inprogress`, `In progress`, `IN_PROGRESS` -> `in_progress`; `cancelled` -> `canceled`;
/// anything unknown is kept exactly as sent.
pub fn normalize_order_status(raw: &str) -> String {
    let folded: String = raw
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    let canonical = match folded.as_str() {
        "inprogress" => "in_progress",
        "cancelled" => "canceled",
        other => other,
    };
    if ORDER_STATUSES.contains(&canonical) {
        canonical.to_owned()
    } else {
        raw.to_owned()
    }
}

/// What a panel is synced as: one of its resources.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Resource {
    Orders,
    Users,
    Payments,
    Tickets,
    Services,
}

impl Resource {
    /// In the order a sync runs them: small catalogues first, so screens fill early.
    pub const ALL: [Resource; 5] = [
        Resource::Services,
        Resource::Users,
        Resource::Payments,
        Resource::Orders,
        Resource::Tickets,
    ];

    /// Its snake_case name: the cache's table and `sync_state.resource`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where a resource's sync stands, as the Settings › Sync engine table and
/// the `sync` events show it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SyncStatus {
    /// Never synced.
    #[default]
    Idle,
    Running,
    Ok,
    Error,
    /// Services without a services key: skipped, which is not "ok".
    NoKey,
}

crate::db::sql_text_enum!(Resource, SyncStatus);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_folded_to_canonical_names_and_unknown_ones_kept() {
        for (raw, want) in [
            ("inprogress", "in_progress"),
            ("In progress", "in_progress"),
            ("IN_PROGRESS", "in_progress"),
            ("cancelled", "canceled"),
            ("Completed", "completed"),
            (" partial ", "partial"),
            ("awaiting", "awaiting"),
            ("refilling", "refilling"),
            ("Weird Status", "Weird Status"),
        ] {
            assert_eq!(normalize_order_status(raw), want, "{raw}");
        }
    }
}
