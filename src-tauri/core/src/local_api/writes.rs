//! Writes through the local API: a ticket reply, a payment added and the
//! order actions, each through the same core use case as the window (its
//! checks, the outbox and its freshness guard, the panel's one client and
//! rate bucket, the re-read, the activity log), with the window's
//! confirmation replaced by the key's write scope.
//!
//! Each write carries an `Idempotency-Key`. The key is claimed in
//! local.sqlite3 before anything is sent: a repeat gets the first answer and
//! sends nothing; a repeat of a write that never finished (the process was
//! killed) is told its outcome is unknown, and is not sent again.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{keys::ApiKey, wire};
use crate::{
    activity::{Actor, ActorKind, Outcome},
    db::{Db, LocalConn},
    money::{methods, payments, PaymentInput},
    operators,
    order_actions::{self, OrderAction},
    sync::Engine,
    tickets::{
        outbox::{queue, NewReply, OutboxState},
        Outbox,
    },
    Error, Result,
};

/// The longest Idempotency-Key taken.
const MAX_KEY: usize = 200;

/// An answer: the HTTP status and the JSON body.
pub type Answer = (u16, Value);

fn refused(status: u16, message: impl Into<String>) -> Answer {
    (status, wire::error(i64::from(status), &message.into()))
}

/// Who acts: the API key, as the activity log names it.
pub fn actor(key: &ApiKey) -> Actor {
    Actor {
        kind: ActorKind::ApiKey,
        id: key.id.to_string(),
        name: key.name.clone(),
    }
}

/// What a claim found.
enum Claim {
    /// Ours: do the write, then record its answer.
    New,
    /// Answered before: the same answer again.
    Done(Answer),
    /// Claimed but never answered, or another request's key.
    Refused(Answer),
}

