//! The entry encoding: round trips, canonical form, hostile bytes.

use pli_audit::{
    AuditEvent, Entry, EntryError, EntryHeader, Hash, MAX_ENTRY_BYTES, MAX_FIELD_BYTES, Outcome,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9.@-]{0,40}",
        any::<String>().prop_map(|s| s.chars().take(60).collect()),
    ]
}

fn event() -> impl Strategy<Value = AuditEvent> {
    (
        any::<i64>(),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        text(),
        text(),
        proptest::option::of(text()),
        prop_oneof![
            Just(Outcome::Allowed),
            Just(Outcome::Denied),
            Just(Outcome::Failed)
        ],
    )
        .prop_map(
            |(time, org, actor, actor_email, address, action, target, outcome)| AuditEvent {
                time,
                org,
                actor,
                actor_email,
                address,
                action,
                target,
                outcome,
            },
        )
}

fn entry() -> impl Strategy<Value = Entry> {
    (any::<u64>(), any::<[u8; 32]>(), event()).prop_map(|(index, prev, event)| Entry {
        index,
        prev: Hash::from_bytes(prev),
        event,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn entries_round_trip(entry in entry()) {
        let bytes = entry.encode().unwrap();
        prop_assert!(bytes.len() <= MAX_ENTRY_BYTES);
        prop_assert_eq!(Entry::decode(&bytes).unwrap(), entry.clone());
        let header = EntryHeader::decode(&bytes).unwrap();
        prop_assert_eq!((header.index, header.prev, header.time), (entry.index, entry.prev, entry.event.time));
    }

    /// Whatever decodes re-encodes to the same bytes: one event, one encoding, one leaf hash.
    #[test]
    fn mutated_entries_fail_cleanly_or_stay_canonical(
        entry in entry(),
        position: usize,
        byte: u8,
        cut: bool,
    ) {
        let mut bytes = entry.encode().unwrap();
        let position = position % bytes.len();
        if cut {
            bytes.truncate(position);
        } else {
            bytes[position] = byte;
        }
        if let Ok(decoded) = Entry::decode(&bytes) {
            prop_assert_eq!(decoded.encode().unwrap(), bytes);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(decoded) = Entry::decode(&bytes) {
            prop_assert_eq!(decoded.encode().unwrap(), bytes.clone());
        }
        let _ = EntryHeader::decode(&bytes);
    }
}

#[test]
fn hostile_entries_get_named_errors() {
    let good = Entry {
        index: 0,
        prev: Hash::default(),
        event: AuditEvent {
            time: 0,
            org: None,
            actor: None,
            actor_email: None,
            address: "a".into(),
            action: "login".into(),
            target: None,
            outcome: Outcome::Failed,
        },
    }
    .encode()
    .unwrap();
    let with = |position: usize, byte: u8| {
        let mut bytes = good.clone();
        bytes[position] = byte;
        bytes
    };
    assert_eq!(Entry::decode(&[]), Err(EntryError::Truncated));
    assert_eq!(Entry::decode(&good[..49]), Err(EntryError::Truncated));
    assert_eq!(
        Entry::decode(&with(0, 2)),
        Err(EntryError::UnknownVersion(2))
    );
    assert_eq!(Entry::decode(&with(1, 9)), Err(EntryError::UnknownKind(9)));
    // Another kind still has a readable header.
    assert_eq!(EntryHeader::decode(&with(1, 9)).unwrap().kind, 9);
    assert_eq!(
        Entry::decode(&with(50, 3)),
        Err(EntryError::UnknownOutcome(3))
    );
    // action length 5 → 0xff 0xff: longer than the limit.
    assert_eq!(
        Entry::decode(&with(51, 0xff)),
        Err(EntryError::FieldTooLong {
            field: "action",
            len: 0xff05
        })
    );
    assert_eq!(
        Entry::decode(&with(53, 0xff)),
        Err(EntryError::NotUtf8 { field: "action" })
    );
    let org_flag = good.len() - 4;
    assert_eq!(
        Entry::decode(&with(org_flag, 2)),
        Err(EntryError::InvalidPresence { field: "org" })
    );
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(Entry::decode(&trailing), Err(EntryError::TrailingBytes(1)));
    let long = vec![1u8; MAX_ENTRY_BYTES + 1];
    assert_eq!(
        Entry::decode(&long),
        Err(EntryError::TooLong(MAX_ENTRY_BYTES + 1))
    );
    // Errors name fields, never their content.
    let secret = "x".repeat(MAX_FIELD_BYTES + 1);
    let mut event = Entry::decode(&good).unwrap();
    event.event.actor_email = Some(secret.clone());
    let error = event.encode().unwrap_err();
    assert!(!error.to_string().contains("xxxx"));
}
