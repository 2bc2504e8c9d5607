//! SQLite implementation of the Pli store.
#![forbid(unsafe_code)]