fn claim(local: &LocalConn, key_id: i64, idempotency: &str, request: &str) -> Result<Claim> {
    let inserted = local
        .execute(
            "INSERT OR IGNORE INTO api_writes (key_id, idempotency, request, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            (key_id, idempotency, request, chrono::Utc::now().timestamp()),
        )
        .map_err(LocalConn::err)?;
    if inserted == 1 {
        return Ok(Claim::New);
    }
    let (earlier, status, answer): (String, Option<u16>, Option<String>) = local
        .query_row(
            "SELECT request, status, answer FROM api_writes WHERE key_id = ?1 AND idempotency = ?2",
            (key_id, idempotency),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(LocalConn::err)?;
    Ok(match (status, answer) {
        _ if earlier != request => Claim::Refused(refused(
            422,
            "this Idempotency-Key was used for another request: use a new key for a new write",
        )),
        (Some(status), Some(answer)) => Claim::Done((
            status,
            serde_json::from_str(&answer).unwrap_or(Value::Null),
        )),
        _ => Claim::Refused(refused(
            409,
            "the first request with this Idempotency-Key did not finish: its outcome is unknown; check the panel before trying again with a new key",
        )),
    })
}

fn record(local: &LocalConn, key_id: i64, idempotency: &str, answer: &Answer) -> Result<()> {
    local
        .execute(
            "UPDATE api_writes SET status = ?3, answer = ?4 WHERE key_id = ?1 AND idempotency = ?2",
            (key_id, idempotency, answer.0, answer.1.to_string()),
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

/// A write to one panel: `route` is the path after `/adminapi/v2/`.
pub struct WriteRequest<'a> {
    pub panel_id: i64,
    pub route: &'a str,
    pub body: &'a [u8],
    pub idempotency: Option<&'a str>,
}

/// Runs a write once per Idempotency-Key. `outbox` is the sync owner's:
/// without it (another process owns the sync) nothing is sent.
pub async fn write(
    db: &Db,
    outbox: Option<&Outbox>,
    key: &ApiKey,
    req: WriteRequest<'_>,
) -> Result<Answer> {
    let Some(idempotency) = req.idempotency.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(refused(
            400,
            "a write needs an Idempotency-Key header (a new random value per write)",
        ));
    };
    if idempotency.len() > MAX_KEY {
        return Ok(refused(
            400,
            format!("the Idempotency-Key is longer than {MAX_KEY} characters"),
        ));
    }
    let Some(outbox) = outbox else {
        return Ok(refused(
            503,
            "another process owns the sync of this data dir: send writes through its local API (the app's, or `sync --watch`'s)",
        ));
    };
    let request = hex::encode(
        Sha256::new()
            .chain_update(req.route.as_bytes())
            .chain_update([0])
            .chain_update(req.body)
            .finalize(),
    );
    match claim(&db.local()?, key.id, idempotency, &request)? {
        Claim::Done(answer) | Claim::Refused(answer) => return Ok(answer),
        Claim::New => {}
    }
    let body: Value = serde_json::from_slice(req.body).unwrap_or(Value::Null);
    // The payment's confirmation token comes from the Idempotency-Key (not
    // the body: two equal payments are two payments): the payments' own
    // claim then holds it to once as well.
    let token = format!(
        "api-{}-{}",
        key.id,
        hex::encode(Sha256::digest(idempotency.as_bytes()))
    );
    let engine = outbox.engine();
    let answer = match route(req.route) {
        Some(Route::Reply(ticket_id)) => reply(outbox, req.panel_id, ticket_id, &body).await,
        Some(Route::PaymentAdd) => payment(engine, key, req.panel_id, &body, token).await,
        Some(Route::Orders(ids, action)) => {
            let ids = ids.or_else(|| ids_in(&body)).unwrap_or_default();
            match action(&body) {
                Some(action) => orders(engine, key, req.panel_id, &ids, &action).await,
                None => refused(400, "the body lacks what this action needs"),
            }
        }
        None => refused(404, "there is no such write"),
    };
    record(&db.local()?, key.id, idempotency, &answer)?;
    Ok(answer)
}

type ActionOf = fn(&Value) -> Option<OrderAction>;

enum Route {
    Reply(i64),
    PaymentAdd,
    /// The orders in the path (one), else in the body's `ids`, and the action.
    Orders(Option<Vec<i64>>, ActionOf),
}

fn text(body: &Value, field: &str) -> Option<String> {
    match body.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn route(path: &str) -> Option<Route> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    Some(match parts.as_slice() {
        ["tickets", id, "reply"] => Route::Reply(id.parse().ok()?),
        ["payments", "add"] => Route::PaymentAdd,
        ["orders", "resend"] => Route::Orders(None, |_| Some(OrderAction::Resend)),
        ["orders", "request-cancel"] => Route::Orders(None, |_| Some(OrderAction::RequestCancel)),
        ["orders", "cancel"] => Route::Orders(None, |b| {
            Some(OrderAction::Cancel {
                reason: text(b, "cancel_reason"),
            })
        }),
        ["orders", "change-status"] => Route::Orders(None, |b| {
            Some(OrderAction::ChangeStatus {
                status: text(b, "status")?,
            })
        }),
        ["orders", id, "set-partial"] => Route::Orders(Some(vec![id.parse().ok()?]), |b| {
            Some(OrderAction::SetPartial {
                remains: text(b, "remains")?.parse().ok()?,
            })
        }),
        ["orders", id, "edit-link"] => Route::Orders(Some(vec![id.parse().ok()?]), |b| {
            Some(OrderAction::EditLink {
                link: text(b, "link")?,
            })
        }),
        _ => return None,
    })
}

/// `ids` as Perfect Panel sends them: "1,2,3" (or a JSON list).
fn ids_in(body: &Value) -> Option<Vec<i64>> {
    match body.get("ids")? {
        Value::String(s) => Some(s.split(',').filter_map(|i| i.trim().parse().ok()).collect()),
        Value::Array(a) => Some(
            a.iter()
                .filter_map(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()))
                .collect(),
        ),
        _ => None,
    }
}

fn invalid(e: &Error) -> Answer {
    let message = match e.fix() {
        Some(fix) => format!("{e}. {fix}"),
        None => e.to_string(),
    };
    refused(422, message)
}

