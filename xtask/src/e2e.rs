//! The end-to-end suite and the screenshots: the real app binary (the debug build with the
//! bundled UI that `cargo test` already built) in a real window under `xvfb-run`, driven
//! through `tauri-driver` and `WebKitWebDriver`, on a private D-Bus session with XDG
//! folders in a temp dir.

use std::process::Command;

use crate::desktop::{TempHome, on_path};
use crate::{run_step, workspace_root};

/// The virtual screen: room for the app's default 1360×860 window, which the pictures show.
const SCREEN: &str = "-screen 0 1360x860x24";

/// Runs the end-to-end tests (the last step of `cargo xtask test`).
pub fn run() -> Result<(), String> {
    in_window("end to end", "e2e", &[])
}

/// `cargo xtask screenshots`: builds the UI, then saves every page in both themes to
/// `docs/screenshots/<page>-<theme>.png`.
pub fn screenshots() -> Result<(), String> {
    crate::ui::build()?;
    let dir = workspace_root().join("docs/screenshots");
    let dir = dir.to_string_lossy().into_owned();
    in_window(
        "screenshots",
        "screenshots",
        &[("KALSHI_DESK_SCREENSHOTS", dir.as_str())],
    )?;
    eprintln!("xtask: screenshots saved in {dir}");
    Ok(())
}

/// The ignored tests of `src-tauri/tests/<test>.rs` in a window on a private bus.
pub(crate) fn in_window(label: &str, test: &str, extra: &[(&str, &str)]) -> Result<(), String> {
    for tool in [
        "xvfb-run",
        "WebKitWebDriver",
        "dbus-run-session",
        "dbus-monitor",
    ] {
        if !on_path(tool) {
            return Err(format!(
                "{tool} is missing (cargo xtask setup installs xvfb, webkit2gtk-driver and dbus)"
            ));
        }
    }
    ensure_tauri_driver()?;
    let home = TempHome::new()?;
    let mut env = home.env();
    env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bus = home.bus_config.to_string_lossy().into_owned();
    let result = run_step(
        label,
        "xvfb-run",
        &[
            "-a",
            "-s",
            SCREEN,
            "dbus-run-session",
            "--config-file",
            &bus,
            "--",
            "cargo",
            "test",
            "-p",
            "kalshi-desk",
            "--test",
            test,
            "--",
            "--ignored",
        ],
        &env,
    );
    home.remove();
    result
}

/// Installs `tauri-driver` (the WebDriver proxy for Tauri apps) unless it is on PATH.
fn ensure_tauri_driver() -> Result<(), String> {
    if Command::new("tauri-driver")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Ok(());
    }
    run_step(
        "tauri-driver",
        "cargo",
        &["install", "tauri-driver", "--locked"],
        &[],
    )
    // A yanked dependency in its lock file would stop `--locked`: resolve afresh then.
    .or_else(|_| run_step("tauri-driver", "cargo", &["install", "tauri-driver"], &[]))
}
