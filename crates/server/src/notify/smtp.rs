//! `--smtp URL`: real mail through an SMTP server (lettre, tokio, rustls).

use super::{Mail, NotifyError, message};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use std::time::Duration;

/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// An SMTP URL: `smtps://USER:PASS@HOST:PORT` (TLS), `smtp://HOST:PORT?tls=required`
/// (STARTTLS), or `smtp://HOST:PORT` (plain, for a relay on the same machine). It may hold a
/// password, so its `Debug` shows the scheme only.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    /// Accepts `smtp://` and `smtps://` URLs that lettre can use.
    pub fn parse(url: &str) -> Option<SmtpUrl> {
        let valid = (url.starts_with("smtp://") || url.starts_with("smtps://"))
            && AsyncSmtpTransport::<Tokio1Executor>::from_url(url).is_ok();
        valid.then(|| SmtpUrl(url.to_owned()))
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self.0.split("://").next().unwrap_or("smtp");
        write!(f, "SmtpUrl({scheme}://...)")
    }
}

/// Sends mail through one SMTP server, connections pooled.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn new(url: &SmtpUrl, from: Mailbox) -> Result<Smtp, NotifyError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
            .map_err(|_| NotifyError::Smtp("the SMTP URL is not usable".into()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Smtp { transport, from })
    }

    pub async fn send(&self, mail: &Mail) -> Result<(), NotifyError> {
        let message = message(&self.from, mail)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|error| NotifyError::Smtp(smtp_error(&error)))
    }
}

/// What went wrong, without the server's echo of the message.
fn smtp_error(error: &lettre::transport::smtp::Error) -> String {
    if error.is_transient() {
        "temporary refusal by the SMTP server".into()
    } else if error.is_permanent() {
        "permanent refusal by the SMTP server".into()
    } else if error.is_timeout() {
        "the SMTP server did not answer in time".into()
    } else if error.is_tls() {
        "TLS with the SMTP server failed".into()
    } else {
        "the SMTP server could not be reached".into()
    }
}
