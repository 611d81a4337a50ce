//! Unit tests of the auth module: the published test vectors, sign-then-verify, the query
//! rule, every KeyError case and redaction.

use std::sync::Arc;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PSS_SHA256, RsaKeyPair, RsaPssSaltLength, RsaSignatureEncoding};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::*;

const KEY_A_PKCS1: &str = include_str!("../../test_data/keys/test_key_a.pkcs1.b64");
const KEY_A_PKCS8: &str = include_str!("../../test_data/keys/test_key_a.pkcs8.b64");
const KEY_A_SPKI: &str = include_str!("../../test_data/keys/test_key_a.spki.b64");
const KEY_B_SPKI: &str = include_str!("../../test_data/keys/test_key_b.spki.b64");

/// Public key of the kalshi-api.md §2.4 verification vectors (SPKI body).
const VECTOR_SPKI: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA08bP2ONc7BfFTzg45NFg
TUCs0Ojiobq7WAd3yH82BHyMn0f7oAswov8x2V3SELFvXSnt6MdgPx8k7xVPmIVH
mcMu0X5vYZC4RrdJdR9aU00KLD0jlfilcydV88mg+Upsez/1QcXkR3dkhmobjOAO
YwYNU2ql6Ko+nHWLEMRPAGPJfimhrfHDZdZgDxocCMnlG4YRCVrqswraqAE3i12e
K3ZMDO1eJP3AD5ltwDVhSCZ8MGsiO/KXnORDO0UzCzff3wZ9RCPmTBVCe+mQt28h
OJtQ/eO03SrqGDfPHbITWgGPAcGYZ3HHqgoiPZXf0WGjfAKpFzkyCiSXlH6sjBbf
IwIDAQAB";
const VECTOR_A_SIG: &str = "xdRVVv6r5B9Gner8cIPc8NzY0BSzoQxQ4emTs3oUUuSMySh1fHCAfisD8UFhhdJs2LyfgEsOokKfExECGiQdJMrnOMcAURbdyjEnhDdev1Gmw7zYyl3zXkU3pg5MpXBBghBwiI7tD/w/SsveCaNUK6yyhtYZD66O/z8Zg591b8aWeeCU65gDSkxKQOmJ5LVzEY+Uc0gxM5On58fgA0thgVPbg/r4x5vP3jWizUjcdOj8Gp57QCGqeZcefa2SW2isNb4X/8yLodXRxBOBGHKJZyE9f/izgC+VnukY77YOYEifCqUgplxuPzuhlnj+QjhBBRSlsW88hc/BSxarcPSwZA==";
const VECTOR_B_SIG: &str = "lWwVoF3qLAzUEtBu8BXuKrssN3qYjcfOg7WJTZB/koPO/h7claQ/8piWFoB5qpMW4RF1FOHuNNLZcHmD+IKcvXM3aYt9CcKZvyZ/ZYdOr785qSTFI7kImJA1NQwvqww21dOZdY8/LO3MM60G/0yreLRwaSd33ursDbv/m2/aHWswp7Zp131uz+NVO1SahNE13I7v8+DT+ScwJeYfcdruhzwvkd55KHfaKnIWDMJ5L7C37E34CWhhSwjT3hZA26bLhy0ibWqGrEDlw+oxZjvRg+P3xZM/ICjGv7vcjQfuq90FQouBZ7ljjXEnRgYH5NfgR1iGeMuOgQ+I2ZX8x2jBRg==";

fn armor(label: &str, body: &str) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.trim()
    )
}

fn key_a_pkcs1() -> String {
    armor("RSA PRIVATE KEY", KEY_A_PKCS1)
}

fn key_a_pkcs8() -> String {
    armor("PRIVATE KEY", KEY_A_PKCS8)
}

fn verifier_a() -> Verifier {
    Verifier::from_public_pem(&armor("PUBLIC KEY", KEY_A_SPKI)).unwrap()
}

fn vector_verifier() -> Verifier {
    Verifier::from_public_pem(&armor("PUBLIC KEY", VECTOR_SPKI)).unwrap()
}

