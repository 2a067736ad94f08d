//! Lenient parsing of panel answers into core rows.
//!
//! Real panels differ: ids come as numbers or strings, money as strings or
//! numbers, fields go missing, `pagination` moves, `data` may be a bare
//! array. A row that cannot be read is reported and skipped; it never
//! poisons its page. Nothing here panics on any input.

use serde_json::{Map, Value};

use super::PanelError;
use crate::model::{
    normalize_order_status, Money, Order, Payment, Service, Ticket, TicketMessage,
    TicketWithMessages, User,
};

/// A row skipped because it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    pub resource: &'static str,
    /// The row's id as sent, when there was one.
    pub id: Option<String>,
    pub reason: String,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct ListPage<T> {
    pub rows: Vec<T>,
    pub skipped: Vec<RowIssue>,
    /// Rows the page held, readable or not: a page shorter than the limit is the last.
    pub len: usize,
    /// `data.count`, when sent (total or page size: panels differ).
    pub count: Option<u64>,
    /// What `pagination.next_page_href` says: `Some(false)` when it is null
    /// (the last page), `Some(true)` when it names a next page, None when the
    /// panel sent no pagination.
    pub next_page: Option<bool>,
}

/// Reads the envelope: `data` on success, the panel's error otherwise.
pub fn envelope(body: &[u8]) -> Result<Value, PanelError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| PanelError::Malformed {
        detail: format!("not JSON ({e})"),
    })?;
    let Value::Object(mut obj) = value else {
        return Err(PanelError::Malformed {
            detail: "the answer is not a JSON object".into(),
        });
    };
    let code = obj.get("error_code").and_then(int).unwrap_or(0);
    if code != 0 {
        let message = obj.get("error_message").and_then(text).unwrap_or_default();
        return Err(api_error(code, message));
    }
    if !obj.contains_key("data") {
        return Err(PanelError::Malformed {
            detail: "the answer has no data".into(),
        });
    }
    // `pagination` comes top level in most panels, inside `data` in some:
    // moved into `data`, so a list reads it in one place.
    let mut data = obj.remove("data").unwrap_or(Value::Null);
    if let (Some(p), Value::Object(d)) = (obj.remove("pagination"), &mut data) {
        d.entry("pagination").or_insert(p);
    }
    Ok(data)
}

/// A panel error code and text as the right error: a key problem, a rate
/// limit, or the panel's own.
pub fn api_error(code: i64, message: String) -> PanelError {
    let lower = message.to_lowercase();
    if code == 401
        || code == 403
        || lower.contains("api key")
        || lower.contains("apikey")
        || lower.contains("unauthori")
    {
        PanelError::WrongKey
    } else if code == 429 || lower.contains("rate limit") || lower.contains("too many requests") {
        // Not any text with "limit": "amount exceeds limit" is a refusal.
        PanelError::RateLimited {
            retry_after: None,
            tries: 1,
        }
    } else {
        PanelError::Api { code, message }
    }
}

/// The rows of a list's `data`: `{count, list}` (pagination anywhere) or a bare array.
pub fn list<T>(
    data: Value,
    resource: &'static str,
    row: impl Fn(&Map<String, Value>) -> Result<T, String>,
) -> Result<ListPage<T>, PanelError> {
    let (items, count, next_page) = match data {
        Value::Array(items) => (items, None, None),
        Value::Object(mut obj) => {
            let next_page = obj
                .get("pagination")
                .and_then(|p| p.get("next_page_href"))
                .map(|n| !(n.is_null() || n.as_str().is_some_and(str::is_empty)));
            let count = obj
                .get("count")
                .and_then(int)
                .and_then(|c| u64::try_from(c).ok());
            match obj.remove("list") {
                Some(Value::Array(items)) => (items, count, next_page),
                // An empty list is sometimes sent as an empty object.
                Some(Value::Object(o)) if o.is_empty() => (Vec::new(), count, next_page),
                Some(Value::Null) | None if count == Some(0) => (Vec::new(), count, next_page),
                _ => {
                    return Err(PanelError::Malformed {
                        detail: format!("the {resource} answer has no list"),
                    })
                }
            }
        }
        _ => {
            return Err(PanelError::Malformed {
                detail: format!("the {resource} answer's data is not a list"),
            })
        }
    };
    let len = items.len();
    let mut rows = Vec::with_capacity(len);
    let mut skipped = Vec::new();
    for item in items {
        let Value::Object(obj) = item else {
            skipped.push(RowIssue {
                resource,
                id: None,
                reason: "not an object".into(),
            });
            continue;
        };
        match row(&obj) {
            Ok(r) => rows.push(r),
            Err(reason) => skipped.push(RowIssue {
                resource,
                id: obj.get("id").and_then(text),
                reason,
            }),
        }
    }
    Ok(ListPage {
        rows,
        skipped,
        len,
        count,
        next_page,
    })
}

