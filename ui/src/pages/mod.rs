//! One module per page.

pub mod history;
pub mod market;
pub mod markets;
pub mod orders;
pub mod portfolio;
pub mod settings;