/// `tickets/{id}/reply`: `{message}`, through the outbox as the current
/// operator (their staff name on the panel; the log names them). The
/// freshness guard holds it when the customer wrote after what the cache
/// holds: the script reads the ticket again, then sends with a new key.
async fn reply(outbox: &Outbox, panel_id: i64, ticket_id: i64, body: &Value) -> Answer {
    let Some(message) = text(body, "message") else {
        return refused(400, "a reply needs a message");
    };
    let engine = outbox.engine();
    let prepared = engine
        .db()
        .local()
        .and_then(|l| operators::current(&l))
        .and_then(|op| {
            let seen: i64 = engine
                .db()
                .cache()?
                .query_row(
                    "SELECT count(*) FROM ticket_messages WHERE panel_id = ?1 AND ticket_id = ?2",
                    (panel_id, ticket_id),
                    |r| r.get(0),
                )
                .map_err(crate::db::CacheConn::err)?;
            Ok((op, seen))
        });
    let (op, seen) = match prepared {
        Ok(p) => p,
        Err(e) => return invalid(&e),
    };
    let reply = NewReply {
        panel_id,
        ticket_id,
        text: message,
        seen_messages: seen,
    };
    let row = match queue(engine.db(), engine.writer(), op.id, reply).await {
        Ok(row) => row,
        Err(e) => return invalid(&e),
    };
    let row = match outbox.send(row.id, None).await {
        Ok(row) => row,
        Err(e) => return invalid(&e),
    };
    let data = json!({ "reply_id": row.id, "state": row.state, "staff_name": row.staff_name });
    match row.state {
        OutboxState::Sent => (200, wire::envelope(data, None)),
        OutboxState::Held => (
            409,
            json!({ "data": data, "error_code": 409, "error_message": "the conversation has new messages since the cache's: read the ticket again, then send with a new Idempotency-Key" }),
        ),
        OutboxState::Unknown => (
            504,
            json!({ "data": data, "error_code": 504, "error_message": "the panel's answer was lost: the outbox checks the ticket before any retry" }),
        ),
        _ => (
            502,
            json!({ "data": data, "error_code": 502, "error_message": row.error.unwrap_or_else(|| "not sent: the outbox retries it".into()) }),
        ),
    }
}

/// `payments/add`: `{username, amount, method, memo, affiliate_commission}`,
/// `method` the panel's internal name of a method set up in Settings >
/// Payment methods (its limits apply).
async fn payment(
    engine: &Engine,
    key: &ApiKey,
    panel_id: i64,
    body: &Value,
    token: String,
) -> Answer {
    let (Some(username), Some(amount), Some(method)) = (
        text(body, "username"),
        text(body, "amount"),
        text(body, "method"),
    ) else {
        return refused(400, "a payment needs username, amount and method");
    };
    let method_id = match engine
        .db()
        .local()
        .and_then(|l| methods::list(&l, Some(panel_id)))
        .map(|all| all.into_iter().find(|m| m.internal_name == method).map(|m| m.id))
    {
        Ok(Some(id)) => id,
        Ok(None) => {
            return refused(
                422,
                format!("{method:?} is not a payment method of this panel: set it up in Settings > Payment methods"),
            )
        }
        Err(e) => return invalid(&e),
    };
    let input = PaymentInput {
        panel_id,
        username,
        method_id,
        amount,
        memo: text(body, "memo").unwrap_or_default(),
        affiliate_commission: body
            .get("affiliate_commission")
            .is_some_and(|v| v.as_bool().unwrap_or(false) || v.as_i64() == Some(1)),
    };
    let mut confirmation = match payments::prepare(engine, input).await {
        Ok(c) => c,
        Err(e) => return invalid(&e),
    };
    confirmation.token = token;
    match payments::send(engine, &actor(key), &confirmation).await {
        Ok(outcome) => match outcome.outcome {
            Outcome::Sent => (
                200,
                wire::envelope(json!({ "payment_id": outcome.payment_id }), None),
            ),
            Outcome::Unknown => refused(
                504,
                outcome
                    .message
                    .unwrap_or_else(|| "the outcome is unknown: check before trying again".into()),
            ),
            Outcome::Failed => refused(
                502,
                outcome
                    .message
                    .unwrap_or_else(|| "the panel refused it".into()),
            ),
        },
        Err(e) => invalid(&e),
    }
}

/// An order action: `{ids, skipped_ids}` as the panel answers, with each
/// skipped order's reason.
async fn orders(
    engine: &Engine,
    key: &ApiKey,
    panel_id: i64,
    ids: &[i64],
    action: &OrderAction,
) -> Answer {
    match order_actions::act(engine, &actor(key), panel_id, ids, action).await {
        Ok(results) => {
            let done: Vec<i64> = results.iter().filter(|r| r.done).map(|r| r.id).collect();
            let skipped: Vec<i64> = results.iter().filter(|r| !r.done).map(|r| r.id).collect();
            let reasons: serde_json::Map<String, Value> = results
                .iter()
                .filter(|r| !r.done)
                .map(|r| (r.id.to_string(), json!(r.reason)))
                .collect();
            (
                200,
                wire::envelope(
                    json!({ "ids": done, "skipped_ids": skipped, "skipped_reasons": reasons }),
                    None,
                ),
            )
        }
        Err(e) => invalid(&e),
    }
}
