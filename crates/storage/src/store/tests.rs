//! Tests of the store's statements and shapes that need no server.
use chrono::DateTime;
use sea_orm::sea_query::{Expr, SqliteQueryBuilder, Values};
use sea_orm::{ActiveValue, ActiveValue::Set, DbBackend, EntityTrait, QueryTrait};
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{AuditEvent, ClientInfo, Consume};
use tollgate_domain::{DomainError, UserRef};

use super::challenge::{VERIFICATION, close_after_one_change, consume_while_open, lockout_guard};
use super::enrollment::METHODS;
use super::lockout::lockout_swap;
use super::rows::audit_row;
use super::sql::{STAND_INS, Shapes, insert_if};
use super::{instant, millis};
use crate::entity::{audit_event, challenge};
use crate::sqlite::group_commit::Statement;
use crate::sqlite::statements::{
    COUNT_STAND_INS, InsertWhen, MILLIS_STAND_INS, STEP_STAND_IN, sqlite_close_challenge,
    sqlite_consume_totp_step, sqlite_insert, sqlite_lockout_guard, sqlite_lockout_swap,
    stand_in_user,
};

/// A statement for the group commit as text and values, to compare with
/// one sea-query built.
fn owned((sql, values): Statement) -> (String, Values) {
    (sql.into_owned(), values)
}

