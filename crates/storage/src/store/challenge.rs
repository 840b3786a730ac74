//! Challenges: creating, reading and cancelling them, the verification read,
//! and the completion that consumes a code, closes the challenge, stores a
//! trusted device, records a step-up session and writes the audit event in
//! one write (both dialects side by side); trusted devices.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, JoinType, Query, SelectStatement, UpdateStatement, WithClause,
    WithQuery,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QueryTrait,
};
use tollgate_domain::ports::{
    AuditEvent, ChallengeRecord, ChallengeStore, Completion, Consume, LockoutGuard, LockoutStore,
    NewChallenge, NewNotice, NewTrustedDevice, VerificationContext, VerifiedSession,
};
use tollgate_domain::{DomainError, UserRef};

use super::lockout::lockout_reset;
use super::notification::notice_insert;
use super::rows::{audit_row, device_row, to_challenge, to_lockout, to_record, truncate};
use super::session::session_upsert;
use super::sql::{
    PerUser, Shapes, any_row_in, insert_if, joined, owned_by, query_shaped, select_all_as, step,
};
use super::{SeaStore, millis, unavailable};
use crate::entity::{
    challenge, recovery_code, totp_credential, trusted_device, user_lockout, webauthn_credential,
};
use crate::sqlite::group_commit::Write;
use crate::sqlite::reads::Columns;
use crate::sqlite::statements::{
    InsertWhen, sqlite_built, sqlite_close_challenge, sqlite_consume_totp_step, sqlite_insert,
    sqlite_lockout_guard,
};

pub(crate) fn user_challenge(user: &UserRef, id_hash: &str) -> sea_orm::Condition {
    owned_by::<challenge::Entity>(user).add(challenge::Column::IdHash.eq(id_hash))
}

/// The user's challenge with this id hash, while it is open and unexpired.
fn open_challenge(user: &UserRef, id_hash: &str, now: DateTime<Utc>) -> Condition {
    user_challenge(user, id_hash)
        .add(challenge::Column::Status.eq(challenge::OPEN))
        .add(challenge::Column::ExpiresAt.gt(millis(now)))
}

/// Completes the open, unexpired challenge: one row changed, or none.
pub(crate) fn close_statement(
    user: &UserRef,
    id_hash: &str,
    now: DateTime<Utc>,
) -> UpdateStatement {
    use challenge::Column as C;
    challenge::Entity::update_many()
        .col_expr(C::Status, Expr::value(challenge::COMPLETED))
        .col_expr(C::CompletedAt, Expr::value(millis(now)))
        .filter(open_challenge(user, id_hash, now))
        .into_query()
}

/// Consumes the code: one row changed, or none when it was consumed before.
pub(crate) fn consume_statement(
    user: &UserRef,
    consume: &Consume,
    now: DateTime<Utc>,
) -> UpdateStatement {
    match consume {
        Consume::TotpStep(step) => {
            use totp_credential::Column as C;
            let step = i64::try_from(*step).unwrap_or(i64::MAX);
            // The used-step column only moves forward: a step at or
            // before the last used one is refused, on every replica.
            totp_credential::Entity::update_many()
                .col_expr(C::LastUsedStep, Expr::value(step))
                .filter(owned_by::<totp_credential::Entity>(user))
                .filter(C::State.eq(totp_credential::ENABLED))
                .filter(
                    Condition::any()
                        .add(C::LastUsedStep.is_null())
                        .add(C::LastUsedStep.lt(step)),
                )
                .into_query()
        }
        Consume::RecoveryCode(id) => {
            use recovery_code::Column as C;
            recovery_code::Entity::update_many()
                .col_expr(C::UsedAt, Expr::value(millis(now)))
                .filter(owned_by::<recovery_code::Entity>(user))
                .filter(C::Id.eq(*id))
                .filter(C::UsedAt.is_null())
                .into_query()
        }
        Consume::WebAuthn {
            id,
            version,
            credential,
        } => {
            use webauthn_credential::Column as C;
            // The credential moves on from the version read, once: two
            // sign-ins cannot both store a counter from the same value.
            webauthn_credential::Entity::update_many()
                .col_expr(C::Credential, Expr::value(credential.as_str()))
                .col_expr(C::LastUsedAt, Expr::value(millis(now)))
                .col_expr(C::Version, Expr::col(C::Version).add(1))
                .filter(owned_by::<webauthn_credential::Entity>(user))
                .filter(C::Id.eq(*id))
                .filter(C::Version.eq(*version))
                .into_query()
        }
        Consume::ChallengeCode(hash) => {
            use challenge::Column as C;
            // The code is consumed with the challenge that carries it; a
            // newer code (or none) means this one is dead.
            challenge::Entity::update_many()
                .col_expr(C::CodeHash, Expr::value(Option::<String>::None))
                .filter(owned_by::<challenge::Entity>(user))
                .filter(C::CodeHash.eq(hash.as_str()))
                .filter(C::CodeExpiresAt.gt(millis(now)))
                .into_query()
        }
    }
}