// ---- field readers ---------------------------------------------------------

/// An integer from a number (integral) or a numeric string.
pub fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

/// Text from a string or a number; None for null, empty or anything else.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A decimal in micro-units, exactly: "12.50" -> 12_500_000. More than six
/// decimals are rounded half away from zero.
pub fn decimal_micros(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', "");
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_owned()),
        None => (false, s.strip_prefix('+').unwrap_or(&s).to_owned()),
    };
    if digits.contains(['e', 'E']) {
        let f: f64 = s.parse().ok()?;
        let micros = (f * 1_000_000.0).round();
        return (micros.is_finite() && micros.abs() < 9.0e18).then_some(micros as i64);
    }
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((&digits, ""));
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.chars().all(|c| c.is_ascii_digit())
        || !frac_part.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().ok()?
    };
    let mut frac6: String = frac_part.chars().take(6).collect();
    while frac6.len() < 6 {
        frac6.push('0');
    }
    let mut micros = whole
        .checked_mul(1_000_000)?
        .checked_add(frac6.parse::<i64>().ok()?)?;
    if frac_part.len() > 6 && frac_part.as_bytes()[6] >= b'5' {
        micros = micros.checked_add(1)?;
    }
    Some(if neg { -micros } else { micros })
}

/// `{value, currency_code}` or a bare number or string.
pub fn money(v: &Value) -> Option<Money> {
    match v {
        Value::Object(o) => {
            let micros = o
                .get("value")
                .and_then(text)
                .and_then(|t| decimal_micros(&t))?;
            let currency = o
                .get("currency_code")
                .or_else(|| o.get("currency"))
                .and_then(text);
            Some(Money { micros, currency })
        }
        Value::String(_) | Value::Number(_) => Some(Money {
            micros: decimal_micros(&text(v)?)?,
            currency: None,
        }),
        _ => None,
    }
}

/// Unix seconds from the first of `keys` that holds a number, a numeric
/// string or a `YYYY-MM-DD HH:MM:SS` (UTC) date.
pub fn time(o: &Map<String, Value>, keys: &[&str]) -> Option<i64> {
    keys.iter().filter_map(|k| o.get(*k)).find_map(|v| {
        int(v).filter(|t| *t > 0).or_else(|| {
            let s = v.as_str()?.trim();
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|d| d.and_utc().timestamp())
        })
    })
}

fn opt_text(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(text)
}

fn req_id(o: &Map<String, Value>) -> Result<i64, String> {
    match o.get("id") {
        None | Some(Value::Null) => Err("no id".into()),
        Some(v) => int(v)
            .filter(|id| *id > 0)
            .ok_or_else(|| format!("id {v} is not a positive integer")),
    }
}

/// A `user` that is a username string, or an object `{id, username}`.
fn user_ref(v: Option<&Value>) -> (Option<i64>, Option<String>) {
    match v {
        Some(Value::Object(u)) => (
            u.get("id").and_then(int),
            u.get("username").or_else(|| u.get("login")).and_then(text),
        ),
        Some(v) => (None, text(v)),
        None => (None, None),
    }
}

