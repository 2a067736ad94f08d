//! The window's menu bar, with the keyboard shortcuts shown beside each
//! item. Quit and Sync now are done here; the rest is the UI's, told
//! through the typed `MenuCommand` event.
//!
//! Ctrl+K (Go to…) is the page's own shortcut, so the menu shows the item
//! without taking the key from the page.

use serde::Serialize;
use specta::Type;
use tauri::{
    menu::{Menu, MenuItem, PredefinedMenuItem, Submenu},
    Manager,
};
use tauri_specta::Event;

use crate::state::AppState;

/// A screen the menu opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MenuScreen {
    Dashboard,
    Orders,
    Tickets,
    Outbox,
    Users,
    Payments,
    Services,
    SyncEngine,
    Diagnostics,
}

/// What a menu item asks of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "kind", content = "screen", rename_all = "snake_case")]
pub enum MenuAction {
    About,
    GoTo,
    Open(MenuScreen),
}

/// A menu item was chosen (its shortcut pressed): the window does it.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct MenuCommand(pub MenuAction);

/// The "Go" menu: each screen, its id and its shortcut.
const SCREENS: [(MenuScreen, &str, &str, &str); 7] = [
    (
        MenuScreen::Dashboard,
        "menu.dashboard",
        "Dashboard",
        "CmdOrCtrl+1",
    ),
    (MenuScreen::Orders, "menu.orders", "Orders", "CmdOrCtrl+2"),
    (
        MenuScreen::Tickets,
        "menu.tickets",
        "Tickets",
        "CmdOrCtrl+3",
    ),
    (MenuScreen::Outbox, "menu.outbox", "Outbox", "CmdOrCtrl+4"),
    (MenuScreen::Users, "menu.users", "Users", "CmdOrCtrl+5"),
    (
        MenuScreen::Payments,
        "menu.payments",
        "Payments",
        "CmdOrCtrl+6",
    ),
    (
        MenuScreen::Services,
        "menu.services",
        "Services",
        "CmdOrCtrl+7",
    ),
];

/// What the item with `id` does; None: not one of this menu's.
pub fn action(id: &str) -> Option<MenuAction> {
    SCREENS
        .iter()
        .find(|(_, item, _, _)| *item == id)
        .map(|(screen, ..)| MenuAction::Open(*screen))
        .or(match id {
            "menu.about" => Some(MenuAction::About),
            "menu.goto" => Some(MenuAction::GoTo),
            "menu.sync-settings" => Some(MenuAction::Open(MenuScreen::SyncEngine)),
            "menu.diagnostics" => Some(MenuAction::Open(MenuScreen::Diagnostics)),
            _ => None,
        })
}

pub fn build(app: &tauri::AppHandle) -> tauri::Result<Menu<tauri::Wry>> {
    let item =
        |id: &str, text: &str, key: Option<&str>| MenuItem::with_id(app, id, text, true, key);
    let screens = SCREENS
        .iter()
        .map(|(_, id, text, key)| item(id, text, Some(key)))
        .collect::<tauri::Result<Vec<_>>>()?;
    let goto = item("menu.goto", "Go to… (Ctrl+K)", None)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let mut go: Vec<&dyn tauri::menu::IsMenuItem<tauri::Wry>> = vec![&goto, &separator];
    go.extend(
        screens
            .iter()
            .map(|s| s as &dyn tauri::menu::IsMenuItem<tauri::Wry>),
    );
    Menu::with_items(
        app,
        &[
            &Submenu::with_items(
                app,
                "Paneldesk",
                true,
                &[
                    &item("menu.about", "About Paneldesk", None)?,
                    &PredefinedMenuItem::separator(app)?,
                    &item("menu.quit", "Quit", Some("CmdOrCtrl+Q"))?,
                ],
            )?,
            &Submenu::with_items(app, "Go", true, &go)?,
            &Submenu::with_items(
                app,
                "Sync",
                true,
                &[
                    &item("menu.sync-now", "Sync now", Some("F5"))?,
                    &item("menu.sync-settings", "Sync engine settings", None)?,
                ],
            )?,
            &Submenu::with_items(
                app,
                "Help",
                true,
                &[&item("menu.diagnostics", "Diagnostics", None)?],
            )?,
        ],
    )
}

/// A menu item chosen: Quit and Sync now here, the rest in the window.
pub fn on_event(app: &tauri::AppHandle, id: &str) {
    match id {
        "menu.quit" => app.exit(0),
        "menu.sync-now" => {
            if let Ok(core) = app.state::<AppState>().core() {
                core.nudge();
            }
        }
        other => {
            if let Some(action) = action(other) {
                let _ = MenuCommand(action).emit(app);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_item_of_the_menu_does_one_thing() {
        assert_eq!(
            action("menu.orders"),
            Some(MenuAction::Open(MenuScreen::Orders))
        );
        assert_eq!(action("menu.goto"), Some(MenuAction::GoTo));
        assert_eq!(action("menu.about"), Some(MenuAction::About));
        assert_eq!(
            action("menu.sync-settings"),
            Some(MenuAction::Open(MenuScreen::SyncEngine))
        );
        // The tray's items are not the menu's.
        assert_eq!(action("open"), None);
        let keys: Vec<&str> = SCREENS.iter().map(|s| s.3).collect();
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(keys, unique, "one shortcut per screen");
    }
}
