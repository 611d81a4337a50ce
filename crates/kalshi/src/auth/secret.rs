//! `Secret<T>`: a wrapper that keeps key material out of logs, errors and JSON.

use std::fmt;

use zeroize::Zeroize;

/// A value that must never be printed, logged or serialized, and is wiped from memory on drop.
///
/// `Debug` and `Display` print `[redacted]`; there is deliberately no `Serialize` impl, so
/// putting a secret into JSON is a compile error rather than a leak. The only way to read
/// the value is the explicit, greppable [`Secret::expose`].
pub struct Secret<T: Zeroize>(T);

impl<T: Zeroize> Secret<T> {
    /// Wraps `value`; from here on it is redacted in all formatting and zeroized on drop.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Borrows the secret value. Every call site is a place key material is handled, so
    /// keep them few and never pass the result to a formatter.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: Zeroize + Clone> Clone for Secret<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T: Zeroize> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// What every redacted value prints as.
pub(crate) const REDACTED: &str = "[redacted]";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new(String::from("hunter2"));
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(
            format!("{:?}", Some(&s)),
            "Some([redacted])",
            "nested Debug stays redacted"
        );
        assert_eq!(
            s.expose(),
            "hunter2",
            "expose is the one way to read the value"
        );
    }

    #[test]
    fn zeroize_clears_the_value() {
        // Drop calls zeroize; check that zeroize on the inner type really clears it.
        let mut bytes = vec![1u8, 2, 3];
        bytes.zeroize();
        assert!(bytes.is_empty(), "Vec zeroize clears and truncates");
        let s: Secret<Vec<u8>> = vec![9u8; 4].into();
        assert_eq!(s.expose().len(), 4);
        let c = s.clone();
        drop(s);
        assert_eq!(
            c.expose(),
            &vec![9u8; 4],
            "a clone is independent of the dropped original"
        );
    }
}
