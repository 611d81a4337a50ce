//! REST client behaviour tests.
