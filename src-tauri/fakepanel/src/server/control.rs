//! The control routes tests drive the fake with (`/__fake/...`): the clock,
//! the faults, the records and the truth.

use super::*;

#[derive(Deserialize)]
pub(super) struct TickBody {
    seconds: i64,
}

pub(super) async fn control_tick(State(s): State<AppState>, Json(b): Json<TickBody>) -> Response {
    let mut w = s.world.write().expect("world lock");
    w.tick(b.seconds);
    Json(json!({ "now": w.now })).into_response()
}

pub(super) async fn control_faults_get(State(s): State<AppState>) -> Response {
    Json(s.faults.lock().expect("faults lock").clone()).into_response()
}

pub(super) async fn control_faults_set(
    State(s): State<AppState>,
    Json(f): Json<Faults>,
) -> Response {
    *s.faults.lock().expect("faults lock") = f.clone();
    Json(f).into_response()
}

pub(super) async fn control_requests(State(s): State<AppState>) -> Response {
    Json(s.requests.lock().expect("log lock").clone()).into_response()
}

pub(super) async fn control_writes(State(s): State<AppState>) -> Response {
    Json(s.writes.lock().expect("log lock").clone()).into_response()
}

pub(super) async fn control_clear(State(s): State<AppState>) -> Response {
    s.requests.lock().expect("log lock").clear();
    s.writes.lock().expect("log lock").clear();
    Json(json!({})).into_response()
}

pub(super) async fn control_truth(State(s): State<AppState>) -> Response {
    Json(truth(&s.world.read().expect("world lock"))).into_response()
}

/// Every entity in its normalised form: money in micro-units, canonical
/// statuses, unix seconds, `user` as the username.
pub(super) fn truth(w: &World) -> Value {
    json!({
        "now": w.now,
        "currency": crate::data::CURRENCY,
        "services": w.services,
        "users": w.users,
        "orders": w.orders,
        "payments": w.payments,
        "tickets": w.tickets,
    })
}

#[derive(Deserialize)]
pub(super) struct CustomerMessageBody {
    message: String,
}

/// The customer writes in a ticket now (HTML as given), as in the panel's
/// client area: the ticket waits for an answer again.
pub(super) async fn control_customer_message(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<CustomerMessageBody>,
) -> Response {
    let mut w = s.world.write().expect("world lock");
    match w.customer_writes(id, &b.message) {
        Some(message_id) => Json(json!({ "message_id": message_id })).into_response(),
        None => (StatusCode::NOT_FOUND, "no such ticket").into_response(),
    }
}
