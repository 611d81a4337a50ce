//! Signing speed of one REST request (RSA-2048, PSS-SHA256, salt 32): the production
//! signer (aws-lc-rs) against the pure-Rust `rsa` crate it replaced. design.md "Signing
//! speed" has the reference figures; the goal is within 1.3x of OpenSSL.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use kalshi::auth::{Credentials, PrivateKey, RsaPssSigner, Signer, signing_message};
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pss::BlindedSigningKey;
use rsa::sha2::Sha256;
use rsa::signature::RandomizedSigner as _;

/// Test key A, armored at runtime so no PEM block is committed.
fn key_a_pem() -> String {
    let body = include_str!("../test_data/keys/test_key_a.pkcs1.b64");
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        body.trim()
    )
}

fn sign(c: &mut Criterion) {
    let pem = key_a_pem();
    let message = signing_message(1_703_123_456_789, "GET", "/trade-api/v2/portfolio/balance");
    let mut group = c.benchmark_group("sign");

    let signer = RsaPssSigner::new(&PrivateKey::from_pem(&pem).unwrap()).unwrap();
    group.bench_function("aws_lc_rs_pss", |b| {
        b.iter(|| signer.sign(black_box(message.as_bytes())).unwrap())
    });

    let creds = Credentials::new("key-a", Arc::new(RsaPssSigner::from_pem(&pem).unwrap()));
    group.bench_function("credentials_headers", |b| {
        b.iter(|| {
            creds
                .headers(
                    black_box("GET"),
                    black_box("/trade-api/v2/portfolio/balance"),
                    1_703_123_456_789,
                )
                .unwrap()
        })
    });

    let key = rsa::RsaPrivateKey::from_pkcs1_pem(&pem).unwrap();
    let blinded = BlindedSigningKey::<Sha256>::new(key);
    let mut rng = rand::rngs::OsRng;
    group.bench_function("rsa_crate_blinded_pss", |b| {
        b.iter(|| blinded.sign_with_rng(&mut rng, black_box(message.as_bytes())))
    });
    group.finish();
}

criterion_group!(benches, sign);
criterion_main!(benches);
