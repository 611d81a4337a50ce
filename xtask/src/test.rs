//! `cargo xtask test`: the project's one test command, identical locally and in CI.

use crate::run_step;

/// Entry point of `cargo xtask test`.
pub fn run() -> Result<(), String> {
    crate::setup::run(crate::setup::Purpose::Test)?;
    // The shell embeds ui/dist when it compiles, so the UI is built first.
    crate::ui::build()?;
    run_step("format", "cargo", &["fmt", "--all", "--check"], &[])?;
    run_step(
        "clippy",
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    run_step(
        "docs",
        "cargo",
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    // The UI's contract must keep compiling to wasm (no tokio, no Tauri, no SDK in it).
    run_step(
        "ipc for wasm",
        "cargo",
        &["build", "-p", "ipc", "--target", "wasm32-unknown-unknown"],
        &[],
    )?;
    run_step("tests", "cargo", &["test", "--workspace"], &[])?;
    // The UI's tests compiled to wasm: pure modules under node, components in Chromium.
    crate::ui::test()?;
    // The shell's tests that need a session bus, a keychain or none (ignored above).
    crate::desktop::run()?;
    // The real app in a real window, reusing the binary the tests step built.
    crate::e2e::run(None)?;
    // The installer: a .deb of the debug build the E2E used (only the app crate builds
    // again, with the bundler's feature), installed, started headless and removed.
    #[cfg(target_os = "linux")]
    crate::bundle::run(&["--debug".to_owned(), "--test".to_owned()])?;
    // The bench harness's smoke run (so it cannot rot), from the binaries the tests step
    // built; it prints figures labelled smoke only and never writes BENCHMARKS.md.
    crate::bench::quick(crate::bench::Profile::Tested)?;
    eprintln!("xtask: all checks passed");
    Ok(())
}
