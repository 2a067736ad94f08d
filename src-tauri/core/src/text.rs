//! Ticket text as the reports read it: HTML to plain text, the order IDs a
//! customer quotes, and the speed a service name promises.
//!
//! The rules are PRODUCT.md's "Report rules"; each function says which.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::TokenizerResult;

/// Tags that break words: each of their start and end tags counts as a space.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "optgroup",
    "option",
    "p",
    "plaintext",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "xmp",
];

/// Elements whose content is never text (script and style by the rules; the
/// others are never rendered either). Each switches the tokenizer to the raw
/// state a browser uses for it, so markup-looking content stays inside.
fn hidden_raw_kind(name: &str) -> Option<RawKind> {
    match name {
        "script" => Some(RawKind::ScriptData),
        "style" | "noscript" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
        _ => None,
    }
}

/// Elements whose content is text but not markup (as browsers tokenize them).
fn visible_raw_kind(name: &str) -> Option<TokenSinkResult<()>> {
    match name {
        "title" | "textarea" => Some(TokenSinkResult::RawData(RawKind::Rcdata)),
        "xmp" => Some(TokenSinkResult::RawData(RawKind::Rawtext)),
        "plaintext" => Some(TokenSinkResult::Plaintext),
        _ => None,
    }
}

#[derive(Default)]
struct TextSink {
    out: RefCell<String>,
    /// Inside a hidden element: the name of the end tag that leaves it.
    hidden: RefCell<Option<String>>,
}

impl TextSink {
    fn tag(&self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let in_hidden = self.hidden.borrow().is_some();
        if in_hidden {
            // A raw state only ends on its own end tag, the one token it lets through.
            if tag.kind == TagKind::EndTag && self.hidden.borrow().as_deref() == Some(name) {
                *self.hidden.borrow_mut() = None;
            }
            return TokenSinkResult::Continue;
        }
        if BLOCK_TAGS.contains(&name) {
            self.out.borrow_mut().push(' ');
        }
        if tag.kind == TagKind::StartTag {
            if let Some(kind) = hidden_raw_kind(name) {
                *self.hidden.borrow_mut() = Some(name.to_owned());
                return TokenSinkResult::RawData(kind);
            }
            if let Some(result) = visible_raw_kind(name) {
                return result;
            }
        }
        TokenSinkResult::Continue
    }
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => self.tag(&tag),
            Token::CharacterTokens(text) => {
                if self.hidden.borrow().is_none() {
                    self.out.borrow_mut().push_str(&text);
                }
                TokenSinkResult::Continue
            }
            // Comments, doctypes, NUL characters and parse errors are not text.
            _ => TokenSinkResult::Continue,
        }
    }
}

