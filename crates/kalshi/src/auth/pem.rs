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

/// The longest label we accept; real ones are at most `ENCRYPTED PRIVATE KEY` long.
const MAX_LABEL: usize = 64;

/// A label as RFC 7468 and OpenSSL write them (`RSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`).
/// Only such text is ever quoted back in an error, so a BEGIN line that runs into the key's
/// body (a paste whose line breaks were lost) can never echo key material.
fn is_label(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_LABEL
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
}

/// `input` with every `-----BEGIN …-----` and `-----END …-----` marker on a line of its own:
/// keys pasted from a web page, an environment variable or a chat often arrive with their
/// line breaks turned into spaces or dropped. Zeroized, as it holds the key's body.
fn unfold(input: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(input.len() + 8));
    let mut rest = input;
    loop {
        let next = ["-----BEGIN ", "-----END "]
            .iter()
            .filter_map(|marker| Some((rest.find(marker)?, marker.len())))
            .min();
        let Some((start, marker)) = next else {
            out.push_str(rest);
            return out;
        };
        let Some(close) = rest[start + marker..].find("-----") else {
            out.push_str(rest);
            return out;
        };
        let end = start + marker + close + "-----".len();
        out.push_str(&rest[..start]);
        out.push('\n');
        out.push_str(&rest[start..end]);
        out.push('\n');
        rest = &rest[end..];
    }
}

/// Reads the first PEM block of `input`.
pub(crate) fn parse(input: &str) -> Result<Armored, ArmorError> {
    let unfolded = unfold(input);
    let mut lines = unfolded.lines().map(str::trim);
    let label = loop {
        let Some(line) = lines.next() else {
            return Err(ArmorError::NoArmor);
        };
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
            .filter(|label| is_label(label))
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
        // Spaces inside a line are line breaks a paste collapsed; base64 has none.
        body.extend(line.chars().filter(|c| !c.is_whitespace()));
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
    fn pastes_that_lost_their_line_breaks_still_read() {
        let der: Vec<u8> = (0..=255u8).cycle().take(600).collect();
        let pem = encode("PRIVATE KEY", &der);
        for folded in [
            pem.replace('\n', " "),
            pem.replace('\n', ""),
            pem.replace('\n', "\r\n  "),
        ] {
            let a = parse(&folded).unwrap_or_else(|e| panic!("{e:?}: {folded:.60}"));
            assert_eq!(a.label, "PRIVATE KEY");
            assert_eq!(a.der.expose(), &der);
        }
    }

    #[test]
    fn a_label_that_runs_into_the_body_is_never_quoted() {
        // A BEGIN line that runs straight into the body (its closing dashes lost): no
        // label can be told from the body, and nothing of the body may be reported.
        let body = "c2VjcmV0LWtleS1tYXRlcmlhbA";
        let pasted = format!("-----BEGIN PRIVATE KEY{body}-----END PRIVATE KEY-----");
        let e = parse(&pasted).map(|_| ()).unwrap_err();
        assert!(!format!("{e:?}").contains(body), "{e:?}");
        assert_eq!(e, ArmorError::NoArmor);
        assert!(!is_label("PRIVATE KEY-----c2VjcmV0-----END PRIVATE KEY"));
        assert!(is_label("RSA PRIVATE KEY"));
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
