//! [`AppState`]: what the commands share (Tauri managed state): the open session and how
//! to open another, the credentials, the settings store, the market views, the event
//! subscribers and the [`Bus`].
//!
//! One session at a time. Switching closes the old one (its views dropped, its event
//! forwarding stopped) before the new one opens, because the Simulator's paper exchange
//! can be open only once; data never mixes, the store keys it by environment and key.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use desk_core::{
    AppError, CoreError, CredentialStore, DeskEnvironment, ErrorCode, Session, SessionConfig,
    SimulatorSetup, Tuning, settings,
};
use ipc::commands::settings::Settings;
use store::Store;
use tokio::sync::{Mutex, OwnedRwLockWriteGuard, RwLock};

use crate::bus::Bus;
use crate::events::Subscribers;
use crate::keyring::KeyRing;
use crate::views::Views;

/// How the app is set up: the defaults in the app, temp dirs and memory keys in tests.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// The data folder; `None` = [`crate::paths::data_dir`].
    pub data_dir: Option<PathBuf>,
    /// The keychain; `None` = the OS keychain ([`crate::keychain::KeychainStore`]).
    pub keychain: Option<Keychain>,
    /// How the Simulator is reached.
    pub simulator: SimulatorSetup,
    /// Other URLs for Demo or Production (a proxy, or a test exchange).
    pub endpoints: HashMap<DeskEnvironment, kalshi::env::Environment>,
    /// Session timing.
    pub tuning: Tuning,
}

/// The keychain the app keeps keys in.
#[derive(Debug, Clone)]
pub enum Keychain {
    /// This store (tests use a memory store standing in for the OS keychain).
    Store(Arc<dyn CredentialStore>),
    /// None is available, with why (session-only keys).
    Unavailable(String),
}

/// The commands' shared state.
#[derive(Debug)]
pub struct AppState {
    /// The app-wide streams the desktop parts read.
    pub bus: Arc<Bus>,
    /// Credentials: session keys, then the keychain.
    pub keys: Arc<KeyRing>,
    /// The database, for the app's own rows (settings, last environment).
    pub store: Store,
    /// Open market views.
    pub views: Views,
    /// The windows' event channels.
    pub subscribers: Arc<Subscribers>,
    options: AppOptions,
    store_path: PathBuf,
    session: Arc<RwLock<Option<Arc<Session>>>>,
    switching: Mutex<()>,
}

impl AppState {
    /// Opens the store in `data_dir` (created if missing) and loads the settings.
    ///
    /// # Errors
    /// The store's error for an unusable file (never modified), or an uncreatable folder.
    pub async fn init(data_dir: PathBuf, options: AppOptions) -> Result<Self, AppError> {
        std::fs::create_dir_all(&data_dir).map_err(|e| {
            AppError::new(
                ErrorCode::StorageFailed,
                format!(
                    "The data folder {} cannot be created: {e}.",
                    data_dir.display()
                ),
            )
        })?;
        let store_path = crate::paths::store_path(&data_dir);
        let store = Store::open(&store_path)
            .await
            .map_err(|e| AppError::from(CoreError::from(e)))?;
        let settings = settings::load_settings(&store).await?;
        let keychain = match &options.keychain {
            Some(Keychain::Store(k)) => Ok(k.clone()),
            Some(Keychain::Unavailable(why)) => Err(why.clone()),
            None => crate::keychain::detect(crate::keychain::KeychainStore::new()),
        };
        Ok(Self {
            bus: Arc::new(Bus::new(settings)),
            keys: Arc::new(KeyRing::new(keychain)),
            store,
            views: Views::default(),
            subscribers: Arc::new(Subscribers::default()),
            options,
            store_path,
            session: Arc::new(RwLock::new(None)),
            switching: Mutex::new(()),
        })
    }

    /// The open session.
    ///
    /// # Errors
    /// `session_closed` while none is open (the start-up one failed, or a switch did).
    pub async fn session(&self) -> Result<Arc<Session>, AppError> {
        self.session.read().await.clone().ok_or_else(|| {
            AppError::new(
                ErrorCode::SessionClosed,
                "No environment is open. Choose one in Settings.",
            )
        })
    }

    /// The session config of `environment`.
    pub fn config(&self, environment: DeskEnvironment, confirmed: bool) -> SessionConfig {
        let keys: Arc<dyn CredentialStore> = self.keys.clone();
        let mut config = SessionConfig::new(environment, &self.store_path, keys);
        config.simulator = self.options.simulator.clone();
        config.endpoint = self.options.endpoints.get(&environment).cloned();
        config.production_confirmed = confirmed && environment.is_real_money();
        config.tuning = self.options.tuning.clone();
        if let Some(tier) = self.bus.settings().borrow().rate_tier {
            config.tuning.tier = Some(settings::rate_tier(tier));
        }
        config
    }

