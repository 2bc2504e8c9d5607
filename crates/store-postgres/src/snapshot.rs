//! [`Snapshot`] on PostgreSQL: the tables and their columns come from the catalog of the
//! current schema, so a new migration's table is in every snapshot without a change here.
//! `BOOLEAN` columns are integers 0/1 in the stream, as on SQLite; text is ordered by bytes
//! (`COLLATE "C"`) and NULLs first, as SQLite orders them.

use async_trait::async_trait;
use futures_util::TryStreamExt as _;
use pli_store::snapshot::{
    ColumnType, SnapshotReader, SnapshotWriter, Table, TableHeader, Value, check_columns,
    rows_per_insert, table_order,
};
use pli_store::{Snapshot, SnapshotError, SnapshotSummary, StoreError};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row as _};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

use crate::{PostgresStore, backend, read, write};

/// A table and which of its integer columns are `BOOLEAN` here.
struct PgTable {
    table: Table,
    flags: BTreeSet<String>,
}

#[async_trait]
impl Snapshot for PostgresStore {
    async fn export_snapshot(
        &self,
        out: &mut (dyn Write + Send),
    ) -> Result<SnapshotSummary, SnapshotError> {
        // REPEATABLE READ, READ ONLY: every statement sees one snapshot of the database, while
        // servers keep writing.
        let mut tx = read(&self.pool).await?;
        let schema = schema_version(&mut tx).await?;
        let tables = tables(&mut tx).await?;
        let mut writer = SnapshotWriter::new(out, schema, tables.len())?;
        for pg_table in &tables {
            let table = &pg_table.table;
            let rows = count(&mut tx, &table.name).await?;
            writer.table(&TableHeader {
                name: table.name.clone(),
                columns: table.columns.clone(),
                identity: table.identity.clone(),
                sequence: sequence(&mut tx, table).await?,
                rows,
            })?;
            let sql = select_sql(table);
            let mut stream = sqlx::query(&sql).fetch(&mut *tx);
            while let Some(row) = stream
                .try_next()
                .await
                .map_err(|error| backend("reading a table", &error))?
            {
                writer.row(&decode_row(&row, pg_table)?)?;
            }
        }
        let summary = writer.finish()?;
        tx.rollback()
            .await
            .map_err(|error| backend("ending the read", &error))?;
        Ok(summary)
    }

    async fn import_snapshot(
        &self,
        input: &mut (dyn BufRead + Send),
    ) -> Result<SnapshotSummary, SnapshotError> {
        let mut reader = SnapshotReader::open(input)?;
        let mut tx = write(&self.pool).await?;
        // Nothing else writes while a snapshot loads: a server started on the target meanwhile
        // waits, and then finds the whole snapshot or nothing.
        let tables = tables(&mut tx).await?;
        let names: Vec<String> = tables
            .iter()
            .map(|table| quote(&table.table.name))
            .collect();
        sqlx::query(&format!(
            "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
            names.join(", ")
        ))
        .execute(&mut *tx)
        .await
        .map_err(|error| backend("locking the tables", &error))?;
        let schema = schema_version(&mut tx).await?;
        if reader.schema() != schema {
            return Err(SnapshotError::SchemaMismatch {
                snapshot: reader.schema(),
                target: schema,
            });
        }
        for pg_table in &tables {
            if count(&mut tx, &pg_table.table.name).await? != 0 {
                return Err(SnapshotError::NotEmpty(pg_table.table.name.clone()));
            }
        }
        if reader.n_tables() != tables.len() as u64 {
            return Err(SnapshotError::TablesMismatch(format!(
                "the snapshot has {} tables, the target {}",
                reader.n_tables(),
                tables.len()
            )));
        }
        for pg_table in &tables {
            let table = &pg_table.table;
            let header = reader.next_table()?.ok_or_else(|| {
                SnapshotError::TablesMismatch(format!("table {} is missing", table.name))
            })?;
            if header.name != table.name {
                return Err(SnapshotError::TablesMismatch(format!(
                    "expected table {}, found {}",
                    table.name, header.name
                )));
            }
            check_columns(&header, table)?;
            let columns: Vec<String> = header.columns.iter().map(|(name, _)| quote(name)).collect();
            let overriding = table.identity.is_some();
            let per_insert = rows_per_insert(columns.len());
            let full_sql = insert_sql(&table.name, &columns, overriding, per_insert);
            let mut batch: Vec<Vec<Value>> = Vec::with_capacity(per_insert);
            loop {
                let row = reader.next_row()?;
                let done = row.is_none();
                batch.extend(row);
                if batch.is_empty() || (!done && batch.len() < per_insert) {
                    if done {
                        break;
                    }
                    continue;
                }
                let partial;
                let sql = if batch.len() == per_insert {
                    &full_sql
                } else {
                    partial = insert_sql(&table.name, &columns, overriding, batch.len());
                    &partial
                };
                let mut query = sqlx::query(sql);
                for values in batch.drain(..) {
                    for (value, (name, kind)) in values.into_iter().zip(&header.columns) {
                        let flag = pg_table.flags.contains(name);
                        query = match (value, kind) {
                            (Value::Null, ColumnType::Integer) if flag => query.bind(None::<bool>),
                            (Value::Null, ColumnType::Integer) => query.bind(None::<i64>),
                            (Value::Null, ColumnType::Text) => query.bind(None::<String>),
                            (Value::Null, ColumnType::Bytes) => query.bind(None::<Vec<u8>>),
                            (Value::Integer(number), _) if flag => match number {
                                0 => query.bind(false),
                                1 => query.bind(true),
                                _ => {
                                    return Err(SnapshotError::TablesMismatch(format!(
                                        "{}.{name} holds a flag other than 0 or 1",
                                        table.name
                                    )));
                                }
                            },
                            (Value::Integer(number), _) => query.bind(number),
                            (Value::Text(text), _) => query.bind(text),
                            (Value::Bytes(bytes), _) => query.bind(bytes),
                        };
                    }
                }
                query.execute(&mut *tx).await.map_err(|error| {
                    rejected_row(&table.name, &error)
                        .unwrap_or_else(|| SnapshotError::Store(backend("loading rows", &error)))
                })?;
                if done {
                    break;
                }
            }
            if let (Some(column), true) = (&table.identity, header.sequence > 0) {
                sqlx::query("SELECT setval(pg_get_serial_sequence($1, $2), $3, true)")
                    .bind(quote(&table.name))
                    .bind(column)
                    .bind(header.sequence)
                    .execute(&mut *tx)
                    .await
                    .map_err(|error| backend("setting a sequence", &error))?;
            }
            let loaded = count(&mut tx, &table.name).await?;
            if loaded != header.rows {
                return Err(SnapshotError::TablesMismatch(format!(
                    "table {}: {loaded} rows loaded of {}",
                    table.name, header.rows
                )));
            }
        }
        if reader.next_table()?.is_some() {
            return Err(SnapshotError::TablesMismatch(
                "the snapshot has more tables than the target".into(),
            ));
        }
        let summary = reader.summary();
        tx.commit()
            .await
            .map_err(|error| backend("committing the snapshot", &error))?;
        Ok(summary)
    }

