//! Property tests of the lenient parser: whatever bytes a panel sends, it
//! returns rows or an error, never panics, and accounts for every row.

use paneldesk_core::panel::parse;
use proptest::prelude::*;
use serde_json::{json, Value};

fn sample_page() -> Value {
    json!({
        "data": {"count": 2, "list": [
            {"id": 1, "user": "a", "charge": {"value": "1.50", "currency_code": "USD"}, "quantity": 100,
             "remains": 0, "service_id": 3, "service_name": "X [Speed: 5K/Day]", "status": "completed",
             "created_timestamp": 1700000000, "last_update_timestamp": 1700003600, "start_count": 5},
            {"id": "2", "user": {"id": 9, "username": "b"}, "charge": {"value": 2.25, "currency_code": "USD"},
             "quantity": "50", "service_id": "4", "status": "inprogress", "created_timestamp": "1700000100"}
        ]},
        "error_code": 0, "error_message": "",
        "pagination": {"offset": 0, "limit": 2, "next_page_href": null, "prev_page_href": null}
    })
}

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
        Just(json!("99999999999999999999999999")),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,12}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// The field names parsing looks at, so mutations hit them.
const FIELDS: &[&str] = &[
    "id",
    "user",
    "charge",
    "quantity",
    "remains",
    "status",
    "created_timestamp",
    "last_update_timestamp",
    "start_count",
    "service_id",
    "list",
    "count",
    "data",
    "error_code",
];

/// Every way the page can be read: as orders, users, payments, tickets, a ticket, services.
fn read_everything(bytes: &[u8]) {
    if let Ok(data) = parse::envelope(bytes) {
        for r in [
            parse::list(data.clone(), "orders", parse::order)
                .map(|p| (p.rows.len(), p.skipped.len(), p.len)),
            parse::list(data.clone(), "users", parse::user)
                .map(|p| (p.rows.len(), p.skipped.len(), p.len)),
            parse::list(data.clone(), "payments", parse::payment)
                .map(|p| (p.rows.len(), p.skipped.len(), p.len)),
            parse::list(data.clone(), "tickets", parse::ticket)
                .map(|p| (p.rows.len(), p.skipped.len(), p.len)),
        ]
        .into_iter()
        .flatten()
        {
            let (rows, skipped, len) = r;
            assert_eq!(rows + skipped, len, "every row is read or reported");
        }
        let _ = parse::ticket_detail(data);
    }
    let _ = parse::services(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_everything(&bytes);
    }

    #[test]
    fn any_json_never_panics(v in any_json()) {
        read_everything(&serde_json::to_vec(&v).unwrap());
        read_everything(&serde_json::to_vec(&json!({"data": v, "error_code": 0})).unwrap());
        read_everything(&serde_json::to_vec(&json!({"data": {"list": [v], "count": 1}, "error_code": 0})).unwrap());
    }

    #[test]
    fn a_real_page_with_one_field_replaced_still_reads(field in 0..FIELDS.len(), row in 0usize..2, value in any_json()) {
        let mut page = sample_page();
        page["data"]["list"][row][FIELDS[field]] = value.clone();
        let bytes = serde_json::to_vec(&page).unwrap();
        read_everything(&bytes);
        // The untouched row is never lost because its neighbour went bad.
        let orders = parse::list(parse::envelope(&bytes).unwrap(), "orders", parse::order).unwrap();
        let other_id = [1i64, 2][1 - row];
        prop_assert!(orders.rows.iter().any(|o| o.id == other_id), "row {other_id} lost: {:?}", orders.skipped);
    }

    #[test]
    fn a_page_cut_anywhere_is_an_error_not_a_panic(cut in 0usize..600) {
        let bytes = serde_json::to_vec(&sample_page()).unwrap();
        let cut = cut.min(bytes.len().saturating_sub(1));
        prop_assert!(parse::envelope(&bytes[..cut]).is_err());
    }

    #[test]
    fn invalid_utf8_inside_strings_is_an_error(pos in 0usize..300, byte in 0x80u8..=0xff) {
        let mut bytes = serde_json::to_vec(&sample_page()).unwrap();
        let pos = pos.min(bytes.len() - 1);
        // Only inside a string can a stray byte leave the JSON otherwise valid.
        if bytes[pos].is_ascii_alphabetic() {
            bytes[pos] = byte;
            read_everything(&bytes);
            prop_assert!(parse::envelope(&bytes).is_err());
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse::envelope(deep.as_bytes()).is_err());
    let deep_obj = format!(
        "{{\"data\":{}1{}}}",
        "{\"a\":".repeat(50_000),
        "}".repeat(50_000)
    );
    assert!(parse::envelope(deep_obj.as_bytes()).is_err());
}

#[test]
fn the_sample_page_reads_both_rows() {
    let bytes = serde_json::to_vec(&sample_page()).unwrap();
    let page = parse::list(parse::envelope(&bytes).unwrap(), "orders", parse::order).unwrap();
    assert_eq!(page.rows.len(), 2);
    assert_eq!(page.rows[1].user, "b");
    assert_eq!(page.rows[1].remains, 50);
    assert_eq!(page.rows[1].status, "in_progress");
}
