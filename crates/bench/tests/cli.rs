//! The harness binary's command line. Also makes `cargo test --workspace` build the
//! `desk-bench` binary, which `cargo xtask test` then runs as the bench smoke run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_desk-bench");

#[test]
fn unknown_arguments_are_refused_with_the_usage() {
    let out = Command::new(BIN).arg("--fast").output().expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown argument \"--fast\"") && err.contains("usage: desk-bench"),
        "{err}"
    );
}

#[test]
fn the_client_mode_names_what_it_lacks() {
    let out = Command::new(BIN)
        .arg("client")
        .env_remove("SIM_REST_URL")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SIM_REST_URL is not set"), "{err}");
}
