//! Builds the Yew UI into `ui/dist`, the folder the app window loads (tauri.conf.json's
//! `frontendDist`), without trunk: `cargo build` for wasm32, then `wasm-bindgen` at exactly
//! the version in Cargo.lock (the CLI and the library must match), then the static files.
//! The shell embeds `ui/dist` when it compiles, so this runs before anything builds it.
//!
//! [`test()`] runs the UI's wasm tests with `wasm-bindgen-test-runner` (it comes with the
//! CLI): the pure modules under node, the components in headless Chromium.

use std::path::Path;
use std::process::Command;

use crate::{run_step, workspace_root};

/// The wasm target the UI compiles for.
const TARGET: &str = "wasm32-unknown-unknown";

/// The cargo profile of the UI's wasm: release, optimised for size with LTO (see the
/// root Cargo.toml for the measurements).
const PROFILE: &str = "ui-release";

/// Makes sure the wasm target and a matching wasm-bindgen CLI are installed, then builds.
pub fn build() -> Result<(), String> {
    ensure_target()?;
    let version = locked_wasm_bindgen()?;
    ensure_wasm_bindgen(&version)?;
    run_step(
        "ui (wasm)",
        "cargo",
        &[
            "build",
            "-p",
            "ui",
            "--target",
            TARGET,
            "--profile",
            PROFILE,
        ],
        &[],
    )?;
    let root = workspace_root();
    let dist = root.join("ui/dist");
    std::fs::create_dir_all(&dist).map_err(|e| format!("creating {}: {e}", dist.display()))?;
    let wasm = target_dir(&root).join(TARGET).join(PROFILE).join("ui.wasm");
    run_step(
        "ui (wasm-bindgen)",
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            &dist.to_string_lossy(),
            &wasm.to_string_lossy(),
        ],
        &[],
    )?;
    copy_static(&root.join("ui/static"), &dist)
}

/// Chromium's driver, which the runner needs for the component tests: `$CHROMEDRIVER`,
/// `chromedriver` on PATH, or GitHub's runners' `$CHROMEWEBDRIVER/chromedriver`; on Debian
/// apt installs it (with Chromium) when none is found.
fn chromedriver() -> Result<String, String> {
    let found = || {
        std::env::var("CHROMEDRIVER")
            .ok()
            .filter(|p| Path::new(p).is_file())
            .or_else(|| {
                Command::new("chromedriver")
                    .arg("--version")
                    .output()
                    .ok()
                    .filter(|o| o.status.success())
                    .map(|_| "chromedriver".to_owned())
            })
            .or_else(|| {
                std::env::var_os("CHROMEWEBDRIVER")
                    .map(|d| Path::new(&d).join("chromedriver"))
                    .filter(|p| p.is_file())
                    .map(|p| p.to_string_lossy().into_owned())
            })
    };
    if let Some(driver) = found() {
        return Ok(driver);
    }
    let debian = std::fs::read_to_string("/etc/os-release")
        .is_ok_and(|r| r.lines().any(|l| l == "ID=debian"));
    if debian {
        crate::setup::ensure_apt_packages(&[(
            "chromium-driver",
            "headless Chromium for the UI's component tests",
        )])?;
    }
    found().ok_or_else(|| {
        "the UI's component tests need chromedriver and Chromium: install them (Debian: \
         chromium-driver) or set CHROMEDRIVER"
            .to_owned()
    })
}

/// `cargo xtask test`'s UI step: the wasm tests (`ui/tests/*.rs`), compiled for wasm32 and
/// run by `wasm-bindgen-test-runner`: `wasm_logic` under node, `components` in headless
/// Chromium.
pub fn test() -> Result<(), String> {
    ensure_target()?;
    let version = locked_wasm_bindgen()?;
    ensure_wasm_bindgen(&version)?;
    let driver = chromedriver()?;
    run_step(
        "ui (wasm tests)",
        "cargo",
        &["test", "-p", "ui", "--target", TARGET, "--tests"],
        &[
            (
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            ),
            ("CHROMEDRIVER", &driver),
        ],
    )
}

fn target_dir(root: &Path) -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into)
}

fn copy_static(from: &Path, to: &Path) -> Result<(), String> {
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", from.display()))?;
        let dest = to.join(entry.file_name());
        std::fs::copy(entry.path(), &dest)
            .map_err(|e| format!("copying to {}: {e}", dest.display()))?;
    }
    Ok(())
}

fn ensure_target() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add the {TARGET} target: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == TARGET)
    {
        return Ok(());
    }
    run_step("wasm target", "rustup", &["target", "add", TARGET], &[])
}

/// The `wasm-bindgen` version Cargo.lock pins.
fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = workspace_root().join("Cargo.lock");
    let text =
        std::fs::read_to_string(&lock).map_err(|e| format!("reading {}: {e}", lock.display()))?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
        {
            return Ok(version.to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen package (is the ui crate in the workspace?)".to_owned())
}

/// Installs wasm-bindgen-cli at `version` unless that exact version is on PATH.
fn ensure_wasm_bindgen(version: &str) -> Result<(), String> {
    let installed = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if installed
        .as_deref()
        .is_some_and(|v| v.split_whitespace().nth(1) == Some(version))
    {
        return Ok(());
    }
    // Not `--locked`: the CLI's own lock file pins a webpki-roots release that crates.io
    // no longer serves, so a fresh resolve is what installs.
    run_step(
        "wasm-bindgen-cli",
        "cargo",
        &["install", "wasm-bindgen-cli", "--version", version],
        &[],
    )
}
