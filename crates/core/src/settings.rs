//! The app's settings (one set for every environment, in the store's settings table) and
//! the last environment used, which the app reopens at start.

use ipc::commands::environment::Environment;
use ipc::commands::settings::{RateTier, Settings};
use kalshi::rest::Tier;
use store::Store;

use crate::environment::DeskEnvironment;
use crate::error::CoreError;
use crate::session::Session;

/// The settings row's key (JSON of [`Settings`]).
const SETTINGS_KEY: &str = "app.settings";

/// The row holding the environment open last.
const ENVIRONMENT_KEY: &str = "app.environment";

/// The stored settings; defaults when none were saved. Unreadable stored settings (a
/// damaged row) fall back to the defaults rather than keep the app from starting.
///
/// # Errors
/// [`CoreError::Store`].
pub async fn load_settings(store: &Store) -> Result<Settings, CoreError> {
    let Some(text) = store.setting(SETTINGS_KEY).await? else {
        return Ok(Settings::default());
    };
    Ok(serde_json::from_str(&text).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "stored settings are unreadable; using the defaults");
        Settings::default()
    }))
}

/// Checks and stores `settings`; answers them as stored.
///
/// # Errors
/// [`CoreError::InvalidRequest`] for a custom tier of 0 or a blank watchlist ticker
/// (nothing is stored), or [`CoreError::Store`].
pub async fn save_settings(store: &Store, settings: &Settings) -> Result<Settings, CoreError> {
    if let Some(RateTier::Custom {
        read_per_sec,
        write_per_sec,
    }) = settings.rate_tier
        && (read_per_sec == 0 || write_per_sec == 0)
    {
        return Err(CoreError::InvalidRequest(
            "a custom rate-limit tier needs at least 1 request per second".into(),
        ));
    }
    if settings.watchlist.iter().any(|t| t.trim().is_empty()) {
        return Err(CoreError::InvalidRequest(
            "the watchlist holds a blank ticker".into(),
        ));
    }
    let text = serde_json::to_string(settings)
        .map_err(|e| CoreError::InvalidRequest(format!("settings cannot be saved: {e}")))?;
    store.set_setting(SETTINGS_KEY, &text).await?;
    load_settings(store).await
}

/// The client's tier for a configured one.
pub fn rate_tier(tier: RateTier) -> Tier {
    match tier {
        RateTier::Basic => Tier::Basic,
        RateTier::Advanced => Tier::Advanced,
        RateTier::Premier => Tier::Premier,
        RateTier::Prime => Tier::Prime,
        RateTier::Custom {
            read_per_sec,
            write_per_sec,
        } => Tier::Custom {
            read_per_sec,
            write_per_sec,
        },
    }
}

/// The UI's tier for the client's.
pub fn ui_rate_tier(tier: Tier) -> RateTier {
    match tier {
        Tier::Basic => RateTier::Basic,
        Tier::Advanced => RateTier::Advanced,
        Tier::Premier => RateTier::Premier,
        Tier::Prime => RateTier::Prime,
        Tier::Custom {
            read_per_sec,
            write_per_sec,
        } => RateTier::Custom {
            read_per_sec,
            write_per_sec,
        },
    }
}

/// The environment open last; `None` on a first run or an unknown name.
///
/// # Errors
/// [`CoreError::Store`].
pub async fn last_environment(store: &Store) -> Result<Option<DeskEnvironment>, CoreError> {
    Ok(store
        .setting(ENVIRONMENT_KEY)
        .await?
        .and_then(|name| DeskEnvironment::from_name(&name)))
}

/// Records the environment just opened.
///
/// # Errors
/// [`CoreError::Store`].
pub async fn set_last_environment(
    store: &Store,
    environment: DeskEnvironment,
) -> Result<(), CoreError> {
    Ok(store
        .set_setting(ENVIRONMENT_KEY, environment.as_str())
        .await?)
}

impl DeskEnvironment {
    /// The UI's name of the environment.
    pub const fn to_ui(self) -> Environment {
        match self {
            Self::Simulator => Environment::Simulator,
            Self::Demo => Environment::Demo,
            Self::Production => Environment::Production,
        }
    }

    /// The environment the UI names.
    pub const fn from_ui(environment: Environment) -> Self {
        match environment {
            Environment::Simulator => Self::Simulator,
            Environment::Demo => Self::Demo,
            Environment::Production => Self::Production,
        }
    }
}

impl Session {
    /// Applies a configured tier now (`None` keeps the tier in force until the next
    /// session reads the account's).
    pub fn apply_rate_tier(&self, tier: Option<RateTier>) {
        if let Some(tier) = tier {
            self.shared.link.client.set_tier(rate_tier(tier));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn settings_round_trip_and_bad_ones_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("s.sqlite")).await.unwrap();
        assert_eq!(load_settings(&store).await.unwrap(), Settings::default());
        let mine = Settings {
            confirm_orders: false,
            watchlist: vec!["KX-1".into()],
            rate_tier: Some(RateTier::Premier),
            ..Settings::default()
        };
        assert_eq!(save_settings(&store, &mine).await.unwrap(), mine);
        let bad = Settings {
            rate_tier: Some(RateTier::Custom {
                read_per_sec: 0,
                write_per_sec: 5,
            }),
            ..Settings::default()
        };
        assert!(matches!(
            save_settings(&store, &bad).await,
            Err(CoreError::InvalidRequest(_))
        ));
        let blank = Settings {
            watchlist: vec![" ".into()],
            ..Settings::default()
        };
        assert!(save_settings(&store, &blank).await.is_err());
        assert_eq!(
            load_settings(&store).await.unwrap(),
            mine,
            "refusals changed nothing"
        );
        assert_eq!(last_environment(&store).await.unwrap(), None);
        set_last_environment(&store, DeskEnvironment::Demo)
            .await
            .unwrap();
        assert_eq!(
            last_environment(&store).await.unwrap(),
            Some(DeskEnvironment::Demo)
        );
        store.close().await;
    }
}
