//! The UI's commands, one module per domain. Each is a thin map from its `ipc` request to
//! `desk-core` and back, generic over the runtime so Tauri's mock runtime can run it, and
//! named as its request's [`ipc::Command::NAME`].

pub mod credentials;
pub mod environment;
pub mod history;
pub mod market;
pub mod markets;
pub mod orders;
pub mod portfolio;
pub mod settings;

/// What every command answers.
pub type CmdResult<T = ()> = Result<T, ipc::AppError>;
