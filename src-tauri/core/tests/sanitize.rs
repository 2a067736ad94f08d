//! The XSS corpus (`tests/fixtures/xss-corpus.json`, shared with the
//! window's journey) through the core's sanitizer: whatever a customer
//! writes, what reaches the window is only harmless tags, with no attribute
//! but an inert `data-href`, so nothing can run, load or navigate.

use std::sync::LazyLock;

use paneldesk_core::sanitize::safe_html;
use regex::Regex;
use serde_json::Value;

const CANARY: &str = "http://127.0.0.1:9/hit/";

fn corpus() -> Vec<(String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/xss-corpus.json"
    );
    let all: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    all.iter()
        .map(|v| {
            let id = v["id"].as_str().unwrap();
            let url = format!("{CANARY}{id}");
            let js = format!("window.__pwned=1;fetch('{url}')");
            let html = v["html"]
                .as_str()
                .unwrap()
                .replace("{{URL}}", &url)
                .replace("{{JS}}", &js);
            (id.to_owned(), html)
        })
        .collect()
}

/// Every tag the sanitizer may leave, exactly as it writes them.
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^</?(a|b|blockquote|br|code|div|em|hr|i|li|ol|p|pre|s|span|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul)( data-href="(https?|mailto):[^"<>\s]*")?( data-image="")?>$"#,
    )
    .unwrap()
});
static ANY_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").unwrap());

#[test]
fn every_vector_of_the_corpus_comes_out_inert() {
    let corpus = corpus();
    assert!(
        corpus.len() >= 200,
        "the corpus holds {} vectors",
        corpus.len()
    );
    let mut failures = Vec::new();
    for (id, html) in &corpus {
        let safe = safe_html(html);
        for tag in ANY_TAG.find_iter(&safe) {
            if !TAG.is_match(tag.as_str()) {
                failures.push(format!("{id}: tag {:?} in {safe:?}", tag.as_str()));
            }
        }
        // Outside tags, a `<` would be markup the window parses: only the
        // escaped form may remain.
        let text = ANY_TAG.replace_all(&safe, "");
        if text.contains('<') {
            failures.push(format!("{id}: raw '<' in text of {safe:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors not inert:\n{}",
        failures.len(),
        corpus.len(),
        failures.join("\n")
    );
}