// ---- rows ------------------------------------------------------------------

pub fn order(o: &Map<String, Value>) -> Result<Order, String> {
    let id = req_id(o)?;
    let created =
        time(o, &["created_timestamp", "created_at", "created"]).ok_or("no creation time")?;
    let quantity = o.get("quantity").and_then(int).ok_or("no quantity")?;
    let status = opt_text(o, "status").ok_or("no status")?;
    Ok(Order {
        id,
        external_id: opt_text(o, "external_id"),
        user: user_ref(o.get("user")).1.unwrap_or_default(),
        creation_type: opt_text(o, "creation_type"),
        charge: o.get("charge").and_then(money),
        provider_charge: o.get("provider_charge").and_then(money),
        link: opt_text(o, "link").unwrap_or_default(),
        start_count: o.get("start_count").and_then(int),
        quantity,
        remains: o.get("remains").and_then(int).unwrap_or(quantity),
        service_id: o.get("service_id").and_then(int),
        service_name: opt_text(o, "service_name").unwrap_or_default(),
        status: normalize_order_status(&status),
        provider: opt_text(o, "provider"),
        mode: opt_text(o, "mode").map(|m| m.to_lowercase()),
        created,
        last_update: time(
            o,
            &["last_update_timestamp", "updated_timestamp", "last_update"],
        ),
        ip_address: opt_text(o, "ip_address"),
    })
}

pub fn user(o: &Map<String, Value>) -> Result<User, String> {
    Ok(User {
        id: req_id(o)?,
        username: opt_text(o, "username")
            .or_else(|| opt_text(o, "login"))
            .ok_or("no username")?,
        email: opt_text(o, "email"),
        balance: o.get("balance").and_then(money),
        spent: o.get("spent").and_then(money),
        status: opt_text(o, "status")
            .map(|s| s.to_lowercase())
            .unwrap_or_default(),
        created: time(o, &["created_timestamp", "created_at", "created"]),
        last_auth: time(o, &["last_auth_timestamp", "last_auth"]),
        discount: o.get("discount").and_then(int),
    })
}

pub fn payment(o: &Map<String, Value>) -> Result<Payment, String> {
    let id = req_id(o)?;
    let (_, username) = user_ref(o.get("user"));
    Ok(Payment {
        id,
        user: username.ok_or("no user")?,
        balance: o.get("balance").and_then(money),
        amount: o.get("amount").and_then(money),
        method: opt_text(o, "method").unwrap_or_default(),
        status: opt_text(o, "status")
            .map(|s| s.to_lowercase())
            .unwrap_or_default(),
        fraud_risk: opt_text(o, "fraud_risk"),
        memo: opt_text(o, "memo").unwrap_or_default(),
        mode: opt_text(o, "mode").map(|m| m.to_lowercase()),
        created: time(o, &["created_timestamp", "created_at", "created"]),
        updated: time(o, &["updated_timestamp", "updated_at", "updated"]),
    })
}

pub fn ticket(o: &Map<String, Value>) -> Result<Ticket, String> {
    let id = req_id(o)?;
    let (user_id, username) = user_ref(o.get("user"));
    Ok(Ticket {
        id,
        user_id,
        username: username.unwrap_or_default(),
        subject: opt_text(o, "subject").unwrap_or_default(),
        status: opt_text(o, "status")
            .map(|s| s.to_lowercase())
            .unwrap_or_default(),
        assignee: opt_text(o, "assignee"),
        created: time(o, &["created_timestamp", "created_at", "created"]),
        last_update: time(
            o,
            &["last_update_timestamp", "updated_timestamp", "last_update"],
        ),
    })
}

