//! `pli serve`.

use anyhow::{Context as _, Result};
use pli_server::{Config, TlsFiles};

use crate::args::ServeArgs;

pub async fn run(args: ServeArgs) -> Result<()> {
    let mut config = Config::with_defaults(args.data, args.listen);
    if let (Some(cert), Some(key)) = (args.tls_cert, args.tls_key) {
        config.tls = Some(TlsFiles { cert, key });
    }
    config.log_origin = args.log_origin;
    config.database = args.database;
    config.blobs = args.blobs;
    config.audit_retention_days = args.audit_retention;
    config.trusted_proxies = args.trusted_proxies;
    config.public_url = args.public_url;
    config.notify = pli_server::NotifyConfig {
        mail_outbox: args.mail_outbox,
        smtp: args.smtp,
        sms_hook: args.sms_hook,
        mail_from: args.mail_from,
    };
    pli_server::serve(config)
        .await
        .context("running the server")
}
