//! `cargo xtask bundle [--test]`: the installers through the Tauri bundler, the ones the
//! host can make (Linux: .deb and .rpm; macOS: .app and .dmg; Windows: .msi), and on Linux
//! with `--test` a check that the .deb installs, starts and uninstalls.
//!
//! The bundler is the npm `@tauri-apps/cli` pinned by `tools/tauri-cli/package-lock.json`
//! (`npm ci` installs it in seconds, no Rust build). The CLI wants its config next to a
//! Cargo.toml with a `[package]`, and ours sits at the root beside the virtual workspace
//! manifest, so the CLI runs on `src-tauri` (`TAURI_APP_PATH`) with a generated
//! `src-tauri/tauri.conf.json`: the root config with its paths made absolute, removed
//! again afterwards, so the root file stays the one config.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{run_step, workspace_root};

/// Where the pinned CLI lives (package.json and package-lock.json are committed).
const CLI_DIR: &str = "tools/tauri-cli";

/// The bundles this host makes, and the installer files to report (their bundle folder
/// and extension are the same word).
const BUNDLES: (&str, &[&str]) = if cfg!(target_os = "macos") {
    ("app,dmg", &["dmg"])
} else if cfg!(windows) {
    ("msi", &["msi"])
} else {
    ("deb,rpm", &["deb", "rpm"])
};

/// npm's launcher (a batch file on Windows, which `Command` does not resolve by itself).
const NPM: &str = if cfg!(windows) { "npm.cmd" } else { "npm" };

/// The installed app's binary (the package's `mainBinaryName` is the Cargo binary).
const INSTALLED_BINARY: &str = "/usr/bin/kalshi-desk";

/// The Debian package name the bundler derives from the product name.
const DEB_PACKAGE: &str = "kalshi-desk";

/// How long the installed app must stay up after its session opened.
const STAY_UP: Duration = Duration::from_secs(10);

/// How long the installed app gets to open its session on a cold start.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Entry point of `cargo xtask bundle [--debug] [--test]`. `--debug` bundles the debug
/// build (what the test suite uses: no second, release build of every crate).
pub fn run(args: &[String]) -> Result<(), String> {
    let (mut test, mut debug) = (false, false);
    for arg in args {
        match arg.as_str() {
            "--test" => test = true,
            "--debug" => debug = true,
            other => {
                return Err(format!(
                    "bundle takes only `--debug` and `--test`, not {other:?}"
                ));
            }
        }
    }
    // The install test needs the test packages (Xvfb, D-Bus); the bundler needs no more
    // than the build: it writes the .deb and the .rpm itself (no dpkg-deb, no rpmbuild).
    crate::setup::run(if test {
        crate::setup::Purpose::Test
    } else {
        crate::setup::Purpose::Run
    })?;
    let started = Instant::now();
    crate::ui::build()?;
    let cli = ensure_cli()?;
    let root = workspace_root();
    let generated = root.join("src-tauri/tauri.conf.json");
    write_cli_config(&root, &generated)?;
    let cli = cli.to_string_lossy();
    let mut build = vec![cli.as_ref(), "build", "--bundles", BUNDLES.0, "--ci"];
    if debug {
        build.push("--debug");
    }
    let built = run_step(
        "bundle (tauri build)",
        "node",
        &build,
        &[
            ("TAURI_APP_PATH", "src-tauri"),
            ("TAURI_FRONTEND_PATH", CLI_DIR),
        ],
    );
    let removed = std::fs::remove_file(&generated)
        .map_err(|e| format!("removing the generated {}: {e}", generated.display()));
    built?;
    removed?;
    let mut built = Vec::new();
    for ext in BUNDLES.1 {
        built.push(find_bundle(
            &root,
            if debug { "debug" } else { "release" },
            ext,
        )?);
    }
    eprintln!("xtask: installers built in {:.0?}:", started.elapsed());
    for path in &built {
        eprintln!("  {}", path.display());
    }
    if test {
        match built
            .iter()
            .find(|p| p.extension().is_some_and(|x| x == "deb"))
        {
            Some(deb) => install_test(deb)?,
            None => eprintln!("xtask: SKIPPED the install test: it installs the .deb (Linux only)"),
        }
    }
    Ok(())
}

