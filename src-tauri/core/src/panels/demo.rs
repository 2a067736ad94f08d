//! The built-in demo panel's record in local.sqlite3: a panel like the
//! others, flagged `demo`, whose world (seed, clock origin) is kept so the
//! same world is served again after a restart. The server that plays the
//! panel is the app's (it serves the fake panel); the core knows only what
//! to ask it for.
//!
//! The keys are fixed and public (they guard nothing real), so the demo
//! panel never touches the keychain.

use rusqlite::params;

use super::{add, by_id, list, NewPanel, Panel};
use crate::{
    activity::Actor, db::LocalConn, panel::normalize_base_url, secrets::Keychain, settings, Result,
};

/// The demo panel's name, as every screen shows it.
pub const NAME: &str = "Demo panel";
/// The demo server's admin key: fixed, so nothing is stored for it.
pub const ADMIN_KEY: &str = "paneldesk-demo-admin-key";
pub const SERVICES_KEY: &str = "paneldesk-demo-services-key";
/// The demo is local, so it can be read faster than a real panel.
const RATE_LIMIT: f64 = 20.0;

/// What the demo server generates: the same seed and origin give the same
/// world, moved on by the real time since `origin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct World {
    pub seed: u64,
    /// Unix seconds: the world's clock at its creation.
    pub origin: i64,
}

fn setting(local: &LocalConn, key: &str) -> Result<Option<i64>> {
    Ok(settings::get(local, key)?.and_then(|v| v.parse().ok()))
}

fn set_setting(local: &LocalConn, key: &str, value: i64) -> Result<()> {
    settings::set(local, key, &value.to_string())
}

/// The configured demo panel, if any.
pub fn panel(local: &LocalConn) -> Result<Option<Panel>> {
    Ok(list(local)?.into_iter().find(|p| p.demo))
}

/// The kept world (an origin lost is restarted from now).
pub fn world(local: &LocalConn) -> Result<World> {
    let seed = setting(local, "demo_seed")?.unwrap_or(1) as u64;
    let origin = match setting(local, "demo_origin")? {
        Some(o) => o,
        None => {
            let now = chrono::Utc::now().timestamp();
            set_setting(local, "demo_origin", now)?;
            now
        }
    };
    Ok(World { seed, origin })
}

/// A new world, kept for the next starts.
pub fn new_world(local: &LocalConn) -> Result<World> {
    let world = World {
        seed: rand_seed(),
        origin: chrono::Utc::now().timestamp(),
    };
    set_setting(local, "demo_seed", world.seed as i64)?;
    set_setting(local, "demo_origin", world.origin)?;
    Ok(world)
}

/// Adds the demo panel, served at `url`.
pub fn add_panel(
    local: &mut LocalConn,
    install_id: &str,
    actor: &Actor,
    url: &str,
) -> Result<Panel> {
    let name = unique_name(local)?;
    let added = add(
        local,
        install_id,
        &Keychain,
        actor,
        NewPanel {
            name,
            url: url.to_owned(),
            staff_name: Some("demo_operator".into()),
            rate_limit: Some(RATE_LIMIT),
            admin_key: None,
            services_key: None,
            no_keychain: true,
        },
    )?;
    local
        .execute(
            "UPDATE panels SET demo = 1, no_keychain = 0, has_services_key = 1 WHERE id = ?1",
            [added.id],
        )
        .map_err(LocalConn::err)?;
    by_id(local, added.id)
}

/// The demo server starts on a new port each time: the panel follows it.
pub fn set_url(local: &LocalConn, panel_id: i64, url: &str) -> Result<()> {
    let url = normalize_base_url(url)?;
    local
        .execute(
            "UPDATE panels SET base_url = ?2 WHERE id = ?1",
            params![panel_id, url.as_str()],
        )
        .map_err(LocalConn::err)?;
    Ok(())
}

/// "Demo panel", or "Demo panel 2" when the operator named a panel that.
fn unique_name(local: &LocalConn) -> Result<String> {
    let taken: Vec<String> = list(local)?.into_iter().map(|p| p.name).collect();
    Ok(std::iter::once(NAME.to_owned())
        .chain((2..).map(|n| format!("{NAME} {n}")))
        .find(|n| !taken.contains(n))
        .expect("an unbounded range"))
}

fn rand_seed() -> u64 {
    // Any seed gives a realistic world; the time is random enough here.
    chrono::Utc::now()
        .timestamp_nanos_opt()
        .unwrap_or_default()
        .unsigned_abs()
        % 1_000_000_007
}
