//! The `kalshi-desk` binary: everything lives in the library so tests can drive it.
// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    kalshi_desk::run();
}
