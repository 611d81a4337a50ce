//! No part of the private key is ever written anywhere: after a whole session (add the key,
//! trade on the paper exchange, close) with logging at debug level, every file under the
//! data folder (database, paper exchange) and the log folder is searched for any 16-byte
//! run of the key in every form it takes: PKCS#1 and PKCS#8 DER, their base64 (standard
//! and URL-safe, i.e. the PEM bodies and the keychain's form), their hex, and the PEM texts.
//! Runs that are also part of the public key (the modulus, which the exchange keeps) are
//! left out, since the public key may be stored.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use desk_core::{
    AppEvent, CredentialStore, DeskEnvironment, MemoryCredentialStore, OrderTicket, Session,
    SessionConfig, SimulatorSetup, StoredKey,
};
use kalshi::auth::PrivateKey;
use kalshi::model::order::BookSide;
use kalshi::model::{Count, Price};
use kalshi_desk::logging;
use kalshi_sim::SimConfig;
use rsa::pkcs1::{EncodeRsaPrivateKey as _, EncodeRsaPublicKey as _};
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};

/// Length of a searched run.
const RUN: usize = 16;

/// Every form of some bytes a leak could take.
fn forms(der: &[u8]) -> Vec<Vec<u8>> {
    let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        der.to_vec(),
        STANDARD.encode(der).into_bytes(),
        URL_SAFE_NO_PAD.encode(der).into_bytes(),
        hex.clone().into_bytes(),
        hex.to_uppercase().into_bytes(),
    ]
}

/// Every run of [`RUN`] bytes of `text`.
fn runs(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.windows(RUN)
}

/// The runs of the private key that are not also runs of its public key.
fn secret_runs(key: &PrivateKey) -> HashSet<Vec<u8>> {
    let pkcs8 = key.to_pkcs8_der();
    let rsa = rsa::RsaPrivateKey::from_pkcs8_der(pkcs8.expose()).unwrap();
    let pkcs1 = rsa.to_pkcs1_der().unwrap();
    let pkcs8_pem = key.to_pkcs8_pem();
    let mut secret: Vec<Vec<u8>> = forms(pkcs8.expose());
    secret.extend(forms(pkcs1.as_bytes()));
    secret.push(pkcs8_pem.expose().as_bytes().to_vec());
    secret.push(common::key_a_pem().into_bytes());

    let public = rsa.to_public_key();
    let mut open: Vec<Vec<u8>> = forms(public.to_public_key_der().unwrap().as_bytes());
    open.extend(forms(public.to_pkcs1_der().unwrap().as_bytes()));
    open.push(key.public_key_pem().into_bytes());
    let open: HashSet<&[u8]> = open.iter().flat_map(|t| runs(t)).collect();

    let found: HashSet<Vec<u8>> = secret
        .iter()
        .flat_map(|t| runs(t))
        .filter(|run| !open.contains(run))
        .map(<[u8]>::to_vec)
        .collect();
    assert!(
        found.len() > 5000,
        "the key gives many runs: {}",
        found.len()
    );
    found
}

/// Files under `dir` holding a secret run, with the first run found.
fn leaks(dir: &Path, secret: &HashSet<Vec<u8>>) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            if let Some(run) = runs(&bytes).find(|run| secret.contains(*run)) {
                found.push((path, String::from_utf8_lossy(run).into_owned()));
            }
        }
    }
    found
}

fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() { files_under(&path) } else { 1 }
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_session_writes_no_part_of_the_private_key() {
    let root = tempfile::tempdir().unwrap();
    let (data, logs) = (root.path().join("data"), root.path().join("logs"));
    std::fs::create_dir_all(&data).unwrap();
    let guard = logging::init_with(&logs, tracing_subscriber::EnvFilter::new("debug")).unwrap();

    // Add the key (as the app does through its credential store), as a person pastes it.
    let key = PrivateKey::from_pem(&common::key_a_pem()).unwrap();
    let creds = Arc::new(MemoryCredentialStore::new());
    let stored = StoredKey::from_private_key(common::KEY_A, &key);
    creds.put(DeskEnvironment::Simulator, &stored).unwrap();
    // Careless logging of the key's holders must not print it either.
    tracing::debug!(?stored, credentials = ?creds, "the key as added");

    // Trade on the paper exchange (kept in the data folder), then close.
    let mut config =
        SessionConfig::new(DeskEnvironment::Simulator, data.join("desk.sqlite"), creds);
    config.simulator = SimulatorSetup::Paper(Box::new(SimConfig {
        markets: 5,
        keys: vec![common::key_b_public()],
        ..SimConfig::default()
    }));
    tracing::debug!(?config, "opening");
    let session = Session::open(config).await.unwrap();
    let mut events = session.events();
    common::wait_for(
        &mut events,
        |e| matches!(e, AppEvent::Synced(_)),
        "the catch-up",
    )
    .await;
    let b = common::counterparty(session.simulator_addr().unwrap());
    let ticker = common::first_market(&b).await;
    let placed = session
        .place_order(OrderTicket::limit(
            &ticker,
            BookSide::Bid,
            Price::parse("0.40").unwrap(),
            Count::from_contracts(3),
        ))
        .await
        .unwrap();
    common::take_bids(&b, &ticker, "0.40", 3).await;
    common::wait_for(
        &mut events,
        |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == placed.order_id),
        "the fill",
    )
    .await;
    session.close().await;
    drop(session);
    drop(guard); // flushes the log file

    assert!(
        data.join("desk.sqlite").is_file(),
        "the database was written"
    );
    assert!(
        std::fs::read_to_string(
            std::fs::read_dir(&logs)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path()
        )
        .unwrap()
        .contains("DEBUG"),
        "the log has the debug lines"
    );
    assert!(files_under(&data) >= 2, "database and paper exchange");

    let secret = secret_runs(&key);
    let found = leaks(root.path(), &secret);
    assert!(found.is_empty(), "key material written to {found:?}");

    // The search does find the key where it is: one planted run of each form.
    let planted = root.path().join("planted");
    std::fs::create_dir_all(&planted).unwrap();
    let pkcs8 = key.to_pkcs8_der();
    for (i, form) in forms(pkcs8.expose()).iter().enumerate() {
        let middle = form.len() / 2;
        std::fs::write(
            planted.join(format!("form-{i}")),
            [b"..." as &[u8], &form[middle..middle + RUN], b"..."].concat(),
        )
        .unwrap();
    }
    let line = common::KEY_A_PKCS1_B64.lines().nth(10).unwrap();
    std::fs::write(planted.join("pem-line"), line).unwrap();
    assert_eq!(
        leaks(&planted, &secret).len(),
        6,
        "every planted run is found"
    );
}
