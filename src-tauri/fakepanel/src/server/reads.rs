//! The read routes: lists with their filters and pages, single rows, and
//! the user API's services.

use super::*;

pub(super) async fn not_found() -> Response {
    envelope_response(StatusCode::OK, wire::error_envelope(100, "Page not found."))
}

// ---- lists ---------------------------------------------------------------

pub(super) struct ListParams {
    offset: usize,
    limit: usize,
    from: Option<i64>,
    to: Option<i64>,
    ascending: bool,
}

impl ListParams {
    fn parse(q: &HashMap<String, String>, shared: &Shared) -> ListParams {
        let num = |k: &str| q.get(k).and_then(|v| v.trim().parse::<i64>().ok());
        let cap = shared
            .faults
            .lock()
            .expect("faults lock")
            .max_limit
            .unwrap_or(MAX_LIMIT)
            .clamp(1, MAX_LIMIT);
        ListParams {
            offset: num("offset").unwrap_or(0).max(0) as usize,
            limit: (num("limit").unwrap_or(DEFAULT_LIMIT as i64).max(1) as usize).min(cap),
            from: num("created_from"),
            to: num("created_to"),
            ascending: q.get("sort").map(String::as_str) == Some("date-asc"),
        }
    }
}

pub(super) fn csv_ids(v: Option<&String>) -> Option<Vec<i64>> {
    v.map(|s| s.split(',').filter_map(|p| p.trim().parse().ok()).collect())
}

/// One page of `rows` (stored in creation order) inside the time range, kept
/// by `keep`, in the asked order; and how many matched in all.
pub(super) fn page<'a, T>(
    rows: &'a [T],
    created: impl Fn(&T) -> i64,
    p: &ListParams,
    keep: Option<&dyn Fn(&T) -> bool>,
) -> (Vec<&'a T>, usize) {
    let lo = p
        .from
        .map_or(0, |f| rows.partition_point(|r| created(r) < f));
    let hi =
        p.to.map_or(rows.len(), |t| rows.partition_point(|r| created(r) <= t));
    let range = &rows[lo..hi.max(lo)];
    match keep {
        None => {
            let total = range.len();
            let take = |i: usize| {
                if p.ascending {
                    &range[i]
                } else {
                    &range[total - 1 - i]
                }
            };
            let page = (p.offset..total.min(p.offset + p.limit))
                .map(take)
                .collect();
            (page, total)
        }
        Some(keep) => {
            let matched: Vec<&T> = if p.ascending {
                range.iter().filter(|r| keep(r)).collect()
            } else {
                range.iter().rev().filter(|r| keep(r)).collect()
            };
            let total = matched.len();
            (
                matched.into_iter().skip(p.offset).take(p.limit).collect(),
                total,
            )
        }
    }
}

pub(super) async fn orders_list(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let faults = s.faults.lock().expect("faults lock").clone();
    if faults.shift_rate > 0.0 && roll(&s) < faults.shift_rate {
        let n = 1 + (roll(&s) * 5.0) as usize;
        s.world.write().expect("world lock").arrive_orders(n);
    }
    let p = ListParams::parse(&q, &s);
    let w = s.world.read().expect("world lock");
    let body = if let Some(ids) = csv_ids(q.get("ids")) {
        let list: Vec<Value> = ids
            .iter()
            .filter_map(|&id| w.order(id))
            .map(|o| wire::order(o, &s.quirks))
            .collect();
        let n = list.len();
        wire::list_page(
            "orders",
            list,
            n,
            0,
            n.max(1),
            "/adminapi/v2/orders",
            &s.quirks,
        )
    } else {
        let status = q.get("order_status").cloned();
        let services = csv_ids(q.get("service_ids"));
        let user = q.get("user").cloned();
        let mode = q.get("mode").cloned();
        let external: Option<Vec<String>> = q
            .get("external_order_ids")
            .map(|v| v.split(',').map(|x| x.trim().to_owned()).collect());
        let filtered = status.is_some()
            || services.is_some()
            || user.is_some()
            || mode.is_some()
            || external.is_some();
        let keep = |o: &crate::data::Order| {
            status.as_ref().is_none_or(|st| &o.status == st)
                && services
                    .as_ref()
                    .is_none_or(|sv| sv.contains(&o.service_id))
                && user.as_ref().is_none_or(|u| &o.user == u)
                && mode.as_ref().is_none_or(|m| &o.mode == m)
                && external
                    .as_ref()
                    .is_none_or(|e| o.external_id.as_ref().is_some_and(|x| e.contains(x)))
        };
        let (rows, total) = page(
            &w.orders,
            |o| o.created,
            &p,
            filtered.then_some(&keep as &dyn Fn(&_) -> bool),
        );
        let list = rows
            .into_iter()
            .map(|o| wire::order(o, &s.quirks))
            .collect();
        wire::list_page(
            "orders",
            list,
            total,
            p.offset,
            p.limit,
            "/adminapi/v2/orders",
            &s.quirks,
        )
    };
    Json(body).into_response()
}

