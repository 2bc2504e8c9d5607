#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Integration tests of the Pli server: stories, bad input, the route walker, randomized
//! probes, the audit trail, the OpenAPI document, and a real server on a port.

mod audit;
mod backend;
mod bad_input;
mod e2e;
mod helpers;
mod instances;
mod links;
mod mailbox_keys;
mod monitor;
mod openapi;
mod passkeys;
mod policy;
mod probes;
mod receipts;
mod requests;
mod resume;
mod security;
mod stories;
mod transparency;
mod walker;
mod web;
mod witnesses;