/// Installs the pinned CLI with `npm ci` unless it is there, and returns its script (run
/// with `node`, the same on every OS).
fn ensure_cli() -> Result<PathBuf, String> {
    let dir = workspace_root().join(CLI_DIR);
    let bin = dir.join("node_modules/@tauri-apps/cli/tauri.js");
    if !bin.exists() {
        run_step(
            "tauri cli (npm ci)",
            NPM,
            &[
                "ci",
                "--prefix",
                &dir.to_string_lossy(),
                "--no-audit",
                "--no-fund",
            ],
            &[],
        )?;
    }
    Ok(bin)
}

/// Writes the root config for the CLI into `dest` with every path made absolute (the CLI
/// resolves them against `src-tauri`). No `beforeBuildCommand`: the UI is already built.
fn write_cli_config(root: &Path, dest: &Path) -> Result<(), String> {
    let source = root.join("tauri.conf.json");
    let text = std::fs::read_to_string(&source)
        .map_err(|e| format!("reading {}: {e}", source.display()))?;
    let mut config: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("parsing {}: {e}", source.display()))?;
    let absolute = |relative: &str| root.join(relative).to_string_lossy().into_owned();
    let build = config
        .get_mut("build")
        .and_then(serde_json::Value::as_object_mut)
        .ok_or("tauri.conf.json has no `build` object")?;
    if build.contains_key("beforeBuildCommand") {
        return Err("tauri.conf.json must not have a beforeBuildCommand: xtask builds the UI (without network)".to_owned());
    }
    let dist = build
        .get("frontendDist")
        .and_then(serde_json::Value::as_str)
        .ok_or("tauri.conf.json has no build.frontendDist")?;
    build.insert("frontendDist".to_owned(), absolute(dist).into());
    let icons = config
        .pointer_mut("/bundle/icon")
        .and_then(serde_json::Value::as_array_mut)
        .ok_or("tauri.conf.json has no bundle.icon list")?;
    for icon in icons.iter_mut() {
        let path = icon
            .as_str()
            .ok_or("bundle.icon holds a non-string")?
            .to_owned();
        *icon = absolute(&path).into();
    }
    let text = serde_json::to_string_pretty(&config)
        .map_err(|e| format!("writing the CLI config: {e}"))?;
    std::fs::write(dest, text).map_err(|e| format!("writing {}: {e}", dest.display()))
}

/// The newest `.{ext}` the bundler wrote.
fn find_bundle(root: &Path, profile: &str, ext: &str) -> Result<PathBuf, String> {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let dir = target.join(profile).join("bundle").join(ext);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .ok_or_else(|| format!("the bundler wrote no .{ext} in {}", dir.display()))
}

/// Installs `deb`, starts the installed binary headless on a temp home and data folder,
/// checks that it opens its session on the embedded simulator and stays up, and
/// uninstalls the package again (also when the check fails).
fn install_test(deb: &Path) -> Result<(), String> {
    let Some(prefix) = crate::setup::privilege() else {
        eprintln!(
            "xtask: SKIPPED the .deb install test: installing a package needs root or passwordless sudo; the installers are built"
        );
        return Ok(());
    };
    if crate::setup::is_installed(DEB_PACKAGE) {
        // The test ends by purging the package: never do that to a person's own install.
        eprintln!(
            "xtask: SKIPPED the .deb install test: {DEB_PACKAGE} is installed on this machine and the test would remove it"
        );
        return Ok(());
    }
    let started = Instant::now();
    let deb = deb.to_string_lossy();
    as_root(
        "install .deb",
        prefix,
        &["apt-get", "install", "-y", "--no-install-recommends", &deb],
    )?;
    let checked = check_installed();
    let removed = as_root("uninstall .deb", prefix, &["dpkg", "--purge", DEB_PACKAGE]);
    checked?;
    removed?;
    eprintln!(
        "xtask: the .deb installed, started and uninstalled in {:.0?}",
        started.elapsed()
    );
    Ok(())
}

