//! Cached rows written as a panel writes them (`../shared/perfect-panel-api.md`):
//! the envelope, every date twice (a display string and unix seconds),
//! money as `{value, currency_code, formatted}` with its exact decimals, a
//! ticket's user as `{id, username}`. What the panel client reads back is
//! what the cache holds.

use rusqlite::Row;
use serde_json::{json, Map, Value};

use crate::model::format_micros;

/// `{data, error_message: "", error_code: 0}`, with the list's pagination
/// at the top level, where most panels put it.
pub fn envelope(data: Value, pagination: Option<Value>) -> Value {
    let mut out = Map::new();
    out.insert("data".into(), data);
    out.insert("error_message".into(), json!(""));
    out.insert("error_code".into(), json!(0));
    if let Some(p) = pagination {
        out.insert("pagination".into(), p);
    }
    Value::Object(out)
}

pub fn error(code: i64, message: &str) -> Value {
    json!({ "data": [], "error_message": message, "error_code": code })
}

fn display(t: Option<i64>) -> Value {
    t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|d| json!(d.format("%Y-%m-%d %H:%M:%S").to_string()))
        .unwrap_or(Value::Null)
}

/// Both forms of a date, as `<name>` and `<name>_timestamp`.
fn date(o: &mut Map<String, Value>, name: &str, t: Option<i64>) {
    o.insert(name.into(), display(t));
    o.insert(format!("{name}_timestamp"), json!(t));
}

fn money(micros: Option<i64>, currency: &Option<String>) -> Value {
    match micros {
        None => Value::Null,
        Some(m) => {
            let value = format_micros(m);
            let formatted = match currency {
                Some(c) => format!("{value} {c}"),
                None => value.clone(),
            };
            json!({ "value": value, "currency_code": currency, "formatted": formatted })
        }
    }
}

/// The columns each reader below expects, after `panel_id, panel_name`.
pub const ORDER_COLUMNS: &str = "o.id, o.external_id, o.user, o.creation_type, o.charge, o.provider_charge, o.currency, o.link, o.start_count, o.quantity, o.remains, o.service_id, o.service_name, o.status, o.provider, o.mode, o.created, o.last_update, o.ip_address";
pub const USER_COLUMNS: &str = "o.id, o.username, o.email, o.balance, o.spent, o.currency, o.status, o.created, o.last_auth, o.discount";
pub const PAYMENT_COLUMNS: &str = "o.id, o.user, o.balance, o.amount, o.currency, o.method, o.status, o.fraud_risk, o.memo, o.mode, o.created, o.updated";
pub const TICKET_COLUMNS: &str =
    "o.id, o.user_id, o.username, o.subject, o.status, o.assignee, o.created, o.last_update";

/// A row's own columns start after `panel_id, panel_name`.
const AT: usize = 2;

fn with_panel(r: &Row<'_>, all_panels: bool, mut o: Map<String, Value>) -> rusqlite::Result<Value> {
    if all_panels {
        o.insert("panel".into(), json!(r.get::<_, String>(1)?));
    }
    Ok(Value::Object(o))
}

pub fn order(r: &Row<'_>, all_panels: bool) -> rusqlite::Result<Value> {
    let c = |i: usize| AT + i;
    let currency: Option<String> = r.get(c(6))?;
    let mut o = Map::new();
    o.insert("id".into(), json!(r.get::<_, i64>(c(0))?));
    o.insert(
        "external_id".into(),
        json!(r.get::<_, Option<String>>(c(1))?),
    );
    o.insert("user".into(), json!(r.get::<_, String>(c(2))?));
    o.insert(
        "creation_type".into(),
        json!(r.get::<_, Option<String>>(c(3))?),
    );
    o.insert("charge".into(), money(r.get(c(4))?, &currency));
    o.insert("provider_charge".into(), money(r.get(c(5))?, &currency));
    o.insert("link".into(), json!(r.get::<_, String>(c(7))?));
    o.insert("start_count".into(), json!(r.get::<_, Option<i64>>(c(8))?));
    o.insert("quantity".into(), json!(r.get::<_, i64>(c(9))?));
    o.insert("remains".into(), json!(r.get::<_, i64>(c(10))?));
    o.insert("service_id".into(), json!(r.get::<_, Option<i64>>(c(11))?));
    o.insert("service_name".into(), json!(r.get::<_, String>(c(12))?));
    o.insert("status".into(), json!(r.get::<_, String>(c(13))?));
    o.insert("provider".into(), json!(r.get::<_, Option<String>>(c(14))?));
    o.insert("mode".into(), json!(r.get::<_, Option<String>>(c(15))?));
    date(&mut o, "created", Some(r.get(c(16))?));
    date(&mut o, "last_update", r.get(c(17))?);
    o.insert(
        "ip_address".into(),
        json!(r.get::<_, Option<String>>(c(18))?),
    );
    with_panel(r, all_panels, o)
}

