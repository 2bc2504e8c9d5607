//! Administration acting directly on a data directory, for the first admin: no server needs to
//! run (and one may: SQLite in WAL mode lets both work side by side). Every action is audited
//! with the address `offline`.
//!
//! The free functions act on the data directory's own SQLite store; [`Offline`] acts on any
//! store with the data directory's audit log key (a deployment on PostgreSQL).

use crate::auth::{INVITATION_SECS, new_invitation_code, now, sha256};
use crate::error::ServerError;
use crate::state::open_store;
use crate::validate::{Email, MailboxName, OrgName};
use pli_proto::Role;
use pli_store::{AuditEvent, NewInvitation, Org, Outcome, Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Offline administration of one deployment: its data directory (for the audit log key) and
/// its metadata store.
pub struct Offline {
    data_dir: PathBuf,
    store: Arc<dyn Store>,
}

impl Offline {
    /// The data directory's own SQLite store.
    pub async fn open(data_dir: &Path) -> Result<Offline, ServerError> {
        Ok(Offline::with_store(data_dir, open_store(data_dir).await?))
    }

    /// Another store of the deployment whose keys are in `data_dir` (its PostgreSQL database).
    pub fn with_store(data_dir: &Path, store: Arc<dyn Store>) -> Offline {
        Offline {
            data_dir: data_dir.to_owned(),
            store,
        }
    }

    /// See [`invite`].
    pub async fn invite(
        &self,
        email: &str,
        org: &str,
        role: Role,
        mailboxes: &[String],
    ) -> Result<String, ServerError> {
        invite_in(&self.data_dir, &*self.store, email, org, role, mailboxes).await
    }

    /// See [`create_mailbox`].
    pub async fn create_mailbox(&self, name: &str, org: &str) -> Result<(), ServerError> {
        create_mailbox_in(&self.data_dir, &*self.store, name, org).await
    }

    /// See [`add_member`].
    pub async fn add_member(&self, mailbox: &str, email: &str) -> Result<(), ServerError> {
        add_member_in(&self.data_dir, &*self.store, mailbox, email).await
    }

    /// See [`remove_member`].
    pub async fn remove_member(&self, mailbox: &str, email: &str) -> Result<(), ServerError> {
        remove_member_in(&self.data_dir, &*self.store, mailbox, email).await
    }
}

/// Invites `email` into `org` (created if missing) with `role`, as a member of `mailboxes`
/// (which must exist in that organisation). Returns the one-time code.
pub async fn invite(
    data_dir: &Path,
    email: &str,
    org: &str,
    role: Role,
    mailboxes: &[String],
) -> Result<String, ServerError> {
    Offline::open(data_dir)
        .await?
        .invite(email, org, role, mailboxes)
        .await
}

async fn invite_in(
    data_dir: &Path,
    store: &dyn Store,
    email: &str,
    org: &str,
    role: Role,
    mailboxes: &[String],
) -> Result<String, ServerError> {
    let email = parse(Email::parse(email))?;
    let org_name = parse(OrgName::parse(org))?;
    let mailbox_names = mailboxes
        .iter()
        .map(|name| parse(MailboxName::parse(name)))
        .collect::<Result<Vec<_>, _>>()?;
    let org = store.ensure_org(org_name.as_str()).await?;
    let mut mailbox_ids = Vec::with_capacity(mailbox_names.len());
    for name in &mailbox_names {
        match store.mailbox_by_name(name.as_str()).await {
            Ok(mailbox) if mailbox.org.id == org.id => mailbox_ids.push(mailbox.id),
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(ServerError::NotFound(format!(
                    "no mailbox {name} in {}; create it first with 'pli admin mailbox create'",
                    org.name
                )));
            }
            Err(error) => return Err(error.into()),
        }
    }
    let code = new_invitation_code();
    let invitation = NewInvitation {
        email: email.to_string(),
        org_id: org.id,
        role,
        mailbox_ids,
        code_hash: sha256(code.as_bytes()),
        expires_at: now() + INVITATION_SECS,
    };
    match store.create_invitation(&invitation).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ServerError::Conflict(format!(
                "an account with the email {email} exists"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    audit(data_dir, store, &org, "admin.invite", email.to_string()).await?;
    Ok(code)
}

/// Creates the mailbox `name` in `org` (created if missing).
pub async fn create_mailbox(data_dir: &Path, name: &str, org: &str) -> Result<(), ServerError> {
    Offline::open(data_dir)
        .await?
        .create_mailbox(name, org)
        .await
}

async fn create_mailbox_in(
    data_dir: &Path,
    store: &dyn Store,
    name: &str,
    org: &str,
) -> Result<(), ServerError> {
    let name = parse(MailboxName::parse(name))?;
    let org_name = parse(OrgName::parse(org))?;
    let org = store.ensure_org(org_name.as_str()).await?;
    match store.create_mailbox(org.id, name.as_str()).await {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ServerError::Conflict(format!(
                "the mailbox name {name} is taken on this server; pick another"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    audit(
        data_dir,
        store,
        &org,
        "admin.mailbox.create",
        name.to_string(),
    )
    .await
}

/// Adds the account `email` to the mailbox `mailbox` (both must exist, in one organisation).
pub async fn add_member(data_dir: &Path, mailbox: &str, email: &str) -> Result<(), ServerError> {
    Offline::open(data_dir)
        .await?
        .add_member(mailbox, email)
        .await
}

async fn add_member_in(
    data_dir: &Path,
    store: &dyn Store,
    mailbox: &str,
    email: &str,
) -> Result<(), ServerError> {
    let name = parse(MailboxName::parse(mailbox))?;
    let email = parse(Email::parse(email))?;
    let mailbox = match store.mailbox_by_name(name.as_str()).await {
        Ok(mailbox) => mailbox,
        Err(StoreError::NotFound) => {
            return Err(ServerError::NotFound(format!(
                "no mailbox {name}; create it first with 'pli admin mailbox create'"
            )));
        }
        Err(error) => return Err(error.into()),
    };
    let account = match store.account_by_email(email.as_str()).await {
        Ok(account) if account.org.id == mailbox.org.id => account,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(ServerError::NotFound(format!(
                "no account {email} in {}; invite it first",
                mailbox.org.name
            )));
        }
        Err(error) => return Err(error.into()),
    };
    store.add_member(mailbox.id, account.id).await?;
    audit(
        data_dir,
        store,
        &mailbox.org,
        "admin.member.add",
        format!("{name} {email}"),
    )
    .await
}

/// Removes the account `email` from the mailbox `mailbox`. Without any member's key at hand
/// this cannot make a new key generation: the current one becomes stale, so senders encrypt to
/// every remaining member's own key until a member's client makes a new generation.
pub async fn remove_member(data_dir: &Path, mailbox: &str, email: &str) -> Result<(), ServerError> {
    Offline::open(data_dir)
        .await?
        .remove_member(mailbox, email)
        .await
}

async fn remove_member_in(
    data_dir: &Path,
    store: &dyn Store,
    mailbox: &str,
    email: &str,
) -> Result<(), ServerError> {
    let name = parse(MailboxName::parse(mailbox))?;
    let email = parse(Email::parse(email))?;
    let mailbox = match store.mailbox_by_name(name.as_str()).await {
        Ok(mailbox) => mailbox,
        Err(StoreError::NotFound) => {
            return Err(ServerError::NotFound(format!("no mailbox {name}")));
        }
        Err(error) => return Err(error.into()),
    };
    let not_member = || ServerError::NotFound(format!("{email} is not a member of {name}"));
    let account = match store.account_by_email(email.as_str()).await {
        Ok(account) => account,
        Err(StoreError::NotFound) => return Err(not_member()),
        Err(error) => return Err(error.into()),
    };
    match store.remove_member(mailbox.id, account.id, now()).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(not_member()),
        Err(error) => return Err(error.into()),
    }
    audit(
        data_dir,
        store,
        &mailbox.org,
        "admin.member.remove",
        format!("{name} {email}"),
    )
    .await
}

fn parse<T>(result: Result<T, crate::validate::Invalid>) -> Result<T, ServerError> {
    result.map_err(|error| ServerError::Invalid(error.0))
}

async fn audit(
    data_dir: &Path,
    store: &dyn Store,
    org: &Org,
    action: &str,
    target: String,
) -> Result<(), ServerError> {
    let event = AuditEvent {
        at: now(),
        actor: None,
        actor_email: None,
        org_id: Some(org.id),
        from: "offline".into(),
        action: action.to_owned(),
        target: Some(target),
        outcome: Outcome::Allowed,
    };
    crate::audit::append_offline(data_dir, store, event).await
}
