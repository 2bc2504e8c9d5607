//! Editing, deleting, inserting and reordering stored entries: each is caught and named by index
//! and time; an untouched log verifies.

use pli_audit::{
    Entry, Hash, MemoryLog, Outcome, SignedCheckpoint, Tampering, Verification, VerifyError,
    leaf_hash, verify_log,
};

use crate::support::{event, log_with_batches};

/// Batches of 5, 1, 12, 7 and 1 entries: 26 entries, 5 checkpoints.
const BATCHES: [u64; 5] = [5, 1, 12, 7, 1];

fn setup() -> (Vec<Vec<u8>>, Vec<SignedCheckpoint>) {
    let (_, store): (_, MemoryLog) = log_with_batches(&BATCHES);
    (store.entries().to_vec(), store.checkpoints().to_vec())
}

fn time(index: u64) -> Option<i64> {
    Some(event(index).time)
}

fn check(entries: &[Vec<u8>], checkpoints: &[SignedCheckpoint], expected: Tampering) {
    match verify_log(checkpoints, entries) {
        Err(VerifyError::Tampered(found)) => assert_eq!(found, expected, "{found}"),
        other => panic!("expected {expected:?}, got {other:?}"),
    }
}

/// Changes what an entry says, keeping its index and link: what an edit of the row does.
fn edit(entries: &mut [Vec<u8>], index: usize) {
    let mut entry = Entry::decode(&entries[index]).unwrap();
    entry.event.outcome = match entry.event.outcome {
        Outcome::Allowed => Outcome::Denied,
        _ => Outcome::Allowed,
    };
    entries[index] = entry.encode().unwrap();
}

#[test]
fn an_untouched_log_verifies() {
    let (entries, checkpoints) = setup();
    let verified = verify_log(&checkpoints, &entries).unwrap();
    assert_eq!(verified.size, 26);
    assert_eq!(verified.signed_size, 26);
    assert_eq!(verified.checkpoints, 5);
    assert_eq!(verified.root, *checkpoints[4].checkpoint().root());
    // With only some checkpoints kept, or none, it still verifies.
    verify_log(&checkpoints[1..2], &entries).unwrap();
    assert_eq!(verify_log(&[], &entries).unwrap().signed_size, 0);
    // Entries appended after the last kept checkpoint are chained but not yet signed.
    let verified = verify_log(&checkpoints[..3], &entries).unwrap();
    assert_eq!((verified.size, verified.signed_size), (26, 18));
}

#[test]
fn a_rewritten_entry_is_named() {
    for index in [0usize, 3, 4, 5, 6, 17, 20, 24] {
        let (mut entries, checkpoints) = setup();
        edit(&mut entries, index);
        check(
            &entries,
            &checkpoints,
            Tampering::Rewritten {
                index: index as u64,
                time: time(index as u64),
            },
        );
    }
    // Garbage in place of an entry.
    let (mut entries, checkpoints) = setup();
    entries[9] = b"not an entry".to_vec();
    check(
        &entries,
        &checkpoints,
        Tampering::Rewritten {
            index: 9,
            time: None,
        },
    );
}

#[test]
fn a_rewritten_last_entry_is_caught_by_the_root() {
    // Nothing follows the last entry to show a broken link: the last checkpoint fails, and it
    // covers that entry alone.
    let (mut entries, checkpoints) = setup();
    edit(&mut entries, 25);
    check(
        &entries,
        &checkpoints,
        Tampering::Rewritten {
            index: 25,
            time: time(25),
        },
    );
    // Without the last checkpoint, the edit is in the unsigned tail and goes unseen: clients must
    // keep recent checkpoints.
    verify_log(&checkpoints[..4], &entries).unwrap();
    // The last batch of 7: the range is all the tree can tell once the chain was rebuilt.
    let (mut entries, checkpoints) = setup();
    edit(&mut entries, 24);
    check(
        &entries[..25],
        &checkpoints[..4],
        Tampering::RootMismatch { from: 18, to: 25 },
    );
}

