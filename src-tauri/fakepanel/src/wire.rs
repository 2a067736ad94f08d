//! Rows as a panel serves them: the envelope, both date forms, money objects,
//! and the quirks, applied to a deterministic share of rows.

use serde_json::{json, Map, Value};

use crate::config::{Quirk, Quirks};
use crate::data::{Message, Order, Payment, Service, Ticket, User, CURRENCY};

/// True for about one row in `one_in`, the same rows every time.
fn pick(id: i64, salt: i64, one_in: i64) -> bool {
    (id.wrapping_mul(2_654_435_761).wrapping_add(salt * 97)).rem_euclid(one_in) == 0
}

pub fn display_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// Micro-units as a decimal string with at least 2 decimals: 12_500_000 -> "12.50".
pub fn decimal(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let abs = micros.unsigned_abs();
    let mut frac = format!("{:06}", abs % 1_000_000);
    while frac.len() > 2 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{sign}{}.{frac}", abs / 1_000_000)
}

fn money(micros: i64, as_string: bool) -> Value {
    let text = decimal(micros);
    let value = if as_string {
        Value::String(text.clone())
    } else {
        json!(micros as f64 / 1_000_000.0)
    };
    json!({ "value": value, "currency_code": CURRENCY, "formatted": format!("${text}") })
}

fn id_value(id: i64, as_string: bool) -> Value {
    if as_string {
        Value::String(id.to_string())
    } else {
        json!(id)
    }
}

pub fn order(o: &Order, q: &Quirks) -> Value {
    let strings = q.has(Quirk::IdsAsStrings) && pick(o.id, 1, 7);
    let money_str = q.has(Quirk::MoneyAsString) && pick(o.id, 2, 2);
    let status = if q.has(Quirk::StatusVariants) {
        match (o.status.as_str(), o.id % 5) {
            ("in_progress", 0) => "inprogress".to_owned(),
            ("in_progress", 1) => "In progress".to_owned(),
            ("canceled", 0 | 1) => "cancelled".to_owned(),
            ("completed", 2) => "Completed".to_owned(),
            (s, _) => s.to_owned(),
        }
    } else {
        o.status.clone()
    };
    let mut v = json!({
        "id": id_value(o.id, strings),
        "external_id": o.external_id,
        "user": o.user,
        "creation_type": o.creation_type,
        "charge": money(o.charge_micros, money_str),
        "provider_charge": money(o.provider_charge_micros, money_str),
        "link": o.link,
        "start_count": o.start_count,
        "quantity": id_value(o.quantity, strings),
        "remains": id_value(o.remains, strings),
        "service_id": id_value(o.service_id, strings),
        "service_name": o.service_name,
        "service_type": "default",
        "status": status,
        "provider": o.provider,
        "mode": o.mode,
        "created": display_time(o.created),
        "created_timestamp": o.created,
        "last_update": display_time(o.last_update),
        "last_update_timestamp": o.last_update,
        "ip_address": o.ip_address,
    });
    // Missing `remains` means "= quantity": only served that way when it is true.
    if q.has(Quirk::RemainsMissing) && o.remains == o.quantity && pick(o.id, 4, 3) {
        v.as_object_mut().expect("an object").remove("remains");
    }
    v
}

pub fn user(u: &User, q: &Quirks) -> Value {
    let strings = q.has(Quirk::IdsAsStrings) && pick(u.id, 5, 7);
    let money_str = q.has(Quirk::MoneyAsString) && pick(u.id, 6, 2);
    json!({
        "id": id_value(u.id, strings),
        "username": u.username,
        "email": u.email,
        "balance": money(u.balance_micros, money_str),
        "spent": money(u.spent_micros, money_str),
        "status": u.status,
        "created": display_time(u.created),
        "created_timestamp": u.created,
        "last_auth": u.last_auth.map(display_time),
        "last_auth_timestamp": u.last_auth,
        "discount": u.discount,
    })
}