/// Consumes the code only while the challenge is open and unexpired.
pub(crate) fn consume_while_open(
    user: &UserRef,
    id_hash: &str,
    consume: &Consume,
    now: DateTime<Utc>,
) -> UpdateStatement {
    let open = Query::select()
        .expr(Expr::val(1))
        .from(challenge::Entity)
        .cond_where(open_challenge(user, id_hash, now))
        .to_owned();
    // After the lockout guard (see `completion_write`): only if it held.
    consume_statement(user, consume, now)
        .and_where(Expr::exists(open))
        .and_where(Expr::cust("changes() = 1"))
        .to_owned()
}

/// The guard of a completion on SQLite (see `complete_challenge`): a
/// statement that changes nothing, and counts one changed row exactly when
/// the user's lockout row is still at `version` (an update of the lockout
/// row to itself), or, with `version` 0, when there is no lockout row (the
/// open challenge's row updated to itself).
pub(crate) fn lockout_guard(
    user: &UserRef,
    id_hash: &str,
    now: DateTime<Utc>,
    version: i64,
) -> UpdateStatement {
    use user_lockout::Column as C;
    if version == 0 {
        let any_lockout = Query::select()
            .expr(Expr::val(1))
            .from(user_lockout::Entity)
            .cond_where(owned_by::<user_lockout::Entity>(user))
            .to_owned();
        return challenge::Entity::update_many()
            .col_expr(
                challenge::Column::Status,
                Expr::col(challenge::Column::Status),
            )
            .filter(open_challenge(user, id_hash, now))
            .filter(Expr::exists(any_lockout).not())
            .into_query();
    }
    user_lockout::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version))
        .filter(owned_by::<user_lockout::Entity>(user))
        .filter(C::Version.eq(version))
        .into_query()
}

/// Closes the challenge if the statement before it changed one row.
pub(crate) fn close_after_one_change(
    user: &UserRef,
    id_hash: &str,
    now: DateTime<Utc>,
) -> UpdateStatement {
    close_statement(user, id_hash, now)
        .and_where(Expr::cust("changes() = 1"))
        .to_owned()
}