/// A message's HTML as plain text: block tags (`p`, `div`, `br`, `li`, `tr`,
/// `td`, `th`, headings, `hr`, `blockquote`, `pre`, tables, lists...) break
/// words; inline tags (`b`, `i`, `span`, `a`, `strong`, `em`, `font`...)
/// vanish; the contents of `script` and `style` (and other never-rendered
/// elements: `noscript`, `iframe`, `noembed`, `noframes`) are not text;
/// comments are not text; entities are decoded; every run of Unicode
/// whitespace becomes one space; the result is trimmed.
///
/// The text is for counting and searching, never for display: it is not
/// escaped (`&lt;b&gt;` comes back as `<b>`).
pub fn strip_html(html: &str) -> String {
    let tokenizer = Tokenizer::new(TextSink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // `Script` is only ever returned by a tree builder's sink; ours never does.
    while let TokenizerResult::Script(()) = tokenizer.feed(&input) {}
    tokenizer.end();
    let raw = tokenizer.sink.out.take();
    collapse_whitespace(&raw)
}

/// Every run of Unicode whitespace (`White_Space`: spaces, tabs, newlines,
/// NBSP, the ideographic space...) as one space, trimmed.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The order IDs a text quotes: the distinct numbers of 6 to 10 ASCII digits
/// that are not part of a longer run of digits, in order of first
/// appearance. (`12345678901` is no ID; `#550039,550040` holds two.)
pub fn order_ids(text: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if (6..=10).contains(&(i - start)) {
            // At most 10 digits: always fits an i64.
            if let Ok(id) = text[start..i].parse::<i64>() {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    ids
}

/// The cut subject a complaint is counted by: the text after the first
/// `" - "` (`"Orders - Refill"` is `"Refill"`), else the whole subject; trimmed.
pub fn complaint(subject: &str) -> String {
    match subject.split_once(" - ") {
        Some((_, rest)) => rest.trim().to_owned(),
        None => subject.trim().to_owned(),
    }
}

/// A delivery speed a service name promises: `amount` per `per_seconds`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speed {
    /// Units delivered per period (K and M applied): `5-10K/Day` is 5000.
    pub amount: f64,
    /// The period in seconds: 86400 (day), 3600 (hour) or 60 (minute).
    pub per_seconds: i64,
}

impl Speed {
    pub fn per_second(&self) -> f64 {
        self.amount / self.per_seconds as f64
    }

    pub fn per_day(&self) -> f64 {
        self.amount * (86_400 / self.per_seconds) as f64
    }

    /// Whether an order of `quantity` that took `duration_s` was slow: its
    /// duration exceeds (strictly) `quantity / speed x multiplier`. Computed
    /// as `duration x amount > quantity x period x multiplier`, without a
    /// division, so a duration exactly at the limit is never slow by rounding.
    /// (The service health report does the same comparison in SQL.)
    pub fn is_slow(&self, duration_s: i64, quantity: i64, multiplier: f64) -> bool {
        duration_s as f64 * self.amount > (quantity * self.per_seconds) as f64 * multiplier
    }
}

/// The minimum speed a service name promises, by the settled rules:
/// - `Speed: 5-10K/Day`: the `Speed:` prefix is optional (`[1M/Day]` counts);
/// - K = 1,000 and M = 1,000,000; a K or M written only after the upper end
///   of a range applies to both ends (`5-10K/Day` is 5,000 a day), unless
///   that would make the lower end larger than the upper (`500-1K/Day` is
///   500 a day);
/// - a range takes its lower end;
/// - units D/Day, H/Hour, Min/Minute (also Days, Hours, Mins, Minutes), any
///   case, after a `/` (spaces allowed around the parts);
/// - the first speed in the name wins; a speed of 0 is no speed (`None`).
///
/// Numbers may have decimals (`1.5K/Day`) and thousands separators
/// (`10,000/Day`).
pub fn parse_speed(service_name: &str) -> Option<Speed> {
    let chars: Vec<char> = service_name.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_ascii_digit() || matches!(chars[i - 1], '.' | ',')));
        if starts_number {
            if let Some(speed) = speed_at(&chars, i) {
                return (speed.amount > 0.0).then_some(speed);
            }
        }
        i += 1;
    }
    None
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    i
}

/// `1`, `1.5`, `10,000` at `i`: the value and the index after it.
fn number_at(chars: &[char], mut i: usize) -> Option<(f64, usize)> {
    let mut text = String::new();
    while i < chars.len() && chars[i].is_ascii_digit() {
        text.push(chars[i]);
        i += 1;
    }
    if text.is_empty() {
        return None;
    }
    // Thousands separators: a comma followed by exactly three digits.
    while chars.get(i) == Some(&',')
        && (1..=3).all(|d| chars.get(i + d).is_some_and(|c| c.is_ascii_digit()))
        && !chars.get(i + 4).is_some_and(|c| c.is_ascii_digit())
    {
        text.extend(&chars[i + 1..i + 4]);
        i += 4;
    }
    if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()) {
        text.push('.');
        i += 1;
        while i < chars.len() && chars[i].is_ascii_digit() {
            text.push(chars[i]);
            i += 1;
        }
    }
    text.parse().ok().map(|v| (v, i))
}

/// `K` or `M` (any case) at `i`, not the start of a word (`M` of `Min` is not one).
fn suffix_at(chars: &[char], i: usize) -> Option<(f64, usize)> {
    let factor = match chars.get(i)?.to_ascii_lowercase() {
        'k' => 1_000.0,
        'm' => 1_000_000.0,
        _ => return None,
    };
    if chars.get(i + 1).is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    Some((factor, i + 1))
}

/// A number with its optional K/M suffix: (value, factor if written, index after).
fn amount_at(chars: &[char], i: usize) -> Option<(f64, Option<f64>, usize)> {
    let (value, i) = number_at(chars, i)?;
    let j = skip_spaces(chars, i);
    match suffix_at(chars, j) {
        Some((factor, k)) => Some((value, Some(factor), k)),
        None => Some((value, None, i)),
    }
}

fn unit_at(chars: &[char], i: usize) -> Option<i64> {
    let mut word = String::new();
    let mut j = i;
    while j < chars.len() && chars[j].is_alphabetic() {
        word.extend(chars[j].to_lowercase());
        j += 1;
    }
    if chars.get(j).is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    match word.as_str() {
        "d" | "day" | "days" => Some(86_400),
        "h" | "hour" | "hours" => Some(3_600),
        "min" | "mins" | "minute" | "minutes" => Some(60),
        _ => None,
    }
}

