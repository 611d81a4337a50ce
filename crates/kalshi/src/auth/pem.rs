//! Minimal PEM armor reader that classifies what it found (label, encryption headers)
//! before any key parsing, so callers can explain a wrong file precisely.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use zeroize::Zeroizing;

use super::secret::Secret;

/// One decoded PEM block.
pub(crate) struct Armored {
    /// The text between `-----BEGIN ` and `-----`, e.g. `RSA PRIVATE KEY`.
    pub label: String,
    /// An RFC 1421 `Proc-Type: 4,ENCRYPTED` header was present.
    pub encrypted: bool,
    /// The base64-decoded body (key material, hence zeroized on drop).
    pub der: Secret<Vec<u8>>,
}

/// Why the armor could not be read. Never carries body bytes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ArmorError {
    /// No `-----BEGIN …-----` line at all.
    NoArmor,
    /// A BEGIN line but no matching END line: the file was cut short.
    MissingEnd { label: String },
    /// The body between the lines is not valid base64 (or is empty).
    BadBody { label: String },
    /// A BEGIN line whose END line carries a different label.
    LabelMismatch { label: String },
}

/// Reads the first PEM block of `input`.
pub(crate) fn parse(input: &str) -> Result<Armored, ArmorError> {
    let mut lines = input.lines().map(str::trim);
    let label = loop {
        let Some(line) = lines.next() else {
            return Err(ArmorError::NoArmor);
        };
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
        {
            break label.to_owned();
        }
    };

    let mut encrypted = false;
    // Capacity for the whole input up front, so growth never leaves an unzeroized copy.
    let mut body = Zeroizing::new(String::with_capacity(input.len()));
    let mut ended = false;
    for line in lines.by_ref() {
        if let Some(end) = line
            .strip_prefix("-----END ")
            .and_then(|rest| rest.strip_suffix("-----"))
        {
            if end != label {
                return Err(ArmorError::LabelMismatch { label });
            }
            ended = true;
            break;
        }
        if line.starts_with("-----") {
            // Another BEGIN before our END: the first block was cut short.
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            // RFC 1421 header; base64 never contains ':'.
            if name.trim().eq_ignore_ascii_case("Proc-Type") && value.contains("ENCRYPTED") {
                encrypted = true;
            }
            continue;
        }
        body.push_str(line);
    }
    if !ended {
        return Err(ArmorError::MissingEnd { label });
    }
    if body.is_empty() {
        return Err(ArmorError::BadBody { label });
    }
    match STANDARD.decode(body.as_bytes()) {
        Ok(der) => Ok(Armored {
            label,
            encrypted,
            der: Secret::new(der),
        }),
        Err(_) => Err(ArmorError::BadBody { label }),
    }
}

/// Wraps DER bytes in PEM armor with 64-character lines.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_headers() {
        let pem = encode("RSA PRIVATE KEY", b"hello der");
        let a = parse(&pem).unwrap();
        assert_eq!(a.label, "RSA PRIVATE KEY");
        assert!(!a.encrypted);
        assert_eq!(a.der.expose(), b"hello der");

        let enc = "-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\nDEK-Info: AES-128-CBC,00\r\n\r\naGVsbG8=\r\n-----END RSA PRIVATE KEY-----\r\n";
        assert!(
            parse(enc).unwrap().encrypted,
            "Proc-Type ENCRYPTED is detected, CRLF tolerated"
        );
    }

    #[test]
    fn classifies_broken_armor() {
        assert!(matches!(parse("just text"), Err(ArmorError::NoArmor)));
        assert!(matches!(
            parse("-----BEGIN PRIVATE KEY-----\naGVsbG8=\n"),
            Err(ArmorError::MissingEnd { .. })
        ));
        assert!(matches!(
            parse("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----"),
            Err(ArmorError::BadBody { .. })
        ));
        assert!(matches!(
            parse("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----"),
            Err(ArmorError::BadBody { .. })
        ));
        assert!(matches!(
            parse("-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PUBLIC KEY-----"),
            Err(ArmorError::LabelMismatch { .. })
        ));
    }
}
