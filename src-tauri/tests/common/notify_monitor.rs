//! `dbus-monitor` on the session bus, watching `org.freedesktop.Notifications.Notify`
//! calls: what the fill-notification test and the end-to-end suite read the OS
//! notifications from (no notification server is needed to see the calls).
#![allow(dead_code, clippy::unwrap_used)]

use std::io::BufReader;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

// How long a call may take to show: the including test's own wait.
use super::WAIT;

/// One `Notify` call as dbus-monitor printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notify {
    /// The summary (title).
    pub summary: String,
    /// The body.
    pub body: String,
}

/// `dbus-monitor` on the session bus, watching `Notify` calls; ended on drop.
pub struct Monitor {
    child: Child,
    /// The calls seen, in order.
    pub calls: mpsc::Receiver<Notify>,
}

impl Monitor {
    /// Starts watching; returns once the monitor sees every call.
    pub fn start() -> Self {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "run under dbus-run-session (cargo xtask test does)"
        );
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor runs");
        let stdout = child.stdout.take().unwrap();
        let (ready_tx, ready) = mpsc::channel();
        let (calls_tx, calls) = mpsc::channel();
        std::thread::spawn(move || parse(BufReader::new(stdout), &ready_tx, &calls_tx));
        // It prints NameLost once it has become a monitor: from then on it sees every call.
        ready
            .recv_timeout(WAIT)
            .expect("dbus-monitor became a monitor");
        Self { child, calls }
    }

    /// The next call; panics after [`WAIT`].
    pub fn next(&self, what: &str) -> Notify {
        self.calls
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("no Notify call for {what}"))
    }

    /// Waits for a call whose summary satisfies `want`; returns that summary, or says
    /// what did not come.
    pub fn expect(&self, what: &str, want: impl Fn(&str) -> bool) -> Result<String, String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.calls.recv_timeout(left) {
                Ok(call) if want(&call.summary) => return Ok(call.summary),
                Ok(_) => {}
                Err(_) => return Err(format!("no OS notification for {what} on D-Bus")),
            }
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads dbus-monitor's text: a `method call … member=Notify` line, then one argument per
/// line (app name, replaces id, icon, summary, body, actions, hints) up to the `int32`
/// expiry, which ends the call. Strings are printed raw, so a body may span lines.
fn parse(out: impl std::io::BufRead, ready: &mpsc::Sender<()>, calls: &mpsc::Sender<Notify>) {
    let mut call: Option<String> = None;
    for line in out.lines() {
        let Ok(line) = line else { return };
        if line.contains("member=NameLost") {
            let _ = ready.send(());
        }
        if line.starts_with("method call") && line.contains("member=Notify") {
            call = Some(String::new());
            continue;
        }
        let Some(text) = call.as_mut() else { continue };
        if line.trim_start().starts_with("int32 ") {
            let strings = strings(text);
            if let [_app, _icon, summary, body, ..] = strings.as_slice() {
                let _ = calls.send(Notify {
                    summary: summary.clone(),
                    body: body.clone(),
                });
            }
            call = None;
        } else {
            text.push_str(&line);
            text.push('\n');
        }
    }
}

/// The `string "…"` arguments, in order.
fn strings(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("string \"") {
        let after = &rest[start + "string \"".len()..];
        let Some(end) = after.find("\"\n") else { break };
        found.push(after[..end].to_owned());
        rest = &after[end + 2..];
    }
    found
}
