//! App settings, shared by every environment: notifications, order confirmations, theme,
//! tray, rate-limit tier, watchlist.

use serde::{Deserialize, Serialize};

use super::command;

/// The UI's colour scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the operating system.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// A Kalshi API usage tier: how many requests per second the app allows itself, so the
/// exchange never has to rate-limit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RateTier {
    /// 20 reads / 10 writes per second; every account starts here.
    Basic,
    /// 30 / 30 per second.
    Advanced,
    /// 100 / 100 per second.
    Premier,
    /// 400 / 400 per second.
    Prime,
    /// Any other budget.
    Custom {
        /// Reads per second, at least 1.
        read_per_sec: u32,
        /// Writes per second, at least 1.
        write_per_sec: u32,
    },
}

/// The settings. Fields missing from the JSON take their defaults, so settings saved by
/// an older version still load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// A system notification on every fill.
    pub notifications: bool,
    /// Show a confirmation step before each order is sent (always on Production's first
    /// order, whatever this says).
    pub confirm_orders: bool,
    /// Colour scheme.
    pub theme: Theme,
    /// Closing the window keeps the app running in the tray (fills still notify).
    pub close_to_tray: bool,
    /// The rate-limit tier; `None` reads it from the account (Basic until then).
    pub rate_tier: Option<RateTier>,
    /// Market tickers the person follows, in their order.
    pub watchlist: Vec<String>,
}

impl Default for Settings {
    /// Notifications and order confirmations on, system theme, quit on close, tier read
    /// from the account, empty watchlist.
    fn default() -> Self {
        Self {
            notifications: true,
            confirm_orders: true,
            theme: Theme::System,
            close_to_tray: false,
            rate_tier: None,
            watchlist: Vec::new(),
        }
    }
}

/// The settings. `invoke("get_settings", {"request": {}})`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetSettings {}
command!(GetSettings => "get_settings", Settings);

/// Replaces the settings and applies them at once (a new tier applies to the open
/// session); answers them as stored. Invalid values (a custom tier of 0, a blank ticker
/// in the watchlist) are `invalid_request` and change nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveSettings {
    /// The new settings, complete.
    pub settings: Settings,
}
command!(SaveSettings => "save_settings", Settings);