/// complete_challenge on SQLite, as one write for the group commit. Each
/// statement runs only if the one before it changed exactly one row
/// (`changes()`), and the code is consumed only while the challenge is open,
/// so the write makes either every change or none.
#[allow(clippy::too_many_arguments)] // each is one part of the one write
fn completion_write(
    user: &UserRef,
    id_hash: &str,
    consume: &Consume,
    now: DateTime<Utc>,
    device: Option<NewTrustedDevice>,
    session: Option<VerifiedSession>,
    audit: AuditEvent,
    notices: &[NewNotice],
    lockout: LockoutGuard,
) -> Result<Write, DomainError> {
    // The guard first: every later statement runs only after one change,
    // so nothing happens unless the lockout row is still as read; the guard
    // itself changes nothing (see lockout_guard).
    let guard = sqlite_lockout_guard(user, id_hash, now, lockout.version)?;
    let consumed = match consume {
        Consume::TotpStep(step) => sqlite_consume_totp_step(user, id_hash, *step, now)?,
        _ => sqlite_built(&consume_while_open(user, id_hash, consume, now)),
    };
    let mut statements = vec![guard, consumed, sqlite_close_challenge(user, id_hash, now)?];
    if lockout.reset {
        statements.push(sqlite_built(
            lockout_reset(user).and_where(Expr::cust("changes() = 1")),
        ));
    }
    if let Some(device) = device {
        statements.push(sqlite_insert(
            device_row(user, device),
            InsertWhen::AfterOneChange,
        )?);
    }
    if let Some(session) = &session {
        // An upsert counts one change whether it inserts or updates.
        statements.push(sqlite_built(&session_upsert(
            user,
            session,
            Expr::cust("changes() = 1"),
        )?));
    }
    statements.push(sqlite_insert(audit_row(audit), InsertWhen::AfterOneChange)?);
    // The answer is the audit event's; notices follow it, each only after
    // one change (the audit event, then the notice before, which went to
    // the same address): none when the user has no confirmed address.
    let audited = statements.len() - 1;
    for notice in notices {
        let after_one_change = Some(Expr::cust("changes() = 1"));
        statements.push(sqlite_built(&notice_insert(
            user,
            notice,
            after_one_change,
        )?));
    }
    Write::counting(statements, audited).map_err(unavailable)
}

/// The first step of a completion on Postgres: one row while the user's
/// lockout row is still at `version`, locked until the statement commits
/// (a parallel failure's swap waits, then finds the version moved on); or,
/// with `version` 0, one row while the user has no lockout row at all.
fn completion_guard(user: &UserRef, version: i64) -> SelectStatement {
    if version == 0 {
        Query::select()
            .expr(Expr::val(1))
            .and_where(
                Expr::exists(
                    Query::select()
                        .expr(Expr::val(1))
                        .from(user_lockout::Entity)
                        .cond_where(owned_by::<user_lockout::Entity>(user))
                        .to_owned(),
                )
                .not(),
            )
            .to_owned()
    } else {
        Query::select()
            .expr(Expr::val(1))
            .from(user_lockout::Entity)
            .cond_where(owned_by::<user_lockout::Entity>(user))
            .and_where(Expr::col(user_lockout::Column::Version).eq(version))
            .lock_exclusive()
            .to_owned()
    }
}

