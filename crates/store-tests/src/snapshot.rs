//! Snapshots ([`Snapshot`]): every row of every table moves from one store to another, across
//! backends, and a snapshot loads only whole, into an empty store of its schema version.
//!
//! These stories take the stores themselves rather than a [`crate::Fixture`]: moving between
//! backends needs two of them.

use pli_store::snapshot::SnapshotReader;
use pli_store::{
    Access, Addressee, AuditEvent, Ceremony, CeremonyKind, DownloadHold, HoldKind, Id, InboxScope,
    JournalEntry, JournalKind, LinkReceipt, LogBatch, MailboxKeyWrap, NewAlert, NewCanary, NewLink,
    NewMailboxKey, NewPolicy, NewUploadRequest, Outcome, Role, Snapshot, SnapshotError,
    SnapshotSummary, StoredPasskey, StoredReceipt, UploadPiece,
};

use crate::{HOUR, NOW, announce, digest, ids, invitation, join, send, whole_inbox};

/// Fills every table of `store` with rows of every shape (NULLs, flags, opaque bytes, text
/// that is not ASCII), through the store's own methods.
pub async fn populate(store: &dyn Snapshot) {
    let org = store.ensure_org("Hôpital Nord").await.unwrap();
    let police = store.ensure_org("Police \"judiciaire\"").await.unwrap();
    let desk = store
        .create_mailbox(org.id, "médecine-légale")
        .await
        .unwrap();
    let records = store.create_mailbox(police.id, "greffe").await.unwrap();
    let admin = join(store, &org, "admin@chu.example", Role::Admin, &[&desk]).await;
    let doctor = join(store, &org, "médecin@chu.example", Role::Agent, &[&desk]).await;
    let officer = join(store, &police, "opj@police.example", Role::Agent, &[]).await;
    let leaver = join(store, &org, "interne@chu.example", Role::Agent, &[&desk]).await;

    // An open invitation naming a mailbox (invitations, invitation_mailboxes).
    let mut open = invitation(&org, "nouveau@chu.example", Role::Agent, "open code");
    open.mailbox_ids = vec![desk.id];
    store.create_invitation(&open).await.unwrap();

    store
        .create_session(&digest("session"), doctor.id, NOW + HOUR)
        .await
        .unwrap();

    // Key generations, copies, a removal that makes the latest stale, key log indexes.
    let wrap = |generation: u32, account_id| MailboxKeyWrap {
        generation,
        account_id,
        wrapped: vec![generation as u8, 0, 255],
    };
    store
        .create_mailbox_key(&NewMailboxKey {
            mailbox_id: desk.id,
            generation: 1,
            recipient: "age1generation1".into(),
            creator_id: admin.id,
            created_at: NOW,
            signature: vec![7; 64],
            wraps: vec![wrap(1, admin.id), wrap(1, doctor.id), wrap(1, leaver.id)],
        })
        .await
        .unwrap();
    store
        .remove_member(desk.id, leaver.id, NOW + 1)
        .await
        .unwrap();
    store
        .set_mailbox_key_log_index(desk.id, 1, 3)
        .await
        .unwrap();
    store.set_account_key_log_index(doctor.id, 1).await.unwrap();
    store.set_account_role_log_index(admin.id, 2).await.unwrap();

    // A read-only grant with an end (memberships with every flag and a NULL-able column).
    store
        .set_access(
            records.id,
            doctor.id,
            &Access {
                read: true,
                send: false,
                granted: true,
                until: Some(NOW + 24 * HOUR),
            },
            NOW,
        )
        .await
        .unwrap();

    // Envelopes: stored to an account and a mailbox, and one still pending.
    let report = send(
        store,
        &doctor,
        &[
            Addressee::Account(officer.id),
            Addressee::Mailbox(records.id),
        ],
        NOW + 2,
    )
    .await;
    send(store, &officer, &[Addressee::Mailbox(desk.id)], NOW + 3).await;
    let pending = announce(store, &admin, &[Addressee::Mailbox(desk.id)], NOW + 4).await;
    // The first acknowledged piece of its resumable upload (upload_pieces).
    store
        .add_upload_piece(&UploadPiece {
            envelope_id: pending,
            start: 0,
            size: 1,
            blob_key: format!("uploads/{pending}/0-00"),
            created_at: NOW + 4,
        })
        .await
        .unwrap();
    store
        .add_canary(&NewCanary {
            envelope_id: pending,
            mailbox_id: desk.id,
            planted_by: admin.id,
            planted_at: NOW + 4,
        })
        .await
        .unwrap();
    store
        .add_receipt(&StoredReceipt {
            envelope_id: report,
            account_id: officer.id,
            email: officer.email.clone(),
            manifest_hash: digest("manifest"),
            opened_at: NOW + 5,
            signature: vec![9; 64],
            log_index: 4,
        })
        .await
        .unwrap();

    // The audit trail and its log (audit_events, audit_log_*), with a cosignature.
    let event = |action: &str, outcome| AuditEvent {
        at: NOW + 6,
        actor: Some(doctor.id),
        actor_email: Some(doctor.email.clone()),
        org_id: Some(org.id),
        from: "192.0.2.7".into(),
        action: action.into(),
        target: None,
        outcome,
    };
    store
        .append_audit_logged(
            &[
                event("session.create", Outcome::Allowed),
                event("envelope.get", Outcome::Denied),
            ],
            &LogBatch {
                first_index: 0,
                // Entry 0 is pruned below: longer than the 50-byte header it keeps.
                bundles: crate::audit::bundles(
                    0,
                    &[
                        [b"entry 0 ".as_slice(), &[7; 60]].concat(),
                        vec![0, 1, 2, 255],
                    ],
                ),
                // Two hashes in a tile of level 1 (leaf hashes, of level 0, are derived from
                // the entries, not stored; a snapshot carries the tiles as they are).
                tiles: vec![pli_store::TileAppend {
                    tile: pli_store::TileId { level: 1, index: 0 },
                    start: 0,
                    hashes: [digest("hash 0"), digest("hash 1")].concat(),
                }],
                size: 2,
                checkpoint: "pli.example/audit\n2\nroot\n\n— sig\n".into(),
            },
        )
        .await
        .unwrap();
    store
        .add_cosignature(
            2,
            "witness.example",
            "— witness.example sig\n",
            Id::random(),
        )
        .await
        .unwrap();
    // Retention: entry 0 cut to its header, its leaf hash kept (audit_log_pruned); no event
    // row is old enough to go.
    store
        .prune_audit(
            &[pli_store::PrunedEntry {
                index: 0,
                header: [b"entry 0 ".as_slice(), &[7; 42]].concat(),
                leaf: digest("leaf 0"),
            }],
            NOW - 1000,
        )
        .await
        .unwrap();
    // More rows than one insert of a load carries.
    let failures: Vec<AuditEvent> = (0..600)
        .map(|_| event("login.failed", Outcome::Failed))
        .collect();
    store.append_audit(&failures).await.unwrap();

    // Second factor, brute-force limits, alerts.
    store
        .begin_totp(doctor.id, &[1, 2, 3, 0, 255], NOW)
        .await
        .unwrap();
    store
        .confirm_totp(
            doctor.id,
            100,
            &[digest("recovery 1"), digest("recovery 2")],
        )
        .await
        .unwrap();
    store.set_org_requires_totp(org.id, true).await.unwrap();
    store
        .record_login_failure("inconnu@chu.example", NOW, NOW - HOUR)
        .await
        .unwrap();
    store
        .record_login_failure("inconnu@chu.example", NOW + 1, NOW - HOUR)
        .await
        .unwrap();
    store
        .lock_login("inconnu@chu.example", NOW + HOUR)
        .await
        .unwrap();
    store
        .add_alert(&NewAlert {
            at: NOW + 7,
            org_id: org.id,
            account_id: None,
            email: Some("inconnu@chu.example".into()),
            kind: "login.locked".into(),
            details: "10 échecs".into(),
        })
        .await
        .unwrap();

    store
        .set_policy(&NewPolicy {
            org_id: org.id,
            version: 1,
            text: "[default]\naction = \"warn\"\n".into(),
            signer_id: admin.id,
            signature: vec![3; 64],
            set_at: NOW,
        })
        .await
        .unwrap();

    // Flow monitor.
    store
        .save_monitor_baselines(&[(doctor.id, vec![0, 42, 255])], NOW)
        .await
        .unwrap();
    store
        .set_download_hold(&DownloadHold {
            account_id: officer.id,
            kind: HoldKind::StepUp,
            at: NOW + 8,
            rule: "burst".into(),
            details: "40 téléchargements".into(),
        })
        .await
        .unwrap();
    store
        .append_monitor_journal(&[JournalEntry {
            instance: Id::random(),
            at: NOW + 9,
            account_id: doctor.id,
            org_id: org.id,
            address: u64::MAX,
            kind: JournalKind::Download,
            bytes: 1 << 40,
            sender_id: Some(officer.id),
            mailbox_id: None,
        }])
        .await
        .unwrap();
    store.count_hit(&digest("rate"), NOW).await.unwrap();

    // An external link, opened once, with its receipt.
    let link = Id::random();
    store
        .create_link(&NewLink {
            id: link,
            envelope_id: report,
            creator_id: doctor.id,
            email: "famille@exemple.fr".into(),
            phone: Some("+33612345678".into()),
            created_at: NOW + 2,
            expires_at: NOW + 72 * HOUR,
            max_downloads: 3,
            code_hash: digest("code"),
            server_half: digest("server half"),
            receipt_key: digest("receipt key"),
        })
        .await
        .unwrap();
    store
        .add_link_token(link, &digest("token"), NOW + 3 * HOUR, NOW + 3)
        .await
        .unwrap();
    store
        .count_link_download(link, NOW + 4, "198.51.100.4")
        .await
        .unwrap();
    store
        .set_link_receipt(
            link,
            &LinkReceipt {
                manifest_hash: digest("manifest"),
                opened_at: NOW + 4,
                signature: vec![5; 64],
                log_index: 9,
            },
        )
        .await
        .unwrap();

    // A passkey (once used) and a ceremony in progress.
    let passkey = StoredPasskey {
        id: Id::random(),
        account_id: doctor.id,
        credential_id: vec![0, 255, 7],
        name: "clé de sécurité".into(),
        data: "{\"cred\":{}}".into(),
        created_at: NOW,
        last_used_at: None,
    };
    store.add_passkey(&passkey).await.unwrap();
    store
        .passkey_used(passkey.id, "{\"counter\":2}", NOW + 5)
        .await
        .unwrap();
    store
        .put_ceremony(
            &Ceremony {
                id: Id::random(),
                account_id: officer.id,
                kind: CeremonyKind::Authenticate,
                state: "{\"challenge\":\"é\"}".into(),
                expires_at: NOW + 300,
            },
            NOW,
        )
        .await
        .unwrap();

    // An upload request for a mailbox, with one envelope uploaded through it.
    let request = Id::random();
    store
        .create_upload_request(&NewUploadRequest {
            id: request,
            creator_id: doctor.id,
            mailbox_id: Some(desk.id),
            email: "avocat@cabinet.example".into(),
            recipients: vec!["age1recipient".into(), "age1autre".into()],
            signature: vec![6; 64],
            created_at: NOW + 5,
            expires_at: NOW + 7 * 24 * HOUR,
            max_uploads: 2,
        })
        .await
        .unwrap();
    let uploaded = Id::random();
    store
        .begin_request_upload(request, uploaded, 5000, NOW + 6, "203.0.113.9")
        .await
        .unwrap();
    store
        .complete_request_upload(request, uploaded, 4990, NOW + 7)
        .await
        .unwrap();
}

