//! Customer HTML made safe to show: ammonia keeps an allow-list of harmless
//! tags, and what it keeps is then made inert. Images never load (they
//! become a link to their address) and links never navigate (their address
//! moves to `data-href`, which the window opens in the system browser only
//! after the operator confirms it).
//!
//! The window's CSP is the second wall: even markup that got through could
//! not run script or load anything remote.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use regex::Regex;

/// Formatting a ticket form and a customer use; nothing that runs, loads,
/// submits or styles.
const TAGS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// Addresses a link or image may have; anything else (javascript:, data:,
/// relative paths) is dropped with its attribute.
const SCHEMES: &[&str] = &["http", "https", "mailto"];

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href"])),
            ("img", HashSet::from(["src"])),
        ]))
        .url_schemes(SCHEMES.iter().copied().collect())
        .url_relative(UrlRelative::Deny)
        .link_rel(None)
        .clean_content_tags(HashSet::from([
            "script", "style", "template", "title", "textarea",
        ]))
        .strip_comments(true)
        .attribute_filter(|_, _, value| normalized_url(value));
    b
});

/// An address re-serialised by the URL parser, so it holds no quote, angle
/// bracket or space (they are percent-encoded), or nothing when it does not
/// parse as an absolute URL.
fn normalized_url(value: &str) -> Option<std::borrow::Cow<'_, str>> {
    url::Url::parse(value.trim())
        .ok()
        .filter(|u| SCHEMES.contains(&u.scheme()))
        .map(|u| u.to_string().into())
}

static IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"<img(?: src="([^"]*)")?>"#).expect("a valid regex"));
static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"<a href=""#).expect("a valid regex"));

/// `html` as the window may show it.
pub fn safe_html(html: &str) -> String {
    let clean = CLEANER.clean(html).to_string();
    // After ammonia, a tag is exactly `<img src="...">` or `<a href="...">`:
    // the only attributes kept, with values that hold no `"` (see
    // `normalized_url`). Text cannot hold a `<`, which ammonia escapes.
    let images = IMAGE.replace_all(&clean, |c: &regex::Captures| match c.get(1) {
        Some(src) => format!(
            r#"<a data-href="{0}" data-image="">image: {0}</a>"#,
            src.as_str()
        ),
        None => String::new(),
    });
    LINK.replace_all(&images, r#"<a data-href=""#).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_stays_and_script_goes() {
        assert_eq!(
            safe_html("<div><b>Order ID</b>: 550039</div><script>alert(1)</script><hr>text"),
            "<div><b>Order ID</b>: 550039</div><hr>text"
        );
    }

    #[test]
    fn an_image_becomes_a_link_to_its_address() {
        assert_eq!(
            safe_html(r#"<p><img src="https://x.example/a.png" onerror="alert(1)"></p>"#),
            r#"<p><a data-href="https://x.example/a.png" data-image="">image: https://x.example/a.png</a></p>"#
        );
        assert_eq!(safe_html(r#"<img src="javascript:alert(1)">"#), "");
    }

    #[test]
    fn links_lose_their_href_and_bad_schemes_their_address() {
        assert_eq!(
            safe_html(r#"<a href="https://x.example/?q=a b&c=&quot;" target="_blank">x</a>"#),
            r#"<a data-href="https://x.example/?q=a%20b&amp;c=%22">x</a>"#
        );
        assert_eq!(
            safe_html(r#"<a href="javascript:alert(1)">x</a>"#),
            "<a>x</a>"
        );
        assert_eq!(safe_html(r#"<a href="/relative">x</a>"#), "<a>x</a>");
    }

    #[test]
    fn text_that_looks_like_a_tag_stays_text() {
        assert_eq!(
            safe_html(r#"&lt;a href="https://x.example"&gt; and <a href=" too"#),
            r#"&lt;a href="https://x.example"&gt; and "#
        );
    }
}
