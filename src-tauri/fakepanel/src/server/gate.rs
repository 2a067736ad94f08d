//! Around every route: the rate gate, the faults on demand, the key check
//! and the record of requests.

use super::*;

pub(super) fn capacity(rate: f64) -> f64 {
    rate.floor().max(1.0)
}

pub(super) fn roll(shared: &Shared) -> f64 {
    shared.rng.lock().expect("rng lock").random::<f64>()
}

pub(super) fn envelope_response(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

pub(super) fn key_ok(shared: &Shared, headers: &HeaderMap) -> bool {
    headers.get("x-api-key").and_then(|v| v.to_str().ok()) == Some(shared.admin_key.as_str())
}

/// Faults, the key check and the record, around every route.
pub(super) async fn gate(State(shared): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    if path.starts_with("/__fake") {
        if !key_ok(&shared, req.headers()) {
            return envelope_response(
                StatusCode::UNAUTHORIZED,
                wire::error_envelope(401, "Invalid API key"),
            );
        }
        return next.run(req).await;
    }
    let t_ms = shared.started.elapsed().as_secs_f64() * 1000.0;
    let response = faulted(&shared, req, next, &path, &method, t_ms).await;
    shared
        .requests
        .lock()
        .expect("log lock")
        .push(RequestRecord {
            t_ms,
            method: method.to_string(),
            path,
            status: response.status().as_u16(),
        });
    response
}

pub(super) async fn faulted(
    shared: &Shared,
    req: Request,
    next: Next,
    path: &str,
    method: &Method,
    t_ms: f64,
) -> Response {
    let faults = shared.faults.lock().expect("faults lock").clone();
    if let Some(wait) = faults.always_429_retry_after {
        let mut r = envelope_response(
            StatusCode::TOO_MANY_REQUESTS,
            wire::error_envelope(429, "Too many requests, slow down"),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return r;
    }
    if let Some(rate) = faults.rate_limit {
        let mut b = shared.bucket.lock().expect("bucket lock");
        let now = Instant::now();
        if b.rate != Some(rate) {
            *b = Bucket {
                rate: Some(rate),
                tokens: capacity(rate),
                last: now,
            };
        }
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(capacity(rate));
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
        } else {
            let wait = ((1.0 - b.tokens) / rate).ceil().max(1.0) as u64;
            let mut r = envelope_response(
                StatusCode::TOO_MANY_REQUESTS,
                wire::error_envelope(429, "Too many requests, slow down"),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            return r;
        }
    }
    let admin = path.starts_with("/adminapi/");
    if admin && !key_ok(shared, req.headers()) {
        let status = if faults.wrong_key_as_200 {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        return envelope_response(status, wire::error_envelope(401, "Invalid API key"));
    }
    if let (true, Some(message)) = (admin, &faults.refuse_with) {
        // A refused write still reached the panel: it is on the record.
        if method == Method::POST {
            let body = to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
            shared.writes.lock().expect("log lock").push(WriteRecord {
                t_ms,
                path: path.to_owned(),
                body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                status: StatusCode::OK.as_u16(),
                error_code: 9,
            });
        }
        return envelope_response(StatusCode::OK, wire::error_envelope(9, message));
    }
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if faults.timeout_rate > 0.0 && roll(shared) < faults.timeout_rate {
        tokio::time::sleep(Duration::from_millis(faults.hang_ms)).await;
    }
    if faults.fail_rate > 0.0 && roll(shared) < faults.fail_rate {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
        )
            .into_response();
    }
    if let Some(from) = faults.fail_from_offset {
        let offset = req
            .uri()
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("offset=")))
            .and_then(|o| o.parse::<usize>().ok());
        if offset.is_some_and(|o| o >= from) {
            return (StatusCode::INTERNAL_SERVER_ERROR, "offset failure").into_response();
        }
    }
    let is_write = admin && method == Method::POST;
    let (response, request_body) = if is_write {
        let (parts, body) = req.into_parts();
        let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
        let response = next
            .run(Request::from_parts(parts, Body::from(bytes.clone())))
            .await;
        (response, Some(bytes))
    } else {
        (next.run(req).await, None)
    };
    let malformed = response.status() == StatusCode::OK
        && faults.malformed_rate > 0.0
        && roll(shared) < faults.malformed_rate;
    if request_body.is_none() && !malformed {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    if let Some(request_body) = request_body {
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        shared.writes.lock().expect("log lock").push(WriteRecord {
            t_ms,
            path: path.to_owned(),
            body: serde_json::from_slice(&request_body).unwrap_or_else(|_| {
                Value::String(String::from_utf8_lossy(&request_body).into_owned())
            }),
            status: parts.status.as_u16(),
            error_code: answer["error_code"].as_i64().unwrap_or(-1),
        });
        if faults.hang_after_write_ms > 0 {
            tokio::time::sleep(Duration::from_millis(faults.hang_after_write_ms)).await;
        }
        if faults.fail_after_write {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "<html><body><h1>500 Internal Server Error</h1></body></html>",
            )
                .into_response();
        }
    }
    let bytes = if malformed {
        Bytes::copy_from_slice(&bytes[..bytes.len() / 2])
    } else {
        bytes
    };
    let mut parts = parts;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}
