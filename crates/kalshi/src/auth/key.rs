//! RSA key loading and validation: PEM (PKCS#1 / PKCS#8 private, SPKI / PKCS#1 public),
//! key generation, and the precise [`KeyError`] a person sees when they pick the wrong file.

use std::fmt;

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, ObjectIdentifier, PrivateKeyInfo};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};

use super::pem::{self, ArmorError};
use super::secret::Secret;

/// Smallest RSA modulus accepted. Kalshi issues 2048-bit keys and the aws-lc-rs signer
/// refuses anything smaller, so a smaller key is rejected at load time, not first use.
pub const MIN_KEY_BITS: usize = 2048;
/// Largest RSA modulus accepted (the aws-lc-rs signer's upper bound).
pub const MAX_KEY_BITS: usize = 8192;

const EXPECTED_PRIVATE: &str =
    "an unencrypted RSA private key in PEM form (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)";
const EXPECTED_PUBLIC: &str =
    "an RSA public key in PEM form (BEGIN PUBLIC KEY or BEGIN RSA PUBLIC KEY)";

/// Why a key could not be loaded. Each message says what was found and what is expected;
/// none ever contains key bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The input has no `-----BEGIN …-----` line at all.
    #[error(
        "not a PEM file: no '-----BEGIN ...-----' line in {len} bytes of input; expected {expected}"
    )]
    NotPem {
        /// Length of the input in bytes (the content itself is never echoed).
        len: usize,
        /// What kind of key was expected here.
        expected: &'static str,
    },
    /// A password-protected private key; Kalshi keys are never encrypted, so the user
    /// has to decrypt it once (e.g. `openssl pkey -in key.pem -out plain.pem`).
    #[error(
        "found an encrypted private key ({found}); expected {EXPECTED_PRIVATE}. \
         Decrypt it first, e.g. `openssl pkey -in key.pem -out key-plain.pem`"
    )]
    Encrypted {
        /// How the encryption showed itself (label or header).
        found: &'static str,
    },
    /// A public key (or certificate) where the private key is needed.
    #[error(
        "found a public key (BEGIN {label}); expected {EXPECTED_PRIVATE}. \
         The private key is the file Kalshi let you download once when the API key was created"
    )]
    PublicKeyGiven {
        /// The PEM label found.
        label: String,
    },
    /// A private key where only a public key is expected (e.g. registering a key with
    /// the simulator); refusing it avoids copying secrets into places meant for public keys.
    #[error("found a private key (BEGIN {label}); expected {EXPECTED_PUBLIC}")]
    PrivateKeyGiven {
        /// The PEM label found.
        label: String,
    },
    /// PEM armor is present but the body does not decode: a truncated or damaged file.
    #[error(
        "found PEM armor (BEGIN {label}) but {problem}; expected a complete, unmodified {expected}"
    )]
    Corrupt {
        /// The PEM label found.
        label: String,
        /// What exactly is wrong (never contains body bytes).
        problem: &'static str,
        /// What kind of key was expected here.
        expected: &'static str,
    },
    /// A well-formed key of another algorithm (EC, Ed25519, …).
    #[error("found a {found} key; expected an RSA key (Kalshi API keys are RSA)")]
    NotRsa {
        /// The algorithm found.
        found: String,
    },
    /// An RSA key below [`MIN_KEY_BITS`].
    #[error("found a {bits}-bit RSA key; expected at least {min_bits} bits")]
    TooSmall {
        /// Modulus size found.
        bits: usize,
        /// Minimum accepted.
        min_bits: usize,
    },
    /// An RSA key above [`MAX_KEY_BITS`].
    #[error("found a {bits}-bit RSA key; expected at most {max_bits} bits")]
    TooLarge {
        /// Modulus size found.
        bits: usize,
        /// Maximum accepted.
        max_bits: usize,
    },
    /// A PEM block that holds neither kind of key we read (e.g. an OpenSSH key).
    #[error("found an unsupported PEM block (BEGIN {label}); expected {expected}{hint}")]
    UnsupportedFormat {
        /// The PEM label found.
        label: String,
        /// What kind of key was expected here.
        expected: &'static str,
        /// A conversion hint, possibly empty.
        hint: &'static str,
    },
    /// Key generation was asked for a size the backend cannot make.
    #[error(
        "cannot generate a {bits}-bit RSA key; supported sizes are 2048, 3072, 4096 and 8192 bits"
    )]
    UnsupportedGenerateSize {
        /// The requested size.
        bits: usize,
    },
    /// The crypto backend refused a key the parser accepted, or failed to generate/encode one.
    #[error(
        "the RSA key was rejected by the crypto backend ({reason}); expected {EXPECTED_PRIVATE}"
    )]
    Rejected {
        /// The backend's (key-free) reason.
        reason: String,
    },
}

