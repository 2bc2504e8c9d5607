//! Integration tests of the envelope format, one binary with a module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod testkit;