/// complete_challenge on Postgres, as one statement: `locked` locks the
/// challenge row while it is open, `consumed` uses the code only then,
/// `closed` completes the challenge if the code was consumed, the device
/// and audit rows are inserted (and the session's step-up record upserted)
/// if it was closed, and the statement answers how many audit rows it wrote
/// (one or none). Because nobody can cancel the locked challenge in
/// between, a consumed code always closes it: the statement makes every
/// change or none, with no transaction around it.
#[allow(clippy::too_many_arguments)] // each is one part of the one write
fn completion_statement(
    user: &UserRef,
    id_hash: &str,
    consume: &Consume,
    now: DateTime<Utc>,
    device: Option<NewTrustedDevice>,
    session: Option<VerifiedSession>,
    audit: AuditEvent,
    notices: &[NewNotice],
    lockout: LockoutGuard,
) -> Result<WithQuery, DomainError> {
    let one = || Query::returning().expr(Expr::val(1));
    let mut with = WithClause::new();
    with.cte(step("guarded", completion_guard(user, lockout.version)));
    if let Consume::ChallengeCode(_) = consume {
        // The code is kept on the challenge row, and one statement can
        // change a row only once: consume it and close the challenge in
        // the same update.
        let mut both = consume_statement(user, consume, now);
        both.value(challenge::Column::Status, challenge::COMPLETED)
            .value(challenge::Column::CompletedAt, millis(now))
            .cond_where(open_challenge(user, id_hash, now))
            .and_where(any_row_in("guarded"))
            .returning(one());
        with.cte(step("closed", both));
    } else {
        with.cte(step(
            "locked",
            Query::select()
                .expr(Expr::val(1))
                .from(challenge::Entity)
                .cond_where(open_challenge(user, id_hash, now))
                .and_where(any_row_in("guarded"))
                .lock_exclusive()
                .to_owned(),
        ));
        with.cte(step(
            "consumed",
            consume_statement(user, consume, now)
                .and_where(any_row_in("locked"))
                .returning(one())
                .to_owned(),
        ));
        with.cte(step(
            "closed",
            close_statement(user, id_hash, now)
                .and_where(any_row_in("consumed"))
                .returning(one())
                .to_owned(),
        ));
    }
    if lockout.reset {
        with.cte(step(
            "reset",
            lockout_reset(user)
                .and_where(any_row_in("closed"))
                .to_owned(),
        ));
    }
    if let Some(device) = device {
        with.cte(step(
            "device",
            insert_if(&device_row(user, device), any_row_in("closed"))?,
        ));
    }
    if let Some(session) = &session {
        with.cte(step(
            "recorded",
            session_upsert(user, session, any_row_in("closed"))?,
        ));
    }
    with.cte(step(
        "audited",
        insert_if(&audit_row(audit), any_row_in("closed"))?
            .returning(one())
            .to_owned(),
    ));
    for (i, notice) in notices.iter().enumerate() {
        with.cte(step(
            format!("notice_{i}"),
            notice_insert(user, notice, Some(any_row_in("closed")))?,
        ));
    }
    // The name is ours; no value is spliced into the text.
    let answer = Query::select()
        .expr_as(Expr::cust("(SELECT count(*) FROM audited)"), "audited")
        .to_owned();
    Ok(with.query(answer))
}

/// Revokes one or all of the user's devices inside `conn`.
pub(crate) async fn revoke_devices<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
    device_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u32, DbErr> {
    use trusted_device::Column as Col;
    let mut update = trusted_device::Entity::update_many()
        .col_expr(Col::RevokedAt, Expr::value(millis(now)))
        .filter(owned_by::<trusted_device::Entity>(user))
        .filter(Col::RevokedAt.is_null());
    if let Some(id) = device_id {
        update = update.filter(Col::DeviceId.eq(id));
    }
    let result = update.exec(conn).await?;
    Ok(u32::try_from(result.rows_affected).unwrap_or(u32::MAX))
}

/// Column prefixes of the verification read, one per joined table.
const CHALLENGE: &str = "c_";

pub(crate) const TOTP: &str = "t_";

const LOCKOUT: &str = "l_";

const RECOVERY_REMAINING: &str = "recovery_remaining";

/// Joins `table` to the challenge on the challenge's tenant and user.
fn same_user_as_challenge<E: PerUser>(table: &str) -> Condition {
    let (c, t) = (Alias::new("c"), Alias::new(table.trim_end_matches('_')));
    Condition::all()
        .add(Expr::col((t.clone(), E::TENANT)).equals((c.clone(), challenge::Column::TenantId)))
        .add(Expr::col((t, E::USER)).equals((c, challenge::Column::UserId)))
}