/// An RSA private key, validated (size, consistency) and kept with its PKCS#8 DER form.
///
/// `rsa` reads the many PEM variants people hold and validates them; signing itself goes
/// through [`super::RsaPssSigner`] (aws-lc-rs), built from [`PrivateKey::to_pkcs8_der`].
/// Debug prints only the size.
pub struct PrivateKey {
    key: RsaPrivateKey,
    pkcs8: Secret<Vec<u8>>,
}

impl PrivateKey {
    /// Loads a private key from PEM text: PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8
    /// (`BEGIN PRIVATE KEY`).
    ///
    /// # Errors
    /// A specific [`KeyError`] for each way the input can be wrong: not PEM, encrypted,
    /// a public key, truncated/corrupt, not RSA, too small/large, unsupported format.
    pub fn from_pem(pem_text: &str) -> Result<Self, KeyError> {
        let armored =
            pem::parse(pem_text).map_err(|e| armor_error(e, pem_text.len(), EXPECTED_PRIVATE))?;
        let label = armored.label.as_str();
        let der = armored.der.expose();
        let key = match label {
            "RSA PRIVATE KEY" => {
                if armored.encrypted {
                    return Err(KeyError::Encrypted {
                        found: "BEGIN RSA PRIVATE KEY with Proc-Type: 4,ENCRYPTED",
                    });
                }
                RsaPrivateKey::from_pkcs1_der(der).map_err(|_| {
                    corrupt(
                        label,
                        "the body is not a valid PKCS#1 RSAPrivateKey",
                        EXPECTED_PRIVATE,
                    )
                })?
            }
            "PRIVATE KEY" => return Self::from_pkcs8_der(der),
            "ENCRYPTED PRIVATE KEY" => {
                return Err(KeyError::Encrypted {
                    found: "BEGIN ENCRYPTED PRIVATE KEY",
                });
            }
            "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => {
                return Err(KeyError::PublicKeyGiven {
                    label: armored.label.clone(),
                });
            }
            other => return Err(non_rsa_label(other, EXPECTED_PRIVATE)),
        };
        Self::from_rsa(key)
    }

    /// Loads a private key from unencrypted PKCS#8 DER (the form kept in the OS keychain).
    ///
    /// # Errors
    /// [`KeyError::Corrupt`] if the bytes are not PKCS#8, [`KeyError::NotRsa`] for another
    /// algorithm, [`KeyError::TooSmall`]/[`KeyError::TooLarge`] for a bad size.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        const LABEL: &str = "PRIVATE KEY";
        let info = PrivateKeyInfo::try_from(der).map_err(|_| {
            corrupt(
                LABEL,
                "the body is not a valid PKCS#8 PrivateKeyInfo",
                EXPECTED_PRIVATE,
            )
        })?;
        if info.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
            return Err(KeyError::NotRsa {
                found: algorithm_name(info.algorithm.oid),
            });
        }
        let key = RsaPrivateKey::try_from(info).map_err(|_| {
            corrupt(
                LABEL,
                "the PKCS#8 body does not hold a valid RSA key",
                EXPECTED_PRIVATE,
            )
        })?;
        Self::from_rsa(key)
    }

    /// Generates a fresh key (the simulator's first-run key). Uses aws-lc-rs, which is
    /// fast even in debug builds.
    ///
    /// # Errors
    /// [`KeyError::UnsupportedGenerateSize`] unless `bits` is 2048, 3072, 4096 or 8192;
    /// [`KeyError::Rejected`] if the backend fails.
    pub fn generate(bits: usize) -> Result<Self, KeyError> {
        use aws_lc_rs::encoding::AsDer as _;
        use aws_lc_rs::rsa::{KeyPair, KeySize};
        let size = match bits {
            2048 => KeySize::Rsa2048,
            3072 => KeySize::Rsa3072,
            4096 => KeySize::Rsa4096,
            8192 => KeySize::Rsa8192,
            _ => return Err(KeyError::UnsupportedGenerateSize { bits }),
        };
        let pair = KeyPair::generate(size).map_err(|_| rejected("key generation failed"))?;
        let der = pair
            .as_der()
            .map_err(|_| rejected("PKCS#8 encoding failed"))?;
        Self::from_pkcs8_der(der.as_ref())
    }

    fn from_rsa(key: RsaPrivateKey) -> Result<Self, KeyError> {
        check_bits(key.n().bits())?;
        key.validate().map_err(|_| {
            corrupt(
                "RSA PRIVATE KEY",
                "the key's numbers are inconsistent",
                EXPECTED_PRIVATE,
            )
        })?;
        let doc = key
            .to_pkcs8_der()
            .map_err(|_| rejected("PKCS#8 encoding failed"))?;
        let pkcs8 = Secret::new(doc.as_bytes().to_vec());
        Ok(Self { key, pkcs8 })
    }

    /// The key as unencrypted PKCS#8 DER, for storing in the OS keychain (base64 of this
    /// fits Windows Credential Manager's size limit) and for building the signer.
    pub fn to_pkcs8_der(&self) -> Secret<Vec<u8>> {
        self.pkcs8.clone()
    }

    /// The key as PKCS#8 PEM text (`BEGIN PRIVATE KEY`), e.g. to hand a generated key to
    /// a tool that reads PEM. Redacted in formatting like any other secret.
    pub fn to_pkcs8_pem(&self) -> Secret<String> {
        Secret::new(pem::encode("PRIVATE KEY", self.pkcs8.expose()))
    }

    /// The public half as SPKI PEM (`BEGIN PUBLIC KEY`), the form Kalshi and the
    /// simulator accept when registering a key.
    pub fn public_key_pem(&self) -> String {
        match self.key.to_public_key().to_public_key_der() {
            Ok(doc) => pem::encode("PUBLIC KEY", doc.as_bytes()),
            // Encoding a validated in-memory public key cannot fail; keep a non-panicking path.
            Err(_) => String::new(),
        }
    }

    /// The public half, for building a [`super::Verifier`] without a PEM round trip.
    pub fn public_key(&self) -> RsaPublicKey {
        self.key.to_public_key()
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.bits())
            .field("material", &format_args!("{}", super::secret::REDACTED))
            .finish()
    }
}

