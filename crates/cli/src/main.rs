//! `pli`: send and receive end-to-end encrypted documents, and run the server.
//!
//! Thin glue: clap parses, `commands` calls `pli-client` and `pli-server`, and this file turns
//! the outcome into an exit status (0 success, 1 error, 2 usage) and an `error: ...` line.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser as _;

mod args;
mod commands;
mod format;
mod progress;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with status 2.
    let cli = args::Cli::parse();
    // Extraction of untrusted files runs alone in its process, under limits, without the
    // runtime's threads.
    if let args::Command::Extract(extract) = &cli.command {
        return commands::scan::extract_child(extract);
    }
    init_logging(matches!(cli.command, args::Command::Serve(_)));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(commands::run(cli));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The server logs requests at `info`; the client commands stay quiet unless `RUST_LOG` asks.
fn init_logging(server: bool) {
    // sqlx's "slow statement" warnings speak of full-table reads that `pli backup` and
    // `pli migrate` make on purpose.
    let default = if server {
        "info"
    } else {
        "warn,sqlx::query=error"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// A reader of our stdout went away (`pli inbox | head`): not an error worth a message.
/// Only stdout counts: a broken pipe to the server is a real error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.downcast_ref::<commands::StdoutClosed>().is_some()
}
