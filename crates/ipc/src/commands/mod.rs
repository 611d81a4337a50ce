//! Every command the UI can invoke, one module per domain. Each request is a struct
//! implementing [`Command`], which names the Tauri command and its response type.
//!
//! # Invoke convention
//!
//! Tauri passes a command's arguments by name, so every command takes exactly one
//! argument named `request`, the request struct:
//!
//! ```json
//! invoke("place_order", {"request": {"ticket": {...}}})
//! ```
//!
//! Commands that also stream take a second argument named `channel`, a
//! `tauri::ipc::Channel` (see [`CHANNEL_COMMANDS`]): `{"request": {...}, "channel": ch}`.
//! A request without fields is still an object, `{"request": {}}`.
//!
//! Every command resolves to its [`Command::Response`] (`null` for `()`) or rejects with
//! an [`AppError`](crate::AppError).

use serde::Serialize;
use serde::de::DeserializeOwned;

pub mod credentials;
pub mod environment;
pub mod history;
pub mod market;
pub mod markets;
pub mod orders;
pub mod portfolio;
pub mod settings;

/// A request the UI sends, with the Tauri command it goes to and what it answers.
///
/// src-tauri registers one command per implementation, named [`Command::NAME`], taking
/// `request: Self` and returning `Result<Self::Response, AppError>`; the UI's bindings
/// invoke [`Command::NAME`] with `{"request": self}`. Both sides use the same type, so
/// they cannot disagree on the name or the shape.
pub trait Command: Serialize + DeserializeOwned {
    /// The Tauri command name: snake_case, unique, listed in [`ALL`].
    const NAME: &'static str;
    /// What the command resolves to.
    type Response: Serialize + DeserializeOwned;
}

/// Implements [`Command`] for a request type.
macro_rules! command {
    ($request:ty => $name:literal, $response:ty) => {
        impl $crate::commands::Command for $request {
            const NAME: &'static str = $name;
            type Response = $response;
        }
    };
}
pub(crate) use command;

/// The name of every command, so src-tauri can test that each one is registered and the
/// UI's bindings cannot drift from the shell.
pub const ALL: &[&str] = &[
    <environment::GetSession as Command>::NAME,
    <environment::OpenEnvironment as Command>::NAME,
    <environment::ConfirmProduction as Command>::NAME,
    <environment::ResetPaperAccount as Command>::NAME,
    <environment::RequestSync as Command>::NAME,
    <environment::SubscribeEvents as Command>::NAME,
    <credentials::ListKeys as Command>::NAME,
    <credentials::AddKey as Command>::NAME,
    <credentials::TestKey as Command>::NAME,
    <credentials::RemoveKey as Command>::NAME,
    <markets::ListMarkets as Command>::NAME,
    <market::GetMarket as Command>::NAME,
    <market::OpenMarketView as Command>::NAME,
    <market::CloseMarketView as Command>::NAME,
    <market::ViewSnapshot as Command>::NAME,
    <market::Candles as Command>::NAME,
    <market::RecentTrades as Command>::NAME,
    <orders::PlaceOrder as Command>::NAME,
    <orders::AmendOrder as Command>::NAME,
    <orders::DecreaseOrder as Command>::NAME,
    <orders::CancelOrder as Command>::NAME,
    <orders::CancelAll as Command>::NAME,
    <orders::RestingOrders as Command>::NAME,
    <orders::RetryOrder as Command>::NAME,
    <portfolio::GetPortfolio as Command>::NAME,
    <portfolio::PnlByMarket as Command>::NAME,
    <portfolio::PortfolioSeries as Command>::NAME,
    <portfolio::Settlements as Command>::NAME,
    <history::FillHistory as Command>::NAME,
    <history::OrderHistory as Command>::NAME,
    <history::ExportCsv as Command>::NAME,
    <settings::GetSettings as Command>::NAME,
    <settings::SaveSettings as Command>::NAME,
];

/// The commands that take a `channel` argument besides `request`, and what flows on it:
/// [`market::OpenMarketView`] streams [`market::MarketUpdate`]s,
/// [`environment::SubscribeEvents`] streams [`crate::AppEvent`]s.
pub const CHANNEL_COMMANDS: &[&str] = &[
    <market::OpenMarketView as Command>::NAME,
    <environment::SubscribeEvents as Command>::NAME,
];
