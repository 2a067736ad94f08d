//! A reply box's plain text as the panel receives it.

use std::sync::LazyLock;

use regex::Regex;

/// The operator's text, escaped, with newlines as `<br>`: what is sent, and
/// what the outbox keeps.
pub fn reply_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.trim().lines().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        for c in line.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
    }
    out
}

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*([a-z_]+)\s*\}\}").expect("a valid regex"));

/// The first `{{placeholder}}` left in a reply: a template's value that was
/// missing, shown to the operator rather than sent blank.
pub fn unfilled_placeholder(text: &str) -> Option<String> {
    PLACEHOLDER.captures(text).map(|c| c[1].to_owned())
}

/// Every `{{name}}` in `text` replaced by `value(name)`; those with no value
/// are left as they are, and named in the second part.
pub fn fill(text: &str, value: impl Fn(&str) -> Option<String>) -> (String, Vec<String>) {
    let mut missing = Vec::new();
    let filled = PLACEHOLDER.replace_all(text, |c: &regex::Captures| match value(&c[1]) {
        Some(v) => v,
        None => {
            if !missing.iter().any(|m| m == &c[1]) {
                missing.push(c[1].to_owned());
            }
            c[0].to_owned()
        }
    });
    (filled.into_owned(), missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_escaped_with_newlines_as_br() {
        assert_eq!(
            reply_body("  Hi <b>Ann</b> & co\n\nDone \"now\"\n"),
            "Hi &lt;b&gt;Ann&lt;/b&gt; &amp; co<br><br>Done &quot;now&quot;"
        );
    }

    #[test]
    fn placeholders_without_a_value_stay_and_are_named() {
        let (text, missing) = fill("Hi {{customer}}, order {{ order_ids }} by {{staff}}", |n| {
            (n == "customer").then(|| "ann".to_owned())
        });
        assert_eq!(text, "Hi ann, order {{ order_ids }} by {{staff}}");
        assert_eq!(missing, ["order_ids", "staff"]);
        assert_eq!(unfilled_placeholder(&text).as_deref(), Some("order_ids"));
        assert_eq!(unfilled_placeholder("no braces {here}"), None);
    }
}