/// Runs `command` as root through `prefix` (empty when xtask is root).
fn as_root(label: &str, prefix: &[&str], command: &[&str]) -> Result<(), String> {
    let mut all: Vec<&str> = prefix.to_vec();
    all.extend_from_slice(command);
    let (program, args) = all.split_first().ok_or("empty command")?;
    run_step(
        label,
        program,
        args,
        &[("DEBIAN_FRONTEND", "noninteractive")],
    )
}

/// The installed files are where a desktop expects them, and the binary starts.
fn check_installed() -> Result<(), String> {
    for file in [
        INSTALLED_BINARY,
        "/usr/share/applications/Kalshi Desk.desktop",
        "/usr/share/icons/hicolor/128x128/apps/kalshi-desk.png",
    ] {
        if !Path::new(file).exists() {
            return Err(format!("the .deb did not install {file}"));
        }
    }
    let home = TempDir::new("kalshi-desk-deb")?;
    let data = home.0.join("data");
    let xdg_data = home.0.join("xdg-data");
    let logs = xdg_data.join("com.kalshidesk.desk/logs");
    let mut command = Command::new("xvfb-run");
    command
        .args([
            "--auto-servernum",
            "dbus-run-session",
            "--",
            INSTALLED_BINARY,
        ])
        .env("HOME", &home.0)
        .env("XDG_DATA_HOME", &xdg_data)
        .env("XDG_CONFIG_HOME", home.0.join("xdg-config"))
        .env("XDG_CACHE_HOME", home.0.join("xdg-cache"))
        .env("KALSHI_DESK_DATA_DIR", &data)
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .env("RUST_LOG", "info");
    // Its own process group: Xvfb, the bus and the services the bus starts (keyring,
    // portals, accessibility) outlive xvfb-run when it is killed, so the group is stopped.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .spawn()
        .map_err(|e| format!("starting the installed app under xvfb-run: {e}"))?;
    let result = watch(&mut child, &logs, &data);
    stop_group(&mut child);
    if result.is_err() {
        eprintln!("xtask: the installed app's log:\n{}", read_logs(&logs));
    }
    result
}

/// Stops `child` and every process of its group (TERM, then KILL after 10 s).
fn stop_group(child: &mut std::process::Child) {
    let group = format!("-{}", child.id());
    let signal = |name: &str| {
        Command::new("kill")
            .args([name, "--", &group])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if cfg!(unix) && signal("-TERM") {
        let deadline = Instant::now() + Duration::from_secs(10);
        while signal("-0") && Instant::now() < deadline {
            // Reap the leader, or the group looks alive as long as its zombie does.
            let _ = child.try_wait();
            std::thread::sleep(Duration::from_millis(100));
        }
        signal("-KILL");
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Waits for the session to open (the embedded simulator listening, the store file made),
/// then for the app to stay up [`STAY_UP`] longer.
fn watch(child: &mut std::process::Child, logs: &Path, data: &Path) -> Result<(), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Err(format!("the installed app exited at start ({status})"));
        }
        let log = read_logs(logs);
        if log.contains("Kalshi Desk starting")
            && log.contains("embedded simulator started")
            && log.contains("session opened")
            && data.join("desk.sqlite").exists()
        {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "the installed app did not open its session within {START_TIMEOUT:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let up_until = Instant::now() + STAY_UP;
    while Instant::now() < up_until {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Err(format!(
                "the installed app exited after starting ({status})"
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = read_logs(logs);
    if let Some(line) = log
        .lines()
        .find(|l| l.contains(" ERROR ") || l.contains("panicked"))
    {
        return Err(format!("the installed app logged an error: {line}"));
    }
    eprintln!("xtask: the installed app opened its session and stayed up {STAY_UP:?}");
    Ok(())
}

/// Every log file in `dir`, concatenated (empty when there are none yet).
fn read_logs(dir: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return String::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A temp folder removed on drop (xtask has no tempfile dependency).
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