/// A speed starting with the number at `i`, if one does.
fn speed_at(chars: &[char], i: usize) -> Option<Speed> {
    let (low, low_factor, mut j) = amount_at(chars, i)?;
    let mut amount = low * low_factor.unwrap_or(1.0);
    let after_low = skip_spaces(chars, j);
    if matches!(chars.get(after_low), Some('-' | '–' | '—' | '~')) {
        let k = skip_spaces(chars, after_low + 1);
        let (high, high_factor, end) = amount_at(chars, k)?;
        if low_factor.is_none() {
            if let Some(factor) = high_factor {
                // `5-10K`: the K belongs to both ends; `500-1K` stays 500.
                if low <= high {
                    amount = low * factor;
                }
            }
        }
        j = end;
    }
    let j = skip_spaces(chars, j);
    if chars.get(j) != Some(&'/') {
        return None;
    }
    let per_seconds = unit_at(chars, skip_spaces(chars, j + 1))?;
    Some(Speed {
        amount,
        per_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_words_by_the_rules() {
        for (html, want) in [
            ("<p>Hello</p><p>world</p>", "Hello world"),
            ("<div>550039</div><div>550040</div>", "550039 550040"),
            ("a<br>b<br/>c", "a b c"),
            ("<ul><li>one</li><li>two</li></ul>", "one two"),
            ("<ol><li>x</li></ol>y", "x y"),
            (
                "<table><tr><th>h</th><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>",
                "h 1 2 3",
            ),
            ("<h1>T</h1><h6>U</h6>", "T U"),
            ("a<hr>b", "a b"),
            ("<blockquote>q</blockquote>r", "q r"),
            ("<pre>  code\n\n  here </pre>", "code here"),
            // Inline tags vanish without a space.
            ("<b>bo</b>ld <i>it</i><span>al</span>", "bold ital"),
            (
                "<a href=\"x\">li</a>nk <strong>s</strong><em>e</em><font>f</font>",
                "link sef",
            ),
            ("order <b>55</b>0039", "order 550039"),
            // Entities decoded, including numeric ones and NBSP (whitespace).
            (
                "5 &lt; 6 &amp;&amp; 7 &gt; 2 &quot;q&quot; &#39;s&#x27;",
                "5 < 6 && 7 > 2 \"q\" 's'",
            ),
            ("a&nbsp;&nbsp;b", "a b"),
            ("caf&eacute;", "café"),
            ("&lt;script&gt;x&lt;/script&gt;", "<script>x</script>"),
            // Unicode whitespace collapsed, trimmed.
            ("  a \t\n b\u{3000}c\u{2003}d  ", "a b c d"),
            ("\r\n", ""),
            ("", ""),
            // Script and style contents are not text; comments neither.
            ("<script>alert(1)</script>hi", "hi"),
            ("<script>if (a < b) { x = '</p>'; }</script>hi", "hi"),
            ("<style>p { color: red }</style>styled", "styled"),
            ("<STYLE>b{}</STYLE>X<SCRIPT src=x></SCRIPT>Y", "XY"),
            ("a<!-- hidden <b>comment</b> -->b", "ab"),
            ("<noscript>no</noscript>ok", "ok"),
            ("<!DOCTYPE html><html><body>doc</body></html>", "doc"),
            // Hostile and broken markup stays text-safe.
            ("<img src=x onerror=alert(1)>pic", "pic"),
            // As a browser reads it: a tag named `scr<script`, then text.
            ("<scr<script>ipt>alert(1)</script>x", "ipt>alert(1)x"),
            ("unclosed <b>bold <i>both", "unclosed bold both"),
            ("a < b and c > d", "a < b and c > d"),
            ("<script>never closed", ""),
            ("<textarea><b>x</b></textarea>", "<b>x</b>"),
            (
                "<p>Hi&nbsp;<b>John</b>,</p><p>order&#160;#123456 is done</p>",
                "Hi John, order #123456 is done",
            ),
        ] {
            assert_eq!(strip_html(html), want, "{html:?}");
        }
    }

    #[test]
    fn stripped_length_counts_unicode_scalar_values() {
        let text = strip_html("<p>héllo 👋 &eacute;</p>");
        assert_eq!(text, "héllo 👋 é");
        assert_eq!(text.chars().count(), 9);
    }

    #[test]
    fn order_ids_are_distinct_6_to_10_digit_runs_in_order() {
        for (text, want) in [
            ("550039 550040", vec![550039, 550040]),
            (
                "order #550040, also 550039 and 550040 again",
                vec![550040, 550039],
            ),
            ("12345 is short, 123456 is not", vec![123456]),
            ("1234567890 has ten", vec![1234567890]),
            ("12345678901 has eleven", vec![]),
            ("99999999999999999999 twenty", vec![]),
            ("ids:550039,550040;550041", vec![550039, 550040, 550041]),
            ("A550039B", vec![550039]),
            ("2024-06-01 12:00, order 7654321", vec![7654321]),
            ("phone +90 5321234567", vec![5321234567]),
            ("١٢٣٤٥٦ arabic digits are not ASCII", vec![]),
            ("", vec![]),
        ] {
            assert_eq!(order_ids(text), want, "{text:?}");
        }
        let stripped = strip_html("<div>550039</div><div>550040</div>");
        assert_eq!(order_ids(&stripped), vec![550039, 550040]);
    }

    #[test]
    fn complaints_are_cut_after_the_first_dash() {
        for (subject, want) in [
            ("Orders - Refill", "Refill"),
            ("Orders - Refill - Urgent", "Refill - Urgent"),
            ("Refill", "Refill"),
            ("Orders-Refill", "Orders-Refill"),
            ("  Payment  ", "Payment"),
            ("Orders - ", ""),
        ] {
            assert_eq!(complaint(subject), want, "{subject:?}");
        }
    }

    fn per_day(name: &str) -> Option<f64> {
        parse_speed(name).map(|s| s.per_day())
    }

    #[test]
    fn speeds_by_the_settled_rules() {
        const DAY: i64 = 86_400;
        const HOUR: i64 = 3_600;
        const MIN: i64 = 60;
        for (name, want) in [
            ("Instagram Likes [Speed: 5-10K/Day]", Some((5_000.0, DAY))),
            ("Speed: 5-10K/Day", Some((5_000.0, DAY))),
            ("5-10K/Day", Some((5_000.0, DAY))),
            ("Speed: 500/Hour", Some((500.0, HOUR))),
            ("Views [1M/Day]", Some((1_000_000.0, DAY))),
            ("1M/Day", Some((1_000_000.0, DAY))),
            ("likes speed: 5-10k/day", Some((5_000.0, DAY))),
            ("[SPEED: 1K/DAY]", Some((1_000.0, DAY))),
            ("Speed: 50/Min", Some((50.0, MIN))),
            ("Speed: 50/Minute", Some((50.0, MIN))),
            ("2-3K/D", Some((2_000.0, DAY))),
            ("300/H", Some((300.0, HOUR))),
            ("300/h", Some((300.0, HOUR))),
            ("Speed: 1K-2K/Day", Some((1_000.0, DAY))),
            ("Speed: 1-2M/Day", Some((1_000_000.0, DAY))),
            ("Speed: 500-1K/Day", Some((500.0, DAY))),
            ("Speed: 10-20/Hour", Some((10.0, HOUR))),
            ("Speed: 5 - 10 K / Day", Some((5_000.0, DAY))),
            ("Speed: 1.5K/Day", Some((1_500.0, DAY))),
            ("Speed: 10,000/Day", Some((10_000.0, DAY))),
            ("Speed: 2K/Days", Some((2_000.0, DAY))),
            ("Speed: 100/Mins", Some((100.0, MIN))),
            // The first speed wins.
            ("Fast 1K/Hour - was 500/Hour", Some((1_000.0, HOUR))),
            (
                "[Max 10K] [Start 0-1H] [Speed: 5K/Day]",
                Some((5_000.0, DAY)),
            ),
            // A speed of 0 is no speed; no speed is none.
            ("0/Day", None),
            ("Speed: 0-10K/Day", None),
            ("Instagram Followers [Max 10K] [Refill 30D]", None),
            ("", None),
            ("Speed: fast", None),
            ("10K/Month", None),
            ("10K/Dayz", None),
            ("10K/M", None),
            ("ID 12/", None),
        ] {
            let got = parse_speed(name).map(|s| (s.amount, s.per_seconds));
            assert_eq!(got, want, "{name:?}");
        }
        assert_eq!(per_day("5-10K/Day"), Some(5_000.0));
        assert_eq!(per_day("300/H"), Some(7_200.0));
        assert_eq!(per_day("Speed: 50/Min"), Some(72_000.0));
        let s = parse_speed("Speed: 500/Hour").unwrap();
        assert!((s.per_second() - 500.0 / 3600.0).abs() < 1e-12);
    }

    #[test]
    fn slow_is_strictly_beyond_the_limit() {
        let s = parse_speed("1K/Day").unwrap();
        // 1000 at 1000/day x 2 = 172800 s.
        assert!(!s.is_slow(172_800, 1_000, 2.0));
        assert!(s.is_slow(172_801, 1_000, 2.0));
        let s = parse_speed("Speed: 5-10K/Day").unwrap();
        // 2500 at 5000/day x 2 = 86400 s.
        assert!(!s.is_slow(86_400, 2_500, 2.0));
        assert!(s.is_slow(86_401, 2_500, 2.0));
    }
}
