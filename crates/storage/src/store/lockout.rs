//! The lockout row: reading it, and the compare-and-swap that counts a failure
//! with its audit events.
use sea_orm::sea_query::{
    Expr, ExprTrait, InsertStatement, OnConflict, Query, UpdateStatement, WithClause,
};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryTrait};
use tollgate_domain::lockout::LockoutState;
use tollgate_domain::ports::{AuditEvent, LockoutStore, NewNotice};
use tollgate_domain::{DomainError, UserRef};

use super::notification::notice_insert;
use super::rows::{audit_row, to_lockout};
use super::sql::{any_row_in, insert_if, owned_by, step};
use super::{SeaStore, millis, unavailable};
use crate::entity::user_lockout;
use crate::sqlite::group_commit::Write;
use crate::sqlite::statements::{InsertWhen, sqlite_built, sqlite_insert, sqlite_lockout_swap};

/// Clears the user's lockout row (after a success), moving its version on.
pub(crate) fn lockout_reset(user: &UserRef) -> UpdateStatement {
    use user_lockout::Column as C;
    user_lockout::Entity::update_many()
        .col_expr(C::Failures, Expr::value(0))
        .col_expr(C::Lockouts, Expr::value(0))
        .col_expr(C::LockedUntil, Expr::value(Option::<i64>::None))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(owned_by::<user_lockout::Entity>(user))
        .into_query()
}

/// Insert the first lockout row (version 0 means "none yet"), or update it
/// only if nobody changed the row since it was read at `version`.
pub(crate) fn lockout_swap(
    user: &UserRef,
    failures: i32,
    lockouts: i32,
    locked_until: Option<i64>,
    version: i64,
) -> InsertStatement {
    use user_lockout::Column as C;
    Query::insert()
        .into_table(user_lockout::Entity)
        .columns([
            C::TenantId,
            C::UserId,
            C::Failures,
            C::Lockouts,
            C::LockedUntil,
            C::Version,
        ])
        .values_panic([
            user.tenant.as_str().into(),
            user.user.as_str().into(),
            failures.into(),
            lockouts.into(),
            locked_until.into(),
            (version + 1).into(),
        ])
        .on_conflict(
            OnConflict::columns([C::TenantId, C::UserId])
                .update_columns([C::Failures, C::Lockouts, C::LockedUntil, C::Version])
                .action_and_where(Expr::col((user_lockout::Entity, C::Version)).eq(version))
                .to_owned(),
        )
        .to_owned()
}

impl LockoutStore for SeaStore {
    async fn lockout(&self, user: &UserRef) -> Result<(LockoutState, i64), DomainError> {
        let row = user_lockout::Entity::find()
            .filter(owned_by::<user_lockout::Entity>(user))
            .one(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(to_lockout(row))
    }

    async fn swap_lockout(
        &self,
        user: &UserRef,
        version: i64,
        state: LockoutState,
        audit: Vec<AuditEvent>,
        notices: Vec<NewNotice>,
    ) -> Result<bool, DomainError> {
        let failures = i32::try_from(state.failures).unwrap_or(i32::MAX);
        let lockouts = i32::try_from(state.lockouts).unwrap_or(i32::MAX);
        let locked_until = state.locked_until.map(millis);
        if let Some(batches) = &self.batches {
            let mut statements = vec![sqlite_lockout_swap(
                user,
                failures,
                lockouts,
                locked_until,
                version,
            )?];
            for event in audit {
                statements.push(sqlite_insert(audit_row(event), InsertWhen::AfterOneChange)?);
            }
            // Each event is written only if the statement before it changed
            // a row, so the last event's count says whether all were; the
            // notices follow, each after one change, and are not counted
            // (none is written for a user without a confirmed address).
            let counted = statements.len() - 1;
            for notice in &notices {
                let after_one_change = Some(Expr::cust("changes() = 1"));
                statements.push(sqlite_built(&notice_insert(
                    user,
                    notice,
                    after_one_change,
                )?));
            }
            let written = batches
                .run(Write::counting(statements, counted).map_err(unavailable)?)
                .await
                .map_err(unavailable)?;
            return Ok(written == 1);
        }
        let mut statement = lockout_swap(user, failures, lockouts, locked_until, version);
        if audit.is_empty() && notices.is_empty() {
            return Ok(self.write(&statement).await? == 1);
        }
        // Postgres: one statement, each event inserted only if the step
        // before it returned a row.
        let mut with = WithClause::new();
        with.cte(step(
            "swapped",
            statement
                .returning(Query::returning().expr(Expr::val(1)))
                .to_owned(),
        ));
        // Each event after the one before (which also keeps their ids in
        // order).
        let mut before = "swapped".to_owned();
        for (i, event) in audit.into_iter().enumerate() {
            let insert = insert_if(&audit_row(event), any_row_in(&before))?
                .returning(Query::returning().expr(Expr::val(1)))
                .to_owned();
            before = format!("audit_{i}");
            with.cte(step(before.clone(), insert));
        }
        for (i, notice) in notices.iter().enumerate() {
            let insert = notice_insert(user, notice, Some(any_row_in(&before)))?;
            with.cte(step(format!("notice_{i}"), insert));
        }
        // The name is ours; no value is spliced into the text.
        let swap = with.query(
            Query::select()
                .expr_as(Expr::cust("(SELECT count(*) FROM swapped)"), "swapped")
                .to_owned(),
        );
        let swapped = self
            .writes
            .query_one(&swap)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| unavailable("the lockout statement returned no row"))?
            .try_get::<i64>("", "swapped")
            .map_err(unavailable)?;
        Ok(swapped == 1)
    }
}
