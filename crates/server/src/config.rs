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
        }
    }
}
