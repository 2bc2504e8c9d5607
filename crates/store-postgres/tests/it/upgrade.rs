//! Databases from before a layout change upgrade by migration, their data converted.

use crate::cluster::{self, Cluster};
use pli_store_postgres::PostgresStore;
use pli_store_tests::upgrade::{
    BUNDLES_MIGRATION, OldLog, TILES_MIGRATION, check_tampered_pruned_leaf, check_tampered_tiles,
    check_upgraded, old_log,
};
use sqlx::Connection;
use sqlx::migrate::Migrator;

/// Stored hashes, one row each, move into tiles; the upgraded log reopens, proves, verifies and
/// grows; rewritten tiles are then caught. Batches end inside, at and past tile boundaries.
#[tokio::test]
async fn stored_hashes_move_into_tiles_and_the_log_still_verifies() {
    if cluster::skip_requested() {
        eprintln!("PostgreSQL tests skipped (PLI_TEST_POSTGRES=skip)");
        return;
    }
    for batches in [&[1u64, 2, 252][..], &[255, 1, 1, 700], &[3]] {
        let url = Cluster::get().fresh_database().await;
        let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
        let all = sqlx::migrate!("./migrations");
        let before = Migrator {
            migrations: all
                .migrations
                .iter()
                .filter(|migration| migration.version < TILES_MIGRATION)
                .cloned()
                .collect::<Vec<_>>()
                .into(),
            ..Migrator::DEFAULT
        };
        before.run(&mut connection).await.unwrap();
        let old = old_log(batches, 0);
        for (index, entry, _) in &old.entries {
            sqlx::query("INSERT INTO audit_log_entries (idx, entry) VALUES ($1, $2)")
                .bind(index)
                .bind(entry)
                .execute(&mut connection)
                .await
                .unwrap();
        }
        for (index, hash) in &old.hashes {
            sqlx::query("INSERT INTO audit_log_hashes (idx, hash) VALUES ($1, $2)")
                .bind(index)
                .bind(hash.as_slice())
                .execute(&mut connection)
                .await
                .unwrap();
        }
        for (size, note) in &old.checkpoints {
            sqlx::query("INSERT INTO audit_log_checkpoints (size, note) VALUES ($1, $2)")
                .bind(size)
                .bind(note)
                .execute(&mut connection)
                .await
                .unwrap();
        }
        connection.close().await.unwrap();

        let store = PostgresStore::connect(&url).await.unwrap();
        check_upgraded(&store, batches, 0).await;

        let mut side = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(
            "UPDATE audit_log_tiles SET data = decode(repeat('00', octet_length(data)), 'hex')",
        )
        .execute(&mut side)
        .await
        .unwrap();
        side.close().await.unwrap();
        check_tampered_tiles(&store).await;
    }
}

/// Entries, one row each, move into bundles of 256, pruned ones keeping their header and leaf
/// hash; the upgraded log reopens, proves, verifies and grows; a rewritten kept leaf hash is
/// then named. Batches and pruning end inside, at and past bundle boundaries.
#[tokio::test]
async fn entries_move_into_bundles_and_pruned_ones_keep_their_leaf() {
    if cluster::skip_requested() {
        eprintln!("PostgreSQL tests skipped (PLI_TEST_POSTGRES=skip)");
        return;
    }
    for (batches, pruned) in [
        (&[1u64, 2, 252][..], 2),
        (&[255, 1, 1, 700], 258),
        (&[3], 3),
    ] {
        let url = Cluster::get().fresh_database().await;
        let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
        let all = sqlx::migrate!("./migrations");
        let before = Migrator {
            migrations: all
                .migrations
                .iter()
                .filter(|migration| migration.version < BUNDLES_MIGRATION)
                .cloned()
                .collect::<Vec<_>>()
                .into(),
            ..Migrator::DEFAULT
        };
        before.run(&mut connection).await.unwrap();
        write_entries_and_tiles(&mut connection, &old_log(batches, pruned)).await;
        connection.close().await.unwrap();

        let store = PostgresStore::connect(&url).await.unwrap();
        check_upgraded(&store, batches, pruned).await;

        let mut side = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(
            "UPDATE audit_log_pruned SET leaf = decode(repeat('00', 32), 'hex') WHERE idx = $1",
        )
        .bind(pruned as i64 - 1)
        .execute(&mut side)
        .await
        .unwrap();
        side.close().await.unwrap();
        check_tampered_pruned_leaf(&store, pruned - 1).await;
    }
}

/// The rows of the layout before bundles: one per entry, hash tiles, checkpoints.
async fn write_entries_and_tiles(connection: &mut sqlx::PgConnection, old: &OldLog) {
    for (index, entry, pruned_leaf) in &old.entries {
        sqlx::query("INSERT INTO audit_log_entries (idx, entry, pruned_leaf) VALUES ($1, $2, $3)")
            .bind(index)
            .bind(entry)
            .bind(pruned_leaf)
            .execute(&mut *connection)
            .await
            .unwrap();
    }
    for (level, index, data) in &old.tiles {
        sqlx::query("INSERT INTO audit_log_tiles (level, idx, data) VALUES ($1, $2, $3)")
            .bind(level)
            .bind(index)
            .bind(data)
            .execute(&mut *connection)
            .await
            .unwrap();
    }
    for (size, note) in &old.checkpoints {
        sqlx::query("INSERT INTO audit_log_checkpoints (size, note) VALUES ($1, $2)")
            .bind(size)
            .bind(note)
            .execute(&mut *connection)
            .await
            .unwrap();
    }
}