    /// The URLs a key check for `environment` goes to, when overridden.
    pub fn endpoint(&self, environment: DeskEnvironment) -> Option<kalshi::env::Environment> {
        self.options.endpoints.get(&environment).cloned()
    }

    /// Takes the session slot for the start-up open, before any command can look.
    pub fn reserve(&self) -> Option<OwnedRwLockWriteGuard<Option<Arc<Session>>>> {
        self.session.clone().try_write_owned().ok()
    }

    /// Opens the environment used last (the Simulator on a first run) into the reserved
    /// slot, falling back to the Simulator if that fails.
    pub async fn open_initial(&self, mut slot: OwnedRwLockWriteGuard<Option<Arc<Session>>>) {
        let last = settings::last_environment(&self.store)
            .await
            .ok()
            .flatten()
            .unwrap_or(DeskEnvironment::Simulator);
        let mut tried = vec![last];
        if last != DeskEnvironment::Simulator {
            tried.push(DeskEnvironment::Simulator);
        }
        for environment in tried {
            match self.start(environment, false).await {
                Ok(session) => {
                    *slot = Some(session);
                    return;
                }
                Err(e) => {
                    tracing::warn!(%environment, error = %e, "could not open the environment");
                    self.bus.publish(ipc::AppEvent::Error(e));
                }
            }
        }
    }

    /// Closes the open session (views, forwarding) and opens `environment`. If that fails,
    /// the previous environment is opened again (best effort) and the error answered.
    ///
    /// # Errors
    /// `no_credentials` before anything is closed when the environment has no key; the
    /// session's open errors.
    pub async fn switch(
        &self,
        environment: DeskEnvironment,
        confirmed: bool,
    ) -> Result<Arc<Session>, AppError> {
        let _one_at_a_time = self.switching.lock().await;
        if environment != DeskEnvironment::Simulator {
            let keys = self.keys.clone();
            let has_key = tokio::task::spawn_blocking(move || keys.get(environment))
                .await
                .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?
                .map_err(CoreError::from)?;
            if has_key.is_none() {
                return Err(CoreError::NoCredentials(environment).into());
            }
        }
        let mut slot = self.session.write().await;
        let previous = slot.take();
        self.views.close_all();
        if let Some(old) = &previous {
            old.close().await;
        }
        self.bus.set_environment(None);
        match self.start(environment, confirmed).await {
            Ok(session) => {
                *slot = Some(session.clone());
                Ok(session)
            }
            Err(e) => {
                if let Some(old) = previous {
                    let back = old.environment();
                    drop(old);
                    if let Ok(session) = self.start(back, false).await {
                        *slot = Some(session);
                    }
                }
                Err(e)
            }
        }
    }

    /// Starts the Simulator's paper account over: closes the Simulator session, makes a new
    /// key (a new exchange and store scope), and opens it.
    ///
    /// # Errors
    /// `invalid_request` off the Simulator; the core's errors.
    pub async fn reset_paper_account(&self) -> Result<Arc<Session>, AppError> {
        let _one_at_a_time = self.switching.lock().await;
        let mut slot = self.session.write().await;
        match slot.as_ref().map(|s| s.environment()) {
            Some(DeskEnvironment::Simulator) => {}
            _ => {
                return Err(CoreError::InvalidRequest(
                    "only the Simulator's paper account can be reset".into(),
                )
                .into());
            }
        }
        self.views.close_all();
        if let Some(old) = slot.take() {
            old.close().await;
        }
        let reset =
            desk_core::reset_paper_account(&self.config(DeskEnvironment::Simulator, false)).await;
        let session = self.start(DeskEnvironment::Simulator, false).await?;
        *slot = Some(session.clone());
        reset?;
        Ok(session)
    }

    /// Opens a session, starts forwarding its events and records it as the last used.
    async fn start(
        &self,
        environment: DeskEnvironment,
        confirmed: bool,
    ) -> Result<Arc<Session>, AppError> {
        let session = Arc::new(Session::open(self.config(environment, confirmed)).await?);
        crate::events::forward(&session, self.bus.clone(), self.subscribers.clone());
        self.bus.set_environment(Some(environment.to_ui()));
        if let Err(e) = settings::set_last_environment(&self.store, environment).await {
            tracing::warn!(error = %e, "could not record the environment");
        }
        Ok(session)
    }

    /// Saves the settings and applies them (bus, the open session's tier).
    ///
    /// # Errors
    /// `invalid_request` for invalid values (nothing changes), or the store's error.
    pub async fn save_settings(&self, new: &Settings) -> Result<Settings, AppError> {
        let saved = settings::save_settings(&self.store, new).await?;
        self.bus.set_settings(saved.clone());
        if let Some(session) = self.session.read().await.clone() {
            session.apply_rate_tier(saved.rate_tier);
        }
        Ok(saved)
    }

    /// Closes the session and the store (at exit).
    pub async fn shutdown(&self) {
        self.views.close_all();
        if let Some(session) = self.session.write().await.take() {
            session.close().await;
        }
        self.store.close().await;
    }
}