#[test]
fn signing_message_is_timestamp_method_path() {
    assert_eq!(
        signing_message(1_703_123_456_789, "GET", "/trade-api/v2/portfolio/balance"),
        "1703123456789GET/trade-api/v2/portfolio/balance",
        "the documented pre-sign string: no separators"
    );
    assert_eq!(
        signing_message(
            1,
            "delete",
            "/trade-api/v2/portfolio/orders?limit=5&cursor=x"
        ),
        "1DELETE/trade-api/v2/portfolio/orders",
        "method upper-cased and query stripped"
    );
}

#[test]
fn published_vectors_verify() {
    let v = vector_verifier();
    v.verify(
        "1703123456789",
        "GET",
        "/trade-api/v2/portfolio/balance",
        VECTOR_A_SIG,
    )
    .expect("vector A (REST) verifies with salt 32");
    v.verify("1703123456789", "GET", "/trade-api/ws/v2", VECTOR_B_SIG)
        .expect("vector B (WS handshake) verifies with salt 32");
}

#[test]
fn tampering_fails() {
    let v = vector_verifier();
    let mut sig = STANDARD.decode(VECTOR_A_SIG).unwrap();
    sig[17] ^= 0x01;
    assert_eq!(
        v.verify_message(b"1703123456789GET/trade-api/v2/portfolio/balance", &sig),
        Err(VerifyError::Mismatch),
        "a one-bit change to the signature is rejected"
    );
    assert_eq!(
        v.verify(
            "1703123456790",
            "GET",
            "/trade-api/v2/portfolio/balance",
            VECTOR_A_SIG
        ),
        Err(VerifyError::Mismatch),
        "a different timestamp is a different message"
    );
    assert_eq!(
        v.verify("1703123456789", "GET", "/trade-api/ws/v2", VECTOR_A_SIG),
        Err(VerifyError::Mismatch),
        "vector A's signature does not cover vector B's path"
    );
    assert_eq!(
        v.verify(
            "1703123456789",
            "GET",
            "/trade-api/v2/portfolio/balance",
            "not base64!"
        ),
        Err(VerifyError::Base64)
    );
    assert_eq!(
        v.verify(
            "1703123456789",
            "GET",
            "/trade-api/v2/portfolio/balance",
            "AAAA"
        ),
        Err(VerifyError::Length {
            expected: 256,
            got: 3
        })
    );
}

#[test]
fn max_salt_signature_is_rejected() {
    // OpenSSL/Go default to the maximum salt length; Kalshi wants 32. The verifier must
    // notice the difference, which proves our signer's salt really is 32.
    const MAX_SALT: RsaSignatureEncoding =
        RSA_PSS_SHA256.with_pss_salt_length(RsaPssSaltLength::Max);
    let key = PrivateKey::from_pem(&key_a_pkcs1()).unwrap();
    let pair = RsaKeyPair::from_pkcs8(key.to_pkcs8_der().expose()).unwrap();
    let msg = b"1703123456789GET/trade-api/v2/portfolio/balance";
    let mut sig = vec![0u8; pair.public_modulus_len()];
    pair.sign(&MAX_SALT, &SystemRandom::new(), msg, &mut sig)
        .unwrap();
    assert_eq!(
        verifier_a().verify_message(msg, &sig),
        Err(VerifyError::Mismatch)
    );

    let ours = RsaPssSigner::new(&key).unwrap().sign(msg).unwrap();
    verifier_a()
        .verify_message(msg, &ours)
        .expect("our signer uses salt 32");
}