/// What SQLite plans for a shaped read, one line per step.
fn sqlite_plan(path: &str, shapes: &'static Shapes) -> Vec<String> {
    let shape = shapes.get(DbBackend::Sqlite).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    let values = crate::sqlite::conn::bound(shape.values(&STAND_INS)).unwrap();
    let mut explain = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", shape.sql()))
        .unwrap();
    explain
        .query_map(rusqlite::params_from_iter(values), |row| {
            row.get::<_, String>(3)
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Both sign-in reads count the user's unspent recovery codes; that count
/// must come from the index alone, not one table lookup per code. Each
/// per-user row is found by its primary key.
#[tokio::test]
async fn the_sign_in_reads_use_keys_and_covering_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.db").to_string_lossy().into_owned();
    let store = crate::open(&format!("sqlite://{path}")).await.unwrap();
    for shapes in [&VERIFICATION, &METHODS] {
        let plan = sqlite_plan(&path, shapes);
        let counting: Vec<_> = plan
            .iter()
            .filter(|step| step.contains("recovery_codes"))
            .collect();
        assert!(!counting.is_empty(), "{plan:?}");
        for step in counting {
            assert!(step.contains("COVERING INDEX"), "{plan:?}");
        }
        // The per-user tables are found by their key alone, not through
        // a separate index on it and then the table.
        for step in &plan {
            assert!(
                !step.contains("sqlite_autoindex") || step.contains("challenges"),
                "{plan:?}"
            );
        }
    }
    store.close().await;
}

fn event(user: &str, kind: &'static str, details: usize) -> AuditEvent {
    let user = UserRef::parse("acme", user).unwrap();
    AuditEvent {
        tenant: user.tenant.clone(),
        user: Some(user.user.clone()),
        kind,
        actor_id: "admin".to_owned(),
        method: Some(Method::Totp),
        outcome: tollgate_domain::ports::Outcome::Failure,
        reason: "CODE_MISMATCH",
        client: ClientInfo {
            ip: "192.0.2.7".to_owned(),
            user_agent: "a'gent \"?\"".to_owned(),
        },
        occurred_at: DateTime::from_timestamp_millis(1_795_000_000_123).unwrap(),
        details: (0..details)
            .map(|i| (format!("k{i}"), "?".to_owned()))
            .collect(),
    }
}

fn challenge_row(id_hash: &str, completed_at: Option<i64>) -> challenge::ActiveModel {
    challenge::ActiveModel {
        id_hash: Set(id_hash.to_owned()),
        tenant_id: Set("acme".to_owned()),
        user_id: Set("alice".to_owned()),
        methods: Set("totp,recovery_code".to_owned()),
        status: Set(challenge::OPEN.to_owned()),
        created_at: Set(1),
        expires_at: Set(2),
        completed_at: Set(completed_at),
        client_ip: Set(String::new()),
        user_agent: Set("?".to_owned()),
        audience: Set("admin".to_owned()),
        ..Default::default()
    }
}

/// A shaped insert (text built once, values bound from the row) is the
/// statement sea-query would build for that row, on the first call and
/// on every call after it.
#[test]
fn a_shaped_insert_is_the_statement_built_afresh() {
    for when in [InsertWhen::Always, InsertWhen::AfterOneChange] {
        let built = |row: audit_event::ActiveModel| match when {
            InsertWhen::Always => audit_event::Entity::insert(row)
                .into_query()
                .build(SqliteQueryBuilder),
            InsertWhen::AfterOneChange => insert_if(&row, Expr::cust("changes() = 1"))
                .unwrap()
                .build(SqliteQueryBuilder),
        };
        for (user, kind, details) in [
            ("alice", "a", 0),
            ("bob", "challenge.failed", 3),
            ("?", "", 1),
        ] {
            let row = audit_row(event(user, kind, details));
            assert_eq!(owned(sqlite_insert(row.clone(), when).unwrap()), built(row));
        }
    }
    for (id_hash, completed_at) in [("h1", None), ("h2", Some(5)), ("h3", None)] {
        let row = challenge_row(id_hash, completed_at);
        let built = challenge::Entity::insert(row.clone())
            .into_query()
            .build(SqliteQueryBuilder);
        assert_eq!(
            owned(sqlite_insert(row, InsertWhen::Always).unwrap()),
            built
        );
    }
    // A row setting other columns gets its own text.
    let mut row = challenge_row("h4", None);
    row.audience = ActiveValue::NotSet;
    let built = challenge::Entity::insert(row.clone())
        .into_query()
        .build(SqliteQueryBuilder);
    assert!(!built.0.contains("audience"));
    assert_eq!(
        owned(sqlite_insert(row, InsertWhen::Always).unwrap()),
        built
    );
}

/// The shaped sign-in writes bind each call's values where sea-query
/// would put them, including values equal to the statements' constants
/// or to the stand-ins themselves.
#[test]
fn the_shaped_sign_in_writes_are_the_statements_built_afresh() {
    let users = [
        UserRef::parse("acme", "alice").unwrap(),
        UserRef::parse("open", "completed").unwrap(),
        stand_in_user().unwrap(),
    ];
    let times = [
        DateTime::from_timestamp_millis(1_795_000_000_123).unwrap(),
        DateTime::from_timestamp_millis(1).unwrap(),
        instant(MILLIS_STAND_INS[0]),
    ];
    for user in &users {
        for (i, now) in times.iter().enumerate() {
            for id_hash in ["0193a1b2c3d4ffff", "enabled", STAND_INS[2]] {
                for step in [59_833_333, 1, STEP_STAND_IN, u64::MAX] {
                    assert_eq!(
                        owned(sqlite_consume_totp_step(user, id_hash, step, *now).unwrap()),
                        consume_while_open(user, id_hash, &Consume::TotpStep(step), *now)
                            .build(SqliteQueryBuilder)
                    );
                }
                assert_eq!(
                    owned(sqlite_close_challenge(user, id_hash, *now).unwrap()),
                    close_after_one_change(user, id_hash, *now).build(SqliteQueryBuilder)
                );
                assert_eq!(
                    owned(sqlite_lockout_guard(user, id_hash, *now, 0).unwrap()),
                    lockout_guard(user, id_hash, *now, 0).build(SqliteQueryBuilder)
                );
            }
            let until = [None, Some(millis(*now)), Some(MILLIS_STAND_INS[1])];
            for locked_until in until {
                for (failures, lockouts, version) in [
                    (0, 0, 0),
                    (4, 1, 7),
                    (COUNT_STAND_INS[0], COUNT_STAND_INS[1], MILLIS_STAND_INS[2]),
                ] {
                    let version = version + i64::try_from(i).unwrap();
                    assert_eq!(
                        owned(sqlite_lockout_guard(user, STAND_INS[2], *now, version).unwrap()),
                        lockout_guard(user, STAND_INS[2], *now, version).build(SqliteQueryBuilder)
                    );
                    assert_eq!(
                        owned(
                            sqlite_lockout_swap(user, failures, lockouts, locked_until, version)
                                .unwrap()
                        ),
                        lockout_swap(user, failures, lockouts, locked_until, version)
                            .build(SqliteQueryBuilder)
                    );
                }
            }
        }
    }
}

/// The health probe writes through the sign-in path's writer thread too:
/// with that thread gone, sign-ins could not be written, and the probe
/// says so.
#[tokio::test]
async fn the_probe_fails_when_the_sign_in_writer_has_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe.db").to_string_lossy().into_owned();
    let store = crate::open(&format!("sqlite://{path}")).await.unwrap();
    assert!(store.probe().await);
    store.batches.as_ref().unwrap().stop().await;
    assert!(!store.probe().await);
    store.close().await;
}

/// A backend other than SQLite and Postgres gets no statement written for
/// either of them (before, it was quietly given Postgres's).
#[test]
fn an_unsupported_backend_is_an_error() {
    for shapes in [&VERIFICATION, &METHODS] {
        assert!(matches!(
            shapes.get(DbBackend::MySql),
            Err(DomainError::Internal(_))
        ));
        assert!(shapes.get(DbBackend::Postgres).is_ok());
    }
}