/// The challenge with its lockout row, TOTP credential and count of unspent
/// recovery codes: everything a verification reads, as one statement.
fn verification_query(user: &UserRef, id_hash: &str) -> SelectStatement {
    let c = Alias::new("c");
    let mut select = Query::select();
    select.from_as(challenge::Entity, c.clone());
    select_all_as::<challenge::Entity>(&mut select, CHALLENGE);
    select_all_as::<totp_credential::Entity>(&mut select, TOTP);
    select_all_as::<user_lockout::Entity>(&mut select, LOCKOUT);
    select.join_as(
        JoinType::LeftJoin,
        totp_credential::Entity,
        Alias::new("t"),
        same_user_as_challenge::<totp_credential::Entity>(TOTP),
    );
    select.join_as(
        JoinType::LeftJoin,
        user_lockout::Entity,
        Alias::new("l"),
        same_user_as_challenge::<user_lockout::Entity>(LOCKOUT),
    );
    let remaining = Query::select()
        .expr(Expr::col(recovery_code::Column::Id).count())
        .from(recovery_code::Entity)
        .cond_where(owned_by::<recovery_code::Entity>(user))
        .and_where(recovery_code::Column::UsedAt.is_null())
        .to_owned();
    select.expr_as(
        Expr::SubQuery(None, Box::new(remaining.into())),
        Alias::new(RECOVERY_REMAINING),
    );
    select
        .and_where(Expr::col((c.clone(), challenge::Column::TenantId)).eq(user.tenant.as_str()))
        .and_where(Expr::col((c.clone(), challenge::Column::UserId)).eq(user.user.as_str()))
        .and_where(Expr::col((c, challenge::Column::IdHash)).eq(id_hash));
    select
}

pub(crate) static VERIFICATION: Shapes = Shapes::new(verification_query);

impl SeaStore {
    /// Why a completion changed nothing: the code was used before, if the
    /// challenge is still open; otherwise the challenge was closed.
    async fn not_completed(
        &self,
        user: &UserRef,
        id_hash: &str,
        now: DateTime<Utc>,
        lockout: LockoutGuard,
    ) -> Result<Completion, DomainError> {
        if LockoutStore::lockout(self, user).await?.1 != lockout.version {
            return Ok(Completion::LockoutChanged);
        }
        let still_open = challenge::Entity::find()
            .filter(open_challenge(user, id_hash, now))
            .count(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(if still_open == 1 {
            Completion::CodeAlreadyUsed
        } else {
            Completion::ChallengeClosed
        })
    }
}

impl ChallengeStore for SeaStore {
    async fn create_challenge(&self, user: &UserRef, new: NewChallenge) -> Result<(), DomainError> {
        let methods: Vec<&str> = new.methods.iter().map(|m| m.as_str()).collect();
        let row = challenge::ActiveModel {
            id_hash: Set(new.id_hash),
            tenant_id: Set(user.tenant.as_str().to_owned()),
            user_id: Set(user.user.as_str().to_owned()),
            methods: Set(methods.join(",")),
            status: Set(challenge::OPEN.to_owned()),
            created_at: Set(millis(new.created_at)),
            expires_at: Set(millis(new.expires_at)),
            completed_at: Set(None),
            client_ip: Set(truncate(&new.client.ip, 64)),
            user_agent: Set(truncate(&new.client.user_agent, 512)),
            audience: Set(truncate(&new.audience, 64)),
            webauthn_state: match new.webauthn_state {
                Some(state) => Set(Some(state)),
                None => sea_orm::ActiveValue::NotSet,
            },
            session_hash: match new.session_hash {
                Some(hash) => Set(Some(hash)),
                None => sea_orm::ActiveValue::NotSet,
            },
            ..Default::default()
        };
        self.insert(row).await
    }

    async fn challenge(
        &self,
        user: &UserRef,
        id_hash: &str,
    ) -> Result<Option<ChallengeRecord>, DomainError> {
        let Some(row) = challenge::Entity::find()
            .filter(user_challenge(user, id_hash))
            .one(&self.db)
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        Ok(Some(to_challenge(row)))
    }

