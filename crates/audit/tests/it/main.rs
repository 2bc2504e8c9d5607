//! Integration tests of the audit log, one binary with a module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cosignatures;
mod entries;
mod log;
mod notes;
mod proofs;
mod support;
mod tampering;
mod vectors;
