//! Outgoing mail and SMS: the link and code of external recipients (`docs/EXTERNAL.md`), and
//! alerts for admins.
//!
//! One [`Notifier`] trait with two channels. [`MailOutbox`] writes every message as a file
//! (`--mail-outbox DIR`); [`Relay`] sends mail through SMTP (`--smtp URL`) and SMS through an
//! HTTP gateway (`--sms-hook URL`), falling back to an outbox for a channel it lacks. Messages
//! hold links and codes: no error or log line ever quotes a message's text.

mod outbox;
mod sms_hook;
mod smtp;

pub use outbox::MailOutbox;
pub use sms_hook::SmsHook;
pub use smtp::{Smtp, SmtpUrl};

use async_trait::async_trait;
use lettre::Message;
use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};

/// A plain-text mail to one address.
#[derive(Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// A text message to one phone number (E.164).
#[derive(Clone)]
pub struct Sms {
    pub to: String,
    pub text: String,
}

/// Why a message could not be sent. Never holds the message's text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// No channel for this kind of message is configured.
    #[error("no {0} channel is configured")]
    Missing(&'static str),
    /// The address cannot be written in a mail header.
    #[error("the address {0} cannot be used in a mail")]
    Address(String),
    /// The message could not be built.
    #[error("building the mail: {0}")]
    Build(String),
    /// Writing to the outbox failed.
    #[error("writing to the mail outbox: {0}")]
    Outbox(#[from] std::io::Error),
    /// The SMTP server refused or could not be reached.
    #[error("SMTP: {0}")]
    Smtp(String),
    /// The SMS gateway refused or could not be reached.
    #[error("SMS gateway: {0}")]
    Sms(String),
}

/// Sends mail and SMS.
#[async_trait]
pub trait Notifier: Send + Sync + 'static {
    /// Sends one mail.
    async fn mail(&self, mail: &Mail) -> Result<(), NotifyError>;
    /// Sends one SMS.
    async fn sms(&self, sms: &Sms) -> Result<(), NotifyError>;
    /// Whether [`Notifier::sms`] has somewhere to go.
    fn sends_sms(&self) -> bool;
}

/// The RFC 5322 message of `mail` from `from`, in UTF-8 plain text.
pub fn message(from: &Mailbox, mail: &Mail) -> Result<Message, NotifyError> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|_| NotifyError::Address(mail.to.clone()))?;
    // Base64, so the long link line travels intact through any relay (8bit is limited to
    // short lines, and quoted-printable would fold the link).
    let body = Body::new_with_encoding(mail.body.clone(), ContentTransferEncoding::Base64)
        .map_err(|_| NotifyError::Build("the message cannot be encoded".into()))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(None)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|error| NotifyError::Build(error.to_string()))
}

/// SMTP and an SMS gateway, each optional, with an outbox for what they do not cover.
pub struct Relay {
    pub smtp: Option<Smtp>,
    pub sms_hook: Option<SmsHook>,
    pub outbox: Option<MailOutbox>,
}

#[async_trait]
impl Notifier for Relay {
    async fn mail(&self, mail: &Mail) -> Result<(), NotifyError> {
        match (&self.smtp, &self.outbox) {
            (Some(smtp), _) => smtp.send(mail).await,
            (None, Some(outbox)) => outbox.mail(mail).await,
            (None, None) => Err(NotifyError::Missing("mail")),
        }
    }

    async fn sms(&self, sms: &Sms) -> Result<(), NotifyError> {
        match (&self.sms_hook, &self.outbox) {
            (Some(hook), _) => hook.send(sms).await,
            (None, Some(outbox)) => outbox.sms(sms).await,
            (None, None) => Err(NotifyError::Missing("SMS")),
        }
    }

    fn sends_sms(&self) -> bool {
        self.sms_hook.is_some() || self.outbox.is_some()
    }
}
