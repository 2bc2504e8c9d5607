//! Snapshots from one SQLite store to another (the shared snapshot stories; the moves between
//! SQLite and PostgreSQL run in `pli-store-postgres`'s tests).

use crate::Fresh;

#[tokio::test]
async fn snapshot_moves_every_row() {
    let (source, target) = (Fresh::durable().await, Fresh::durable().await);
    pli_store_tests::snapshot_moves_every_row(&source.store, &target.store).await;
}

#[tokio::test]
async fn snapshot_refuses_a_non_empty_target() {
    let (source, target) = (Fresh::durable().await, Fresh::durable().await);
    pli_store_tests::snapshot_refuses_a_non_empty_target(&source.store, &target.store).await;
}

#[tokio::test]
async fn snapshot_refuses_bad_streams() {
    let (source, target) = (Fresh::durable().await, Fresh::durable().await);
    pli_store_tests::snapshot_refuses_bad_streams(&source.store, &target.store).await;
}
