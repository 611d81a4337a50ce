//! RSA-PSS request signing and credentials (owned by the auth/rest work).
