//! Installs what a fresh Debian machine with only Rust lacks: rustup components and apt
//! packages. Uses apt-get directly as root, `sudo -n` when that works, and otherwise prints
//! the exact command to run and stops, so nothing half-installs silently.

use std::process::Command;

use crate::run_step;

/// Debian packages the build and the tests need, with why.
const APT_PACKAGES: &[(&str, &str)] = &[
    ("pkg-config", "locating system libraries for -sys crates"),
    (
        "build-essential",
        "the C toolchain aws-lc-sys and other -sys crates compile with",
    ),
];

/// Rustup components the checks call.
const RUSTUP_COMPONENTS: &[&str] = &["rustfmt", "clippy"];

/// Entry point of `cargo xtask setup`.
pub fn run() -> Result<(), String> {
    ensure_rustup_components()?;
    ensure_apt_packages()
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

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn ensure_apt_packages() -> Result<(), String> {
    if Command::new("dpkg-query")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "xtask: not a Debian-like system; make sure these are installed: {APT_PACKAGES:?}"
        );
        return Ok(());
    }
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !is_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    for (p, why) in APT_PACKAGES.iter().filter(|(p, _)| missing.contains(p)) {
        eprintln!("xtask: missing apt package {p} (for {why})");
    }
    let prefix: &[&str] = if is_root() {
        &[]
    } else if Command::new("sudo")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        &["sudo", "-n"]
    } else {
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

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
