// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("--export-bindings") {
        // Used by `make bindings` and the CI staleness check; opens no window.
        let path = args
            .next()
            .unwrap_or_else(|| paneldesk_app::BINDINGS_PATH.into());
        if let Err(e) = paneldesk_app::export_bindings(&path) {
            eprintln!("error: exporting the TypeScript bindings to {path} failed: {e}");
            std::process::exit(1);
        }
        return;
    }
    paneldesk_app::run();
}
