//! Functional mailbox keys: checking a mailbox's key before encrypting to it, unwrapping the
//! generations this account holds, and repairing a mailbox's keys.
//!
//! A mailbox has key generations 1, 2, ...: age X25519 key pairs made on a member's (or an
//! admin's) machine. The public half is signed by its creator's account key over
//! [`pli_proto::mailbox_key_signed_bytes`]; the secret travels only as age files encrypted to
//! each member's own key. The server decides nothing about keys beyond who may publish: every
//! repair happens here.
//!
//! Repair ([`sync`]): when the latest generation is missing, stale (a member left since it was
//! made) or does not verify, make the next one and give it to every current member; then give
//! every generation this client holds to the current members who lack it, so a newcomer can
//! read the mailbox's history. Mailbox secrets live only in memory ([`MailboxSecrets`]).

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pli_envelope::{Identity, Recipient, VerifyingKey};
use pli_proto::{
    AccountInfo, AccountKey, AddressKind, DirectoryEntry, MailboxKeyInfo, MailboxKeyWrap,
    MailboxKeyWrapsRequest, MailboxKeyring, NewMailboxKeyRequest, mailbox_key_signed_bytes,
};
use secrecy::ExposeSecret as _;
use zeroize::Zeroizing;

use crate::api::{Api, ApiError, sanitize};
use crate::keys::{AccountKeys, b64};

/// How many times a repair starts over when another client changed the keys meanwhile.
const ATTEMPTS: usize = 3;

/// Errors of checking, unwrapping or repairing a mailbox's keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailboxError {
    /// The mailbox's key cannot be trusted: a bad signature, a creator who may not make keys,
    /// or a malformed value. Nothing is encrypted to it.
    #[error(
        "the key of mailbox {mailbox} cannot be trusted ({reason}): the server may have altered \
         it; a member can replace it with `pli mailbox sync {mailbox}`"
    )]
    Untrusted { mailbox: String, reason: String },
    /// The server's answer about the mailbox contradicts what was asked.
    #[error("the server's answer about mailbox {mailbox} is inconsistent: {reason}")]
    Inconsistent { mailbox: String, reason: String },
    /// No such mailbox, or this account may neither read nor repair its keys.
    #[error("no mailbox {0} whose keys you may manage (members and admins of its organisation)")]
    NotFound(String),
    /// Encrypting a copy of a secret failed.
    #[error("encrypting a copy of the mailbox key for {0} failed")]
    Wrap(String),
    /// Other clients kept changing the keys.
    #[error("the keys of mailbox {0} kept changing during the repair; try again")]
    Busy(String),
    /// The server refused or could not be reached.
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// Secrets of mailbox key generations, unwrapped in memory for one command and never written
/// anywhere.
#[derive(Default)]
pub struct MailboxSecrets {
    secrets: Vec<(String, u32, Identity)>,
}

impl fmt::Debug for MailboxSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held: Vec<String> = self
            .secrets
            .iter()
            .map(|(mailbox, generation, _)| format!("{mailbox}#{generation}"))
            .collect();
        f.debug_struct("MailboxSecrets")
            .field("held", &held)
            .finish_non_exhaustive()
    }
}

impl MailboxSecrets {
    /// The identities, to try beside the account's own when decrypting.
    pub fn identities(&self) -> impl Iterator<Item = &Identity> {
        self.secrets.iter().map(|(_, _, identity)| identity)
    }

    /// How many generations are held.
    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// The secret of one generation, if held.
    pub fn get(&self, mailbox: &str, generation: u32) -> Option<&Identity> {
        self.secrets
            .iter()
            .find(|(name, held, _)| name == mailbox && *held == generation)
            .map(|(_, _, identity)| identity)
    }
}

/// What a repair did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The generation made, if one was.
    pub rotated: Option<u32>,
    /// Copies of existing generations given to members who lacked them.
    pub copies: usize,
}

