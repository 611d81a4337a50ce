//! The shell's tests that need a desktop session: fill notifications on a D-Bus session
//! bus, the keychain against a real Secret Service (gnome-keyring), and the keychain's
//! error with no Secret Service at all. Each runs in its own private bus
//! (`dbus-run-session` with a config that starts no services on demand, so nothing on the
//! bus but what the step starts itself) and with XDG folders in a temp dir, so nothing is
//! written into the real home and no daemon outlives its step.

use std::path::{Path, PathBuf};

use crate::run_step;

/// A bus config like the stock session one, minus the standard service folders: only
/// services in `{services}` (none) start on demand.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// Starts gnome-keyring's Secret Service unlocked (a non-empty password on stdin makes and
/// unlocks the login keyring), waits until it owns its name on the bus, runs the test
/// command given as arguments, then ends the daemon and exits with the test's status.
pub(crate) const WITH_KEYRING: &str = r#"
printf %s xtask-test-keyring | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null &
keyring=$!
tries=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
  tries=$((tries + 1))
  if [ "$tries" -gt 200 ] || ! kill -0 "$keyring" 2>/dev/null; then
    echo "xtask: gnome-keyring-daemon did not start its Secret Service" >&2
    kill "$keyring" 2>/dev/null
    exit 1
  fi
  sleep 0.05
done
"$@"
status=$?
kill "$keyring" 2>/dev/null
wait "$keyring" 2>/dev/null
exit "$status"
"#;

/// Runs the desktop-session tests.
pub fn run() -> Result<(), String> {
    for tool in [
        "dbus-run-session",
        "dbus-monitor",
        "dbus-send",
        "gnome-keyring-daemon",
    ] {
        if !on_path(tool) {
            return Err(format!(
                "{tool} is missing (cargo xtask setup installs dbus, dbus-x11 and gnome-keyring)"
            ));
        }
    }
    let home = TempHome::new()?;
    let result = steps(&home);
    home.remove();
    result
}

fn steps(home: &TempHome) -> Result<(), String> {
    let env = home.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bus = home.bus_config.to_string_lossy().into_owned();
    // dbus-run-session --config-file BUS -- COMMAND…
    let in_bus = |label: &str, command: &[&str]| {
        let mut args = vec!["--config-file", bus.as_str(), "--"];
        args.extend_from_slice(command);
        run_step(label, "dbus-run-session", &args, &env)
    };
    // The ignored tests of one test file, or those of them matching `filter`.
    let cargo_test = |test: &'static str, filter: Option<&'static str>| {
        let mut command = vec!["cargo", "test", "-p", "kalshi-desk", "--test", test];
        command.extend(["--", "--ignored"]);
        command.extend(filter);
        command
    };
    in_bus(
        "fill notifications on D-Bus",
        &cargo_test("notifications", None),
    )?;
    let mut keyring = vec!["sh", "-c", WITH_KEYRING, "with-keyring"];
    keyring.extend(cargo_test("keychain", Some("keys_round_trip")));
    in_bus("keychain on gnome-keyring", &keyring)?;
    in_bus(
        "no keychain on the bus",
        &cargo_test("keychain", Some("without_a_keychain")),
    )
}

pub(crate) fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

/// XDG folders and the bus config in a temp dir, removed afterwards.
pub(crate) struct TempHome {
    root: PathBuf,
    pub(crate) bus_config: PathBuf,
}

impl TempHome {
    pub(crate) fn new() -> Result<Self, String> {
        let root = std::env::temp_dir().join(format!("kalshi-desk-xtask-{}", std::process::id()));
        let made = |dir: &Path| {
            std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))
        };
        for sub in ["data", "config", "cache", "runtime", "services"] {
            made(&root.join(sub))?;
        }
        restrict(&root.join("runtime"))?;
        let bus_config = root.join("bus.conf");
        let services = root.join("services");
        std::fs::write(
            &bus_config,
            BUS_CONFIG.replace("{services}", &services.to_string_lossy()),
        )
        .map_err(|e| format!("writing {}: {e}", bus_config.display()))?;
        Ok(Self { root, bus_config })
    }

    pub(crate) fn env(&self) -> Vec<(&'static str, String)> {
        let dir = |sub: &str| self.root.join(sub).to_string_lossy().into_owned();
        vec![
            ("XDG_DATA_HOME", dir("data")),
            ("XDG_CONFIG_HOME", dir("config")),
            ("XDG_CACHE_HOME", dir("cache")),
            ("XDG_RUNTIME_DIR", dir("runtime")),
        ]
    }

    pub(crate) fn remove(self) {
        if let Err(e) = std::fs::remove_dir_all(&self.root) {
            eprintln!("xtask: could not remove {}: {e}", self.root.display());
        }
    }
}

/// XDG_RUNTIME_DIR must be private to its user (mode 0700).
#[cfg(unix)]
fn restrict(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("restricting {}: {e}", dir.display()))
}

#[cfg(not(unix))]
fn restrict(_dir: &Path) -> Result<(), String> {
    Ok(())
}