pub fn payment(p: &Payment, q: &Quirks) -> Value {
    let strings = q.has(Quirk::IdsAsStrings) && pick(p.id, 7, 7);
    let money_str = q.has(Quirk::MoneyAsString) && pick(p.id, 8, 2);
    let user = if q.has(Quirk::UserObjectInPayments) && pick(p.id, 9, 4) {
        json!({ "id": p.user_id, "username": p.user })
    } else {
        json!(p.user)
    };
    json!({
        "id": id_value(p.id, strings),
        "user": user,
        "balance": money(p.balance_micros, money_str),
        "amount": money(p.amount_micros, money_str),
        "method": p.method,
        "status": p.status,
        "fraud_risk": p.fraud_risk,
        "memo": p.memo,
        "mode": p.mode,
        "created": display_time(p.created),
        "created_timestamp": p.created,
        "updated": display_time(p.updated),
        "updated_timestamp": p.updated,
    })
}

pub fn ticket(t: &Ticket, q: &Quirks, with_messages: bool) -> Value {
    let strings = q.has(Quirk::IdsAsStrings) && pick(t.id, 10, 7);
    let mut v = json!({
        "id": id_value(t.id, strings),
        "user": { "id": t.user_id, "username": t.username },
        "subject": t.subject,
        "status": t.status,
        "assignee": t.assignee,
        "created": display_time(t.created),
        "created_timestamp": t.created,
        "last_update": display_time(t.last_update),
        "last_update_timestamp": t.last_update,
    });
    if with_messages {
        let aliases = q.has(Quirk::MessageFieldAliases) && pick(t.id, 11, 5);
        let messages: Vec<Value> = t.messages.iter().map(|m| message(m, aliases)).collect();
        v["messages"] = Value::Array(messages);
    }
    v
}

fn message(m: &Message, aliases: bool) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(m.id));
    o.insert("message".into(), json!(m.message));
    o.insert("is_staff".into(), json!(m.is_staff));
    if aliases {
        o.insert("created_at".into(), json!(m.created));
        o.insert("author".into(), json!(m.staff_name));
    } else {
        o.insert("created".into(), json!(display_time(m.created)));
        o.insert("created_timestamp".into(), json!(m.created));
        o.insert("staff_name".into(), json!(m.staff_name));
    }
    Value::Object(o)
}

/// The user API's `action=services` item: strings for numbers, Title Case types.
pub fn service(s: &Service, q: &Quirks) -> Value {
    let strings = q.has(Quirk::IdsAsStrings) && pick(s.id, 12, 3);
    json!({
        "service": id_value(s.id, strings),
        "name": s.name,
        "type": s.kind,
        "category": s.category,
        "rate": decimal(s.rate_micros),
        "min": s.min.to_string(),
        "max": s.max.to_string(),
        "refill": s.id % 2 == 0,
        "cancel": s.id % 3 == 0,
    })
}

pub fn envelope(data: Value) -> Value {
    json!({ "data": data, "error_message": "", "error_code": 0 })
}

pub fn error_envelope(code: i64, message: &str) -> Value {
    json!({ "data": [], "error_message": message, "error_code": code })
}

/// A list answer: `{data: {count, list}, pagination}`, with the pagination
/// inside `data` or `data` a bare array when those quirks are on for `resource`.
pub fn list_page(
    resource: &str,
    list: Vec<Value>,
    total: usize,
    offset: usize,
    limit: usize,
    path: &str,
    q: &Quirks,
) -> Value {
    let next =
        (offset + limit < total).then(|| format!("{path}?offset={}&limit={limit}", offset + limit));
    let prev = (offset > 0).then(|| {
        format!(
            "{path}?offset={}&limit={limit}",
            offset.saturating_sub(limit)
        )
    });
    let pagination =
        json!({ "prev_page_href": prev, "next_page_href": next, "offset": offset, "limit": limit });
    if q.has(Quirk::BareArrayData) && resource == "tickets" {
        return envelope(Value::Array(list));
    }
    if q.has(Quirk::PaginationInData) && matches!(resource, "users" | "payments") {
        return envelope(json!({ "count": total, "list": list, "pagination": pagination }));
    }
    let mut v = envelope(json!({ "count": total, "list": list }));
    v["pagination"] = pagination;
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact_with_at_least_two_places() {
        assert_eq!(decimal(12_500_000), "12.50");
        assert_eq!(decimal(1_234_567), "1.234567");
        assert_eq!(decimal(0), "0.00");
        assert_eq!(decimal(-50_000), "-0.05");
    }
}