/// Every row of every table moves from `source` to the empty `target` (possibly another
/// backend): exporting the target gives back the source's snapshot byte for byte, and the
/// store reads the same through its methods.
pub async fn snapshot_moves_every_row(source: &dyn Snapshot, target: &dyn Snapshot) {
    populate(source).await;
    let mut exported: Vec<u8> = Vec::new();
    let summary = source.export_snapshot(&mut exported).await.unwrap();
    for (table, rows) in &summary.tables {
        assert!(*rows > 0, "the story leaves table {table} empty");
    }
    assert_eq!(summary, source.table_counts().await.unwrap());

    let loaded = target
        .import_snapshot(&mut exported.as_slice())
        .await
        .unwrap();
    assert_eq!(loaded, summary);
    assert_eq!(target.table_counts().await.unwrap(), summary);
    let mut again: Vec<u8> = Vec::new();
    target.export_snapshot(&mut again).await.unwrap();
    assert!(
        exported == again,
        "the target's snapshot differs from the source's:\n{}\n---\n{}",
        String::from_utf8_lossy(&exported),
        String::from_utf8_lossy(&again)
    );

    // And through the store's own methods.
    let officer = target.account_by_email("opj@police.example").await.unwrap();
    assert_eq!(
        officer,
        source.account_by_email("opj@police.example").await.unwrap()
    );
    assert_eq!(
        ids(&whole_inbox(target, &officer, &InboxScope::All, 10).await),
        ids(&whole_inbox(source, &officer, &InboxScope::All, 10).await)
    );
    assert_eq!(
        target.audit_log_latest().await.unwrap(),
        source.audit_log_latest().await.unwrap()
    );
    let entries = target.audit_log_stored(0, 10).await.unwrap();
    assert_eq!(entries, source.audit_log_stored(0, 10).await.unwrap());
    assert_eq!(entries[0].pruned_leaf, Some(digest("leaf 0")));
    // Numbers handed out before the snapshot are not handed out again.
    target
        .append_audit(&[AuditEvent {
            at: NOW + 9,
            actor: None,
            actor_email: None,
            org_id: None,
            from: "192.0.2.7".into(),
            action: "restore".into(),
            target: None,
            outcome: Outcome::Allowed,
        }])
        .await
        .unwrap();
    let seqs: Vec<i64> = target
        .audit_events(None, 0, 1000)
        .await
        .unwrap()
        .iter()
        .map(|record| record.seq)
        .collect();
    assert_eq!(seqs, (1..=603).collect::<Vec<i64>>());
}