#[test]
fn pkcs1_and_pkcs8_are_the_same_key_and_both_sign() {
    let k1 = PrivateKey::from_pem(&key_a_pkcs1()).unwrap();
    let k8 = PrivateKey::from_pem(&key_a_pkcs8()).unwrap();
    assert_eq!(k1.bits(), 2048);
    assert_eq!(
        k1.to_pkcs8_der().expose(),
        k8.to_pkcs8_der().expose(),
        "same key"
    );
    assert_eq!(
        k1.public_key_pem(),
        armor("PUBLIC KEY", KEY_A_SPKI),
        "SPKI export matches the stored public key"
    );
    let v = verifier_a();
    for (form, pem) in [("PKCS#1", key_a_pkcs1()), ("PKCS#8", key_a_pkcs8())] {
        let creds = Credentials::from_pem("key-a", &pem).unwrap();
        let h = creds
            .headers("GET", "/trade-api/v2/portfolio/balance", 1_703_123_456_789)
            .unwrap();
        assert_eq!(h.key, "key-a");
        assert_eq!(h.timestamp, "1703123456789");
        assert_eq!(h.signature.len(), 344, "256 bytes -> 344 base64 chars");
        v.verify(
            &h.timestamp,
            "GET",
            "/trade-api/v2/portfolio/balance",
            &h.signature,
        )
        .unwrap_or_else(|e| panic!("{form} signature verifies: {e}"));
        assert!(
            Verifier::from_public_pem(&armor("PUBLIC KEY", KEY_B_SPKI))
                .unwrap()
                .verify(
                    &h.timestamp,
                    "GET",
                    "/trade-api/v2/portfolio/balance",
                    &h.signature
                )
                .is_err(),
            "another key's verifier rejects it"
        );
    }
}

#[test]
fn round_trip_through_pkcs8_der_and_pem() {
    let k = PrivateKey::from_pem(&key_a_pkcs1()).unwrap();
    let again = PrivateKey::from_pkcs8_der(k.to_pkcs8_der().expose()).unwrap();
    assert_eq!(again.to_pkcs8_der().expose(), k.to_pkcs8_der().expose());
    let from_pem = PrivateKey::from_pem(k.to_pkcs8_pem().expose()).unwrap();
    assert_eq!(from_pem.to_pkcs8_der().expose(), k.to_pkcs8_der().expose());
    // PKCS#1 public key form is accepted by the verifier too.
    let pkcs1_pub = {
        use rsa::pkcs1::EncodeRsaPublicKey as _;
        let der = k.public_key().to_pkcs1_der().unwrap();
        armor("RSA PUBLIC KEY", &STANDARD.encode(der.as_bytes()))
    };
    let v = Verifier::from_public_pem(&pkcs1_pub).unwrap();
    let creds = Credentials::from_pem("k", &key_a_pkcs1()).unwrap();
    let h = creds
        .headers("POST", "/trade-api/v2/portfolio/events/orders", 5)
        .unwrap();
    v.verify(
        "5",
        "POST",
        "/trade-api/v2/portfolio/events/orders",
        &h.signature,
    )
    .unwrap();
}

#[test]
fn generated_keys_sign_and_verify() {
    let k = PrivateKey::generate(2048).unwrap();
    assert_eq!(k.bits(), 2048);
    let v = Verifier::from_public_pem(&k.public_key_pem()).unwrap();
    let creds = Credentials::new("sim", Arc::new(RsaPssSigner::new(&k).unwrap()));
    let h = creds.headers("GET", "/trade-api/ws/v2", 42).unwrap();
    v.verify("42", "GET", "/trade-api/ws/v2", &h.signature)
        .unwrap();
    assert_eq!(
        PrivateKey::generate(1000).unwrap_err(),
        KeyError::UnsupportedGenerateSize { bits: 1000 }
    );
}

#[test]
fn two_signatures_of_one_message_differ() {
    let creds = Credentials::from_pem("k", &key_a_pkcs8()).unwrap();
    let a = creds.headers("GET", "/trade-api/v2/markets", 7).unwrap();
    let b = creds.headers("GET", "/trade-api/v2/markets", 7).unwrap();
    assert_ne!(a.signature, b.signature, "PSS uses a random salt");
    let v = verifier_a();
    v.verify("7", "GET", "/trade-api/v2/markets", &a.signature)
        .unwrap();
    v.verify("7", "GET", "/trade-api/v2/markets", &b.signature)
        .unwrap();
}

#[test]
fn query_string_is_not_signed() {
    let creds = Credentials::from_pem("k", &key_a_pkcs1()).unwrap();
    let h = creds
        .headers(
            "GET",
            "/trade-api/v2/portfolio/orders?limit=5&status=resting",
            9,
        )
        .unwrap();
    let v = verifier_a();
    v.verify("9", "GET", "/trade-api/v2/portfolio/orders", &h.signature)
        .expect("signature covers the path without the query");
    v.verify_message(
        b"9GET/trade-api/v2/portfolio/orders",
        &STANDARD.decode(&h.signature).unwrap(),
    )
    .expect("exact message has no query");
    assert!(
        v.verify_message(
            b"9GET/trade-api/v2/portfolio/orders?limit=5&status=resting",
            &STANDARD.decode(&h.signature).unwrap()
        )
        .is_err(),
        "the query is not part of the signed message"
    );
}

