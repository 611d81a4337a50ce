//! Installs what a fresh Debian machine with only Rust lacks: rustup components and apt
//! packages. Uses apt-get directly as root, `sudo -n` when that works, and otherwise prints
//! the exact command to run and stops, so nothing half-installs silently.

use std::process::Command;

use crate::run_step;

/// Debian packages the build needs, with why.
const BUILD_PACKAGES: &[(&str, &str)] = &[
    ("pkg-config", "locating system libraries for -sys crates"),
    (
        "build-essential",
        "the C toolchain aws-lc-sys and other -sys crates compile with",
    ),
    (
        "libwebkit2gtk-4.1-dev",
        "the app's webview (Tauri on Linux is WebKitGTK)",
    ),
    (
        "libayatana-appindicator3-dev",
        "the tray icon on Linux desktops",
    ),
    ("librsvg2-dev", "SVG icons in GTK"),
    (
        "libdbus-1-dev",
        "the OS keychain (Secret Service over D-Bus)",
    ),
    ("libssl-dev", "TLS libraries some -sys crates link"),
    ("file", "the Tauri bundler's file-type checks"),
];

/// Debian packages only the tests need, with why.
const TEST_PACKAGES: &[(&str, &str)] = &[
    (
        "nodejs",
        "kalshi-sim's conformance test runs Kalshi's official TypeScript SDK",
    ),
    (
        "npm",
        "`npm ci` installs that SDK from its committed package-lock.json",
    ),
    ("xvfb", "a display for the app's window in headless tests"),
    ("xauth", "xvfb-run's display authorisation"),
    (
        "webkit2gtk-driver",
        "WebKitWebDriver, which drives the real window in end-to-end tests",
    ),
    (
        "dbus",
        "a session bus for notifications and the keychain in tests",
    ),
    ("dbus-x11", "dbus-launch for desktop sessions in tests"),
    (
        "gnome-keyring",
        "a real Secret Service keychain for the credential tests",
    ),
    (
        "libsecret-tools",
        "secret-tool, to inspect the test keychain",
    ),
    (
        "keyutils",
        "the kernel keyring for session-only credential tests",
    ),
    (
        "dunst",
        "a notification daemon the fill-notification tests watch",
    ),
    ("sqlite3", "inspecting the app's database in tests"),
    (
        "python3",
        "the store's SQLite ceiling script and Kalshi's official Python SDK in the benchmarks",
    ),
    ("python3-venv", "a private venv for that Python SDK"),
    (
        "openssl",
        "`openssl speed rsa2048`, the signing floor the benchmarks compare against",
    ),
];

/// Rustup components the checks call.
const RUSTUP_COMPONENTS: &[&str] = &["rustfmt", "clippy"];

/// Rustup targets the checks build for: the UI (and so `ipc`) compiles to wasm.
const RUSTUP_TARGETS: &[&str] = &["wasm32-unknown-unknown"];

/// What a machine is being prepared for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Building and running the app.
    Run,
    /// Everything `cargo xtask test` runs.
    Test,
}

/// Entry point of `cargo xtask setup`: prepares for `purpose`.
pub fn run(purpose: Purpose) -> Result<(), String> {
    ensure_rustup_components()?;
    if purpose == Purpose::Test {
        ensure_rustup_targets()?;
    }
    let mut packages = BUILD_PACKAGES.to_vec();
    if purpose == Purpose::Test {
        packages.extend_from_slice(TEST_PACKAGES);
    }
    ensure_apt_packages(&packages)
}

fn ensure_rustup_components() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["component", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add {RUSTUP_COMPONENTS:?}: {e}"))?;
    let installed = String::from_utf8_lossy(&installed.stdout);
    let missing: Vec<&str> = RUSTUP_COMPONENTS
        .iter()
        .copied()
        .filter(|c| !installed.lines().any(|l| l.starts_with(&format!("{c}-"))))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut args = vec!["component", "add"];
    args.extend(&missing);
    run_step("rustup components", "rustup", &args, &[])
}

fn ensure_rustup_targets() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add {RUSTUP_TARGETS:?}: {e}"))?;
    let installed = String::from_utf8_lossy(&installed.stdout);
    let missing: Vec<&str> = RUSTUP_TARGETS
        .iter()
        .copied()
        .filter(|t| !installed.lines().any(|l| l.trim() == *t))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut args = vec!["target", "add"];
    args.extend(&missing);
    run_step("rustup targets", "rustup", &args, &[])
}

pub(crate) fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
        || is_provided(package)
}

/// Whether an installed package declares `Provides: package` (NodeSource's `nodejs` provides
/// and conflicts with `npm`, so installing Debian's `npm` next to it would fail).
fn is_provided(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}|${Provides}\n"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout).lines().any(|line| {
                line.split_once('|').is_some_and(|(status, provides)| {
                    status.contains("install ok installed")
                        && provides
                            .split(',')
                            .filter_map(|p| p.split_whitespace().next())
                            .any(|p| p == package)
                })
            })
        })
        .unwrap_or(false)
}

/// Installs `packages` with apt where they are missing (the same rules as [`run`]).
pub fn ensure_apt_packages(packages: &[(&str, &str)]) -> Result<(), String> {
    if Command::new("dpkg-query")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("xtask: not a Debian-like system; make sure these are installed: {packages:?}");
        return Ok(());
    }
    let missing: Vec<&str> = packages
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !is_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    for (p, why) in packages.iter().filter(|(p, _)| missing.contains(p)) {
        eprintln!("xtask: missing apt package {p} (for {why})");
    }
    let Some(prefix) = privilege() else {
        return Err(format!(
            "missing apt packages and no root or passwordless sudo; run:\n  sudo apt-get update && sudo apt-get install -y {}",
            missing.join(" ")
        ));
    };
    apt(prefix, &["update"])?;
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(&missing);
    apt(prefix, &install)
}

fn apt(prefix: &[&str], args: &[&str]) -> Result<(), String> {
    let (program, rest): (&str, Vec<&str>) = match prefix.split_first() {
        Some((first, more)) => (
            first,
            more.iter()
                .copied()
                .chain(["apt-get"])
                .chain(args.iter().copied())
                .collect(),
        ),
        None => ("apt-get", args.to_vec()),
    };
    run_step(
        "apt-get",
        program,
        &rest,
        &[("DEBIAN_FRONTEND", "noninteractive")],
    )
}

/// How to run a command as root: directly when xtask is root, through `sudo -n` when that
/// works without a password (CI runners), `None` otherwise.
pub(crate) fn privilege() -> Option<&'static [&'static str]> {
    if is_root() {
        Some(&[])
    } else if Command::new("sudo")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        Some(&["sudo", "-n"])
    } else {
        None
    }
}

/// Whether xtask runs as root (apt-get and dpkg work without sudo).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
