//! Faults on demand: each a switch, changeable while the server runs
//! (`POST /__fake/faults`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Requests per second the panel accepts (a token bucket holding
    /// max(1, floor(R)) tokens); beyond it HTTP 429 with `Retry-After`.
    pub rate_limit: Option<f64>,
    /// Share of requests answered HTTP 500.
    pub fail_rate: f64,
    /// Share of successful answers whose JSON body is cut short.
    pub malformed_rate: f64,
    /// Added to every answer.
    pub latency_ms: u64,
    /// Share of requests that hang for `hang_ms` before answering (a client
    /// with a shorter timeout sees a timeout).
    pub timeout_rate: f64,
    pub hang_ms: u64,
    /// Answer a wrong key with HTTP 200 and a non-zero `error_code` instead of 401.
    pub wrong_key_as_200: bool,
    /// Share of order list requests during which new orders arrive (the page
    /// changes between two reads).
    pub shift_rate: f64,
    /// Every request answered HTTP 429 with this `Retry-After` (seconds):
    /// a rate limit that never ends.
    pub always_429_retry_after: Option<u64>,
    /// List pages hold at most this many rows, whatever `limit` asks.
    pub max_limit: Option<usize>,
    /// List requests at or past this offset answer HTTP 500 (a backfill
    /// that fails while the first pages still answer).
    pub fail_from_offset: Option<usize>,
    /// These tickets' details answer HTTP 200 with error code 100.
    pub ticket_code_100: Vec<i64>,
    /// Every admin request answered HTTP 200 with error code 9 and this
    /// message (a refusal such as "Amount exceeds limit").
    pub refuse_with: Option<String>,
    /// Writes are applied, then answered HTTP 500 (the answer is lost, the
    /// write is not).
    pub fail_after_write: bool,
    /// Writes are applied and recorded, then the answer waits this long (a
    /// client killed meanwhile never hears it).
    pub hang_after_write_ms: u64,
    /// Close, reopen and assign are not there: HTTP 200, code 100, "Page
    /// not found.", as a panel without them answers.
    pub no_ticket_actions: bool,
}
