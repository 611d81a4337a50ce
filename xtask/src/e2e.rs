//! The end-to-end suite and the screenshots: the real app binary (the debug build with the
//! bundled UI that `cargo test` already built) in a real window under `xvfb-run`, driven
//! through `tauri-driver` and `WebKitWebDriver`, on a private D-Bus session with XDG
//! folders in a temp dir and an unlocked gnome-keyring, as on a desktop: the paper
//! account's key is kept there, so a relaunch finds the same account.

use std::path::Path;
use std::process::Command;

use crate::desktop::{TempHome, WITH_KEYRING, on_path};
use crate::{run_step, workspace_root};

/// The virtual screen: room for the app's default 1360×860 window, which the pictures show.
const SCREEN: &str = "-screen 0 1360x860x24";

/// Runs the end-to-end tests (the last step of `cargo xtask test`), or those whose name
/// contains `filter`.
pub fn run(filter: Option<&str>) -> Result<(), String> {
    in_window("end to end", "e2e", filter, &[], false)
}

/// The window benchmarks (`src-tauri/tests/bench_window.rs`, needs ui/dist): the real
/// app under Xvfb; their rows (the shared JSON format) replace the file `out`. `quick` is
/// the short smoke run (a few samples each, a 30 s memory window).
pub fn bench_window(out: &Path, quick: bool, release: bool) -> Result<(), String> {
    let out = std::path::absolute(out).map_err(|e| format!("{}: {e}", out.display()))?;
    if out.exists() {
        std::fs::remove_file(&out).map_err(|e| format!("removing {}: {e}", out.display()))?;
    }
    let out = out.to_string_lossy().into_owned();
    let mut env = vec![("KALSHI_DESK_BENCH_OUT", out.as_str())];
    if quick {
        env.push(("KALSHI_DESK_BENCH_QUICK", "1"));
    }
    in_window("window benchmarks", "bench_window", None, &env, release)
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
        None,
        &[("KALSHI_DESK_SCREENSHOTS", dir.as_str())],
        false,
    )?;
    eprintln!("xtask: screenshots saved in {dir}");
    Ok(())
}

/// The ignored tests of `src-tauri/tests/<test>.rs` in a window on a private bus, in the
/// dev build the other tests share or (`release`) an optimised one, as people install it.
fn in_window(
    label: &str,
    test: &str,
    filter: Option<&str>,
    extra: &[(&str, &str)],
    release: bool,
) -> Result<(), String> {
    for tool in [
        "xvfb-run",
        "WebKitWebDriver",
        "dbus-run-session",
        "dbus-monitor",
        "dbus-send",
        "gnome-keyring-daemon",
    ] {
        if !on_path(tool) {
            return Err(format!(
                "{tool} is missing (cargo xtask setup installs xvfb, webkit2gtk-driver, dbus, dbus-x11 and gnome-keyring)"
            ));
        }
    }
    ensure_tauri_driver()?;
    let home = TempHome::new()?;
    let mut env = home.env();
    env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bus = home.bus_config.to_string_lossy().into_owned();
    let mut command = vec![
        "-a",
        "-s",
        SCREEN,
        "dbus-run-session",
        "--config-file",
        &bus,
        "--",
        "sh",
        "-c",
        WITH_KEYRING,
        "with-keyring",
        "cargo",
        "test",
    ];
    if release {
        command.push("--release");
    }
    command.extend([
        "-p",
        "kalshi-desk",
        "--test",
        test,
        "--",
        "--ignored",
        // One app at a time: two would share the screen, the bus and two cores.
        "--test-threads=1",
    ]);
    command.extend(filter);
    let result = run_step(label, "xvfb-run", &command, &env);
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