fn message(o: &Map<String, Value>) -> TicketMessage {
    let is_staff = match o.get("is_staff") {
        Some(Value::Bool(b)) => *b,
        Some(v) => {
            int(v).is_some_and(|n| n != 0)
                || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
        }
        None => false,
    };
    TicketMessage {
        id: o.get("id").and_then(int),
        message: opt_text(o, "message")
            .or_else(|| opt_text(o, "text"))
            .unwrap_or_default(),
        is_staff,
        staff_name: ["staff_name", "author", "sender", "admin"]
            .iter()
            .find_map(|k| opt_text(o, k))
            .filter(|_| is_staff),
        created: time(
            o,
            &["created_timestamp", "created_at", "date", "time", "created"],
        ),
    }
}

/// A ticket with its conversation (`GET /tickets/{id}`).
pub fn ticket_detail(data: Value) -> Result<TicketWithMessages, PanelError> {
    let Value::Object(o) = data else {
        return Err(PanelError::Malformed {
            detail: "the ticket answer is not an object".into(),
        });
    };
    let ticket = ticket(&o).map_err(|reason| PanelError::Malformed {
        detail: format!("ticket: {reason}"),
    })?;
    let messages = match o.get("messages") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_object)
            .map(message)
            .collect(),
        _ => Vec::new(),
    };
    Ok(TicketWithMessages { ticket, messages })
}

