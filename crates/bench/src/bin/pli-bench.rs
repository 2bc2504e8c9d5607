//! Benchmark helpers: `seed` fills a data directory (or a PostgreSQL database) with an account
//! owning many envelopes and prints a bearer token for it; `invite` invites a first admin
//! offline, on either; `bare` serves a bare axum handler answering a page of
//! envelopes of the same shape as `GET /api/inbox`, the baseline Pli's inbox is compared with.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use base64::Engine;
use clap::{Parser, Subcommand};
use pli_proto::{EnvelopePage, EnvelopeSummary};
use pli_store::{Addressee, Id, NewAccount, NewEnvelope, NewInvitation, Role, Store};
use pli_store_postgres::PostgresStore;
use pli_store_sqlite::SqliteStore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

#[path = "pli-bench/audit.rs"]
mod audit;

#[derive(Parser)]
#[command(about = "Benchmark helpers for Pli")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Creates two accounts and N stored envelopes from one to the other; prints the
    /// recipient's bearer token (its blobs are not written: listings never read them).
    Seed {
        #[arg(long)]
        data: PathBuf,
        /// A PostgreSQL database to seed instead of the data directory's SQLite.
        #[arg(long)]
        database: Option<String>,
        #[arg(long, default_value_t = 10_000)]
        envelopes: u32,
    },
    /// Invites EMAIL as an agent of ORG (an admin with --admin), offline, and prints the
    /// invitation code.
    Invite {
        email: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        admin: bool,
        #[arg(long)]
        data: PathBuf,
        /// The PostgreSQL database of the deployment whose keys are in DATA.
        #[arg(long)]
        database: Option<String>,
    },
    /// Appends N audit events through the server's audit writer (Merkle log, one signed
    /// checkpoint per batch) into DATA, and the same rows with a plain batched INSERT into a
    /// fresh database beside it (or both into PostgreSQL databases, with `--database` and
    /// `--baseline-database`); then times inclusion proofs. Prints a Markdown table.
    Audit {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        #[arg(long, default_value_t = 10_000)]
        proofs: u32,
        /// Rounds the events are split into; the two sides alternate (which one goes first
        /// switches each round) so that load swings on a shared machine hit both.
        #[arg(long, default_value_t = 4)]
        rounds: u32,
        /// Writes through the audit writer into this PostgreSQL database instead of DATA's
        /// SQLite file (`postgres://...`); needs `--baseline-database`.
        #[arg(long, requires = "baseline_database")]
        database: Option<String>,
        /// The plain INSERT's PostgreSQL database, on the same server as `--database` and
        /// distinct from it.
        #[arg(long, requires = "database")]
        baseline_database: Option<String>,
    },
    /// Serves `GET /api/inbox` with a fixed page of 50 envelopes, as JSON.
    Bare {
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Args::parse().command {
        Command::Seed {
            data,
            database,
            envelopes,
        } => seed(&open(&data, database.as_deref()).await?, envelopes).await,
        Command::Invite {
            email,
            org,
            admin,
            data,
            database,
        } => {
            let store = open(&data, database.as_deref()).await?;
            let role = if admin { Role::Admin } else { Role::Agent };
            let code = pli_server::offline::Offline::with_store(&data, store)
                .invite(&email, &org, role, &[])
                .await?;
            println!("{code}");
            Ok(())
        }
        Command::Bare { listen } => bare(listen).await,
        Command::Audit {
            data,
            events,
            proofs,
            rounds,
            database,
            baseline_database,
        } => {
            let databases = database.zip(baseline_database);
            audit::run(&data, databases, events, proofs, rounds).await
        }
    }
}

/// The data directory's SQLite store, or the PostgreSQL database at `database`.
async fn open(data: &std::path::Path, database: Option<&str>) -> anyhow::Result<Arc<dyn Store>> {
    std::fs::create_dir_all(data).context("creating the data directory")?;
    Ok(match database {
        Some(url) => Arc::new(
            PostgresStore::connect(url)
                .await
                .context("opening the database")?,
        ),
        None => Arc::new(
            SqliteStore::open(&data.join("pli.db"))
                .await
                .context("opening the store")?,
        ),
    })
}

async fn seed(store: &Arc<dyn Store>, n_envelopes: u32) -> anyhow::Result<()> {
    let org = store.ensure_org("Bench").await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut accounts = Vec::new();
    for email in ["sender@bench.example", "reader@bench.example"] {
        let code_hash: [u8; 32] = Sha256::digest(email.as_bytes()).into();
        store
            .create_invitation(&NewInvitation {
                email: email.to_owned(),
                org_id: org.id,
                role: Role::Agent,
                mailbox_ids: Vec::new(),
                code_hash,
                expires_at: now + 3600,
            })
            .await?;
        let account = store
            .redeem_invitation(
                &code_hash,
                &NewAccount {
                    email: email.to_owned(),
                    kdf_salt: vec![0; 16],
                    kdf_m_kib: 19456,
                    kdf_t: 2,
                    kdf_p: 1,
                    auth_hash: [0; 32],
                    // Any well-formed recipient: listings never encrypt.
                    age_recipient: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
                        .to_owned(),
                    signing_key: [7; 32],
                    wrapped_keys: vec![0; 64],
                },
                now,
            )
            .await?;
        accounts.push(account);
    }
    let (sender, reader) = (&accounts[0], &accounts[1]);
    for i in 0..n_envelopes {
        let id = Id::random();
        store
            .create_envelope(&NewEnvelope {
                id,
                sender_id: sender.id,
                to: vec![Addressee::Account(reader.id)],
                size: 1024,
                created_at: now - i64::from(n_envelopes) + i64::from(i),
            })
            .await?;
        store.mark_stored(id, 1024).await?;
    }
    let mut token = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut token);
    // The server keeps the SHA-256 of the token as the client sends it (base64url).
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token);
    let token_hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    store
        .create_session(&token_hash, reader.id, now + 12 * 3600)
        .await?;
    println!("{token}");
    Ok(())
}

async fn bare(listen: SocketAddr) -> anyhow::Result<()> {
    let page = EnvelopePage {
        items: (0..50)
            .map(|i| EnvelopeSummary {
                id: format!("{i:032x}"),
                sender: "sender@bench.example".to_owned(),
                to: vec!["reader@bench.example".to_owned()],
                size: 1024,
                created_at: "2026-11-22T10:00:00Z".to_owned(),
                outside: None,
            })
            .collect(),
        next_cursor: Some("cursor".to_owned()),
    };
    let app = axum::Router::new().route(
        "/api/inbox",
        axum::routing::get(move || {
            let page = page.clone();
            async move { axum::Json(page) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("Listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
