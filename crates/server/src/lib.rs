//! The Pli server: the HTTP API over a metadata [`Store`](pli_store::Store) and a
//! [`BlobStore`](pli_blob::BlobStore), one authorization function ([`authz::authorize`]) and
//! an audit trail written with group commit.
//!
//! The server only ever holds ciphertext and routing metadata: envelopes are encrypted on the
//! sender's machine and the server never receives a password or a private key.
//!
//! ```no_run
//! # async fn run() -> Result<(), pli_server::ServerError> {
//! let config = pli_server::Config::with_defaults("pli-data".into(), "127.0.0.1:8080".parse().unwrap());
//! pli_server::serve(config).await
//! # }
//! ```
#![forbid(unsafe_code)]

pub mod audit;
pub mod audit_rows;
pub mod auth;
pub mod authz;
pub mod config;
pub mod error;
pub mod monitor;
pub mod notify;
pub mod offline;
pub mod openapi;
pub mod passkeys;
pub mod retention;
pub mod routes;
pub mod second_factor;
pub mod state;
pub mod throttle;
pub mod validate;
pub mod web;

pub use config::{
    BlobLocation, Config, DEFAULT_MAX_ENVELOPE_SIZE, DatabaseUrl, NotifyConfig, TlsFiles,
};
pub use error::{ApiError, ServerError};
pub use state::{AppState, ServerKey, open_state};

use crate::error::ErrorInfo;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use pli_proto::ErrorBody;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Largest JSON body: requests carry metadata and keys only, never content.
pub const MAX_JSON_BODY: usize = 64 * 1024;
/// How often abandoned pending uploads are looked for.
const CLEANUP_EVERY: Duration = Duration::from_secs(3600);
/// How often expired memberships and grants become removals (they give nothing once expired
/// in any case; this makes mailbox keys stale for the remaining members).
const EXPIRE_EVERY: Duration = Duration::from_secs(60);
/// How long open connections get to finish on shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The whole HTTP API and the web pages over `state`, as served over plain HTTP.
pub fn router(state: AppState) -> Router {
    router_over(state, web::Transport::Plain)
}

/// The whole HTTP API and the web pages over `state`; over TLS, responses also carry HSTS.
pub fn router_over(state: AppState, transport: web::Transport) -> Router {
    let (api, _) = openapi::api_router().split_for_parts();
    api.merge(web::routes())
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(middleware::from_fn(request_id))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            web::security_headers(transport, request, next)
        }))
        .with_state(state)
}

/// Opens the data directory, binds, prints `Listening on http://ADDR` (or `https://`) on
/// stdout, and serves until Ctrl-C or SIGTERM, letting open requests finish.
pub async fn serve(config: Config) -> Result<(), ServerError> {
    let state = open_state(&config).await?;
    let logged = routes::keys::log_keys_made_before_logging(&state, &config.data_dir)
        .await
        .map_err(|error| {
            ServerError::Invalid(format!("logging the directory's keys: {}", error.detail()))
        })?;
    if logged > 0 {
        tracing::info!(
            logged,
            "keys made before key logging are now in the audit log"
        );
    }
    let tls = match &config.tls {
        Some(files) => Some(tls_config(files).await?),
        None => None,
    };
    let listener =
        std::net::TcpListener::bind(config.listen).map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let public_url = match &config.public_url {
        Some(url) => url.clone(),
        None => format!("{scheme}://{addr}"),
    };
    let state = state.with_public_url(&public_url);

    let handle = axum_server::Handle::new();
    tokio::spawn(shutdown_on_signal(handle.clone()));
    let cleanup = tokio::spawn(clean_periodically(state.clone()));
    let retention = tokio::spawn(prune_periodically(
        state.clone(),
        config.audit_retention_days,
    ));
    let transport = if tls.is_some() {
        web::Transport::Tls
    } else {
        web::Transport::Plain
    };
    let app =
        router_over(state.clone(), transport).into_make_service_with_connect_info::<SocketAddr>();

    announce(&format!("Listening on {scheme}://{addr}"))?;
    tracing::info!(%addr, scheme, "serving");

    let served = match tls {
        None => {
            axum_server::from_tcp(listener)
                .handle(handle)
                .serve(app)
                .await
        }
        Some(tls) => {
            axum_server::from_tcp_rustls(listener, tls)
                .handle(handle)
                .serve(app)
                .await
        }
    };
    cleanup.abort();
    retention.abort();
    if let Err(error) = state.save_monitor_baselines().await {
        tracing::error!(%error, "saving the flow monitor's baselines failed");
    }
    if let Err(error) = monitor::sync(&state).await {
        tracing::error!(%error, "writing the flow monitor's journal failed");
    }
    state.flush_audit().await;
    served.map_err(ServerError::Io)
}