impl SyncReport {
    /// Nothing needed doing (or nothing could be done by this account).
    pub fn is_noop(&self) -> bool {
        self.rotated.is_none() && self.copies == 0
    }
}

/// The mailbox key a sender encrypts to, or `None` when the directory says it is not usable
/// (then the sender encrypts to every member's own key). Fails when the key is usable but does
/// not verify: never encrypt to a key the server may have forged.
pub async fn usable_recipient(
    api: &Api,
    address: &str,
    entry: &DirectoryEntry,
) -> Result<Option<String>, MailboxError> {
    if entry.kind != AddressKind::Mailbox {
        return Ok(None);
    }
    let Some(current) = entry.mailbox_key.as_ref().filter(|current| current.usable) else {
        return Ok(None);
    };
    let recipient = verify_generation(api, address, &entry.org, &entry.keys, &current.key).await?;
    Ok(Some(recipient.to_string()))
}

/// Checks a generation: its recipient parses, and its signature verifies with the creator's
/// directory key, the creator being a current member (in `members`) or an admin of the
/// mailbox's organisation `org`.
pub async fn verify_generation(
    api: &Api,
    mailbox: &str,
    org: &str,
    members: &[AccountKey],
    key: &MailboxKeyInfo,
) -> Result<Recipient, MailboxError> {
    let untrusted = |reason: &str| MailboxError::Untrusted {
        mailbox: sanitize(mailbox),
        reason: reason.to_owned(),
    };
    if key.generation == 0 {
        return Err(untrusted("generation 0 does not exist"));
    }
    let recipient = key
        .recipient
        .parse::<Recipient>()
        .map_err(|_| untrusted("its recipient is not an age X25519 key"))?;
    let creator = key.creator.to_lowercase();
    let signing_key = match members
        .iter()
        .find(|member| member.email.to_lowercase() == creator)
    {
        Some(member) => member.public_keys.signing_key.clone(),
        None if key.creator_admin => admin_signing_key(api, mailbox, org, &creator).await?,
        None => {
            return Err(untrusted(
                "it was made by someone who is neither a member nor an admin of its organisation",
            ));
        }
    };
    let verifying_key = decode_verifying_key(&signing_key)
        .ok_or_else(|| untrusted("its creator's signing key is malformed"))?;
    let signature: [u8; 64] = URL_SAFE_NO_PAD
        .decode(&key.signature)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| untrusted("its signature is malformed"))?;
    let message = mailbox_key_signed_bytes(mailbox, key.generation, &key.recipient);
    verifying_key
        .verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| untrusted("its signature does not verify"))?;
    Ok(recipient)
}

/// Whether this member's client has something to repair: the latest generation is not
/// usable, or a generation it holds is missing for a current member. Needs no key.
pub fn needs_repair(keyring: &MailboxKeyring) -> bool {
    !keyring.usable
        || keyring
            .generations
            .iter()
            .any(|held| held.wrapped.is_some() && held.holders.len() < keyring.members.len())
}

