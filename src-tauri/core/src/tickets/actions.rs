//! Close, reopen and assign: ASSUMED endpoints. A panel that answers code
//! 100 ("Page not found.") does not have one; that is remembered per panel,
//! the window hides the action and says why, and it is not asked again.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::TicketError;
use crate::{
    activity::{self, Action, Actor, Entry, Outcome},
    db::LocalConn,
    panel::PanelError,
    panels, store,
    sync::Engine,
    Result,
};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TicketAction {
    Close,
    Reopen,
    Assign,
}

crate::db::sql_text_enum!(TicketAction);

impl TicketAction {
    fn logged(self) -> Action {
        match self {
            TicketAction::Close => Action::Close,
            TicketAction::Reopen => Action::Reopen,
            TicketAction::Assign => Action::Assign,
        }
    }
}

/// The actions `panel_id` was found not to have.
pub fn missing_actions(local: &LocalConn, panel_id: i64) -> Result<Vec<TicketAction>> {
    let mut st = local
        .prepare_cached(
            "SELECT action FROM panel_missing_actions WHERE panel_id = ?1 ORDER BY action",
        )
        .map_err(LocalConn::err)?;
    let rows = st
        .query_map([panel_id], |r| r.get(0))
        .map_err(LocalConn::err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(LocalConn::err)?;
    Ok(rows)
}

/// Does `action` on a ticket, online, then re-reads the ticket into the
/// cache. `assignee` is the staff name an assignment names.
pub async fn act(
    engine: &Engine,
    actor: &Actor,
    panel_id: i64,
    ticket_id: i64,
    action: TicketAction,
    assignee: Option<String>,
) -> Result<()> {
    let db = engine.db();
    let panel = panels::by_id(&db.local()?, panel_id)?;
    let missing = |panel: &str| TicketError::ActionMissing {
        panel: panel.to_owned(),
        action,
    };
    if missing_actions(&db.local()?, panel_id)?.contains(&action) {
        return Err(missing(&panel.name).into());
    }
    let client = engine.client(&panel)?;
    let answer = match action {
        TicketAction::Close => client.close_ticket(ticket_id).await,
        TicketAction::Reopen => client.reopen_ticket(ticket_id).await,
        TicketAction::Assign => {
            let staff = assignee.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                TicketError::NoStaffName {
                    panel: panel.name.clone(),
                }
            })?;
            client.assign_ticket(ticket_id, &staff).await
        }
    };
    let outcome = match &answer {
        Ok(()) => Outcome::Sent,
        Err(PanelError::OutcomeUnknown { .. }) => Outcome::Unknown,
        Err(_) => Outcome::Failed,
    };
    let unsupported = matches!(answer, Err(PanelError::Unsupported { .. }));
    let (install_id, actor, name) = (
        db.install_id().to_owned(),
        actor.clone(),
        panel.name.clone(),
    );
    let details = answer.as_ref().err().map(|e| e.to_string());
    engine
        .writer()
        .run(move |w| {
            if unsupported {
                w.local
                    .execute(
                        "INSERT OR REPLACE INTO panel_missing_actions (panel_id, action, seen_at) VALUES (?1, ?2, ?3)",
                        params![panel_id, action, chrono::Utc::now().timestamp()],
                    )
                    .map_err(LocalConn::err)?;
            }
            activity::append(
                &w.local,
                &install_id,
                &Entry {
                    actor,
                    panel: Some((panel_id, name)),
                    action: action.logged(),
                    target: Some(format!("ticket {ticket_id}")),
                    outcome,
                    details,
                },
            )
        })
        .await?;
    match answer {
        Ok(()) => {
            let detail = client.ticket(ticket_id).await?;
            store::save_conversation(engine.writer(), panel_id, detail).await
        }
        Err(PanelError::Unsupported { .. }) => Err(missing(&panel.name).into()),
        Err(e) => Err(e.into()),
    }
}
