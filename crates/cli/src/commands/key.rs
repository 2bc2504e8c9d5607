//! `pli key export`.

use anyhow::Result;
use secrecy::ExposeSecret as _;

use super::{logged_in, print_line};
use crate::args::KeyCommand;

pub async fn run(command: KeyCommand) -> Result<()> {
    match command {
        KeyCommand::Export => export().await,
    }
}

/// Prints the age identity alone on stdout, in the format `age -d -i FILE` reads, so the
/// envelopes stay readable with stock tools.
async fn export() -> Result<()> {
    let session = logged_in(true).await?;
    let secret = session.keys()?.age_secret();
    print_line(secret.expose_secret())
}
