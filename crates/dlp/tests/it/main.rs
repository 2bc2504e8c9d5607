//! Integration tests of `pli-dlp`: the shared detector vectors and extraction of real and
//! hostile files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accuracy;
mod extraction;
mod vectors;
