//! Reads the one Tauri config at the repository root (no copy lives in src-tauri) and
//! declares the app's commands (every `ipc` command), so capabilities/main.json can allow
//! exactly them.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(ipc::commands::ALL);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(manifest),
    )
    .expect("tauri.conf.json at the repository root is valid");
}
