//! "Copy diagnostics" (Settings > Diagnostics): what support needs to know,
//! as plain text: versions, the OS, each panel's status and each resource's
//! sync state and last error. No key, no customer text: keys are never in
//! the databases, and nothing is read from orders, users, payments or
//! tickets but their counts.

use std::fmt::Write as _;

use crate::{browse, db::Db, panels, Result};

/// The diagnostics of the data dir `db`, for `program` ("Paneldesk 0.1.0").
pub fn collect(db: &Db, program: &str) -> Result<String> {
    let mut out = String::new();
    let versions = db.schema_versions()?;
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned());
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{program} (core {})", crate::VERSION);
    let _ = writeln!(out, "os: {os} ({})", std::env::consts::ARCH);
    let _ = writeln!(
        out,
        "schemas: cache {}, local {}",
        versions.cache, versions.local
    );
    let _ = writeln!(out, "install: {}", db.install_id());
    let _ = writeln!(
        out,
        "databases: encrypted at rest (SQLCipher), key in {}",
        db.key_source()
    );
    let local = db.local()?;
    let list = panels::list(&local)?;
    let _ = writeln!(out, "panels: {}", list.len());
    for p in &list {
        let _ = writeln!(
            out,
            "- panel #{} {}: {}{}, {} requests/s{}{}",
            p.id,
            p.name,
            p.status,
            if p.enabled { "" } else { ", disabled" },
            p.rate_limit,
            if p.demo { ", demo" } else { "" },
            p.last_error
                .as_deref()
                .map(|e| format!(", last error: {e}"))
                .unwrap_or_default()
        );
    }
    let read = db.read()?;
    let _ = writeln!(out, "sync:");
    for s in browse::sync_status(&read)? {
        let _ = writeln!(
            out,
            "- panel #{} {}: {} ({} cached, every {} s, last fetched {}){}",
            s.panel_id,
            s.resource,
            s.status,
            s.cached,
            s.interval_s,
            s.last_fetched
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                .unwrap_or_else(|| "never".into()),
            s.last_error
                .as_deref()
                .map(|e| format!(", last error: {e}"))
                .unwrap_or_default()
        );
    }
    Ok(out)
}
