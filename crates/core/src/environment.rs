//! `DeskEnvironment`: which exchange a session talks to, and the rule that real-money
//! orders need an explicit confirmation.

use std::fmt;

use crate::error::CoreError;

/// The exchange deployment a session trades on. Data of different environments never mix:
/// the store keys everything by [`DeskEnvironment::store_environment`] (and key id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeskEnvironment {
    /// The embedded `kalshi-sim` paper exchange (the default: usable with no account).
    Simulator,
    /// Kalshi's demo exchange (play money, demo API keys).
    Demo,
    /// The real exchange (real money): placing orders needs an explicit confirmation.
    Production,
}

impl DeskEnvironment {
    /// Every environment, default first.
    pub const ALL: [Self; 3] = [Self::Simulator, Self::Demo, Self::Production];

    /// The stable lower-case name (`simulator`, `demo`, `production`), the same as the
    /// store's environment names.
    pub const fn as_str(self) -> &'static str {
        self.store_environment().as_str()
    }

    /// Reads a name produced by [`DeskEnvironment::as_str`]; `None` for anything else.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// The store's partition for this environment.
    pub const fn store_environment(self) -> store::Environment {
        match self {
            Self::Simulator => store::Environment::Simulator,
            Self::Demo => store::Environment::Demo,
            Self::Production => store::Environment::Production,
        }
    }

    /// True where orders cost real money, so the UI must ask before switching here and
    /// the core refuses orders until the person has confirmed.
    pub const fn is_real_money(self) -> bool {
        matches!(self, Self::Production)
    }

    /// Whether an order may be sent, given whether the person confirmed real-money trading
    /// for this session.
    ///
    /// # Errors
    /// [`CoreError::ProductionNotConfirmed`] on production without confirmation.
    pub fn check_can_trade(self, confirmed: bool) -> Result<(), CoreError> {
        if self.is_real_money() && !confirmed {
            Err(CoreError::ProductionNotConfirmed)
        } else {
            Ok(())
        }
    }
}

impl fmt::Display for DeskEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_store() {
        for env in DeskEnvironment::ALL {
            assert_eq!(env.as_str(), env.store_environment().as_str());
            assert_eq!(DeskEnvironment::from_name(env.as_str()), Some(env));
        }
        assert_eq!(
            DeskEnvironment::from_name("Production"),
            None,
            "exact names only"
        );
    }

    #[test]
    fn production_needs_confirmation_to_trade() {
        assert!(DeskEnvironment::Simulator.check_can_trade(false).is_ok());
        assert!(DeskEnvironment::Demo.check_can_trade(false).is_ok());
        assert!(matches!(
            DeskEnvironment::Production.check_can_trade(false),
            Err(CoreError::ProductionNotConfirmed)
        ));
        assert!(DeskEnvironment::Production.check_can_trade(true).is_ok());
    }
}
