//! The OS keychain for real: a Secret Service (gnome-keyring) on a private D-Bus session.
//! `cargo xtask test` runs these under `dbus-run-session` with an unlocked test keyring;
//! a plain `cargo test` skips them because they need that daemon.
#![allow(clippy::unwrap_used)]

use desk_core::{CredentialStore, DeskEnvironment, StoredKey};
use desk_core::{Session, SessionConfig, SimulatorSetup};
use kalshi::auth::PrivateKey;
use kalshi_desk::keychain::{KeychainStore, detect};
use kalshi_desk::keyring::KeyRing;
use kalshi_sim::SimConfig;

fn store() -> KeychainStore {
    KeychainStore::with_service(format!("kalshi-desk-test-{}", uuid_like()))
}

fn uuid_like() -> String {
    format!(
        "{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

fn key(id: &str) -> (StoredKey, PrivateKey) {
    let private = PrivateKey::generate(2048).unwrap();
    (StoredKey::from_private_key(id, &private), private)
}

#[test]
#[ignore = "needs an unlocked Secret Service on the session bus (cargo xtask test starts one)"]
fn keys_round_trip_per_environment_and_replace_cleanly() {
    let store = store();
    store.probe().expect("a keychain answers");
    assert!(store.get(DeskEnvironment::Demo).unwrap().is_none());

    let (demo, demo_private) = key("demo-key-1");
    store.put(DeskEnvironment::Demo, &demo).unwrap();
    let back = store.get(DeskEnvironment::Demo).unwrap().expect("stored");
    assert_eq!(back.key_id, "demo-key-1");
    assert_eq!(
        back.private_key().unwrap().public_key_pem(),
        demo_private.public_key_pem(),
        "the same RSA key comes back"
    );
    assert!(
        store.get(DeskEnvironment::Production).unwrap().is_none(),
        "environments are separate"
    );

    let (replacement, _) = key("demo-key-2");
    store.put(DeskEnvironment::Demo, &replacement).unwrap();
    assert_eq!(
        store.get(DeskEnvironment::Demo).unwrap().unwrap().key_id,
        "demo-key-2"
    );
    assert!(store.delete(DeskEnvironment::Demo).unwrap());
    assert!(store.get(DeskEnvironment::Demo).unwrap().is_none());
    assert!(
        !store.delete(DeskEnvironment::Demo).unwrap(),
        "deleting nothing succeeds"
    );
}

#[test]
#[ignore = "runs with no Secret Service on the bus (cargo xtask test arranges that)"]
fn without_a_keychain_the_error_says_so_plainly() {
    let err = store().probe().unwrap_err();
    assert!(
        matches!(err, desk_core::CredentialError::Unavailable(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("keychain"), "{err}");
}

#[tokio::test]
#[ignore = "runs with no Secret Service on the bus (cargo xtask test arranges that)"]
async fn without_a_keychain_keys_are_kept_for_the_session_only() {
    let detected = detect(store());
    let Err(reason) = &detected else {
        panic!("a keychain answered")
    };
    assert!(
        reason.contains("keychain"),
        "the person is told why: {reason}"
    );
    let ring = std::sync::Arc::new(KeyRing::new(detected));
    assert!(!ring.keychain_available());

    // A key added now works for the session (here: the simulator's, made on first open).
    let dir = tempfile::tempdir().unwrap();
    let credentials: std::sync::Arc<dyn CredentialStore> = ring.clone();
    let mut config = SessionConfig::new(
        DeskEnvironment::Simulator,
        dir.path().join("desk.sqlite"),
        credentials.clone(),
    );
    config.simulator = SimulatorSetup::Embedded(Box::new(SimConfig {
        markets: 3,
        ..SimConfig::default()
    }));
    let session = Session::open(config).await.unwrap();
    let key = credentials
        .get(DeskEnvironment::Simulator)
        .unwrap()
        .expect("the key is kept in memory");
    assert_eq!(session.scope().key_id, key.key_id);
    session.close().await;
}