pub(super) fn parse_id(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

pub(super) async fn order_get(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let w = s.world.read().expect("world lock");
    match parse_id(&id).and_then(|id| w.order(id)) {
        Some(o) => Json(wire::envelope(wire::order(o, &s.quirks))).into_response(),
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Order not found"),
        ),
    }
}

pub(super) async fn users_list(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = ListParams::parse(&q, &s);
    let w = s.world.read().expect("world lock");
    let username = q.get("username").cloned();
    let email = q.get("email").cloned();
    let keep = |u: &crate::data::User| {
        username.as_ref().is_none_or(|n| &u.username == n)
            && email.as_ref().is_none_or(|e| &u.email == e)
    };
    let filtered = username.is_some() || email.is_some();
    let (rows, total) = page(
        &w.users,
        |u| u.created,
        &p,
        filtered.then_some(&keep as &dyn Fn(&_) -> bool),
    );
    let list = rows.into_iter().map(|u| wire::user(u, &s.quirks)).collect();
    Json(wire::list_page(
        "users",
        list,
        total,
        p.offset,
        p.limit,
        "/adminapi/v2/users",
        &s.quirks,
    ))
    .into_response()
}

pub(super) async fn payments_list(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = ListParams::parse(&q, &s);
    let w = s.world.read().expect("world lock");
    let status = q.get("status").cloned();
    // ASSUMED, as for orders: `user` (a username) and `ids` (comma-separated).
    let user = q.get("user").cloned();
    let ids: Option<Vec<i64>> = q
        .get("ids")
        .map(|v| v.split(',').filter_map(|i| i.trim().parse().ok()).collect());
    let keep = |x: &crate::data::Payment| {
        status.as_ref().is_none_or(|st| &x.status == st)
            && user.as_ref().is_none_or(|u| &x.user == u)
            && ids.as_ref().is_none_or(|ids| ids.contains(&x.id))
    };
    let filtered = status.is_some() || user.is_some() || ids.is_some();
    let (rows, total) = page(
        &w.payments,
        |p| p.created,
        &p,
        filtered.then_some(&keep as &dyn Fn(&_) -> bool),
    );
    let list = rows
        .into_iter()
        .map(|x| wire::payment(x, &s.quirks))
        .collect();
    Json(wire::list_page(
        "payments",
        list,
        total,
        p.offset,
        p.limit,
        "/adminapi/v2/payments",
        &s.quirks,
    ))
    .into_response()
}

pub(super) async fn tickets_list(
    State(s): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = ListParams::parse(&q, &s);
    let w = s.world.read().expect("world lock");
    let status = q.get("status").cloned();
    let keep = |t: &crate::data::Ticket| status.as_ref().is_none_or(|st| &t.status == st);
    let (rows, total) = page(
        &w.tickets,
        |t| t.created,
        &p,
        status.is_some().then_some(&keep as &dyn Fn(&_) -> bool),
    );
    let list = rows
        .into_iter()
        .map(|t| wire::ticket(t, &s.quirks, false))
        .collect();
    Json(wire::list_page(
        "tickets",
        list,
        total,
        p.offset,
        p.limit,
        "/adminapi/v2/tickets",
        &s.quirks,
    ))
    .into_response()
}

pub(super) async fn ticket_get(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let code_100 = s
        .faults
        .lock()
        .expect("faults lock")
        .ticket_code_100
        .clone();
    if parse_id(&id).is_some_and(|id| code_100.contains(&id)) {
        return not_found().await;
    }
    let w = s.world.read().expect("world lock");
    match parse_id(&id).and_then(|id| w.ticket(id)) {
        Some(t) => Json(wire::envelope(wire::ticket(t, &s.quirks, true))).into_response(),
        None => envelope_response(
            StatusCode::NOT_FOUND,
            wire::error_envelope(404, "Ticket not found"),
        ),
    }
}

// ---- writes --------------------------------------------------------------

pub(super) async fn user_api(
    State(s): State<AppState>,
    axum::extract::Form(form): axum::extract::Form<HashMap<String, String>>,
) -> Response {
    if form.get("key") != Some(&s.services_key) {
        return Json(json!({ "error": "Invalid API key" })).into_response();
    }
    if form.get("action").map(String::as_str) != Some("services") {
        return Json(json!({ "error": "Incorrect request" })).into_response();
    }
    let w = s.world.read().expect("world lock");
    Json(Value::Array(
        w.services
            .iter()
            .map(|x| wire::service(x, &s.quirks))
            .collect(),
    ))
    .into_response()
}

// ---- controls ------------------------------------------------------------