/// A snapshot loads only into an empty store; a refused load writes nothing.
pub async fn snapshot_refuses_a_non_empty_target(source: &dyn Snapshot, target: &dyn Snapshot) {
    populate(source).await;
    let mut exported: Vec<u8> = Vec::new();
    source.export_snapshot(&mut exported).await.unwrap();
    target.ensure_org("Déjà là").await.unwrap();
    let before = target.table_counts().await.unwrap();
    let error = target
        .import_snapshot(&mut exported.as_slice())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, SnapshotError::NotEmpty(table) if table == "orgs"),
        "{error}"
    );
    assert_eq!(target.table_counts().await.unwrap(), before);
}

/// Truncated, altered, other-version and inconsistent snapshots are refused with a reason,
/// and leave the target empty.
pub async fn snapshot_refuses_bad_streams(source: &dyn Snapshot, target: &dyn Snapshot) {
    populate(source).await;
    let mut exported: Vec<u8> = Vec::new();
    source.export_snapshot(&mut exported).await.unwrap();
    let text = String::from_utf8(exported.clone()).unwrap();
    let schema = SnapshotReader::open(&mut exported.as_slice())
        .unwrap()
        .schema();
    let lines: Vec<&str> = text.lines().collect();
    let without = |index: usize| {
        let mut kept = lines.clone();
        kept.remove(index);
        format!("{}\n", kept.join("\n"))
    };
    // A row of `accounts` pointing to an organisation that is not in the snapshot.
    let orgs_at = lines
        .iter()
        .position(|line| line.contains("\"table\":\"orgs\""))
        .unwrap();
    let dangling = text.replacen(
        lines[orgs_at + 1],
        &format!("[\"{}\"{}", "00".repeat(16), &lines[orgs_at + 1][35..]),
        1,
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("cut mid-line", exported[..exported.len() / 2].to_vec()),
        (
            "without its end line",
            without(lines.len() - 1).into_bytes(),
        ),
        ("without a row", without(orgs_at + 1).into_bytes()),
        (
            "of another schema",
            text.replacen(
                &format!("\"schema\":{schema}"),
                &format!("\"schema\":{}", schema + 1),
                1,
            )
            .into_bytes(),
        ),
        (
            "with a renamed column",
            text.replacen("[\"name\",\"text\"]", "[\"nom\",\"text\"]", 1)
                .into_bytes(),
        ),
        ("with a dangling reference", dangling.into_bytes()),
    ];
    let empty = target.table_counts().await.unwrap();
    assert_eq!(empty.rows(), 0);
    for (case, bytes) in cases {
        let result = target.import_snapshot(&mut bytes.as_slice()).await;
        let error = match result {
            Ok(summary) => panic!("a snapshot {case} was loaded: {summary:?}"),
            Err(error) => error,
        };
        let expected = match case {
            "of another schema" => matches!(error, SnapshotError::SchemaMismatch { .. }),
            "with a renamed column" | "with a dangling reference" => {
                matches!(error, SnapshotError::TablesMismatch(_))
            }
            _ => matches!(error, SnapshotError::Invalid { .. }),
        };
        assert!(expected, "a snapshot {case}: {error}");
        let after: SnapshotSummary = target.table_counts().await.unwrap();
        assert_eq!(after, empty, "a snapshot {case} left rows behind");
    }
}
