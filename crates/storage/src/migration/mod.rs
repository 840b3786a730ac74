//! The schema, as an ordered list of migrations that run unchanged on SQLite
//! and Postgres (000007 changes only how SQLite stores some tables). Each
//! migration names its own tables and columns so later entity changes
//! cannot rewrite history.
use sea_orm_migration::prelude::*;

mod m20261122_000001_enrollment;
mod m20261122_000002_challenge;
mod m20261122_000003_policy;
mod m20261122_000004_delivery;
mod m20261122_000005_open_challenges;
mod m20261130_000006_recovery_index_with_use;
mod m20261130_000007_sqlite_clustered_tables;
mod m20261130_000008_expiry_indexes;
mod m20261205_000009_callers;
mod m20261205_000010_confirmation_failures;
mod m20261205_000011_send_counts;
mod m20261206_000012_webauthn;
mod m20261206_000013_sessions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_enrollment::Migration),
            Box::new(m20261122_000002_challenge::Migration),
            Box::new(m20261122_000003_policy::Migration),
            Box::new(m20261122_000004_delivery::Migration),
            Box::new(m20261122_000005_open_challenges::Migration),
            Box::new(m20261130_000006_recovery_index_with_use::Migration),
            Box::new(m20261130_000007_sqlite_clustered_tables::Migration),
            Box::new(m20261130_000008_expiry_indexes::Migration),
            Box::new(m20261205_000009_callers::Migration),
            Box::new(m20261205_000010_confirmation_failures::Migration),
            Box::new(m20261205_000011_send_counts::Migration),
            Box::new(m20261206_000012_webauthn::Migration),
            Box::new(m20261206_000013_sessions::Migration),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

    async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<String> {
        db.query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect()
    }

    /// Every row of the rebuilt tables, as text, in key order.
    async fn contents(db: &DatabaseConnection) -> Vec<String> {
        let mut all = rows(
            db,
            "SELECT tenant_id || '/' || user_id || '/' || state || '/' || hex(sealed_secret) || '/' \
             || ifnull(last_used_step, 'null') FROM totp_credentials ORDER BY 1",
        )
        .await;
        all.extend(rows(db, "SELECT tenant_id || '/' || user_id || '/' || failures || '/' || version FROM user_lockouts ORDER BY 1").await);
        all.extend(rows(db, "SELECT tenant_id || '/' || user_id || '/' || grace_logins_used || '/' || default_method FROM users ORDER BY 1").await);
        all.extend(
            rows(
                db,
                "SELECT tenant_id || '/' || user_id || '/' || method FROM user_methods ORDER BY 1",
            )
            .await,
        );
        all
    }

    async fn clustered(db: &DatabaseConnection) -> Vec<String> {
        rows(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID' ORDER BY name",
        )
        .await
    }

    /// The SQLite rebuild keeps every row, and undoes cleanly.
    #[tokio::test]
    async fn sqlite_tables_are_clustered_on_their_keys_with_their_rows_kept() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display());
        let db = Database::connect(&url).await.unwrap();
        Migrator::up(&db, Some(6)).await.unwrap();
        db.execute_unprepared(
            "INSERT INTO totp_credentials (tenant_id, user_id, state, key_id, sealed_secret, algorithm, digits, period, skew, version, created_at, last_used_step) \
               VALUES ('acme', 'alice', 'enabled', 'k1', x'00ff10', 'SHA1', 6, 30, 1, 3, 1, 59833333), \
                      ('acme', 'bob', 'pending', 'k1', x'abcd', 'SHA1', 6, 30, 1, 1, 2, NULL); \
             INSERT INTO user_lockouts (tenant_id, user_id, failures, lockouts, locked_until, version) VALUES ('acme', 'alice', 2, 0, NULL, 4); \
             INSERT INTO users (tenant_id, user_id, created_at, grace_logins_used, default_method) VALUES ('acme', 'alice', 1, 0, 'totp'), ('other', 'alice', 1, 2, ''); \
             INSERT INTO user_methods (tenant_id, user_id, method, enabled_at) VALUES ('acme', 'alice', 'email', 1), ('acme', 'alice', 'sms', 2);",
        )
        .await
        .unwrap();
        let before = contents(&db).await;
        assert_eq!(before.len(), 7);
        assert!(clustered(&db).await.is_empty());

        Migrator::up(&db, None).await.unwrap();
        assert_eq!(contents(&db).await, before);
        assert_eq!(
            clustered(&db).await,
            ["totp_credentials", "user_lockouts", "user_methods", "users"]
        );
        // The key still refuses a second row for the same user.
        let duplicate = db
            .execute_unprepared("INSERT INTO users (tenant_id, user_id, created_at, grace_logins_used) VALUES ('acme', 'alice', 5, 0)")
            .await;
        assert!(duplicate.is_err());

        // Undo down to 000006 (through any migration added since).
        let since_six =
            <u32 as TryFrom<usize>>::try_from(Migrator::migrations().len() - 6).unwrap();
        Migrator::down(&db, Some(since_six)).await.unwrap();
        assert_eq!(contents(&db).await, before);
        assert!(clustered(&db).await.is_empty());
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(contents(&db).await, before);
        db.close().await.unwrap();
    }
}