#[test]
fn deleted_entries_are_named() {
    for index in [0usize, 4, 5, 12, 24] {
        let (mut entries, checkpoints) = setup();
        entries.remove(index);
        check(
            &entries,
            &checkpoints,
            Tampering::Deleted {
                index: index as u64,
                count: 1,
                after: index.checked_sub(1).and_then(|i| time(i as u64)),
                before: time(index as u64 + 1),
            },
        );
    }
    let (mut entries, checkpoints) = setup();
    entries.drain(7..10);
    check(
        &entries,
        &checkpoints,
        Tampering::Deleted {
            index: 7,
            count: 3,
            after: time(6),
            before: time(10),
        },
    );
    // Cutting the end of the log.
    let (mut entries, checkpoints) = setup();
    entries.truncate(20);
    check(
        &entries,
        &checkpoints,
        Tampering::Deleted {
            index: 20,
            count: 6,
            after: time(19),
            before: None,
        },
    );
}

#[test]
fn inserted_entries_are_named() {
    // A copy of an earlier entry slipped in.
    let (mut entries, checkpoints) = setup();
    let copy = entries[2].clone();
    entries.insert(8, copy);
    check(
        &entries,
        &checkpoints,
        Tampering::Inserted {
            index: 8,
            count: 1,
            time: time(2),
        },
    );

    // A forged entry that claims the slot and links to the entry before it.
    let (mut entries, checkpoints) = setup();
    let forged = Entry {
        index: 8,
        prev: leaf_hash(&entries[7]),
        event: event(1000),
    };
    entries.insert(8, forged.encode().unwrap());
    check(
        &entries,
        &checkpoints,
        Tampering::Inserted {
            index: 8,
            count: 1,
            time: Some(event(1000).time),
        },
    );

    // Two forged entries chained to each other.
    let (mut entries, checkpoints) = setup();
    let first = Entry {
        index: 8,
        prev: leaf_hash(&entries[7]),
        event: event(1000),
    }
    .encode()
    .unwrap();
    let second = Entry {
        index: 9,
        prev: leaf_hash(&first),
        event: event(1001),
    }
    .encode()
    .unwrap();
    entries.splice(8..8, [first, second]);
    check(
        &entries,
        &checkpoints,
        Tampering::Inserted {
            index: 8,
            count: 2,
            time: Some(event(1000).time),
        },
    );

    // Garbage bytes slipped in.
    let (mut entries, checkpoints) = setup();
    entries.insert(0, vec![0xff; 10]);
    check(
        &entries,
        &checkpoints,
        Tampering::Inserted {
            index: 0,
            count: 1,
            time: None,
        },
    );
}

#[test]
fn reordered_entries_are_named() {
    let (mut entries, checkpoints) = setup();
    entries.swap(10, 11);
    check(
        &entries,
        &checkpoints,
        Tampering::Reordered {
            index: 10,
            found_at: 11,
            time: time(10),
        },
    );

    let (mut entries, checkpoints) = setup();
    entries.swap(3, 21);
    check(
        &entries,
        &checkpoints,
        Tampering::Reordered {
            index: 3,
            found_at: 21,
            time: time(3),
        },
    );

    // An entry moved later.
    let (mut entries, checkpoints) = setup();
    let moved = entries.remove(2);
    entries.insert(14, moved);
    check(
        &entries,
        &checkpoints,
        Tampering::Reordered {
            index: 2,
            found_at: 14,
            time: time(2),
        },
    );
}

#[test]
fn a_rebuilt_chain_still_fails_the_checkpoints() {
    // An insider edits entry 9 and recomputes every later link: the chain looks intact, but the
    // root of 18 entries signed earlier no longer matches; entries before 6 are proven intact.
    let (mut entries, checkpoints) = setup();
    edit(&mut entries, 9);
    let mut prev: Hash = leaf_hash(&entries[9]);
    for entry in entries.iter_mut().skip(10) {
        let mut decoded = Entry::decode(entry).unwrap();
        decoded.prev = prev;
        *entry = decoded.encode().unwrap();
        prev = leaf_hash(entry);
    }
    check(
        &entries,
        &checkpoints,
        Tampering::RootMismatch { from: 6, to: 18 },
    );
}