    async fn verification(
        &self,
        user: &UserRef,
        id_hash: &str,
    ) -> Result<Option<VerificationContext>, DomainError> {
        let arguments = [user.tenant.as_str(), user.user.as_str(), id_hash];
        let row = match &self.reads {
            Some(reads) => reads
                .query(VERIFICATION.get(DbBackend::Sqlite)?, &arguments, |row| {
                    let mut columns = Columns::first();
                    Ok((
                        columns.model::<challenge::Entity>(row)?,
                        columns.joined::<totp_credential::Entity>(row)?,
                        columns.joined::<user_lockout::Entity>(row)?,
                        columns.next::<i64>(row)?,
                    ))
                })
                .map_err(unavailable)?
                .pop(),
            None => match query_shaped(&self.db, &VERIFICATION, &arguments)
                .await?
                .pop()
            {
                Some(row) => Some((
                    challenge::Model::from_query_result(&row, CHALLENGE).map_err(unavailable)?,
                    joined::<totp_credential::Model>(&row, TOTP)?,
                    joined::<user_lockout::Model>(&row, LOCKOUT)?,
                    row.try_get::<i64>("", RECOVERY_REMAINING)
                        .map_err(unavailable)?,
                )),
                None => None,
            },
        };
        let Some((challenge, totp, lockout, remaining)) = row else {
            return Ok(None);
        };
        Ok(Some(VerificationContext {
            challenge: to_challenge(challenge),
            lockout: to_lockout(lockout),
            totp: totp.map(to_record).transpose()?,
            recovery_remaining: u32::try_from(remaining).unwrap_or(0),
        }))
    }

    async fn count_open_challenges(&self, now: DateTime<Utc>) -> Result<u64, DomainError> {
        challenge::Entity::find()
            .filter(challenge::Column::Status.eq(challenge::OPEN))
            .filter(challenge::Column::ExpiresAt.gt(millis(now)))
            .count(&self.db)
            .await
            .map_err(unavailable)
    }

    async fn cancel_challenge(&self, user: &UserRef, id_hash: &str) -> Result<bool, DomainError> {
        let cancel = challenge::Entity::update_many()
            .col_expr(challenge::Column::Status, Expr::value(challenge::CANCELLED))
            .filter(user_challenge(user, id_hash))
            .filter(challenge::Column::Status.eq(challenge::OPEN))
            .into_query();
        Ok(self.write(&cancel).await? == 1)
    }

    #[allow(clippy::too_many_arguments)] // each is one part of the one write
    async fn complete_challenge(
        &self,
        user: &UserRef,
        id_hash: &str,
        consume: Consume,
        now: DateTime<Utc>,
        device: Option<NewTrustedDevice>,
        session: Option<VerifiedSession>,
        audit: AuditEvent,
        notices: Vec<NewNotice>,
        lockout: LockoutGuard,
    ) -> Result<Completion, DomainError> {
        if let Some(batches) = &self.batches {
            let write = completion_write(
                user, id_hash, &consume, now, device, session, audit, &notices, lockout,
            )?;
            // Whether the last statement (the audit event) was written, and
            // so every one before it.
            if batches.run(write).await.map_err(unavailable)? == 1 {
                return Ok(Completion::Completed);
            }
            return self.not_completed(user, id_hash, now, lockout).await;
        }
        // Postgres: one statement, one trip (see completion_statement).
        let audited = self
            .writes
            .query_one(&completion_statement(
                user, id_hash, &consume, now, device, session, audit, &notices, lockout,
            )?)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| unavailable("the completion statement returned no row"))?
            .try_get::<i64>("", "audited")
            .map_err(unavailable)?;
        if audited == 1 {
            return Ok(Completion::Completed);
        }
        self.not_completed(user, id_hash, now, lockout).await
    }

    async fn trusted_device(
        &self,
        user: &UserRef,
        token_hashes: &[String],
        now: DateTime<Utc>,
    ) -> Result<Option<String>, DomainError> {
        use trusted_device::Column as C;
        let row = trusted_device::Entity::find()
            .filter(owned_by::<trusted_device::Entity>(user))
            .filter(C::TokenHash.is_in(token_hashes.iter().cloned()))
            .filter(C::RevokedAt.is_null())
            .filter(C::ExpiresAt.gt(millis(now)))
            .one(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| r.device_id))
    }

    async fn revoke_trusted_devices(
        &self,
        user: &UserRef,
        device_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u32, DomainError> {
        let _turn = self.turn().await;
        revoke_devices(&self.writes, user, device_id, now)
            .await
            .map_err(unavailable)
    }
}
