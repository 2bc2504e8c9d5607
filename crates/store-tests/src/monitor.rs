//! Flow monitor: baselines, holds on downloads, canaries.

use crate::{Fixture, HOUR, NOW, join, not_found, send};
use pli_store::{Addressee, DownloadHold, HoldKind, Id, NewCanary, Role, StoreError};

/// Baselines are opaque bytes, replaced whole, kept per subject; a batch is saved at once.
pub async fn monitor_baselines_are_kept_per_subject(fixture: &dyn Fixture) {
    let store = fixture.store();
    let account = Id::random();
    let org = Id::random();
    assert_eq!(store.monitor_baseline(account).await.unwrap(), None);
    store.save_monitor_baselines(&[], NOW).await.unwrap();
    let first = vec![1u8, 0, 255, 7];
    store
        .save_monitor_baselines(&[(account, first.clone()), (org, vec![9; 300])], NOW)
        .await
        .unwrap();
    assert_eq!(store.monitor_baseline(account).await.unwrap(), Some(first));
    assert_eq!(
        store.monitor_baseline(org).await.unwrap(),
        Some(vec![9; 300])
    );
    store
        .save_monitor_baselines(&[(account, vec![2])], NOW + HOUR)
        .await
        .unwrap();
    assert_eq!(
        store.monitor_baseline(account).await.unwrap(),
        Some(vec![2])
    );
    assert_eq!(
        store.monitor_baseline(org).await.unwrap(),
        Some(vec![9; 300])
    );
}

/// A step-up is lifted by a second factor, a block only by an admin; a step-up never
/// replaces a block; holds belong to known accounts.
pub async fn download_holds_escalate_and_lift(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let agent = join(store, &org, "agent@chu.fr", Role::Agent, &[]).await;
    assert_eq!(store.download_hold(agent.id).await.unwrap(), None);
    assert!(not_found(
        store.lift_download_hold(agent.id, HoldKind::Blocked).await
    ));
    let hold = |kind, rule: &str| DownloadHold {
        account_id: agent.id,
        kind,
        at: NOW,
        rule: rule.to_owned(),
        details: format!("rule={rule} downloads_10m=31"),
    };
    store
        .set_download_hold(&hold(HoldKind::StepUp, "downloads_10m"))
        .await
        .unwrap();
    assert_eq!(
        store.download_hold(agent.id).await.unwrap(),
        Some(hold(HoldKind::StepUp, "downloads_10m"))
    );
    store
        .lift_download_hold(agent.id, HoldKind::StepUp)
        .await
        .unwrap();
    assert_eq!(store.download_hold(agent.id).await.unwrap(), None);

    store
        .set_download_hold(&hold(HoldKind::Blocked, "canary"))
        .await
        .unwrap();
    store
        .set_download_hold(&hold(HoldKind::StepUp, "downloads_1h"))
        .await
        .unwrap();
    assert_eq!(
        store.download_hold(agent.id).await.unwrap(),
        Some(hold(HoldKind::Blocked, "canary")),
        "a step-up never downgrades a block"
    );
    assert!(
        not_found(store.lift_download_hold(agent.id, HoldKind::StepUp).await),
        "a second factor does not lift a block"
    );
    store
        .lift_download_hold(agent.id, HoldKind::Blocked)
        .await
        .unwrap();
    assert_eq!(store.download_hold(agent.id).await.unwrap(), None);

    let stranger = DownloadHold {
        account_id: Id::random(),
        ..hold(HoldKind::Blocked, "canary")
    };
    assert!(not_found(store.set_download_hold(&stranger).await));
}

/// Canaries name existing envelopes and mailboxes, once each, listed per organisation.
pub async fn canaries_are_listed_per_organisation(fixture: &dyn Fixture) {
    let store = fixture.store();
    let chu = store.ensure_org("CHU Sud").await.unwrap();
    let police = store.ensure_org("Police").await.unwrap();
    let records = store.create_mailbox(chu.id, "records").await.unwrap();
    let desk = store.create_mailbox(police.id, "desk").await.unwrap();
    let admin = join(store, &chu, "chef@chu.fr", Role::Admin, &[]).await;
    let other = join(store, &police, "chef@police.fr", Role::Admin, &[]).await;
    let first = send(store, &admin, &[Addressee::Mailbox(records.id)], NOW).await;
    let second = send(store, &admin, &[Addressee::Mailbox(records.id)], NOW + 1).await;
    let third = send(store, &other, &[Addressee::Mailbox(desk.id)], NOW + 2).await;
    assert_eq!(store.canaries(None).await.unwrap(), vec![]);
    let canary = |envelope_id, mailbox_id, planted_by, planted_at| NewCanary {
        envelope_id,
        mailbox_id,
        planted_by,
        planted_at,
    };
    store
        .add_canary(&canary(second, records.id, admin.id, NOW + 10))
        .await
        .unwrap();
    store
        .add_canary(&canary(first, records.id, admin.id, NOW + 5))
        .await
        .unwrap();
    store
        .add_canary(&canary(third, desk.id, other.id, NOW + 7))
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_canary(&canary(first, records.id, admin.id, NOW))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(not_found(
        store
            .add_canary(&canary(Id::random(), records.id, admin.id, NOW))
            .await
    ));
    assert!(not_found(
        store
            .add_canary(&canary(first, Id::random(), admin.id, NOW))
            .await
    ));

    let listed = store.canaries(Some(chu.id)).await.unwrap();
    let ids: Vec<Id> = listed.iter().map(|canary| canary.envelope_id).collect();
    assert_eq!(
        ids,
        vec![first, second],
        "oldest first, own organisation only"
    );
    assert_eq!(listed[0].mailbox, records);
    assert_eq!(listed[0].planted_by_email, "chef@chu.fr");
    assert_eq!(listed[0].planted_at, NOW + 5);
    assert_eq!(store.canaries(None).await.unwrap().len(), 3);

    store.delete_envelope(first).await.unwrap();
    let ids: Vec<Id> = store
        .canaries(Some(chu.id))
        .await
        .unwrap()
        .iter()
        .map(|canary| canary.envelope_id)
        .collect();
    assert_eq!(
        ids,
        vec![second],
        "a deleted envelope is no canary any more"
    );
}