/// The user API's services answer: a bare array, or `{"error": ...}`.
pub fn services(body: &[u8]) -> Result<ListPage<Service>, PanelError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| PanelError::Malformed {
        detail: format!("not JSON ({e})"),
    })?;
    if let Some(err) = value.get("error").and_then(text) {
        return Err(api_error(0, err));
    }
    list(value, "services", |o| {
        Ok(Service {
            id: o
                .get("service")
                .or_else(|| o.get("id"))
                .and_then(int)
                .filter(|i| *i > 0)
                .ok_or("no service id")?,
            name: opt_text(o, "name").unwrap_or_default(),
            kind: opt_text(o, "type"),
            category: opt_text(o, "category"),
            rate_micros: o
                .get("rate")
                .and_then(text)
                .and_then(|t| decimal_micros(&t)),
            min: o.get("min").and_then(int),
            max: o.get("max").and_then(int),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn money_is_exact_in_every_form() {
        assert_eq!(decimal_micros("12.50"), Some(12_500_000));
        assert_eq!(decimal_micros("0.1"), Some(100_000));
        assert_eq!(decimal_micros("1,234.5"), Some(1_234_500_000));
        assert_eq!(decimal_micros("-0.05"), Some(-50_000));
        assert_eq!(decimal_micros("0.0000005"), Some(1));
        assert_eq!(decimal_micros("1e-3"), Some(1_000));
        assert_eq!(decimal_micros(".5"), Some(500_000));
        assert_eq!(decimal_micros("abc"), None);
        assert_eq!(decimal_micros(""), None);
        assert_eq!(decimal_micros("99999999999999999999"), None);
        let m = money(&json!({"value": 29.64, "currency_code": "USD"})).unwrap();
        assert_eq!((m.micros, m.currency.as_deref()), (29_640_000, Some("USD")));
        assert_eq!(money(&json!("3.3")).unwrap().micros, 3_300_000);
        assert_eq!(money(&json!(null)), None);
    }

    #[test]
    fn an_order_reads_whatever_shape_its_fields_take() {
        let o = order(&obj(json!({
            "id": "551998", "user": "rapid_works1", "charge": {"value": "29.64", "currency_code": "USD"},
            "quantity": "7410", "service_id": "111", "status": "In progress", "start_count": null,
            "created_timestamp": 1792994816, "last_update_timestamp": "1792995045"
        })))
        .unwrap();
        assert_eq!(o.id, 551_998);
        assert_eq!(o.quantity, 7410);
        assert_eq!(o.remains, 7410, "missing remains means quantity");
        assert_eq!(o.status, "in_progress");
        assert_eq!(o.start_count, None);
        assert_eq!(o.last_update, Some(1_792_995_045));
        assert_eq!(o.charge.unwrap().micros, 29_640_000);
    }

    #[test]
    fn the_next_page_is_read_from_the_pagination_wherever_it_is() {
        let top = envelope(br#"{"data":{"count":5,"list":[]},"pagination":{"next_page_href":null},"error_code":0}"#).unwrap();
        assert_eq!(list(top, "orders", order).unwrap().next_page, Some(false));
        let inside = envelope(br#"{"data":{"count":5,"list":[],"pagination":{"next_page_href":"/x?offset=100"}},"error_code":0}"#).unwrap();
        assert_eq!(list(inside, "orders", order).unwrap().next_page, Some(true));
        let none = envelope(br#"{"data":[],"error_code":0}"#).unwrap();
        assert_eq!(list(none, "orders", order).unwrap().next_page, None);
    }

    #[test]
    fn a_bad_row_is_reported_and_its_page_survives() {
        let data = json!({"count": 3, "list": [
            {"id": 1, "quantity": 10, "status": "completed", "created_timestamp": 100},
            {"id": "x1", "quantity": 10, "status": "completed", "created_timestamp": 100},
            "not even an object",
        ]});
        let page = list(data, "orders", order).unwrap();
        assert_eq!(page.rows.len(), 1);
        assert_eq!(page.len, 3);
        assert_eq!(page.skipped.len(), 2);
        assert_eq!(page.skipped[0].id.as_deref(), Some("x1"));
        assert!(page.skipped[0].reason.contains("not a positive integer"));
    }

    #[test]
    fn the_envelope_tells_keys_limits_and_panel_errors_apart() {
        assert!(matches!(
            envelope(br#"{"data":[],"error_code":100,"error_message":"Page not found."}"#),
            Err(PanelError::Api { code: 100, .. })
        ));
        assert!(matches!(
            envelope(br#"{"data":[],"error_code":1,"error_message":"Invalid API key"}"#),
            Err(PanelError::WrongKey)
        ));
        assert!(matches!(
            envelope(br#"{"data":[],"error_code":5,"error_message":"Rate limit exceeded"}"#),
            Err(PanelError::RateLimited { .. })
        ));
        assert!(matches!(
            envelope(br#"{"data":[],"error_code":7,"error_message":"Too many requests"}"#),
            Err(PanelError::RateLimited { .. })
        ));
        // A refusal that happens to say "limit" is the panel's answer, not a rate limit.
        assert!(matches!(
            envelope(br#"{"data":[],"error_code":9,"error_message":"Amount exceeds limit"}"#),
            Err(PanelError::Api { code: 9, .. })
        ));
        assert!(matches!(
            envelope(br#"{"data":[],"error_code":9,"error_message":"Daily limit reached for this method"}"#),
            Err(PanelError::Api { code: 9, .. })
        ));
        assert!(matches!(
            envelope(br#"{"data":{"count":1,"li"#),
            Err(PanelError::Malformed { .. })
        ));
        assert!(matches!(
            envelope(b"[1,2]"),
            Err(PanelError::Malformed { .. })
        ));
        assert!(envelope(br#"{"data":{"x":1},"error_code":"0","error_message":""}"#).is_ok());
    }

    #[test]
    fn message_times_and_authors_come_under_several_names() {
        let t = ticket_detail(json!({"id": 5, "user": {"id": 1, "username": "u"}, "messages": [
            {"message": "<p>hi</p>", "is_staff": true, "author": "Mira", "created_at": 1700000000},
            {"message": "x", "is_staff": 0, "date": "2026-10-26 07:33:20"},
            {"message": "y", "is_staff": false},
        ]}))
        .unwrap();
        assert_eq!(t.messages[0].staff_name.as_deref(), Some("Mira"));
        assert_eq!(t.messages[0].created, Some(1_700_000_000));
        assert_eq!(t.messages[1].created, Some(1_793_000_000));
        assert!(!t.messages[1].is_staff);
        assert_eq!(
            t.messages[2].created, None,
            "a message without a time is kept"
        );
    }
}
