//! On SQLite, the small per-user tables the sign-in path reads on every
//! call are stored `WITHOUT ROWID`, clustered on their primary key: a lookup
//! descends one B-tree instead of the key's index and then the table, and
//! a write changes one B-tree instead of two. Each table is rebuilt from
//! its own stored definition, so every column, type and default stays as
//! the earlier migrations made it. Postgres is left as it is.
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables keyed by (tenant, user[, kind]) with rows of a few dozen bytes;
/// no other table of the sign-in path fits (challenges and audit events
/// have wide rows or integer keys).
const TABLES: [&str; 4] = ["totp_credentials", "user_lockouts", "users", "user_methods"];

const CLUSTERED: &str = " WITHOUT ROWID";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            rebuild(manager, table, true).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            rebuild(manager, table, false).await?;
        }
        Ok(())
    }

    /// Every table rebuilt, or none.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// Rebuilds `table` on SQLite with (`clustered`) or without `WITHOUT ROWID`,
/// keeping its rows and its indexes. The table names are this file's
/// constants; nothing from outside is spliced into the statements.
async fn rebuild(manager: &SchemaManager<'_>, table: &str, clustered: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    let definition = definitions(db, "table", table)
        .await?
        .pop()
        .ok_or_else(|| DbErr::Migration(format!("table {table} is missing")))?;
    if definition.ends_with(CLUSTERED) == clustered {
        return Ok(());
    }
    let columns_and_keys = definition
        .strip_prefix(&format!("CREATE TABLE \"{table}\""))
        .ok_or_else(|| DbErr::Migration(format!("table {table} has an unexpected definition")))?;
    let columns_and_keys = columns_and_keys
        .strip_suffix(CLUSTERED)
        .unwrap_or(columns_and_keys);
    let indexes = definitions(db, "index", table).await?;
    let rebuilt = format!("{table}_rebuilt");
    let storage = if clustered { CLUSTERED } else { "" };
    let statements = [
        format!("CREATE TABLE \"{rebuilt}\"{columns_and_keys}{storage}"),
        format!("INSERT INTO \"{rebuilt}\" SELECT * FROM \"{table}\""),
        format!("DROP TABLE \"{table}\""),
        format!("ALTER TABLE \"{rebuilt}\" RENAME TO \"{table}\""),
    ];
    for statement in statements.into_iter().chain(indexes) {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}

/// The stored definitions of `table` itself (`kind` "table") or of the
/// indexes made on it by name (`kind` "index"; SQLite's own indexes have
/// none and come back with the table).
async fn definitions<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    table: &str,
) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE type = ? AND tbl_name = ? AND sql IS NOT NULL",
            [kind.into(), table.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "sql"))
        .collect()
}
