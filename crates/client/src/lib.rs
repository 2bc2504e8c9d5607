//! Pli client.
#![forbid(unsafe_code)]
