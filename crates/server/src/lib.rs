//! The Pli server.
#![forbid(unsafe_code)]
