//! The one authorization decision. Every handler calls [`authorize`] before it touches a
//! resource; the `match` lists what is allowed and denies everything else.

use crate::auth::Principal;
use pli_store::{
    Addressee, Envelope, EnvelopeState, Link, LinkState, Mailbox, Org, RequestState, Role,
    Timestamp, UploadRequest,
};

/// What a caller wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Read an envelope's routing summary.
    ReadEnvelope,
    /// Download an envelope's ciphertext.
    DownloadEnvelope,
    /// Upload the ciphertext of an announced envelope.
    UploadContent,
    /// Delete an envelope.
    DeleteEnvelope,
    /// Announce a new envelope.
    CreateEnvelope,
    /// List the envelopes of one functional mailbox.
    ListMailbox,
    /// Look up an account or mailbox's public keys.
    LookupDirectory,
    /// Read one's own account, inbox, outbox, or end one's own session.
    ActOnSelf,
    /// Read an organisation's audit trail.
    ReadAudit,
    /// Invite a new account into an organisation.
    Invite,
    /// Create a mailbox in an organisation.
    CreateMailbox,
    /// Read a mailbox's members, add or remove one.
    ManageMailbox,
    /// Read a mailbox's key generations and one's own copies of their secrets.
    ReadMailboxKeys,
    /// Publish a mailbox's next key generation.
    RotateMailboxKey,
    /// Give current members copies of existing key generations.
    WrapMailboxKey,
    /// Read the organisation's sending policy.
    ReadPolicy,
    /// Publish a new version of the organisation's sending policy.
    SetPolicy,
    /// Address an envelope to a functional mailbox.
    SendToMailbox,
    /// Read the organisation's alerts, lift login locks, set its second-factor policy, list
    /// its grants.
    ManageSecurity,
    /// Fetch a published key's log entry, its inclusion proof, and consistency proofs.
    ProveKey,
    /// Sign a receipt for an envelope one opened.
    SignReceipt,
    /// Read the receipts of an envelope.
    ReadReceipts,
    /// Hand in a witness's cosignature of an audit log checkpoint.
    CosignLog,
    /// Offer a stored envelope to a person without an account through a link.
    CreateLink,
    /// Read an envelope's links: state, downloads, openings.
    ReadLinks,
    /// Withdraw a link.
    WithdrawLink,
    /// Ask a person without an account for documents, for one's own inbox
    /// ([`Resource::Own`]) or a mailbox one reads ([`Resource::Mailbox`]).
    CreateRequest,
    /// List one's own upload requests.
    ReadRequests,
    /// Withdraw an upload request.
    WithdrawRequest,
}

/// What an anonymous holder of an upload request's link wants to do (`docs/REQUESTS.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestAction {
    /// Read the request's public summary (changes nothing).
    ReadRequest,
    /// Upload one envelope.
    Upload,
}

/// Why a request refuses an upload: it is no longer active.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestRefusal {
    Expired,
    Exhausted,
    Withdrawn,
}

/// What an anonymous holder of a link wants to do (`docs/EXTERNAL.md`). Nobody is
/// authenticated: the link's state decides, and the code or token is checked by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkAction {
    /// Read the link's public summary (changes nothing).
    ReadLink,
    /// Give the one-time code for the server's half and a download token.
    SubmitCode,
    /// Download the ciphertext with a token.
    Download,
    /// Hand in the signed receipt with a token.
    SignReceipt,
}

/// Why a link refuses: it is no longer active.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRefusal {
    Locked,
    Expired,
    Exhausted,
    Withdrawn,
}

