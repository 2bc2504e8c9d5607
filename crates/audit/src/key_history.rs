//! Which accounts the log shows with more than one key. Pli has no way for an account to
//! change its key: a second, different key published for the same address means the server
//! published a substitute, which senders who proved it were given. A verifier replaying the
//! log reports each such address, with where and when the other key was logged.

use std::collections::HashMap;

use crate::record::{KeyOwner, PublishedKey};

/// A key published for an account that already had a different one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyChange {
    /// The account's email.
    pub email: String,
    /// Index of the entry that published the other key.
    pub index: u64,
    /// When it was published, Unix seconds.
    pub time: i64,
}

/// The keys seen so far, pushed in log order.
#[derive(Debug, Default)]
pub struct KeyHistory {
    first: HashMap<String, (String, Option<[u8; 32]>)>,
    changes: Vec<KeyChange>,
}

impl KeyHistory {
    /// A published key at `index`. Mailbox generations are left out: a mailbox's key rotates
    /// by design, each generation logged.
    pub fn push(&mut self, index: u64, key: &PublishedKey) {
        let KeyOwner::Account { email } = &key.owner else {
            return;
        };
        let published = (key.age_recipient.clone(), key.signing_key);
        match self.first.get(email) {
            None => {
                self.first.insert(email.clone(), published);
            }
            // The same key logged again (a restart logging keys made before key logging).
            Some(first) if *first == published => {}
            Some(_) => self.changes.push(KeyChange {
                email: email.clone(),
                index,
                time: key.time,
            }),
        }
    }

    /// Every key that differs from the first one logged for its account, in log order.
    pub fn changes(&self) -> &[KeyChange] {
        &self.changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(email: &str, recipient: &str, signing: u8, time: i64) -> PublishedKey {
        PublishedKey {
            time,
            owner: KeyOwner::Account {
                email: email.to_owned(),
            },
            age_recipient: recipient.to_owned(),
            signing_key: Some([signing; 32]),
        }
    }

    #[test]
    fn a_second_key_for_an_account_is_reported_and_the_same_one_is_not() {
        let mut history = KeyHistory::default();
        history.push(0, &key("bob@x.fr", "age1bob", 1, 10));
        history.push(1, &key("ana@x.fr", "age1ana", 2, 11));
        history.push(2, &key("bob@x.fr", "age1bob", 1, 12));
        assert!(history.changes().is_empty());
        // Another encryption key, then another signing key alone.
        history.push(3, &key("bob@x.fr", "age1evil", 1, 13));
        history.push(4, &key("ana@x.fr", "age1ana", 9, 14));
        // Mailbox generations rotate by design.
        let mailbox = |generation| PublishedKey {
            time: 15,
            owner: KeyOwner::Mailbox {
                name: "urgences".into(),
                generation,
            },
            age_recipient: format!("age1gen{generation}"),
            signing_key: None,
        };
        history.push(5, &mailbox(1));
        history.push(6, &mailbox(2));
        assert_eq!(
            history.changes(),
            [
                KeyChange {
                    email: "bob@x.fr".into(),
                    index: 3,
                    time: 13
                },
                KeyChange {
                    email: "ana@x.fr".into(),
                    index: 4,
                    time: 14
                },
            ]
        );
    }
}
