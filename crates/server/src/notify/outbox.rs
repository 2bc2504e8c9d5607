//! `--mail-outbox DIR`: every outgoing message as a file, for local use and tests.

use super::{Mail, Notifier, NotifyError, Sms, message};
use async_trait::async_trait;
use lettre::message::Mailbox;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes mail as `.eml` files (RFC 5322) and SMS as `.txt` files in one directory. Names
/// start with the time in nanoseconds and a sequence number, so they sort in sending order;
/// each file appears whole (written under a hidden temporary name, synced, then renamed).
pub struct MailOutbox {
    dir: PathBuf,
    from: Mailbox,
    sequence: AtomicU64,
}

impl MailOutbox {
    /// An outbox in `dir` (created if missing), whose mail comes from `from`.
    pub fn open(dir: &Path, from: Mailbox) -> std::io::Result<MailOutbox> {
        std::fs::create_dir_all(dir)?;
        Ok(MailOutbox {
            dir: dir.to_owned(),
            from,
            sequence: AtomicU64::new(0),
        })
    }

    async fn write(&self, extension: &str, bytes: Vec<u8>) -> Result<(), NotifyError> {
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        let sequence = self.sequence.fetch_add(1, Ordering::SeqCst);
        let mut random = [0u8; 4];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
        let name = format!(
            "{nanos:020}-{sequence:06}-{}.{extension}",
            hex::encode(random)
        );
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || write_atomically(&dir, &name, &bytes))
            .await
            .map_err(|error| NotifyError::Outbox(std::io::Error::other(error.to_string())))?
            .map_err(NotifyError::Outbox)
    }
}

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = dir.join(format!(".{name}.tmp"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, dir.join(name))?;
    std::fs::File::open(dir)?.sync_all()
}

#[async_trait]
impl Notifier for MailOutbox {
    async fn mail(&self, mail: &Mail) -> Result<(), NotifyError> {
        let message = message(&self.from, mail)?;
        self.write("eml", message.formatted()).await
    }

    async fn sms(&self, sms: &Sms) -> Result<(), NotifyError> {
        let text = format!("To: {}\n\n{}\n", sms.to, sms.text);
        self.write("txt", text.into_bytes()).await
    }

    fn sends_sms(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn messages_are_whole_files_in_sending_order() {
        let dir = tempfile::tempdir().unwrap();
        let from: Mailbox = "Pli <pli@hopital.example>".parse().unwrap();
        let outbox = MailOutbox::open(dir.path(), from).unwrap();
        outbox
            .mail(&Mail {
                to: "officier@police.example".into(),
                subject: "Document confidentiel".into(),
                body: "Bonjour,\nvoici le lien.".into(),
            })
            .await
            .unwrap();
        outbox
            .sms(&Sms {
                to: "+33612345678".into(),
                text: "Code : 123456".into(),
            })
            .await
            .unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
        assert!(names[0].ends_with(".eml") && names[1].ends_with(".txt"));
        let mail = std::fs::read_to_string(dir.path().join(&names[0])).unwrap();
        assert!(mail.contains("To: officier@police.example"));
        assert!(mail.contains("From: Pli <pli@hopital.example>"));
        assert!(mail.contains("Message-ID: <"));
        assert!(mail.contains("Date: "));
        let sms = std::fs::read_to_string(dir.path().join(&names[1])).unwrap();
        assert_eq!(sms, "To: +33612345678\n\nCode : 123456\n");
    }

    #[tokio::test]
    async fn an_address_that_cannot_be_a_header_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = MailOutbox::open(dir.path(), "pli@x.example".parse().unwrap()).unwrap();
        let refused = outbox
            .mail(&Mail {
                to: "a@b\r\nBcc: everyone@x.example".into(),
                subject: "s".into(),
                body: "b".into(),
            })
            .await;
        assert!(matches!(refused, Err(NotifyError::Address(_))));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