fn err(pem: &str) -> KeyError {
    PrivateKey::from_pem(pem).unwrap_err()
}

/// Every KeyError message names what was found and what is expected, and carries none of
/// the body characters of the input.
fn assert_message(e: &KeyError, found: &str, input: &str) {
    let msg = e.to_string();
    assert!(
        msg.contains(found),
        "message {msg:?} should mention {found:?}"
    );
    assert!(
        msg.contains("expected"),
        "message {msg:?} should say what is expected"
    );
    // Body lines only: armor and RFC 1421 header lines (with ':') are not key bytes.
    for line in input
        .lines()
        .filter(|l| l.len() >= 16 && !l.starts_with("-----") && !l.contains(':'))
    {
        assert!(
            !msg.contains(line.trim()),
            "message must not echo key bytes: {msg:?}"
        );
    }
}

#[test]
fn garbage_is_not_pem() {
    let input = "this is not a key at all\n";
    let e = err(input);
    assert_eq!(
        e,
        KeyError::NotPem {
            len: input.len(),
            expected: "an unencrypted RSA private key in PEM form (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)"
        }
    );
    assert_message(&e, "not a PEM file", input);
    // A bare base64 body (armor forgotten) is also "not PEM", and is not echoed.
    let bare = KEY_A_PKCS1.to_owned();
    assert_message(&err(&bare), "not a PEM file", &bare);
}

#[test]
fn encrypted_pems_are_named() {
    let pkcs8 = armor(
        "ENCRYPTED PRIVATE KEY",
        &STANDARD.encode([0x30u8, 0x03, 0x02, 0x01, 0x00]),
    );
    let e = err(&pkcs8);
    assert!(matches!(e, KeyError::Encrypted { .. }), "{e:?}");
    assert_message(&e, "encrypted", &pkcs8);

    let legacy = format!(
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n{}\n-----END RSA PRIVATE KEY-----\n",
        KEY_A_PKCS1.trim()
    );
    let e = err(&legacy);
    assert!(matches!(e, KeyError::Encrypted { .. }), "{e:?}");
    assert_message(&e, "Proc-Type", &legacy);
}

#[test]
fn public_key_given_for_private() {
    for label in ["PUBLIC KEY", "RSA PUBLIC KEY"] {
        let input = armor(label, KEY_A_SPKI);
        let e = err(&input);
        assert_eq!(
            e,
            KeyError::PublicKeyGiven {
                label: label.into()
            }
        );
        assert_message(&e, "public key", &input);
    }
    // And the converse for the verifier.
    let e = Verifier::from_public_pem(&key_a_pkcs1()).unwrap_err();
    assert_eq!(
        e,
        KeyError::PrivateKeyGiven {
            label: "RSA PRIVATE KEY".into()
        }
    );
    assert_message(&e, "private key", &key_a_pkcs1());
}

#[test]
fn truncated_or_corrupt_pem() {
    let full = key_a_pkcs1();
    // Cut in the middle: no END line.
    let cut = &full[..full.len() / 2];
    let e = err(cut);
    assert!(matches!(e, KeyError::Corrupt { .. }), "{e:?}");
    assert_message(&e, "truncated", cut);

    // END line present but half the body missing: valid base64 of an incomplete DER.
    let lines: Vec<&str> = KEY_A_PKCS1.lines().collect();
    let half = armor("RSA PRIVATE KEY", &lines[..lines.len() / 2].join("\n"));
    let e = err(&half);
    assert!(matches!(e, KeyError::Corrupt { .. }), "{e:?}");
    assert_message(&e, "PKCS#1", &half);

    let half8 = armor(
        "PRIVATE KEY",
        &KEY_A_PKCS8.lines().take(5).collect::<Vec<_>>().join("\n"),
    );
    let e = err(&half8);
    assert!(matches!(e, KeyError::Corrupt { .. }), "{e:?}");
    assert_message(&e, "PKCS#8", &half8);

    let not_b64 = armor("RSA PRIVATE KEY", "@@@@ not base64 @@@@");
    let e = err(&not_b64);
    assert!(matches!(e, KeyError::Corrupt { .. }), "{e:?}");
    assert_message(&e, "base64", &not_b64);
}