#[test]
fn edits_after_the_last_checkpoint_are_caught_by_the_chain() {
    let (mut entries, checkpoints) = setup();
    edit(&mut entries, 20);
    // Only the first two checkpoints kept: entry 20 is past them, its link still breaks.
    check(
        &entries,
        &checkpoints[..2],
        Tampering::Rewritten {
            index: 20,
            time: time(20),
        },
    );
}

#[test]
fn forked_or_foreign_checkpoints_are_refused() {
    let (entries, checkpoints) = setup();
    // The same log key signing two different trees of the same size.
    let (mut other_log, mut other_store) = log_with_batches(&[5]);
    let fork = other_log
        .append(&mut other_store, &[event(99)])
        .unwrap()
        .checkpoint;
    assert_eq!(fork.checkpoint().size(), 6);
    let mut kept = checkpoints.clone();
    kept.push(fork.clone());
    assert!(matches!(
        Verification::new(&kept),
        Err(VerifyError::Forked { size: 6 })
    ));
    // Only the fork kept: the stored log is not the history it signed.
    check(
        &entries,
        &[fork],
        Tampering::RootMismatch { from: 0, to: 6 },
    );

    let stranger = pli_audit::LogKey::new(
        "other.example/log",
        pli_audit::SigningKey::from_bytes(&[1; 32]),
    )
    .unwrap();
    let foreign = stranger
        .sign(&pli_audit::Checkpoint::new("other.example/log", 1, leaf_hash(b"x")).unwrap())
        .unwrap();
    let mut kept = checkpoints.clone();
    kept.push(foreign);
    assert!(matches!(
        verify_log(&kept, &entries),
        Err(VerifyError::MixedOrigins(..))
    ));
}

#[test]
fn errors_read_well() {
    let (mut entries, checkpoints) = setup();
    entries.remove(12);
    let error = verify_log(&checkpoints, &entries).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the audit log was tampered with: entry 12 was deleted (logged between Unix times {} and {})",
            event(11).time,
            event(13).time
        )
    );
}

/// Replays entries where every odd one is known only by its header and leaf hash.
fn verify_half_redacted(
    entries: &[Vec<u8>],
    checkpoints: &[SignedCheckpoint],
) -> Result<pli_audit::Verified, VerifyError> {
    let mut verification = Verification::new(checkpoints)?;
    for (position, entry) in entries.iter().enumerate() {
        if position % 2 == 1 {
            let header = &entry[..entry.len().min(pli_audit::HEADER_BYTES)];
            verification.push_redacted(header, leaf_hash(entry))?;
        } else {
            verification.push(entry)?;
        }
    }
    verification.finish()
}

#[test]
fn redacted_entries_verify_and_their_changes_are_named() {
    let (entries, checkpoints) = setup();
    assert_eq!(
        verify_half_redacted(&entries, &checkpoints).unwrap(),
        verify_log(&checkpoints, &entries).unwrap()
    );

    // A redacted entry rewritten: its leaf hash no longer fits the signed tree.
    let (mut entries, checkpoints) = setup();
    edit(&mut entries, 7);
    match verify_half_redacted(&entries, &checkpoints) {
        Err(VerifyError::Tampered(Tampering::Rewritten { index: 7, .. })) => {}
        other => panic!("expected entry 7 rewritten, got {other:?}"),
    }

    // A redacted entry deleted: the chain names it.
    let (mut entries, checkpoints) = setup();
    entries.remove(9);
    match verify_half_redacted(&entries, &checkpoints) {
        Err(VerifyError::Tampered(Tampering::Deleted {
            index: 9, count: 1, ..
        })) => {}
        other => panic!("expected entry 9 deleted, got {other:?}"),
    }

    // A header that is not one.
    let (entries, checkpoints) = setup();
    let mut verification = Verification::new(&checkpoints).unwrap();
    verification.push(&entries[0]).unwrap();
    verification
        .push_redacted(b"short", leaf_hash(&entries[1]))
        .unwrap();
    for entry in &entries[2..] {
        verification.push(entry).unwrap();
    }
    assert!(matches!(
        verification.finish(),
        Err(VerifyError::Tampered(Tampering::Rewritten { index: 1, .. }))
    ));
}
