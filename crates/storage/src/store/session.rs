//! Step-up records of application sessions: the upsert a completion makes
//! (as a statement for `store/challenge.rs` to put in its guarded write,
//! both dialects), reading a session's record, and forgetting it.
use sea_orm::sea_query::{Expr, InsertStatement, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{SessionRecord, SessionStore, VerifiedSession};
use tollgate_domain::{DomainError, UserRef};

use super::sql::{insert_if, owned_by};
use super::{SeaStore, instant, millis, unavailable};
use crate::entity::session;

/// Records `verified` for the user's session if `condition` holds: a new
/// row, or the session's row moved on (a phishing-resistant time is kept
/// when this method is not one). Written once for both databases: both
/// take `INSERT ... SELECT ... WHERE ... ON CONFLICT DO UPDATE`, and both
/// count the row changed once either way, so the completion's next step
/// follows it as it follows every other.
pub(crate) fn session_upsert(
    user: &UserRef,
    verified: &VerifiedSession,
    condition: Expr,
) -> Result<InsertStatement, DomainError> {
    use session::Column as C;
    let at = millis(verified.verified_at);
    let row = session::ActiveModel {
        session_hash: Set(verified.session_hash.clone()),
        tenant_id: Set(user.tenant.as_str().to_owned()),
        user_id: Set(user.user.as_str().to_owned()),
        method: Set(verified.method.as_str().to_owned()),
        verified_at: Set(at),
        phishing_resistant_at: Set(verified.phishing_resistant().then_some(at)),
    };
    let mut upsert = insert_if(&row, condition)?;
    upsert.on_conflict(
        OnConflict::column(C::SessionHash)
            .update_columns([C::Method, C::VerifiedAt])
            // Names only; no value is spliced into the text.
            .value(
                C::PhishingResistantAt,
                Expr::cust(
                    "COALESCE(excluded.phishing_resistant_at, sessions.phishing_resistant_at)",
                ),
            )
            .to_owned(),
    );
    Ok(upsert)
}

/// The record the rows of one session make: the latest verification, and
/// the latest phishing-resistant one (a key rotation can leave one row per
/// key's hash until the purge).
fn to_record(rows: Vec<session::Model>) -> Option<SessionRecord> {
    let phishing_resistant_at = rows.iter().filter_map(|r| r.phishing_resistant_at).max();
    let latest = rows
        .into_iter()
        .filter_map(|r| Some((r.verified_at, Method::parse(&r.method)?)))
        .max_by_key(|(at, _)| *at)?;
    Some(SessionRecord {
        verified_at: instant(latest.0),
        method: latest.1,
        phishing_resistant_at: phishing_resistant_at.map(instant),
    })
}

impl SessionStore for SeaStore {
    async fn session(
        &self,
        user: &UserRef,
        session_hashes: &[String],
    ) -> Result<Option<SessionRecord>, DomainError> {
        let rows = session::Entity::find()
            .filter(owned_by::<session::Entity>(user))
            .filter(session::Column::SessionHash.is_in(session_hashes.iter().cloned()))
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(to_record(rows))
    }

    async fn end_session(
        &self,
        user: &UserRef,
        session_hashes: &[String],
    ) -> Result<u64, DomainError> {
        let forget = session::Entity::delete_many()
            .filter(owned_by::<session::Entity>(user))
            .filter(session::Column::SessionHash.is_in(session_hashes.iter().cloned()))
            .into_query();
        self.write(&forget).await
    }
}