#[test]
fn non_rsa_keys() {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, Ed25519KeyPair};
    let rng = SystemRandom::new();
    let ec = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let input = armor("PRIVATE KEY", &STANDARD.encode(ec.as_ref()));
    let e = err(&input);
    assert_eq!(e, KeyError::NotRsa { found: "EC".into() });
    assert_message(&e, "EC", &input);

    let ed = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    let input = armor("PRIVATE KEY", &STANDARD.encode(ed.as_ref()));
    let e = err(&input);
    assert_eq!(
        e,
        KeyError::NotRsa {
            found: "Ed25519".into()
        }
    );
    assert_message(&e, "Ed25519", &input);

    let input = armor("EC PRIVATE KEY", &STANDARD.encode([0x30u8, 0x00]));
    assert!(matches!(err(&input), KeyError::NotRsa { .. }));

    let input = armor("OPENSSH PRIVATE KEY", &STANDARD.encode(b"openssh-key-v1\0"));
    let e = err(&input);
    assert!(matches!(e, KeyError::UnsupportedFormat { .. }), "{e:?}");
    assert_message(&e, "ssh-keygen", &input);
}

#[test]
fn too_small_key() {
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    use rsa::pkcs8::EncodePublicKey as _;
    let small = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 1024).unwrap();
    let pem = small.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    let e = err(&pem);
    assert_eq!(
        e,
        KeyError::TooSmall {
            bits: 1024,
            min_bits: 2048
        }
    );
    assert_message(&e, "1024-bit", &pem);

    let pub_pem = small
        .to_public_key()
        .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
        .unwrap();
    assert_eq!(
        Verifier::from_public_pem(&pub_pem).unwrap_err(),
        KeyError::TooSmall {
            bits: 1024,
            min_bits: 2048
        }
    );
}

#[test]
fn debug_prints_no_key_material() {
    let key = PrivateKey::from_pem(&key_a_pkcs1()).unwrap();
    let signer = RsaPssSigner::new(&key).unwrap();
    let creds = Credentials::new("key-id-1", Arc::new(RsaPssSigner::new(&key).unwrap()));
    let headers = creds.headers("GET", "/trade-api/v2/markets", 1).unwrap();
    let secret = key.to_pkcs8_der();
    let outputs = [
        format!("{key:?}"),
        format!("{signer:?}"),
        format!("{creds:?}"),
        format!("{headers:?}"),
        format!("{secret:?}"),
        format!("{secret}"),
        format!("{:?}", key.to_pkcs8_pem()),
    ];
    assert_eq!(outputs[1], "RsaPssSigner([redacted])");
    assert_eq!(
        outputs[2],
        "Credentials { key_id: \"key-id-1\", signer: [redacted] }"
    );
    assert_eq!(outputs[4], "[redacted]");
    let der_b64 = STANDARD.encode(secret.expose());
    for out in &outputs {
        assert!(out.contains("[redacted]"), "{out}");
        assert!(!out.contains(&der_b64[40..80]), "no key bytes in {out}");
        assert!(!out.contains(&headers.signature), "no signature in {out}");
        for line in KEY_A_PKCS1.lines() {
            assert!(!out.contains(line.trim()), "no PEM body in {out}");
        }
    }
}

#[test]
fn verifiers_are_equal_when_their_public_keys_are() {
    let a = verifier_a();
    let a_again =
        Verifier::from_public_key(PrivateKey::from_pem(&key_a_pkcs1()).unwrap().public_key());
    let b = Verifier::from_public_pem(&armor("PUBLIC KEY", KEY_B_SPKI)).unwrap();
    assert_eq!(a, a_again, "the same key from a private PEM");
    assert_ne!(a, b);
}