/// Loads an RSA public key from PEM: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`).
///
/// # Errors
/// A specific [`KeyError`] as for private keys; a private key gives [`KeyError::PrivateKeyGiven`].
pub fn public_key_from_pem(pem_text: &str) -> Result<RsaPublicKey, KeyError> {
    let armored =
        pem::parse(pem_text).map_err(|e| armor_error(e, pem_text.len(), EXPECTED_PUBLIC))?;
    let label = armored.label.as_str();
    let der = armored.der.expose();
    let key = match label {
        "PUBLIC KEY" => {
            let spki = SubjectPublicKeyInfoRef::try_from(der.as_slice()).map_err(|_| {
                corrupt(
                    label,
                    "the body is not a valid SubjectPublicKeyInfo",
                    EXPECTED_PUBLIC,
                )
            })?;
            if spki.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
                return Err(KeyError::NotRsa {
                    found: algorithm_name(spki.algorithm.oid),
                });
            }
            RsaPublicKey::try_from(spki).map_err(|_| {
                corrupt(
                    label,
                    "the SPKI body does not hold a valid RSA key",
                    EXPECTED_PUBLIC,
                )
            })?
        }
        "RSA PUBLIC KEY" => RsaPublicKey::from_pkcs1_der(der).map_err(|_| {
            corrupt(
                label,
                "the body is not a valid PKCS#1 RSAPublicKey",
                EXPECTED_PUBLIC,
            )
        })?,
        "RSA PRIVATE KEY"
        | "PRIVATE KEY"
        | "ENCRYPTED PRIVATE KEY"
        | "EC PRIVATE KEY"
        | "OPENSSH PRIVATE KEY" => {
            return Err(KeyError::PrivateKeyGiven {
                label: armored.label.clone(),
            });
        }
        other => return Err(non_rsa_label(other, EXPECTED_PUBLIC)),
    };
    check_bits(key.n().bits())?;
    Ok(key)
}

