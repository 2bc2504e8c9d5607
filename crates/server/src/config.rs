//! Server configuration: a typed struct built once by the caller and passed down.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Default ceiling on the declared size of one envelope: 64 GiB.
pub const DEFAULT_MAX_ENVELOPE_SIZE: u64 = 64 << 30;

/// How to run a server.
#[derive(Clone, Debug)]
pub struct Config {
    /// Data directory holding `pli.db`, `blobs/` and `server.key`.
    pub data_dir: PathBuf,
    /// Address to listen on; port 0 picks a free port (the real one is printed).
    pub listen: SocketAddr,
    /// Serve HTTPS with these files instead of plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Largest envelope (ciphertext bytes) a client may announce.
    pub max_envelope_size: u64,
    /// Origin (identity) of the audit log, such as `pli.example.org/audit`. Without it, the
    /// stored log keeps its origin and a new log takes `<listen host>/audit`.
    pub log_origin: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` header names the client. Empty (the default):
    /// the address of the connection is the client's, whatever the headers say.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Days audit events are kept whole; older ones keep only their log entry's header and
    /// leaf hash (`docs/AUDIT.md`). 0 keeps everything.
    pub audit_retention_days: u32,
}

/// PEM files of a TLS certificate chain and its private key.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Config {
    /// A plain-HTTP configuration with the default limits.
    pub fn with_defaults(data_dir: PathBuf, listen: SocketAddr) -> Config {
        Config {
            data_dir,
            listen,
            tls: None,
            max_envelope_size: DEFAULT_MAX_ENVELOPE_SIZE,
            log_origin: None,
            trusted_proxies: Vec::new(),
            audit_retention_days: crate::retention::DEFAULT_RETENTION_DAYS,
        }
    }

    /// The origin a new audit log takes when none is configured: the listen host (or
    /// `localhost` for a wildcard address) followed by `/audit`.
    pub fn default_log_origin(&self) -> String {
        default_log_origin(self.listen)
    }
}

/// `<host>/audit` for a listen address (`localhost/audit` for `0.0.0.0` or `::`).
pub fn default_log_origin(listen: SocketAddr) -> String {
    if listen.ip().is_unspecified() {
        "localhost/audit".to_owned()
    } else {
        format!("{}/audit", listen.ip())
    }
}