/// Repairs a mailbox's keys as `me` (see the module documentation). A member repairs fully; an
/// admin who is no member can only make a new generation when the latest is not usable.
pub async fn sync(
    api: &Api,
    me: &str,
    keys: &AccountKeys,
    mailbox: &str,
) -> Result<SyncReport, MailboxError> {
    let mut report = SyncReport::default();
    for _ in 0..ATTEMPTS {
        let keyring = match api.mailbox_keyring(mailbox).await {
            Ok(keyring) => keyring,
            Err(error) if error.is_not_found() => {
                return sync_as_admin(api, keys, mailbox, report).await;
            }
            Err(error) => return Err(error.into()),
        };
        match sync_as_member(api, me, keys, mailbox, &keyring, &mut report).await {
            Ok(()) => return Ok(report),
            // Another client published or the members changed meanwhile: look again.
            Err(MailboxError::Api(error)) if error.status() == Some(409) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(MailboxError::Busy(sanitize(mailbox)))
}

/// The generations of the caller's own mailboxes it can unwrap, repairing first (when
/// `repair`) those that need it. Problems with one mailbox do not stop the others: they are
/// returned beside the secrets, for the caller to report.
pub async fn open_own(
    api: &Api,
    me: &AccountInfo,
    keys: &AccountKeys,
    repair: bool,
) -> (
    MailboxSecrets,
    Vec<(String, Result<SyncReport, MailboxError>)>,
) {
    let mut secrets = MailboxSecrets::default();
    let mut reports = Vec::new();
    for mailbox in &me.mailboxes {
        let mut keyring = match api.mailbox_keyring(mailbox).await {
            Ok(keyring) => keyring,
            Err(error) => {
                reports.push((mailbox.clone(), Err(error.into())));
                continue;
            }
        };
        if repair && needs_repair(&keyring) {
            let report = sync(api, &me.email, keys, mailbox).await;
            let changed = report.as_ref().is_ok_and(|report| !report.is_noop());
            reports.push((mailbox.clone(), report));
            if changed {
                match api.mailbox_keyring(mailbox).await {
                    Ok(fresh) => keyring = fresh,
                    Err(error) => {
                        reports.push((mailbox.clone(), Err(error.into())));
                        continue;
                    }
                }
            }
        }
        for (generation, identity) in unwrap_held(&keyring, keys) {
            secrets
                .secrets
                .push((mailbox.clone(), generation, identity));
        }
    }
    (secrets, reports)
}

/// The caller's own mailboxes whose keys need a repair, checked without any key.
pub async fn needing_repair(api: &Api, me: &AccountInfo) -> Result<Vec<String>, ApiError> {
    let mut names = Vec::new();
    for mailbox in &me.mailboxes {
        match api.mailbox_keyring(mailbox).await {
            Ok(keyring) if needs_repair(&keyring) => names.push(mailbox.clone()),
            Ok(_) => {}
            // Left the mailbox since `me` was fetched.
            Err(error) if error.is_not_found() => {}
            Err(error) => return Err(error),
        }
    }
    Ok(names)
}

/// The generations whose copy for this account opens with its key and matches the published
/// recipient. A copy that does not is ignored: it is as if this account held none.
pub fn unwrap_held(keyring: &MailboxKeyring, keys: &AccountKeys) -> BTreeMap<u32, Identity> {
    let mut held = BTreeMap::new();
    for generation in &keyring.generations {
        let Some(wrapped) = &generation.wrapped else {
            continue;
        };
        if let Some(identity) = unwrap_secret(wrapped, keys)
            && identity.to_public().to_string() == generation.key.recipient
        {
            held.insert(generation.key.generation, identity);
        }
    }
    held
}

async fn sync_as_member(
    api: &Api,
    me: &str,
    keys: &AccountKeys,
    mailbox: &str,
    keyring: &MailboxKeyring,
    report: &mut SyncReport,
) -> Result<(), MailboxError> {
    if keyring.mailbox.to_lowercase() != mailbox.to_lowercase() {
        return Err(MailboxError::Inconsistent {
            mailbox: sanitize(mailbox),
            reason: "the server answered for another mailbox".into(),
        });
    }
    if !keyring
        .members
        .iter()
        .any(|member| member.email.to_lowercase() == me.to_lowercase())
    {
        return Err(MailboxError::Inconsistent {
            mailbox: sanitize(mailbox),
            reason: "it shows the keys to someone it does not list as a member".into(),
        });
    }
    let mut held = unwrap_held(keyring, keys);
    let latest = keyring.generations.last();
    let latest_trusted = match latest {
        Some(latest) => {
            verify_generation(api, mailbox, &keyring.org, &keyring.members, &latest.key)
                .await
                .is_ok()
        }
        None => false,
    };
    let latest_number = latest.map_or(0, |latest| latest.key.generation);
    let latest_incomplete = latest.is_some_and(|latest| {
        latest.holders.len() < keyring.members.len() && !held.contains_key(&latest_number)
    });
    let mut rotated = None;
    if keyring.stale || !latest_trusted || latest_incomplete {
        let next = latest_number
            .checked_add(1)
            .ok_or_else(|| MailboxError::Inconsistent {
                mailbox: sanitize(mailbox),
                reason: "no generation can follow the latest".into(),
            })?;
        let identity = publish(api, keys, mailbox, next, &keyring.members).await?;
        held.insert(next, identity);
        rotated = Some(next);
        report.rotated = Some(next);
    }

    let mut wraps = Vec::new();
    for generation in &keyring.generations {
        let number = generation.key.generation;
        let Some(identity) = held.get(&number) else {
            continue;
        };
        for member in &keyring.members {
            let holds = generation
                .holders
                .iter()
                .any(|holder| holder.to_lowercase() == member.email.to_lowercase());
            if !holds {
                wraps.push(wrap_for(identity, number, member)?);
            }
        }
    }
    // The generation just made went to everybody already.
    wraps.retain(|wrap| Some(wrap.generation) != rotated);
    if !wraps.is_empty() {
        let copies = wraps.len();
        api.add_mailbox_key_wraps(mailbox, &MailboxKeyWrapsRequest { wraps })
            .await?;
        report.copies += copies;
    }
    Ok(())
}

async fn sync_as_admin(
    api: &Api,
    keys: &AccountKeys,
    mailbox: &str,
    mut report: SyncReport,
) -> Result<SyncReport, MailboxError> {
    for _ in 0..ATTEMPTS {
        let entry = match api.directory(mailbox).await {
            Ok(entry) => entry,
            Err(error) if error.is_not_found() => {
                return Err(MailboxError::NotFound(sanitize(mailbox)));
            }
            Err(error) => return Err(error.into()),
        };
        if entry.kind != AddressKind::Mailbox || entry.address.to_lowercase() != mailbox {
            return Err(MailboxError::Inconsistent {
                mailbox: sanitize(mailbox),
                reason: "the directory answered for something else".into(),
            });
        }
        if entry.keys.is_empty() {
            return Ok(report);
        }
        let latest = entry.mailbox_key.as_ref();
        if let Some(current) = latest.filter(|current| current.usable)
            && verify_generation(api, mailbox, &entry.org, &entry.keys, &current.key)
                .await
                .is_ok()
        {
            return Ok(report);
        }
        let next = latest
            .map_or(0, |current| current.key.generation)
            .checked_add(1)
            .ok_or_else(|| MailboxError::Inconsistent {
                mailbox: sanitize(mailbox),
                reason: "no generation can follow the latest".into(),
            })?;
        match publish(api, keys, mailbox, next, &entry.keys).await {
            // The admin's client forgets the secret at once: it is the members' to read with.
            Ok(_identity) => {
                report.rotated = Some(next);
                return Ok(report);
            }
            Err(MailboxError::Api(error)) if error.status() == Some(404) => {
                return Err(MailboxError::NotFound(sanitize(mailbox)));
            }
            Err(MailboxError::Api(error)) if error.status() == Some(409) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(MailboxError::Busy(sanitize(mailbox)))
}

/// Makes generation `generation`, signs it, wraps its secret to every member and publishes it.
async fn publish(
    api: &Api,
    keys: &AccountKeys,
    mailbox: &str,
    generation: u32,
    members: &[AccountKey],
) -> Result<Identity, MailboxError> {
    use ed25519_dalek::Signer as _;
    let identity = Identity::generate();
    let recipient = identity.to_public().to_string();
    let message = mailbox_key_signed_bytes(mailbox, generation, &recipient);
    let signature = keys.signing_key().sign(&message);
    let wraps = members
        .iter()
        .map(|member| wrap_for(&identity, generation, member))
        .collect::<Result<Vec<_>, _>>()?;
    let request = NewMailboxKeyRequest {
        generation,
        recipient,
        signature: b64(&signature.to_bytes()),
        wraps,
    };
    api.publish_mailbox_key(mailbox, &request).await?;
    Ok(identity)
}

/// A copy of `identity` for `member`: an age file to the member's own key.
fn wrap_for(
    identity: &Identity,
    generation: u32,
    member: &AccountKey,
) -> Result<MailboxKeyWrap, MailboxError> {
    let failed = || MailboxError::Wrap(sanitize(&member.email));
    let recipient = member
        .public_keys
        .age_recipient
        .parse::<Recipient>()
        .map_err(|_| failed())?;
    let secret = identity.to_string();
    let wrapped =
        age::encrypt(&recipient, secret.expose_secret().as_bytes()).map_err(|_| failed())?;
    Ok(MailboxKeyWrap {
        generation,
        email: member.email.clone(),
        wrapped: b64(&wrapped),
    })
}

fn unwrap_secret(wrapped: &str, keys: &AccountKeys) -> Option<Identity> {
    let ciphertext = URL_SAFE_NO_PAD.decode(wrapped).ok()?;
    let plaintext = Zeroizing::new(age::decrypt(keys.identity(), &ciphertext).ok()?);
    let text = std::str::from_utf8(&plaintext).ok()?;
    text.trim().parse::<Identity>().ok()
}

async fn admin_signing_key(
    api: &Api,
    mailbox: &str,
    org: &str,
    creator: &str,
) -> Result<String, MailboxError> {
    let untrusted = |reason: &str| MailboxError::Untrusted {
        mailbox: sanitize(mailbox),
        reason: reason.to_owned(),
    };
    let entry = match api.directory(creator).await {
        Ok(entry) => entry,
        Err(error) if error.is_not_found() => {
            return Err(untrusted("its creator is not in the directory"));
        }
        Err(error) => return Err(error.into()),
    };
    if entry.kind != AddressKind::Account || entry.address.to_lowercase() != creator {
        return Err(untrusted("the directory answered for another creator"));
    }
    if entry.org != org {
        return Err(untrusted(
            "its creator is an admin of another organisation than the mailbox's",
        ));
    }
    let [key] = entry.keys.as_slice() else {
        return Err(untrusted(
            "the directory gave no single key for its creator",
        ));
    };
    if key.email.to_lowercase() != creator {
        return Err(untrusted("the directory gave another account's key"));
    }
    Ok(key.public_keys.signing_key.clone())
}

pub(crate) fn decode_verifying_key(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pli_proto::{HeldMailboxKey, PublicKeys};

    fn member(email: &str, keys: &AccountKeys) -> AccountKey {
        AccountKey {
            log_index: None,
            email: email.into(),
            public_keys: keys.public_keys(),
            key_id: String::new(),
        }
    }

    fn signed(keys: &AccountKeys, mailbox: &str, generation: u32, creator: &str) -> MailboxKeyInfo {
        use ed25519_dalek::Signer as _;
        let recipient = Identity::generate().to_public().to_string();
        let signature = keys
            .signing_key()
            .sign(&mailbox_key_signed_bytes(mailbox, generation, &recipient));
        MailboxKeyInfo {
            generation,
            recipient,
            creator: creator.into(),
            creator_admin: false,
            signature: b64(&signature.to_bytes()),
            created_at: String::new(),
        }
    }

    async fn verify(
        members: &[AccountKey],
        key: &MailboxKeyInfo,
    ) -> Result<Recipient, MailboxError> {
        // No admin creator in these cases: the directory is never asked.
        let api = Api::new("http://127.0.0.1:1").unwrap();
        verify_generation(&api, "team", "hospital", members, key).await
    }

    #[tokio::test]
    async fn a_generation_verifies_only_as_its_member_signed_it() {
        let ana = AccountKeys::generate();
        let eve = AccountKeys::generate();
        let members = [member("ana@x.org", &ana)];
        let key = signed(&ana, "team", 3, "ana@x.org");
        let recipient = verify(&members, &key).await.unwrap();
        assert_eq!(recipient.to_string(), key.recipient);

        let untrusted = |result: Result<Recipient, MailboxError>| {
            matches!(result, Err(MailboxError::Untrusted { .. }))
        };
        // A swapped recipient, another generation, another mailbox's signature.
        let mut swapped = key.clone();
        swapped.recipient = Identity::generate().to_public().to_string();
        assert!(untrusted(verify(&members, &swapped).await));
        let mut renumbered = key.clone();
        renumbered.generation = 4;
        assert!(untrusted(verify(&members, &renumbered).await));
        let other_mailbox = signed(&ana, "other", 3, "ana@x.org");
        let mut replayed = key.clone();
        replayed.recipient = other_mailbox.recipient.clone();
        replayed.signature = other_mailbox.signature.clone();
        assert!(untrusted(verify(&members, &replayed).await));
        // Signed by someone who is no member, or claiming a member made it.
        let by_eve = signed(&eve, "team", 3, "eve@x.org");
        assert!(untrusted(verify(&members, &by_eve).await));
        let mut blamed = by_eve.clone();
        blamed.creator = "ana@x.org".into();
        assert!(untrusted(verify(&members, &blamed).await));
        let mut zero = key.clone();
        zero.generation = 0;
        assert!(untrusted(verify(&members, &zero).await));
    }

    #[test]
    fn copies_open_only_for_their_member_and_their_recipient() {
        let ana = AccountKeys::generate();
        let ben = AccountKeys::generate();
        let secret = Identity::generate();
        let copy = wrap_for(&secret, 1, &member("ana@x.org", &ana)).unwrap();
        assert_eq!(copy.email, "ana@x.org");
        let opened = unwrap_secret(&copy.wrapped, &ana).unwrap();
        assert_eq!(
            opened.to_public().to_string(),
            secret.to_public().to_string()
        );
        assert!(unwrap_secret(&copy.wrapped, &ben).is_none());
        assert!(unwrap_secret("not base64!", &ana).is_none());

        let keyring = |recipient: String| MailboxKeyring {
            mailbox: "team".into(),
            org: "hospital".into(),
            members: vec![member("ana@x.org", &ana)],
            generations: vec![HeldMailboxKey {
                key: MailboxKeyInfo {
                    generation: 1,
                    recipient,
                    creator: "ana@x.org".into(),
                    creator_admin: false,
                    signature: String::new(),
                    created_at: String::new(),
                },
                holders: vec!["ana@x.org".into()],
                wrapped: Some(copy.wrapped.clone()),
            }],
            stale: false,
            usable: true,
        };
        let held = unwrap_held(&keyring(secret.to_public().to_string()), &ana);
        assert_eq!(held.keys().copied().collect::<Vec<_>>(), [1]);
        // A server that swapped the published recipient: the copy no longer counts.
        let swapped = keyring(Identity::generate().to_public().to_string());
        assert!(unwrap_held(&swapped, &ana).is_empty());
        assert!(!needs_repair(&keyring(secret.to_public().to_string())));
        let mut newcomer = keyring(secret.to_public().to_string());
        newcomer.members.push(AccountKey {
            log_index: None,
            email: "cleo@x.org".into(),
            public_keys: PublicKeys {
                age_recipient: Identity::generate().to_public().to_string(),
                signing_key: String::new(),
            },
            key_id: String::new(),
        });
        assert!(needs_repair(&newcomer));
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let secrets = MailboxSecrets {
            secrets: vec![("team".into(), 2, Identity::generate())],
        };
        let text = format!("{secrets:?}");
        assert!(text.contains("team#2"), "{text}");
        assert!(!text.contains("AGE-SECRET-KEY"), "{text}");
    }
}