/// What the action applies to.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Resource<'a> {
    Envelope(&'a Envelope),
    Mailbox(&'a Mailbox),
    Org(&'a Org),
    /// Something every account shares: the directory, the right to send.
    Server,
    /// The caller's own account.
    Own,
    /// An external link, with the envelope it offers.
    Link(&'a Link, &'a Envelope),
    /// An upload request.
    Request(&'a UploadRequest),
}

/// The action is not allowed. Handlers answer it exactly as they answer a missing resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not allowed")]
pub struct Denied;

/// Decides whether `principal` may do `action` on `resource`. Deny by default.
pub fn authorize(principal: &Principal, action: Action, resource: &Resource) -> Result<(), Denied> {
    let account = &principal.account;
    let same_org = |org: &Org| org.id == account.org.id;
    match (action, resource) {
        (Action::ReadEnvelope | Action::DownloadEnvelope, Resource::Envelope(envelope))
            if envelope.state == EnvelopeState::Stored
                && (is_sender(principal, envelope) || is_addressee(principal, envelope)) =>
        {
            Ok(())
        }
        (Action::UploadContent, Resource::Envelope(envelope))
            if envelope.state == EnvelopeState::Pending && is_sender(principal, envelope) =>
        {
            Ok(())
        }
        (Action::DeleteEnvelope, Resource::Envelope(envelope))
            if envelope.state == EnvelopeState::Stored && is_sender(principal, envelope) =>
        {
            Ok(())
        }
        (Action::CreateEnvelope | Action::LookupDirectory, Resource::Server) => Ok(()),
        (Action::ProveKey, Resource::Server) => Ok(()),
        // Which witnesses count is each client's choice; any account may be one.
        (Action::CosignLog, Resource::Server) => Ok(()),
        // The sender, and who answers for the sender's organisation's records.
        (Action::ReadReceipts, Resource::Envelope(envelope))
            if envelope.state == EnvelopeState::Stored
                && (is_sender(principal, envelope)
                    || (same_org(&envelope.sender.org)
                        && matches!(account.role, Role::Auditor | Role::Admin))) =>
        {
            Ok(())
        }
        (Action::SignReceipt, Resource::Envelope(envelope))
            if envelope.state == EnvelopeState::Stored && is_addressee(principal, envelope) =>
        {
            Ok(())
        }
        (Action::ActOnSelf, Resource::Own) => Ok(()),
        (Action::ListMailbox, Resource::Mailbox(mailbox))
            if principal.mailbox_ids.contains(&mailbox.id) =>
        {
            Ok(())
        }
        (Action::ReadAudit, Resource::Org(org))
            if same_org(org) && matches!(account.role, Role::Auditor | Role::Admin) =>
        {
            Ok(())
        }
        (Action::Invite | Action::CreateMailbox, Resource::Org(org))
            if same_org(org) && account.role == Role::Admin =>
        {
            Ok(())
        }
        (Action::ManageMailbox, Resource::Mailbox(mailbox))
            if same_org(&mailbox.org) && account.role == Role::Admin =>
        {
            Ok(())
        }
        (Action::ReadMailboxKeys, Resource::Mailbox(mailbox))
            if principal.mailbox_ids.contains(&mailbox.id) =>
        {
            Ok(())
        }
        // An admin who is no member may still rotate after removing someone: the new secret
        // goes only to the members, and the admin's client forgets it.
        (Action::RotateMailboxKey | Action::WrapMailboxKey, Resource::Mailbox(mailbox))
            if principal.mailbox_ids.contains(&mailbox.id)
                || (same_org(&mailbox.org) && account.role == Role::Admin) =>
        {
            Ok(())
        }
        (Action::ReadPolicy, Resource::Org(org)) if same_org(org) => Ok(()),
        (Action::SetPolicy, Resource::Org(org)) if same_org(org) && account.role == Role::Admin => {
            Ok(())
        }
        // Anyone may write to a mailbox, except who holds a read-only grant on it: the grant
        // replaces whatever the account had there.
        (Action::SendToMailbox, Resource::Mailbox(mailbox))
            if !principal.send_denied.contains(&mailbox.id) =>
        {
            Ok(())
        }
        (Action::ManageSecurity, Resource::Org(org))
            if same_org(org) && account.role == Role::Admin =>
        {
            Ok(())
        }
        // An outside upload is sealed to its addressee only: a link could never open it.
        (Action::CreateLink, Resource::Envelope(envelope))
            if envelope.state == EnvelopeState::Stored
                && envelope.outside.is_none()
                && is_sender(principal, envelope) =>
        {
            Ok(())
        }
        // As receipts: the sender, and who answers for the sender's organisation's records.
        (Action::ReadLinks, Resource::Envelope(envelope))
            if envelope.state == EnvelopeState::Stored
                && (is_sender(principal, envelope)
                    || (same_org(&envelope.sender.org)
                        && matches!(account.role, Role::Auditor | Role::Admin))) =>
        {
            Ok(())
        }
        (Action::WithdrawLink, Resource::Link(link, envelope))
            if link.envelope_id == envelope.id
                && link.creator_id == account.id
                && is_sender(principal, envelope) =>
        {
            Ok(())
        }
        (Action::CreateRequest | Action::ReadRequests, Resource::Own) => Ok(()),
        // Documents asked for a mailbox land where only its readers see them; who cannot read
        // the mailbox cannot ask on its behalf.
        (Action::CreateRequest, Resource::Mailbox(mailbox))
            if principal.mailbox_ids.contains(&mailbox.id) =>
        {
            Ok(())
        }
        (Action::WithdrawRequest, Resource::Request(request))
            if request.creator_id == account.id =>
        {
            Ok(())
        }
        _ => Err(Denied),
    }
}

/// Decides whether the holder of an upload request's link may do `action` at `now`. Reading
/// the summary is allowed in every state (it says which); an upload needs an active,
/// unexpired request with uploads left. The store checks the same again when it counts the
/// upload, in the transaction that makes it visible.
pub fn authorize_request(
    action: RequestAction,
    request: &UploadRequest,
    now: Timestamp,
) -> Result<(), RequestRefusal> {
    let refusal = match request.state {
        RequestState::Expired => Some(RequestRefusal::Expired),
        RequestState::Exhausted => Some(RequestRefusal::Exhausted),
        RequestState::Withdrawn => Some(RequestRefusal::Withdrawn),
        RequestState::Active if request.expires_at <= now => Some(RequestRefusal::Expired),
        RequestState::Active if request.uploads >= request.max_uploads => {
            Some(RequestRefusal::Exhausted)
        }
        RequestState::Active => None,
    };
    match (action, refusal) {
        (RequestAction::ReadRequest, _) => Ok(()),
        (RequestAction::Upload, None) => Ok(()),
        (RequestAction::Upload, Some(refusal)) => Err(refusal),
    }
}

/// Decides whether the holder of a link may do `action` on it at `now`. Reading the summary
/// is allowed in every state (it says which); everything else needs an active, unexpired link
/// that still has downloads left. The code or token itself is checked by the handler.
pub fn authorize_link(action: LinkAction, link: &Link, now: Timestamp) -> Result<(), LinkRefusal> {
    let refusal = match link.state {
        LinkState::Locked => Some(LinkRefusal::Locked),
        LinkState::Expired => Some(LinkRefusal::Expired),
        LinkState::Exhausted => Some(LinkRefusal::Exhausted),
        LinkState::Withdrawn => Some(LinkRefusal::Withdrawn),
        LinkState::Active if link.expires_at <= now => Some(LinkRefusal::Expired),
        LinkState::Active if link.downloads >= link.max_downloads => Some(LinkRefusal::Exhausted),
        LinkState::Active => None,
    };
    match (action, refusal) {
        (LinkAction::ReadLink, _) => Ok(()),
        // A receipt may follow the last allowed download, which exhausts the link.
        (LinkAction::SignReceipt, None | Some(LinkRefusal::Exhausted)) => Ok(()),
        (LinkAction::SubmitCode | LinkAction::Download, None) => Ok(()),
        (_, Some(refusal)) => Err(refusal),
    }
}

fn is_sender(principal: &Principal, envelope: &Envelope) -> bool {
    envelope.sender.id == principal.account.id
}

/// A direct addressee, or a current member of an addressed mailbox.
fn is_addressee(principal: &Principal, envelope: &Envelope) -> bool {
    envelope.to.iter().any(|(addressee, _)| match addressee {
        Addressee::Account(id) => *id == principal.account.id,
        Addressee::Mailbox(id) => principal.mailbox_ids.contains(id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use pli_store::{Account, Id};

    fn org(name: &str) -> Org {
        Org {
            id: Id::random(),
            name: name.into(),
        }
    }

    fn principal(org: &Org, role: Role, mailbox_ids: Vec<Id>) -> Principal {
        Principal {
            account: Account {
                id: Id::random(),
                email: format!("{}@x", Id::random()),
                org: org.clone(),
                role,
                kdf_salt: vec![0; 16],
                kdf_m_kib: 19456,
                kdf_t: 2,
                kdf_p: 1,
                auth_hash: [0; 32],
                age_recipient: String::new(),
                signing_key: [0; 32],
                wrapped_keys: vec![],
                created_at: 0,
            },
            mailbox_ids,
            send_denied: vec![],
            from: "127.0.0.1".into(),
            token_hash: [0; 32],
        }
    }

    fn envelope(sender: &Principal, to: Vec<Addressee>, state: EnvelopeState) -> Envelope {
        Envelope {
            id: Id::random(),
            sender: sender.account.clone(),
            to: to.into_iter().map(|a| (a, String::new())).collect(),
            size: 1,
            created_at: 0,
            state,
            outside: None,
        }
    }

    #[test]
    fn envelope_rules() {
        let hospital = org("hospital");
        let police = org("police");
        let mailbox = Mailbox {
            id: Id::random(),
            name: "team".into(),
            org: hospital.clone(),
        };
        let sender = principal(&hospital, Role::Agent, vec![]);
        let direct = principal(&police, Role::Agent, vec![]);
        let member = principal(&hospital, Role::Agent, vec![mailbox.id]);
        let colleague = principal(&hospital, Role::Admin, vec![]);
        let auditor = principal(&hospital, Role::Auditor, vec![]);
        let to = vec![
            Addressee::Account(direct.account.id),
            Addressee::Mailbox(mailbox.id),
        ];
        let stored = envelope(&sender, to.clone(), EnvelopeState::Stored);
        let pending = envelope(&sender, to, EnvelopeState::Pending);
        let read = |p: &Principal, e: &Envelope, a: Action| {
            authorize(p, a, &Resource::Envelope(e)).is_ok()
        };
        for action in [Action::ReadEnvelope, Action::DownloadEnvelope] {
            assert!(read(&sender, &stored, action));
            assert!(read(&direct, &stored, action));
            assert!(read(&member, &stored, action));
            assert!(!read(&colleague, &stored, action), "same org is not enough");
            assert!(
                !read(&auditor, &stored, action),
                "auditors never read content"
            );
            for p in [&sender, &direct, &member] {
                assert!(!read(p, &pending, action), "pending is invisible");
            }
        }
        assert!(read(&sender, &stored, Action::DeleteEnvelope));
        assert!(!read(&direct, &stored, Action::DeleteEnvelope));
        assert!(!read(&member, &stored, Action::DeleteEnvelope));
        assert!(!read(&sender, &pending, Action::DeleteEnvelope));
        assert!(read(&sender, &pending, Action::UploadContent));
        assert!(!read(&sender, &stored, Action::UploadContent));
        assert!(!read(&direct, &pending, Action::UploadContent));
        // Actions that make no sense on an envelope are denied, not accidentally allowed.
        assert!(!read(&sender, &stored, Action::ManageMailbox));
        assert!(!read(&sender, &stored, Action::ReadAudit));
    }

    /// A rule of the table tests: who, doing what, on what, and whether it must be allowed.
    type Rule<'a> = (&'a Principal, A, Resource<'a>, bool);

    /// Checks every rule and names each one the chokepoint decides otherwise.
    fn check_rules(rules: &[Rule<'_>]) {
        let wrong: Vec<String> = rules
            .iter()
            .filter(|(who, action, resource, allowed)| {
                authorize(who, *action, resource).is_ok() != *allowed
            })
            .map(|(who, action, resource, allowed)| {
                let account = &who.account;
                let expected = if *allowed { "allowed" } else { "denied" };
                format!(
                    "{:?} of {} (mailboxes {:?}): {action:?} on {resource:?} must be {expected}",
                    account.role, account.org.name, who.mailbox_ids
                )
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn organisation_rules() {
        let hospital = org("hospital");
        let police = org("police");
        let mailbox = Mailbox {
            id: Id::random(),
            name: "team".into(),
            org: hospital.clone(),
        };
        let admin = principal(&hospital, Role::Admin, vec![]);
        let agent = principal(&hospital, Role::Agent, vec![mailbox.id]);
        let auditor = principal(&hospital, Role::Auditor, vec![]);
        let other_admin = principal(&police, Role::Admin, vec![]);
        let (at_hospital, at_police) = (Resource::Org(&hospital), Resource::Org(&police));
        let team = Resource::Mailbox(&mailbox);
        let (server, own) = (Resource::Server, Resource::Own);
        let mut rules: Vec<Rule<'_>> = vec![
            (&admin, A::Invite, at_hospital, true),
            (&admin, A::Invite, at_police, false),
            (&agent, A::Invite, at_hospital, false),
            (&other_admin, A::Invite, at_hospital, false),
            (&admin, A::CreateMailbox, at_hospital, true),
            (&auditor, A::CreateMailbox, at_hospital, false),
            (&admin, A::ManageMailbox, team, true),
            (&agent, A::ManageMailbox, team, false),
            (&other_admin, A::ManageMailbox, team, false),
            (&auditor, A::ReadAudit, at_hospital, true),
            (&admin, A::ReadAudit, at_hospital, true),
            (&agent, A::ReadAudit, at_hospital, false),
            (&auditor, A::ReadAudit, at_police, false),
            (&agent, A::ListMailbox, team, true),
            (&admin, A::ListMailbox, team, false),
            (&other_admin, A::LookupDirectory, server, true),
            (&other_admin, A::CreateEnvelope, server, true),
            (&admin, A::SetPolicy, at_hospital, true),
            (&admin, A::SetPolicy, at_police, false),
            (&other_admin, A::SetPolicy, at_hospital, false),
            (&agent, A::SetPolicy, at_hospital, false),
            (&auditor, A::SetPolicy, at_hospital, false),
            (&admin, A::SetPolicy, server, false),
            // Only members read the keyring.
            (&agent, A::ReadMailboxKeys, team, true),
            (&admin, A::ReadMailboxKeys, team, false),
            (&auditor, A::ReadMailboxKeys, team, false),
            (&other_admin, A::ReadMailboxKeys, team, false),
            (&agent, A::ActOnSelf, own, true),
            (&agent, A::ActOnSelf, server, false),
        ];
        for member in [&agent, &auditor, &admin] {
            rules.push((member, A::ReadPolicy, at_hospital, true));
            rules.push((member, A::ReadPolicy, at_police, false));
        }
        for action in [A::RotateMailboxKey, A::WrapMailboxKey] {
            rules.extend([
                (&agent, action, team, true),
                (&admin, action, team, true),
                (&auditor, action, team, false),
                (&other_admin, action, team, false),
                (&agent, action, at_hospital, false),
            ]);
        }
        check_rules(&rules);
    }

    #[test]
    fn security_rules() {
        let hospital = org("hospital");
        let police = org("police");
        let mailbox = Mailbox {
            id: Id::random(),
            name: "team".into(),
            org: hospital.clone(),
        };
        let admin = principal(&hospital, Role::Admin, vec![]);
        let auditor = principal(&hospital, Role::Auditor, vec![]);
        let other_admin = principal(&police, Role::Admin, vec![]);
        let mut reader = principal(&police, Role::Agent, vec![mailbox.id]);
        reader.send_denied = vec![mailbox.id];
        let (at_hospital, at_police) = (Resource::Org(&hospital), Resource::Org(&police));
        let team = Resource::Mailbox(&mailbox);
        check_rules(&[
            (&admin, A::ManageSecurity, at_hospital, true),
            (&admin, A::ManageSecurity, at_police, false),
            (&auditor, A::ManageSecurity, at_hospital, false),
            (&other_admin, A::ManageSecurity, at_hospital, false),
            (&admin, A::ManageSecurity, Resource::Server, false),
            // Anyone writes to a mailbox, except a read-only grantee.
            (&other_admin, A::SendToMailbox, team, true),
            (&reader, A::SendToMailbox, team, false),
            (&reader, A::ListMailbox, team, true),
            (&reader, A::SendToMailbox, Resource::Server, false),
        ]);
    }

    #[test]
    fn link_rules() {
        let link = |state: LinkState, downloads: u32, expires_at: Timestamp| Link {
            id: Id::random(),
            envelope_id: Id::random(),
            creator_id: Id::random(),
            email: "officier@police.example".into(),
            phone: None,
            created_at: 0,
            expires_at,
            max_downloads: 2,
            downloads,
            code_failures: 0,
            state,
            code_hash: [0; 32],
            server_half: None,
            receipt_key: [0; 32],
            receipt: None,
            openings: vec![],
        };
        let active = link(LinkState::Active, 0, 100);
        for action in [
            LinkAction::ReadLink,
            LinkAction::SubmitCode,
            LinkAction::Download,
            LinkAction::SignReceipt,
        ] {
            assert_eq!(authorize_link(action, &active, 50), Ok(()), "{action:?}");
        }
        // Past its expiry, even if the sweep has not ended it yet.
        assert_eq!(
            authorize_link(LinkAction::SubmitCode, &active, 100),
            Err(LinkRefusal::Expired)
        );
        let used_up = link(LinkState::Active, 2, 100);
        assert_eq!(
            authorize_link(LinkAction::Download, &used_up, 50),
            Err(LinkRefusal::Exhausted)
        );
        assert_eq!(
            authorize_link(LinkAction::SignReceipt, &used_up, 50),
            Ok(())
        );
        for (state, refusal) in [
            (LinkState::Locked, LinkRefusal::Locked),
            (LinkState::Expired, LinkRefusal::Expired),
            (LinkState::Withdrawn, LinkRefusal::Withdrawn),
        ] {
            let ended = link(state, 0, 100);
            assert_eq!(authorize_link(LinkAction::ReadLink, &ended, 50), Ok(()));
            for action in [
                LinkAction::SubmitCode,
                LinkAction::Download,
                LinkAction::SignReceipt,
            ] {
                assert_eq!(
                    authorize_link(action, &ended, 50),
                    Err(refusal),
                    "{action:?}"
                );
            }
        }
    }

    #[test]
    fn request_rules() {
        let hospital = org("hospital");
        let mailbox = Mailbox {
            id: Id::random(),
            name: "accueil".into(),
            org: hospital.clone(),
        };
        let member = principal(&hospital, Role::Agent, vec![mailbox.id]);
        let stranger = principal(&hospital, Role::Admin, vec![]);
        let request = |state: RequestState, uploads: u32, creator_id: Id| UploadRequest {
            id: Id::random(),
            creator_id,
            mailbox_id: None,
            addressee: "accueil".into(),
            email: "famille@example.org".into(),
            recipients: vec![],
            signature: vec![0; 64],
            created_at: 0,
            expires_at: 100,
            max_uploads: 2,
            uploads,
            state,
            envelopes: vec![],
        };
        let mine = request(RequestState::Active, 0, member.account.id);
        let (team, own_request) = (Resource::Mailbox(&mailbox), Resource::Request(&mine));
        check_rules(&[
            (&member, A::CreateRequest, Resource::Own, true),
            (&member, A::CreateRequest, team, true),
            // Not even an admin asks on behalf of a mailbox it does not read.
            (&stranger, A::CreateRequest, team, false),
            (&member, A::WithdrawRequest, own_request, true),
            (&stranger, A::WithdrawRequest, own_request, false),
        ]);
        assert_eq!(authorize_request(RequestAction::Upload, &mine, 50), Ok(()));
        assert_eq!(
            authorize_request(RequestAction::Upload, &mine, 100),
            Err(RequestRefusal::Expired)
        );
        let full = request(RequestState::Active, 2, member.account.id);
        assert_eq!(
            authorize_request(RequestAction::Upload, &full, 50),
            Err(RequestRefusal::Exhausted)
        );
        for (state, refusal) in [
            (RequestState::Expired, RequestRefusal::Expired),
            (RequestState::Exhausted, RequestRefusal::Exhausted),
            (RequestState::Withdrawn, RequestRefusal::Withdrawn),
        ] {
            let ended = request(state, 0, member.account.id);
            assert_eq!(
                authorize_request(RequestAction::ReadRequest, &ended, 50),
                Ok(())
            );
            assert_eq!(
                authorize_request(RequestAction::Upload, &ended, 50),
                Err(refusal)
            );
        }
    }
}