pub fn user(r: &Row<'_>, all_panels: bool) -> rusqlite::Result<Value> {
    let c = |i: usize| AT + i;
    let currency: Option<String> = r.get(c(5))?;
    let mut o = Map::new();
    o.insert("id".into(), json!(r.get::<_, i64>(c(0))?));
    o.insert("username".into(), json!(r.get::<_, String>(c(1))?));
    o.insert("email".into(), json!(r.get::<_, Option<String>>(c(2))?));
    o.insert("balance".into(), money(r.get(c(3))?, &currency));
    o.insert("spent".into(), money(r.get(c(4))?, &currency));
    o.insert("status".into(), json!(r.get::<_, String>(c(6))?));
    date(&mut o, "created", r.get(c(7))?);
    date(&mut o, "last_auth", r.get(c(8))?);
    o.insert("discount".into(), json!(r.get::<_, Option<i64>>(c(9))?));
    with_panel(r, all_panels, o)
}

pub fn payment(r: &Row<'_>, all_panels: bool) -> rusqlite::Result<Value> {
    let c = |i: usize| AT + i;
    let currency: Option<String> = r.get(c(4))?;
    let mut o = Map::new();
    o.insert("id".into(), json!(r.get::<_, i64>(c(0))?));
    o.insert("user".into(), json!(r.get::<_, String>(c(1))?));
    o.insert("balance".into(), money(r.get(c(2))?, &currency));
    o.insert("amount".into(), money(r.get(c(3))?, &currency));
    o.insert("method".into(), json!(r.get::<_, String>(c(5))?));
    o.insert("status".into(), json!(r.get::<_, String>(c(6))?));
    o.insert(
        "fraud_risk".into(),
        json!(r.get::<_, Option<String>>(c(7))?),
    );
    o.insert("memo".into(), json!(r.get::<_, String>(c(8))?));
    o.insert("mode".into(), json!(r.get::<_, Option<String>>(c(9))?));
    date(&mut o, "created", r.get(c(10))?);
    date(&mut o, "updated", r.get(c(11))?);
    with_panel(r, all_panels, o)
}

pub fn ticket(r: &Row<'_>, all_panels: bool) -> rusqlite::Result<Value> {
    let c = |i: usize| AT + i;
    let mut o = Map::new();
    o.insert("id".into(), json!(r.get::<_, i64>(c(0))?));
    o.insert(
        "user".into(),
        json!({ "id": r.get::<_, Option<i64>>(c(1))?, "username": r.get::<_, String>(c(2))? }),
    );
    o.insert("subject".into(), json!(r.get::<_, String>(c(3))?));
    o.insert("status".into(), json!(r.get::<_, String>(c(4))?));
    o.insert("assignee".into(), json!(r.get::<_, Option<String>>(c(5))?));
    date(&mut o, "created", r.get(c(6))?);
    date(&mut o, "last_update", r.get(c(7))?);
    with_panel(r, all_panels, o)
}

/// A ticket's message: `id, message, is_staff, staff_name, created`.
pub fn message(r: &Row<'_>) -> rusqlite::Result<Value> {
    let mut o = Map::new();
    o.insert("id".into(), json!(r.get::<_, Option<i64>>(0)?));
    o.insert("message".into(), json!(r.get::<_, String>(1)?));
    o.insert("is_staff".into(), json!(r.get::<_, bool>(2)?));
    o.insert("staff_name".into(), json!(r.get::<_, Option<String>>(3)?));
    date(&mut o, "created", r.get(4)?);
    Ok(Value::Object(o))
}

/// A catalogue row as the user API writes it: `id, name, kind, category, rate, min, max`.
pub fn service(r: &Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "service": r.get::<_, i64>(0)?,
        "name": r.get::<_, String>(1)?,
        "type": r.get::<_, Option<String>>(2)?,
        "category": r.get::<_, Option<String>>(3)?,
        "rate": r.get::<_, Option<i64>>(4)?.map(format_micros),
        "min": r.get::<_, Option<i64>>(5)?,
        "max": r.get::<_, Option<i64>>(6)?,
    }))
}