fn check_bits(bits: usize) -> Result<(), KeyError> {
    if bits < MIN_KEY_BITS {
        return Err(KeyError::TooSmall {
            bits,
            min_bits: MIN_KEY_BITS,
        });
    }
    if bits > MAX_KEY_BITS {
        return Err(KeyError::TooLarge {
            bits,
            max_bits: MAX_KEY_BITS,
        });
    }
    Ok(())
}

fn armor_error(e: ArmorError, len: usize, expected: &'static str) -> KeyError {
    match e {
        ArmorError::NoArmor => KeyError::NotPem { len, expected },
        ArmorError::MissingEnd { label } => KeyError::Corrupt {
            label,
            problem: "the END line is missing (the file looks truncated)",
            expected,
        },
        ArmorError::BadBody { label } => KeyError::Corrupt {
            label,
            problem: "the body is empty or not valid base64",
            expected,
        },
        ArmorError::LabelMismatch { label } => KeyError::Corrupt {
            label,
            problem: "the END line names a different label",
            expected,
        },
    }
}

fn corrupt(label: &str, problem: &'static str, expected: &'static str) -> KeyError {
    KeyError::Corrupt {
        label: label.to_owned(),
        problem,
        expected,
    }
}

fn rejected(reason: &str) -> KeyError {
    KeyError::Rejected {
        reason: reason.to_owned(),
    }
}

/// Classifies a PEM label that is not one of the RSA forms.
fn non_rsa_label(label: &str, expected: &'static str) -> KeyError {
    let algo = match label {
        "EC PRIVATE KEY" | "EC PARAMETERS" => Some("EC"),
        "DSA PRIVATE KEY" => Some("DSA"),
        _ => None,
    };
    if let Some(found) = algo {
        return KeyError::NotRsa {
            found: format!("{found} (BEGIN {label})"),
        };
    }
    let hint = if label == "OPENSSH PRIVATE KEY" {
        ". Convert an OpenSSH RSA key with `ssh-keygen -p -m PEM -f <file>`"
    } else {
        ""
    };
    KeyError::UnsupportedFormat {
        label: label.to_owned(),
        expected,
        hint,
    }
}

/// A human name for a key algorithm OID.
fn algorithm_name(oid: ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.10045.2.1" => "EC".to_owned(),
        "1.3.101.112" => "Ed25519".to_owned(),
        "1.3.101.113" => "Ed448".to_owned(),
        "1.3.101.110" => "X25519".to_owned(),
        "1.3.101.111" => "X448".to_owned(),
        "1.2.840.10040.4.1" => "DSA".to_owned(),
        "1.2.840.113549.1.1.10" => {
            "RSASSA-PSS-restricted RSA (OID 1.2.840.113549.1.1.10)".to_owned()
        }
        other => format!("non-RSA (algorithm OID {other})"),
    }
}
