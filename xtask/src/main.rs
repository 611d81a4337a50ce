//! Project automation. `cargo xtask test` is the one command that sets up a fresh Debian
//! machine (with only Rust installed) and runs every check CI runs; `cargo xtask bench`
//! measures.

mod bench;
mod bundle;
mod desktop;
mod e2e;
mod run;
mod setup;
mod test;
mod ui;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run     set up, build the UI and the app, and start Kalshi Desk on the built-in
          paper exchange
  sim     set up, then start only the exchange simulator with live activity on
          127.0.0.1:8787; args after `--` go to kalshi-sim
  test    install what a fresh machine lacks, then fmt --check, clippy -D warnings,
          rustdoc -D warnings, the wasm build of ipc, every test of the workspace and
          the UI's wasm tests (node, headless Chromium),
          then the shell's notification and keychain tests on private D-Bus sessions,
          then the end-to-end tests on the real app window (Xvfb, tauri-driver),
          then on Linux the installer test (`bundle --debug --test`),
          then the bench harness's smoke run (`bench --quick`)
  bench   everything measured in one run: the criterion benches, the latency harness
          (crates/bench, release build: WebSocket connect, order submit through the
          core, store vs SQLite's ceiling, history pages, our client beside Kalshi's
          official TypeScript and Python SDKs and the floor) and the window bench
          (release build);
          `--write` records it all in BENCHMARKS.md. `-p CRATE` / a FILTER run
          only those criterion benches. `--quick`: a smoke run of the harness from the
          dev build (few samples, small databases; never written; CI runs it)
  bench-window
          build the UI, then the window benchmarks on the real app under Xvfb
          (order click → rows, 10,000-market list, cold start, memory with 50 live
          books) in the dev build, or `--release` as installed; `--quick` is the
          short smoke run; rows go to `--out PATH` (default target/bench-window.json)
  bundle  build this OS's installers with the Tauri bundler into target/release/bundle
          (Linux .deb and .rpm, macOS .dmg, Windows .msi); on Linux `--test` then installs
          the .deb, starts the installed app headless and uninstalls it (needs root or
          passwordless sudo; skipped otherwise, or when Kalshi Desk is installed);
          `--debug` bundles the debug build into target/debug/bundle instead
  setup   only install what a fresh machine lacks
  desktop only the shell's notification and keychain tests on private D-Bus
          sessions (a step of `test`; needs ui/dist)
  ui-test only the UI's wasm tests: the pure modules under node, the components in
          headless Chromium (a step of `test`)
  e2e     only the end-to-end tests on the real app window (the last step of
          `test`), or those whose name contains FILTER: `cargo xtask e2e [FILTER]`
  screenshots
          build the UI, drive the real app and save every page in both themes
          to docs/screenshots/<page>-<theme>.png";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test::run(),
        Some("run") => run::run(args.get(1..).map_or(&[][..], |rest| {
            rest.strip_prefix(&["--".to_owned()][..]).unwrap_or(rest)
        })),
        Some("sim") => run::simulator(args.get(1..).map_or(&[][..], |rest| {
            rest.strip_prefix(&["--".to_owned()][..]).unwrap_or(rest)
        })),
        Some("bench") => bench::run(args.get(1..).unwrap_or_default()),
        Some("bench-window") => bench_window(args.get(1..).unwrap_or_default()),
        Some("bundle") => bundle::run(args.get(1..).unwrap_or_default()),
        Some("setup") => setup::run(setup::Purpose::Test),
        Some("desktop") => desktop::run(),
        Some("ui-test") => ui::test(),
        // On its own the suite builds the UI first (`test` has built it already).
        Some("e2e") => ui::build().and_then(|()| e2e::run(args.get(1).map(String::as_str))),
        Some("screenshots") => e2e::screenshots(),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask bench-window [--quick] [--release] [--out PATH]`.
fn bench_window(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    let mut release = false;
    let mut out = workspace_root().join("target/bench-window.json");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--release" => release = true,
            "--out" => out = args.next().ok_or("--out needs a path")?.into(),
            other => return Err(format!("bench-window: unknown argument {other:?}")),
        }
    }
    ui::build()?;
    e2e::bench_window(&out, quick, release)?;
    let rows = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("{rows}");
    Ok(())
}

/// Runs a command from the workspace root, streaming its output, and fails on a non-zero exit.
pub(crate) fn run_step(
    label: &str,
    program: &str,
    args: &[&str],
    envs: &[(&str, &str)],
) -> Result<(), String> {
    eprintln!("xtask: == {label}: {program} {}", args.join(" "));
    let started = std::time::Instant::now();
    let status = std::process::Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("{label}: could not start {program}: {e}"))?;
    eprintln!("xtask: == {label} finished in {:.0?}", started.elapsed());
    if status.success() {
        Ok(())
    } else {
        Err(format!("{label} failed ({status})"))
    }
}

/// The workspace root: xtask lives one level below it.
pub(crate) fn workspace_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
