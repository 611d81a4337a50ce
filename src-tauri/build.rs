//! Reads the one Tauri config at the repository root (no copy lives in src-tauri).

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri.conf.json at the repository root is valid");
}
