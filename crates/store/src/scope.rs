//! `Scope`: which exchange environment and API key a piece of stored data belongs to.

use std::fmt;

/// The exchange deployment data came from. Stored as its lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Environment {
    /// The embedded `kalshi-sim` paper exchange.
    Simulator,
    /// Kalshi's demo exchange (play money, separate keys).
    Demo,
    /// The real exchange (real money).
    Production,
}

impl Environment {
    /// Every environment.
    pub const ALL: [Self; 3] = [Self::Simulator, Self::Demo, Self::Production];

    /// The stored (and displayed) name: `simulator`, `demo`, `production`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Simulator => "simulator",
            Self::Demo => "demo",
            Self::Production => "production",
        }
    }

    /// Reads a stored name; `None` for anything else.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Environment plus API key id: the partition every exchange-owned row lives in, so
/// switching environment or account never mixes orders, fills or balances.
///
/// The key id is the public identifier of an API key, never key material.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    /// Which exchange.
    pub environment: Environment,
    /// The API key id (the `KALSHI-ACCESS-KEY` value) of the account.
    pub key_id: String,
}

impl Scope {
    /// A scope for `environment` and `key_id`.
    pub fn new(environment: Environment, key_id: impl Into<String>) -> Self {
        Self {
            environment,
            key_id: key_id.into(),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.environment, self.key_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for env in Environment::ALL {
            assert_eq!(Environment::from_name(env.as_str()), Some(env));
        }
        assert_eq!(
            Environment::from_name("Production"),
            None,
            "names are exact"
        );
        assert_eq!(Scope::new(Environment::Demo, "k").to_string(), "demo/k");
    }
}
