//! The write routes: order actions, payments, ticket replies and states;
//! each lands in the write record with how it was answered.

use super::*;

pub(super) fn body_json(bytes: &Bytes) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

/// `"1,2,3"` (the documented form), or an array, or one number.
pub(super) fn body_ids(v: &Value) -> Vec<i64> {
    match v {
        Value::String(s) => s.split(',').filter_map(|p| p.trim().parse().ok()).collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_i64().or_else(|| x.as_str()?.trim().parse().ok()))
            .collect(),
        Value::Number(n) => n.as_i64().into_iter().collect(),
        _ => Vec::new(),
    }
}

pub(super) fn api_error(code: i64, message: &str) -> Response {
    envelope_response(StatusCode::OK, wire::error_envelope(code, message))
}

/// Applies `change` to each listed order; the ones it refuses are skipped.
pub(super) fn act_on_orders(
    s: &Shared,
    body: &Value,
    mut change: impl FnMut(&mut crate::data::Order, i64) -> bool,
) -> Response {
    let ids = body_ids(&body["ids"]);
    if ids.is_empty() {
        return api_error(2, "Field ids is required");
    }
    let mut w = s.world.write().expect("world lock");
    let now = w.now;
    let (mut done, mut skipped) = (Vec::new(), Vec::new());
    for id in ids {
        let changed = match w.order_mut(id) {
            Some(o) => {
                let changed = change(o, now);
                if changed {
                    o.last_update = now;
                }
                changed
            }
            None => false,
        };
        if changed {
            done.push(id)
        } else {
            skipped.push(id)
        }
    }
    Json(wire::envelope(
        json!({ "ids": done, "skipped_ids": skipped }),
    ))
    .into_response()
}

pub(super) const FINISHED: [&str; 3] = ["completed", "partial", "canceled"];

pub(super) async fn orders_change_status(State(s): State<AppState>, bytes: Bytes) -> Response {
    let body = body_json(&bytes);
    let Some(status) = body["status"].as_str().map(str::to_owned) else {
        return api_error(2, "Field status is required");
    };
    let known = [
        "pending",
        "in_progress",
        "processing",
        "completed",
        "partial",
        "canceled",
        "error",
        "fail",
    ];
    if !known.contains(&status.as_str()) {
        return api_error(3, "Invalid status");
    }
    let mut r = act_on_orders(&s, &body, |o, _| {
        if o.status == status {
            return false;
        }
        o.status = status.clone();
        if status == "completed" {
            o.remains = 0;
        }
        true
    });
    // The answer names the status too.
    if let Ok(mut v) = response_json(&mut r).await {
        v["data"]["status"] = json!(status);
        return Json(v).into_response();
    }
    r
}

pub(super) async fn response_json(r: &mut Response) -> Result<Value, ()> {
    let body = std::mem::take(r.body_mut());
    let bytes = to_bytes(body, usize::MAX).await.map_err(|_| ())?;
    serde_json::from_slice(&bytes).map_err(|_| ())
}

pub(super) async fn orders_resend(State(s): State<AppState>, bytes: Bytes) -> Response {
    act_on_orders(&s, &body_json(&bytes), |o, _| {
        let failed = matches!(o.status.as_str(), "error" | "fail");
        if failed {
            o.status = "pending".into();
        }
        failed
    })
}

pub(super) async fn orders_cancel(State(s): State<AppState>, bytes: Bytes) -> Response {
    act_on_orders(&s, &body_json(&bytes), |o, _| {
        if FINISHED.contains(&o.status.as_str()) {
            return false;
        }
        o.status = "canceled".into();
        o.remains = o.quantity;
        true
    })
}

pub(super) async fn orders_request_cancel(State(s): State<AppState>, bytes: Bytes) -> Response {
    act_on_orders(&s, &body_json(&bytes), |o, _| {
        !FINISHED.contains(&o.status.as_str())
    })
}

pub(super) async fn order_set_partial(
    State(s): State<AppState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let body = body_json(&bytes);
    let Some(remains) = body["remains"]
        .as_i64()
        .or_else(|| body["remains"].as_str()?.parse().ok())
    else {
        return api_error(2, "Field remains is required");
    };
    let mut w = s.world.write().expect("world lock");
    let now = w.now;
    match parse_id(&id).and_then(|id| w.order_mut(id)) {
        Some(o) if remains >= 0 && remains <= o.quantity => {
            o.status = "partial".into();
            o.remains = remains;
            o.last_update = now;
            Json(wire::envelope(json!({ "id": o.id }))).into_response()
        }
        Some(_) => api_error(3, "Invalid remains"),
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Order not found"),
        ),
    }
}

