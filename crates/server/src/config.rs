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
    /// Metadata in this PostgreSQL database instead of `pli.db` in the data directory.
    pub database: Option<DatabaseUrl>,
    /// Blobs in this S3-compatible bucket instead of `blobs/` in the data directory.
    pub blobs: Option<BlobLocation>,
    /// Where mail and SMS go (links and codes of external recipients, alerts).
    pub notify: NotifyConfig,
    /// The address people reach this server at, for links in mail (`https://pli.example`).
    /// Default: the listen address.
    pub public_url: Option<String>,
}

/// The notifier's channels. With none, external links cannot be created.
#[derive(Clone, Debug, Default)]
pub struct NotifyConfig {
    /// Write every outgoing message as a file in this directory.
    pub mail_outbox: Option<PathBuf>,
    /// Send mail through this SMTP server.
    pub smtp: Option<crate::notify::SmtpUrl>,
    /// POST SMS as `{"to", "text"}` to this URL.
    pub sms_hook: Option<String>,
    /// The mail's `From:`; default `Pli <pli@HOST>` with the public URL's host.
    pub mail_from: Option<String>,
}

/// A PostgreSQL URL (`postgres://` or `postgresql://`). It may hold a password, so its
/// `Debug` shows only the scheme.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Accepts `postgres://...` and `postgresql://...` URLs; `None` for anything else.
    pub fn parse(url: &str) -> Option<DatabaseUrl> {
        (url.starts_with("postgres://") || url.starts_with("postgresql://"))
            .then(|| DatabaseUrl(url.to_owned()))
    }

    /// The URL, to connect with; never for logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(postgres://...)")
    }
}

/// Where blobs live when not in the data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlobLocation {
    /// An S3-compatible bucket; endpoint, region and credentials come from the standard
    /// `AWS_*` environment variables.
    S3 { bucket: String },
}

impl BlobLocation {
    /// Parses `s3://BUCKET` (a bucket name, nothing after it); `None` for anything else.
    pub fn parse(location: &str) -> Option<BlobLocation> {
        let bucket = location.strip_prefix("s3://")?.trim_end_matches('/');
        let valid = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|byte| matches!(byte, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-'));
        valid.then(|| BlobLocation::S3 {
            bucket: bucket.to_owned(),
        })
    }
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
            database: None,
            blobs: None,
            notify: NotifyConfig::default(),
            public_url: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_postgres_and_never_debug_printed() {
        let url = DatabaseUrl::parse("postgres://pli:s3cret@db.example/pli").unwrap();
        assert_eq!(url.expose(), "postgres://pli:s3cret@db.example/pli");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(DatabaseUrl::parse("postgresql://db.example/pli").is_some());
        assert!(DatabaseUrl::parse("mysql://db.example/pli").is_none());
        assert!(DatabaseUrl::parse("/var/lib/pli/pli.db").is_none());
    }

    #[test]
    fn blob_locations_are_s3_buckets() {
        assert_eq!(
            BlobLocation::parse("s3://pli-blobs"),
            Some(BlobLocation::S3 {
                bucket: "pli-blobs".into()
            })
        );
        assert_eq!(
            BlobLocation::parse("s3://pli-blobs/"),
            Some(BlobLocation::S3 {
                bucket: "pli-blobs".into()
            })
        );
        for bad in [
            "s3://",
            "s3://ab",
            "s3://Pli",
            "s3://a/b",
            "gs://pli-blobs",
            "pli-blobs",
        ] {
            assert_eq!(BlobLocation::parse(bad), None, "{bad}");
        }
    }
}
