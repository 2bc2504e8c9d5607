//! Data directories from before a layout change upgrade by migration, their data converted.

use pli_store_sqlite::SqliteStore;
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
    for batches in [&[1u64, 2, 252][..], &[255, 1, 1, 700], &[3]] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pli.db");
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let mut connection = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
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
            sqlx::query("INSERT INTO audit_log_entries (idx, entry) VALUES (?, ?)")
                .bind(index)
                .bind(entry)
                .execute(&mut connection)
                .await
                .unwrap();
        }
        for (index, hash) in &old.hashes {
            sqlx::query("INSERT INTO audit_log_hashes (idx, hash) VALUES (?, ?)")
                .bind(index)
                .bind(hash.as_slice())
                .execute(&mut connection)
                .await
                .unwrap();
        }
        for (size, note) in &old.checkpoints {
            sqlx::query("INSERT INTO audit_log_checkpoints (size, note) VALUES (?, ?)")
                .bind(size)
                .bind(note)
                .execute(&mut connection)
                .await
                .unwrap();
        }
        connection.close().await.unwrap();

        let store = SqliteStore::open(&path).await.unwrap();
        check_upgraded(&store, batches, 0).await;

        let mut side = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log_tiles SET data = zeroblob(length(data))")
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
    for (batches, pruned) in [
        (&[1u64, 2, 252][..], 2),
        (&[255, 1, 1, 700], 258),
        (&[3], 3),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pli.db");
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let mut connection = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
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

        let store = SqliteStore::open(&path).await.unwrap();
        check_upgraded(&store, batches, pruned).await;

        let mut side = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log_pruned SET leaf = zeroblob(32) WHERE idx = ?")
            .bind(pruned as i64 - 1)
            .execute(&mut side)
            .await
            .unwrap();
        side.close().await.unwrap();
        check_tampered_pruned_leaf(&store, pruned - 1).await;
    }
}

/// The rows of the layout before bundles: one per entry, hash tiles, checkpoints.
async fn write_entries_and_tiles(connection: &mut sqlx::SqliteConnection, old: &OldLog) {
    for (index, entry, pruned_leaf) in &old.entries {
        sqlx::query("INSERT INTO audit_log_entries (idx, entry, pruned_leaf) VALUES (?, ?, ?)")
            .bind(index)
            .bind(entry)
            .bind(pruned_leaf)
            .execute(&mut *connection)
            .await
            .unwrap();
    }
    for (level, index, data) in &old.tiles {
        sqlx::query("INSERT INTO audit_log_tiles (level, idx, data) VALUES (?, ?, ?)")
            .bind(level)
            .bind(index)
            .bind(data)
            .execute(&mut *connection)
            .await
            .unwrap();
    }
    for (size, note) in &old.checkpoints {
        sqlx::query("INSERT INTO audit_log_checkpoints (size, note) VALUES (?, ?)")
            .bind(size)
            .bind(note)
            .execute(&mut *connection)
            .await
            .unwrap();
    }
}