    async fn table_counts(&self) -> Result<SnapshotSummary, SnapshotError> {
        let mut tx = read(&self.pool).await?;
        let schema = schema_version(&mut tx).await?;
        let mut counts = Vec::new();
        for pg_table in tables(&mut tx).await? {
            let rows = count(&mut tx, &pg_table.table.name).await?;
            counts.push((pg_table.table.name, rows));
        }
        tx.rollback()
            .await
            .map_err(|error| backend("ending the read", &error))?;
        Ok(SnapshotSummary {
            schema,
            tables: counts,
        })
    }
}

/// A constraint the snapshot's rows break: they were not one consistent database. Only the
/// error's code is kept: PostgreSQL's detail quotes the row.
fn rejected_row(table: &str, error: &sqlx::Error) -> Option<SnapshotError> {
    let sqlx::Error::Database(database) = error else {
        return None;
    };
    Some(SnapshotError::TablesMismatch(format!(
        "a row of table {table} breaks a constraint of the target ({})",
        database.code().unwrap_or_default()
    )))
}

async fn schema_version(connection: &mut PgConnection) -> Result<i64, StoreError> {
    let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| backend("reading the schema version", &error))?;
    version.ok_or_else(|| StoreError::Corrupt("no migration recorded".into()))
}

/// Every table of the current schema but the migrator's, in snapshot order.
async fn tables(connection: &mut PgConnection) -> Result<Vec<PgTable>, SnapshotError> {
    let columns = sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_identity::text \
         FROM information_schema.columns c JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> '_sqlx_migrations' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| backend("listing columns", &error))?;
    let mut by_name: BTreeMap<String, PgTable> = BTreeMap::new();
    for column in columns {
        let table_name: String = column.get(0);
        let column_name: String = column.get(1);
        let data_type: String = column.get(2);
        let identity: String = column.get(3);
        let entry = by_name
            .entry(table_name.clone())
            .or_insert_with(|| PgTable {
                table: Table {
                    name: table_name.clone(),
                    columns: Vec::new(),
                    key: Vec::new(),
                    identity: None,
                    references: BTreeSet::new(),
                },
                flags: BTreeSet::new(),
            });
        let kind = match data_type.as_str() {
            "bigint" => ColumnType::Integer,
            "boolean" => {
                entry.flags.insert(column_name.clone());
                ColumnType::Integer
            }
            "text" => ColumnType::Text,
            "bytea" => ColumnType::Bytes,
            _ => {
                return Err(SnapshotError::TablesMismatch(format!(
                    "column {table_name}.{column_name} has an unsupported type"
                )));
            }
        };
        if identity == "YES" {
            entry.table.identity = Some(column_name.clone());
        }
        entry.table.columns.push((column_name, kind));
    }
    let keys = sqlx::query(
        "SELECT k.table_name::text, k.column_name::text \
         FROM information_schema.table_constraints c \
         JOIN information_schema.key_column_usage k \
           ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name \
         WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = current_schema() \
         ORDER BY k.table_name, k.ordinal_position",
    )
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| backend("listing primary keys", &error))?;
    for key in keys {
        let table_name: String = key.get(0);
        if let Some(entry) = by_name.get_mut(&table_name) {
            entry.table.key.push(key.get(1));
        }
    }
    let references = sqlx::query(
        "SELECT child.relname::text, parent.relname::text FROM pg_constraint c \
         JOIN pg_class child ON child.oid = c.conrelid \
         JOIN pg_class parent ON parent.oid = c.confrelid \
         JOIN pg_namespace n ON n.oid = child.relnamespace \
         WHERE c.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| backend("listing foreign keys", &error))?;
    for reference in references {
        let child: String = reference.get(0);
        if let Some(entry) = by_name.get_mut(&child) {
            entry.table.references.insert(reference.get(1));
        }
    }
    let mut flags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut tables = Vec::with_capacity(by_name.len());
    for (name, entry) in by_name {
        flags.insert(name, entry.flags);
        tables.push(entry.table);
    }
    Ok(table_order(tables)?
        .into_iter()
        .map(|table| PgTable {
            flags: flags.remove(&table.name).unwrap_or_default(),
            table,
        })
        .collect())
}

