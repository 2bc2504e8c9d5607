//! Integration tests of the envelope format, one binary with a module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;
mod interop;
mod memory;
mod outside;
mod round_trip;
mod support;
mod testkit;
mod vectors;
