//! One catalogue against the last: what a rival added, removed, repriced and
//! renamed. Pure, so the rules are tested without a server or a file.

use std::collections::BTreeMap;

use serde::Serialize;

/// A rival's service as its user API lists it (only what the watch compares).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RivalService {
    pub service_id: i64,
    pub name: String,
    pub category: Option<String>,
    /// Price per 1000, in micro-units of the rival's currency; None when the
    /// rival gave none a number could be read from.
    pub rate_micros: Option<i64>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    serde::Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ChangeKind {
    New,
    Removed,
    Price,
    Renamed,
}

crate::db::sql_text_enum!(ChangeKind);

/// One difference between two catalogues. A service both renamed and
/// repriced gives two changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub kind: ChangeKind,
    pub service_id: i64,
    /// The name now; a removed service's last name.
    pub name: String,
    pub old_name: Option<String>,
    pub rate_micros: Option<i64>,
    pub old_rate_micros: Option<i64>,
}

/// How far a price moved, in % of the old price (None when either is
/// unknown or the old one was 0).
pub fn move_pct(old: Option<i64>, new: Option<i64>) -> Option<f64> {
    match (old, new) {
        (Some(o), Some(n)) if o != 0 => Some((n - o) as f64 / o as f64 * 100.0),
        _ => None,
    }
}

/// Whether a price move counts at `threshold_pct`: at least that far either
/// way. A price that appears or disappears always counts.
pub fn beyond(old: Option<i64>, new: Option<i64>, threshold_pct: f64) -> bool {
    old != new && move_pct(old, new).is_none_or(|p| p.abs() >= threshold_pct)
}

/// `next` against `prev`, in service id order: new and removed services,
/// renames, and price moves of at least `threshold_pct` (0 keeps every move).
pub fn diff(prev: &[RivalService], next: &[RivalService], threshold_pct: f64) -> Vec<Diff> {
    let before: BTreeMap<i64, &RivalService> = prev.iter().map(|s| (s.service_id, s)).collect();
    let after: BTreeMap<i64, &RivalService> = next.iter().map(|s| (s.service_id, s)).collect();
    let mut out = Vec::new();
    for (id, now) in &after {
        let Some(was) = before.get(id) else {
            out.push(Diff {
                kind: ChangeKind::New,
                service_id: *id,
                name: now.name.clone(),
                old_name: None,
                rate_micros: now.rate_micros,
                old_rate_micros: None,
            });
            continue;
        };
        if was.name.trim() != now.name.trim() {
            out.push(Diff {
                kind: ChangeKind::Renamed,
                service_id: *id,
                name: now.name.clone(),
                old_name: Some(was.name.clone()),
                rate_micros: now.rate_micros,
                old_rate_micros: was.rate_micros,
            });
        }
        if beyond(was.rate_micros, now.rate_micros, threshold_pct) {
            out.push(Diff {
                kind: ChangeKind::Price,
                service_id: *id,
                name: now.name.clone(),
                old_name: None,
                rate_micros: now.rate_micros,
                old_rate_micros: was.rate_micros,
            });
        }
    }
    for (id, was) in &before {
        if !after.contains_key(id) {
            out.push(Diff {
                kind: ChangeKind::Removed,
                service_id: *id,
                name: was.name.clone(),
                old_name: None,
                rate_micros: None,
                old_rate_micros: was.rate_micros,
            });
        }
    }
    out.sort_by_key(|d| d.service_id);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: i64, name: &str, rate: i64) -> RivalService {
        RivalService {
            service_id: id,
            name: name.into(),
            category: None,
            rate_micros: Some(rate),
        }
    }

    #[test]
    fn a_new_a_removed_a_repriced_and_a_renamed_service_and_a_move_below_the_threshold() {
        let prev = [
            s(1, "Followers", 1_000_000),
            s(2, "Likes", 2_000_000),
            s(3, "Views", 500_000),
            s(4, "Comments", 4_000_000),
        ];
        let next = [
            s(1, "Followers", 1_200_000), // +20 %: beyond 5 %
            s(2, "Likes", 2_040_000),     // +2 %: below 5 %
            s(4, "Comments (HQ)", 4_000_000),
            s(5, "Shares", 300_000),
        ];
        let got: Vec<(ChangeKind, i64)> = diff(&prev, &next, 5.0)
            .iter()
            .map(|d| (d.kind, d.service_id))
            .collect();
        assert_eq!(
            got,
            vec![
                (ChangeKind::Price, 1),
                (ChangeKind::Removed, 3),
                (ChangeKind::Renamed, 4),
                (ChangeKind::New, 5),
            ]
        );
        let all = diff(&prev, &next, 0.0);
        assert!(
            all.iter()
                .any(|d| d.kind == ChangeKind::Price && d.service_id == 2),
            "at 0 % every move counts"
        );
        let renamed = all.iter().find(|d| d.kind == ChangeKind::Renamed).unwrap();
        assert_eq!(renamed.old_name.as_deref(), Some("Comments"));
        assert_eq!(renamed.name, "Comments (HQ)");
    }

    #[test]
    fn a_move_exactly_at_the_threshold_counts_and_a_drop_counts_like_a_rise() {
        assert!(beyond(Some(100), Some(105), 5.0));
        assert!(beyond(Some(100), Some(90), 5.0));
        assert!(!beyond(Some(100), Some(104), 5.0));
        assert!(!beyond(Some(100), Some(100), 0.0), "no move is no change");
        assert!(beyond(None, Some(100), 50.0), "a price that appears counts");
        assert_eq!(move_pct(Some(0), Some(5)), None);
    }

    #[test]
    fn the_same_catalogue_is_no_change() {
        let c = [s(1, "Followers", 1_000_000), s(2, "Likes", 2_000_000)];
        assert!(diff(&c, &c, 0.0).is_empty());
    }
}