async fn count(connection: &mut PgConnection, table: &str) -> Result<u64, StoreError> {
    let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quote(table)))
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| backend("counting rows", &error))?;
    u64::try_from(rows).map_err(|_| StoreError::Corrupt("a negative count".into()))
}

/// The last number the identity column handed out (0 before the first), which may exceed its
/// largest row.
async fn sequence(connection: &mut PgConnection, table: &Table) -> Result<i64, StoreError> {
    let Some(column) = &table.identity else {
        return Ok(0);
    };
    let name: Option<String> = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, $2)")
        .bind(quote(&table.name))
        .bind(column)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| backend("finding a sequence", &error))?;
    let Some(name) = name else {
        return Ok(0);
    };
    // `name` comes from the catalog, already quoted where needed.
    let row = sqlx::query(&format!("SELECT last_value, is_called FROM {name}"))
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| backend("reading a sequence", &error))?;
    let last: i64 = row.get(0);
    let called: bool = row.get(1);
    Ok(if called { last } else { 0 })
}

/// `INSERT` of `n_rows` rows of `columns` (already quoted); `overriding` for a table whose
/// identity column is given explicitly.
fn insert_sql(table: &str, columns: &[String], overriding: bool, n_rows: usize) -> String {
    let mut next = 0usize;
    let rows: Vec<String> = (0..n_rows)
        .map(|_| {
            let placeholders: Vec<String> = columns
                .iter()
                .map(|_| {
                    next += 1;
                    format!("${next}")
                })
                .collect();
            format!("({})", placeholders.join(", "))
        })
        .collect();
    let overriding = if overriding {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    format!(
        "INSERT INTO {} ({}){overriding} VALUES {}",
        quote(table),
        columns.join(", "),
        rows.join(", ")
    )
}

/// Every column, in primary key order; a table without a key is ordered by all its columns.
/// Text sorts by bytes and NULLs come first, as on SQLite, so both backends write one order.
fn select_sql(table: &Table) -> String {
    let columns: Vec<String> = table.columns.iter().map(|(name, _)| quote(name)).collect();
    let order_by = |name: &str| {
        let is_text = table
            .columns
            .iter()
            .any(|(column, kind)| column == name && *kind == ColumnType::Text);
        let collate = if is_text { " COLLATE \"C\"" } else { "" };
        format!("{}{collate} ASC NULLS FIRST", quote(name))
    };
    let order: Vec<String> = if table.key.is_empty() {
        table
            .columns
            .iter()
            .map(|(name, _)| order_by(name))
            .collect()
    } else {
        table.key.iter().map(|name| order_by(name)).collect()
    };
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        quote(&table.name),
        order.join(", ")
    )
}

fn decode_row(row: &PgRow, pg_table: &PgTable) -> Result<Vec<Value>, StoreError> {
    let table = &pg_table.table;
    let corrupt = |column: &str| StoreError::Corrupt(format!("{}.{column}", table.name));
    let mut values = Vec::with_capacity(table.columns.len());
    for (index, (name, kind)) in table.columns.iter().enumerate() {
        let value = match kind {
            ColumnType::Integer if pg_table.flags.contains(name) => row
                .try_get::<Option<bool>, _>(index)
                .map_err(|_| corrupt(name))?
                .map(|flag| Value::Integer(i64::from(flag))),
            ColumnType::Integer => row
                .try_get::<Option<i64>, _>(index)
                .map_err(|_| corrupt(name))?
                .map(Value::Integer),
            ColumnType::Text => row
                .try_get::<Option<String>, _>(index)
                .map_err(|_| corrupt(name))?
                .map(Value::Text),
            ColumnType::Bytes => row
                .try_get::<Option<Vec<u8>>, _>(index)
                .map_err(|_| corrupt(name))?
                .map(Value::Bytes),
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(values)
}

/// An identifier from the catalog, quoted.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