pub(super) async fn order_edit_link(
    State(s): State<AppState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let body = body_json(&bytes);
    let Some(link) = body["link"]
        .as_str()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
    else {
        return api_error(2, "Field link is required");
    };
    let mut w = s.world.write().expect("world lock");
    let now = w.now;
    match parse_id(&id).and_then(|id| w.order_mut(id)) {
        Some(o) => {
            o.link = link;
            o.last_update = now;
            Json(wire::envelope(json!({ "id": o.id }))).into_response()
        }
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Order not found"),
        ),
    }
}

/// "12.5", 12.5 or "12" -> micro-units, exactly (no float for strings).
pub(super) fn parse_amount(v: &Value) -> Option<i64> {
    let text = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    if frac.len() > 6
        || int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let int: i64 = int.parse().ok()?;
    let frac: i64 = format!("{frac:0<6}").parse().ok()?;
    int.checked_mul(1_000_000)?.checked_add(frac)
}

pub(super) async fn payments_add(State(s): State<AppState>, bytes: Bytes) -> Response {
    let body = body_json(&bytes);
    let username = body["username"].as_str().unwrap_or_default().to_owned();
    let method = body["method"].as_str().unwrap_or_default().to_owned();
    let memo = body["memo"].as_str().unwrap_or_default().to_owned();
    let Some(amount) = parse_amount(&body["amount"]).filter(|a| *a > 0) else {
        return api_error(3, "Invalid amount");
    };
    if method.trim().is_empty() {
        return api_error(2, "Field method is required");
    }
    let mut w = s.world.write().expect("world lock");
    match w.add_payment(&username, amount, &method, &memo) {
        Some(id) => Json(wire::envelope(json!({ "payment_id": id }))).into_response(),
        None => api_error(4, "User not found"),
    }
}

pub(super) fn with_ticket(
    s: &Shared,
    id: &str,
    f: impl FnOnce(&mut crate::data::Ticket),
) -> Response {
    let mut w = s.world.write().expect("world lock");
    let now = w.now;
    match parse_id(id).and_then(|id| w.ticket_mut(id)) {
        Some(t) => {
            f(t);
            t.last_update = now;
            Json(wire::envelope(json!({ "id": t.id, "status": t.status }))).into_response()
        }
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Ticket not found"),
        ),
    }
}

pub(super) async fn ticket_reply(
    State(s): State<AppState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    let body = body_json(&bytes);
    let staff = body["staff_name"].as_str().unwrap_or_default().to_owned();
    let Some(message) = body["message"]
        .as_str()
        .filter(|m| !m.trim().is_empty())
        .map(str::to_owned)
    else {
        return api_error(2, "Field message is required");
    };
    if staff.trim().is_empty() {
        return api_error(2, "Field staff_name is required");
    }
    let mut w = s.world.write().expect("world lock");
    match parse_id(&id).and_then(|tid| w.reply(tid, &staff, &message)) {
        Some(message_id) => Json(wire::envelope(
            json!({ "id": parse_id(&id), "message_id": message_id }),
        ))
        .into_response(),
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Ticket not found"),
        ),
    }
}

/// A panel without the ASSUMED ticket actions answers as for any unknown route.
fn no_ticket_actions(s: &Shared) -> Option<Response> {
    s.faults
        .lock()
        .expect("faults lock")
        .no_ticket_actions
        .then(|| api_error(100, "Page not found."))
}

pub(super) async fn ticket_close(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    if let Some(r) = no_ticket_actions(&s) {
        return r;
    }
    with_ticket(&s, &id, |t| t.status = "closed".into())
}

pub(super) async fn ticket_reopen(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    if let Some(r) = no_ticket_actions(&s) {
        return r;
    }
    with_ticket(&s, &id, |t| t.status = "pending".into())
}

pub(super) async fn ticket_assign(
    State(s): State<AppState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    if let Some(r) = no_ticket_actions(&s) {
        return r;
    }
    let body = body_json(&bytes);
    let staff = body["staff_name"].as_str().map(str::to_owned);
    with_ticket(&s, &id, |t| t.assignee = staff)
}

// ---- the user API (services catalogue) -----------------------------------
