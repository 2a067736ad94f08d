//! A blank Tauri 2 app: the window of `tauri.conf.json` showing `dist/index.html`.
fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the blank app runs");
}