/// Prints the one line scripts wait for, flushed at once (a sync function, so the stdout lock
/// never lives across an await and `serve` stays `Send`).
fn announce(line: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}

async fn tls_config(
    files: &TlsFiles,
) -> Result<axum_server::tls_rustls::RustlsConfig, ServerError> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|error| {
            ServerError::Tls(format!(
                "cannot read the certificate {}: {error}",
                files.cert.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(ServerError::Tls(format!(
            "no certificate in {}",
            files.cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|error| {
        ServerError::Tls(format!(
            "cannot read the private key {}: {error}",
            files.key.display()
        ))
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| ServerError::Tls(error.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|error| ServerError::Tls(format!("certificate and key do not match: {error}")))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(axum_server::tls_rustls::RustlsConfig::from_config(
        Arc::new(config),
    ))
}

async fn shutdown_on_signal(handle: axum_server::Handle) {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
    handle.graceful_shutdown(Some(SHUTDOWN_GRACE));
}

async fn clean_periodically(state: AppState) {
    let mut interval = tokio::time::interval(CLEANUP_EVERY);
    let mut expiry = tokio::time::interval(EXPIRE_EVERY);
    let mut journal = tokio::time::interval(monitor::SYNC_EVERY);
    journal.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = journal.tick() => {
                if let Err(error) = monitor::sync(&state).await {
                    tracing::error!(%error, "syncing the flow monitor's journal failed");
                }
            }
            _ = interval.tick() => {
                match state.clean_stale_pending(auth::now()).await {
                    Ok(0) => {}
                    Ok(n_removed) => tracing::info!(n_removed, "removed abandoned uploads"),
                    Err(error) => tracing::error!(%error, "cleaning abandoned uploads failed"),
                }
            }
            _ = expiry.tick() => {
                match state.expire(auth::now()).await {
                    Ok(0) => {}
                    Ok(n_ended) => tracing::info!(n_ended, "ended expired memberships and grants"),
                    Err(error) => tracing::error!(%error, "ending expired access failed"),
                }
                match routes::links::expire_links(&state, auth::now()).await {
                    Ok(0) => {}
                    Ok(n_expired) => tracing::info!(n_expired, "expired external links"),
                    Err(error) => tracing::error!(error = %error.detail(), "expiring external links failed"),
                }
                match routes::requests::expire_requests(&state, auth::now()).await {
                    Ok(0) => {}
                    Ok(n_expired) => tracing::info!(n_expired, "expired upload requests"),
                    Err(error) => tracing::error!(error = %error.detail(), "expiring upload requests failed"),
                }
                if let Err(error) = state.save_monitor_baselines().await {
                    tracing::error!(%error, "saving the flow monitor's baselines failed");
                }
                if let Err(error) = monitor::prune_journal(&state).await {
                    tracing::error!(%error, "pruning the flow monitor's journal failed");
                }
            }
        }
    }
}

async fn prune_periodically(state: AppState, days: u32) {
    if days == 0 {
        return;
    }
    let mut interval = tokio::time::interval(CLEANUP_EVERY);
    // Where the last pass stopped: the log before it is pruned already (from 0 after a start).
    let mut resume_at = 0;
    loop {
        interval.tick().await;
        let before = auth::now() - i64::from(days) * 86_400;
        match retention::prune_audit_from(state.store.as_ref(), before, resume_at).await {
            Ok(pass) => {
                resume_at = pass.resume_at;
                if pass.pruned > 0 {
                    tracing::info!(
                        n_pruned = pass.pruned,
                        "pruned audit entries past retention"
                    );
                }
            }
            Err(error) => tracing::error!(%error, "pruning the audit trail failed"),
        }
    }
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_route",
        format!(
            "no API route {method} {}; see /api/openapi.json",
            uri.path()
        ),
    )
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{} does not accept {method}; see /api/openapi.json",
            uri.path()
        ),
    )
}

/// Gives every request an id, returned in `x-request-id` and in error bodies, and logs internal
/// errors with it. The id is always the server's own, so a client cannot forge log lines.
async fn request_id(request: Request, next: Next) -> Response {
    let mut bytes = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
    let id = hex::encode(bytes);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if let Some(info) = response.extensions_mut().remove::<ErrorInfo>() {
        if let Some(detail) = &info.internal {
            tracing::error!(request_id = %id, %method, %path, error = %detail, "internal error");
        }
        let body = ErrorBody {
            error: info.code.to_owned(),
            message: info.message,
            request_id: Some(id.clone()),
            upload_offset: info.upload_offset,
        };
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        response = Response::from_parts(parts, Body::from(bytes));
        debug_assert_eq!(response.status(), info.status);
    }
    tracing::debug!(request_id = %id, %method, %path, status = response.status().as_u16(), "request");
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
