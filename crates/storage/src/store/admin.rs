//! Tenant policies, the users a tenant has seen and their grace logins,
//! administrator resets and listings, the audit log, retention purges and key
//! rotation.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QueryResult, QuerySelect, QueryTrait,
};
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{
    AdminStore, AuditEvent, AuditQuery, AuditRecord, ClientInfo, Erasure, Purgeable, StoredPolicy,
    StoredSeed, StoredTotpState, TrustedDeviceRecord, UserFilter, UserQuery, UserRecord,
    UserSummary,
};
use tollgate_domain::secret::Sealed;
use tollgate_domain::tenant_policy::TenantPolicy;
use tollgate_domain::{DomainError, TenantId, UserRef};

use super::challenge::revoke_devices;
use super::enrollment::hold_method_changes;
use super::rows::audit_row;
use super::sql::{owned_by, page_rows};
use super::webauthn::delete_webauthn_credentials;
use super::{SeaStore, instant, millis, unavailable};
use crate::entity::{
    audit_event, challenge, contact, outbox, policy, recovery_code, session, totp_credential,
    trusted_device, user, user_lockout, user_method, webauthn_ceremony,
};

/// An insert of a new `users` row.
pub(crate) fn insert_user(
    user: &UserRef,
    now: DateTime<Utc>,
    grace_logins_used: i32,
) -> sea_orm::sea_query::InsertStatement {
    use user::Column as C;
    Query::insert()
        .into_table(user::Entity)
        .columns([C::TenantId, C::UserId, C::CreatedAt, C::GraceLoginsUsed])
        .values_panic([
            user.tenant.as_str().into(),
            user.user.as_str().into(),
            millis(now).into(),
            grace_logins_used.into(),
        ])
        .to_owned()
}

/// Records that the tenant has this user, if it has not yet (used inside
/// the transaction that stores the first thing worth keeping for them).
pub(crate) fn keep_user(user: &UserRef, now: DateTime<Utc>) -> sea_orm::sea_query::InsertStatement {
    use user::Column as C;
    insert_user(user, now, 0)
        .on_conflict(
            OnConflict::columns([C::TenantId, C::UserId])
                .do_nothing()
                .to_owned(),
        )
        .to_owned()
}

/// Deletes up to `limit` rows of `E` that meet `chosen`, naming them by
/// `key` (a one-column primary key), in `conn`; returns how many.
async fn delete_chosen<E: EntityTrait, C: ConnectionTrait>(
    conn: &C,
    key: E::Column,
    chosen: Condition,
    limit: u32,
) -> Result<u64, DbErr> {
    let keys = Query::select()
        .column(key)
        .from(E::default())
        .cond_where(chosen)
        .limit(u64::from(limit))
        .to_owned();
    let deleted = E::delete_many()
        .filter(key.in_subquery(keys))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected)
}

/// Deletes the oldest audit events, up to `limit`, that occurred before
/// `before` (Unix milliseconds), walking the key: events are numbered in the
/// order they are written, so the old ones come first and no index on the
/// time is needed (one would cost every sign-in's audit row). The walk stops
/// at the first younger event, so an event written after a clock step back
/// waits for the events numbered before it.
async fn purge_audit_events<C: ConnectionTrait>(
    conn: &C,
    before: i64,
    limit: u32,
) -> Result<u64, DbErr> {
    use audit_event::Column as C;
    let oldest: Vec<(i64, i64)> = audit_event::Entity::find()
        .select_only()
        .columns([C::Id, C::OccurredAt])
        .order_by_asc(C::Id)
        .limit(u64::from(limit))
        .into_tuple()
        .all(conn)
        .await?;
    let Some(&(last, _)) = oldest.iter().take_while(|(_, at)| *at < before).last() else {
        return Ok(0);
    };
    let deleted = audit_event::Entity::delete_many()
        .filter(C::Id.lte(last))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected)
}

/// ListUsers' page of the tenant's users (after `query.after`, in user id
/// order) that pass the filter, with each one's TOTP state.
fn users_page_query(query: &UserQuery) -> SelectStatement {
    use sea_orm::sea_query::{Alias, JoinType, Order};
    let users = Alias::new("users");
    let totp = Alias::new("totp_credentials");
    let mut select = Query::select();
    select
        .column((users.clone(), Alias::new("user_id")))
        .column((users.clone(), Alias::new("grace_logins_used")))
        .expr_as(
            Expr::col((totp.clone(), Alias::new("state"))),
            Alias::new("totp_state"),
        )
        .from(users.clone())
        .join(
            JoinType::LeftJoin,
            totp.clone(),
            Expr::col((totp.clone(), Alias::new("tenant_id")))
                .equals((users.clone(), Alias::new("tenant_id")))
                .and(
                    Expr::col((totp.clone(), Alias::new("user_id")))
                        .equals((users.clone(), Alias::new("user_id"))),
                ),
        )
        .and_where(Expr::col((users.clone(), Alias::new("tenant_id"))).eq(query.tenant.as_str()))
        .order_by((users.clone(), Alias::new("user_id")), Order::Asc)
        .limit(u64::from(query.limit));
    if let Some(after) = &query.after {
        select.and_where(Expr::col((users.clone(), Alias::new("user_id"))).gt(after.as_str()));
    }
    let state = Expr::col((totp.clone(), Alias::new("state")));
    let same_user = |table: Alias| {
        Expr::col((table.clone(), Alias::new("tenant_id")))
            .equals((users.clone(), Alias::new("tenant_id")))
            .and(
                Expr::col((table, Alias::new("user_id")))
                    .equals((users.clone(), Alias::new("user_id"))),
            )
    };
    let has_methods = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new("user_methods"))
        .and_where(same_user(Alias::new("user_methods")))
        .to_owned();
    let unconfirmed = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new("contacts"))
        .and_where(same_user(Alias::new("contacts")))
        .and_where(Expr::col((Alias::new("contacts"), Alias::new("confirmed_at"))).is_null())
        .to_owned();
    match query.filter {
        UserFilter::All => {}
        UserFilter::Enrolled => {
            select.and_where(
                state
                    .eq(totp_credential::ENABLED)
                    .or(Expr::exists(has_methods)),
            );
        }
        UserFilter::NotEnrolled => {
            select.and_where(
                state
                    .clone()
                    .is_null()
                    .or(state.ne(totp_credential::ENABLED))
                    .and(Expr::exists(has_methods).not()),
            );
        }
        UserFilter::UnconfirmedContact => {
            select.and_where(Expr::exists(unconfirmed));
        }
    }
    select
}

/// A row of [`users_page_query`], without the details read per page.
fn to_user_summary(row: &QueryResult) -> Result<UserSummary, DomainError> {
    let user_id: String = row.try_get("", "user_id").map_err(unavailable)?;
    let grace: i32 = row.try_get("", "grace_logins_used").map_err(unavailable)?;
    let state: Option<String> = row.try_get("", "totp_state").map_err(unavailable)?;
    Ok(UserSummary {
        user_id,
        totp_state: match state.as_deref() {
            Some(totp_credential::ENABLED) => Some(StoredTotpState::Enabled),
            Some(_) => Some(StoredTotpState::Pending),
            None => None,
        },
        recovery_codes_remaining: 0,
        grace_logins_used: u32::try_from(grace).unwrap_or(0),
        locked_until: None,
        contact_methods: Vec::new(),
        has_unconfirmed_contact: false,
    })
}

impl SeaStore {
    /// Fills in the page's recovery codes, lockouts, methods and contacts,
    /// one read of each for the whole page.
    async fn add_page_details(
        &self,
        tenant: &TenantId,
        page: &mut [UserSummary],
    ) -> Result<(), DomainError> {
        let ids: Vec<String> = page.iter().map(|u| u.user_id.clone()).collect();
        let codes = page_rows::<recovery_code::Entity>(tenant, &ids)
            .filter(recovery_code::Column::UsedAt.is_null())
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let locks = page_rows::<user_lockout::Entity>(tenant, &ids)
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let methods = page_rows::<user_method::Entity>(tenant, &ids)
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let unconfirmed = page_rows::<contact::Entity>(tenant, &ids)
            .filter(contact::Column::ConfirmedAt.is_null())
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        for summary in page.iter_mut() {
            summary.recovery_codes_remaining = codes
                .iter()
                .filter(|c| c.user_id == summary.user_id)
                .count() as u32;
            summary.locked_until = locks
                .iter()
                .find(|l| l.user_id == summary.user_id)
                .and_then(|l| l.locked_until)
                .map(instant);
            summary.contact_methods = methods
                .iter()
                .filter(|m| m.user_id == summary.user_id)
                .filter_map(|m| Method::parse(&m.method))
                .collect();
            summary.has_unconfirmed_contact =
                unconfirmed.iter().any(|c| c.user_id == summary.user_id);
        }
        Ok(())
    }
}

impl AdminStore for SeaStore {
    async fn record_audit(&self, event: AuditEvent) -> Result<(), DomainError> {
        self.insert(audit_row(event)).await
    }

    async fn tenant_policy(&self, tenant: &TenantId) -> Result<Option<StoredPolicy>, DomainError> {
        let Some(row) = policy::Entity::find_by_id(tenant.as_str().to_owned())
            .one(&self.db)
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        let document = serde_json::from_str(&row.document)
            .map_err(|_| DomainError::Internal("a stored policy document is malformed"))?;
        Ok(Some(StoredPolicy {
            policy: document,
            version: row.version,
            updated_at: instant(row.updated_at),
        }))
    }

    async fn save_tenant_policy(
        &self,
        tenant: &TenantId,
        expected_version: Option<i64>,
        document: &TenantPolicy,
        now: DateTime<Utc>,
        audit: AuditEvent,
    ) -> Result<Option<i64>, DomainError> {
        use policy::Column as C;
        let json = serde_json::to_string(document)
            .map_err(|_| DomainError::Internal("a policy could not be serialised"))?;
        let (txn, _turn) = self.begin_write().await?;
        let insert = |version: i64| {
            Query::insert()
                .into_table(policy::Entity)
                .columns([C::TenantId, C::Document, C::Version, C::UpdatedAt])
                .values_panic([
                    tenant.as_str().into(),
                    json.clone().into(),
                    version.into(),
                    millis(now).into(),
                ])
                .to_owned()
        };
        let written = match expected_version {
            // Nothing stored yet: only the first writer may create the row.
            Some(0) => {
                let statement = insert(1)
                    .on_conflict(OnConflict::column(C::TenantId).do_nothing().to_owned())
                    .to_owned();
                txn.execute(&statement)
                    .await
                    .map_err(unavailable)?
                    .rows_affected()
                    == 1
            }
            Some(version) => {
                policy::Entity::update_many()
                    .col_expr(C::Document, Expr::value(json.clone()))
                    .col_expr(C::Version, Expr::value(version + 1))
                    .col_expr(C::UpdatedAt, Expr::value(millis(now)))
                    .filter(C::TenantId.eq(tenant.as_str()))
                    .filter(C::Version.eq(version))
                    .exec(&txn)
                    .await
                    .map_err(unavailable)?
                    .rows_affected
                    == 1
            }
            None => {
                let statement = insert(1)
                    .on_conflict(
                        OnConflict::column(C::TenantId)
                            .update_columns([C::Document, C::UpdatedAt])
                            .value(C::Version, Expr::col((policy::Entity, C::Version)).add(1))
                            .to_owned(),
                    )
                    .to_owned();
                txn.execute(&statement).await.map_err(unavailable)?;
                true
            }
        };
        if !written {
            txn.rollback().await.map_err(unavailable)?;
            return Ok(None);
        }
        let version = policy::Entity::find_by_id(tenant.as_str().to_owned())
            .one(&txn)
            .await
            .map_err(unavailable)?
            .map(|row| row.version);
        audit_event::Entity::insert(audit_row(audit))
            .exec_without_returning(&txn)
            .await
            .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(version)
    }

    async fn ensure_user(&self, user: &UserRef, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.write(&keep_user(user, now)).await?;
        Ok(())
    }

    async fn grace_logins_used(&self, user: &UserRef) -> Result<u32, DomainError> {
        let row = self.user_row(user).await?;
        Ok(row.map_or(0, |r| u32::try_from(r.grace_logins_used).unwrap_or(0)))
    }

    async fn take_grace_login(
        &self,
        user: &UserRef,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Option<u32>, DomainError> {
        use user::Column as C;
        if limit == 0 {
            return Ok(None);
        }
        let limit = i32::try_from(limit).unwrap_or(i32::MAX);
        // One statement: count a login only while fewer than `limit` were
        // counted, so replicas racing on the same user never grant more.
        let statement = insert_user(user, now, 1)
            .on_conflict(
                OnConflict::columns([C::TenantId, C::UserId])
                    .value(
                        C::GraceLoginsUsed,
                        Expr::col((user::Entity, C::GraceLoginsUsed)).add(1),
                    )
                    .action_and_where(Expr::col((user::Entity, C::GraceLoginsUsed)).lt(limit))
                    .to_owned(),
            )
            .returning_col(C::GraceLoginsUsed)
            .to_owned();
        let turn = self.turn().await;
        let row = self
            .writes
            .query_one(&statement)
            .await
            .map_err(unavailable)?;
        drop(turn);
        match row {
            Some(row) => {
                let used: i32 = row.try_get("", "grace_logins_used").map_err(unavailable)?;
                Ok(Some(u32::try_from(used).unwrap_or(0)))
            }
            None => Ok(None),
        }
    }

    async fn reset_user(
        &self,
        user: &UserRef,
        now: DateTime<Utc>,
        audit: AuditEvent,
        notices: Vec<tollgate_domain::ports::NewNotice>,
    ) -> Result<(), DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        // Challenges first: a verification on Postgres locks its challenge
        // before it consumes a code, and taking the locks in the same order
        // keeps the two from deadlocking.
        challenge::Entity::update_many()
            .col_expr(challenge::Column::Status, Expr::value(challenge::CANCELLED))
            .filter(owned_by::<challenge::Entity>(user))
            .filter(challenge::Column::Status.eq(challenge::OPEN))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
        totp_credential::Entity::delete_many()
            .filter(owned_by::<totp_credential::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        delete_webauthn_credentials(&txn, user, None)
            .await
            .map_err(unavailable)?;
        // A registration begun before the reset must not finish after it.
        webauthn_ceremony::Entity::delete_many()
            .filter(owned_by::<webauthn_ceremony::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        recovery_code::Entity::delete_many()
            .filter(owned_by::<recovery_code::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        revoke_devices(&txn, user, None, now)
            .await
            .map_err(unavailable)?;
        // No session stays stepped up past a reset.
        session::Entity::delete_many()
            .filter(owned_by::<session::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        user_lockout::Entity::delete_many()
            .filter(owned_by::<user_lockout::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        user_method::Entity::delete_many()
            .filter(owned_by::<user_method::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        user::Entity::update_many()
            .col_expr(user::Column::DefaultMethod, Expr::value(""))
            .filter(user::Column::TenantId.eq(user.tenant.as_str()))
            .filter(user::Column::UserId.eq(user.user.as_str()))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        audit_event::Entity::insert(audit_row(audit))
            .exec_without_returning(&txn)
            .await
            .map_err(unavailable)?;
        super::notification::queue_notices(&txn, user, &notices).await?;
        txn.commit().await.map_err(unavailable)
    }

    async fn erase_user(&self, user: &UserRef, audit: AuditEvent) -> Result<Erasure, DomainError> {
        self.erase(user, audit).await
    }

    async fn trusted_devices(
        &self,
        user: &UserRef,
    ) -> Result<Vec<TrustedDeviceRecord>, DomainError> {
        self.devices_of(user).await
    }

    async fn user_record(&self, user: &UserRef) -> Result<Option<UserRecord>, DomainError> {
        self.user_record_of(user).await
    }

    async fn list_users(&self, query: UserQuery) -> Result<Vec<UserSummary>, DomainError> {
        let select = users_page_query(&query);
        let rows = self.db.query_all(&select).await.map_err(unavailable)?;
        let mut page = rows
            .iter()
            .map(to_user_summary)
            .collect::<Result<Vec<_>, _>>()?;
        if !page.is_empty() {
            self.add_page_details(&query.tenant, &mut page).await?;
        }
        Ok(page)
    }

    async fn list_audit_events(
        &self,
        tenant: &TenantId,
        query: AuditQuery,
    ) -> Result<Vec<AuditRecord>, DomainError> {
        use audit_event::Column as C;
        let mut select = audit_event::Entity::find()
            .filter(C::TenantId.eq(tenant.as_str()))
            .order_by_desc(C::Id)
            .limit(u64::from(query.limit));
        if let Some(user_id) = &query.user_id {
            select = select.filter(C::UserId.eq(user_id.as_str()));
        }
        if !query.kinds.is_empty() {
            select = select.filter(C::Kind.is_in(query.kinds.clone()));
        }
        if let Some(start) = query.start {
            select = select.filter(C::OccurredAt.gte(millis(start)));
        }
        if let Some(end) = query.end {
            select = select.filter(C::OccurredAt.lt(millis(end)));
        }
        if let Some(before) = query.before_id {
            select = select.filter(C::Id.lt(before));
        }
        let rows = select.all(&self.db).await.map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|r| AuditRecord {
                id: r.id,
                user_id: r.user_id,
                kind: r.kind,
                actor_id: r.actor_id,
                method: Method::parse(&r.method),
                outcome: r.outcome,
                reason: r.reason,
                client: ClientInfo {
                    ip: r.client_ip,
                    user_agent: r.user_agent,
                },
                occurred_at: instant(r.occurred_at),
                details: serde_json::from_str(&r.details).unwrap_or_default(),
                caller: r.caller,
            })
            .collect())
    }

    async fn purge(
        &self,
        what: Purgeable,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, DomainError> {
        let before = millis(before);
        let (txn, _turn) = self.begin_write().await?;
        let deleted = match what {
            Purgeable::Challenges => {
                use challenge::Column as C;
                // Every status, named, so the (status, expires_at) index
                // finds the rows.
                let statuses = [challenge::OPEN, challenge::COMPLETED, challenge::CANCELLED];
                let expired = Condition::all()
                    .add(C::Status.is_in(statuses))
                    .add(C::ExpiresAt.lt(before));
                delete_chosen::<challenge::Entity, _>(&txn, C::IdHash, expired, limit).await
            }
            Purgeable::Messages => {
                use outbox::Column as C;
                let expired = Condition::all().add(C::ExpiresAt.lt(before));
                delete_chosen::<outbox::Entity, _>(&txn, C::Id, expired, limit).await
            }
            Purgeable::TrustedDevices => {
                use trusted_device::Column as C;
                let expired = Condition::all().add(C::ExpiresAt.lt(before));
                delete_chosen::<trusted_device::Entity, _>(&txn, C::DeviceId, expired, limit).await
            }
            Purgeable::AuditEvents => purge_audit_events(&txn, before, limit).await,
            Purgeable::WebAuthnCeremonies => {
                use webauthn_ceremony::Column as C;
                let expired = Condition::all().add(C::ExpiresAt.lt(before));
                delete_chosen::<webauthn_ceremony::Entity, _>(&txn, C::IdHash, expired, limit).await
            }
            Purgeable::Sessions => {
                use session::Column as C;
                let old = Condition::all().add(C::VerifiedAt.lt(before));
                delete_chosen::<session::Entity, _>(&txn, C::SessionHash, old, limit).await
            }
        }
        .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(deleted)
    }

    async fn seeds_sealed_by_other_keys(
        &self,
        key_id: &str,
        after: Option<&UserRef>,
        limit: u32,
    ) -> Result<Vec<StoredSeed>, DomainError> {
        use totp_credential::Column as C;
        let mut query = totp_credential::Entity::find().filter(C::KeyId.ne(key_id));
        if let Some(after) = after {
            let (tenant, user) = (after.tenant.as_str(), after.user.as_str());
            query = query.filter(
                Condition::any()
                    .add(C::TenantId.gt(tenant))
                    .add(C::TenantId.eq(tenant).and(C::UserId.gt(user))),
            );
        }
        let rows = query
            .order_by_asc(C::TenantId)
            .order_by_asc(C::UserId)
            .limit(u64::from(limit))
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        rows.into_iter()
            .map(|row| {
                Ok(StoredSeed {
                    user: UserRef::parse(&row.tenant_id, &row.user_id)?,
                    sealed: Sealed {
                        key_id: row.key_id,
                        blob: row.sealed_secret,
                    },
                })
            })
            .collect()
    }

    async fn reseal_seed(
        &self,
        user: &UserRef,
        old: &Sealed,
        new: Sealed,
    ) -> Result<bool, DomainError> {
        use totp_credential::Column as C;
        let reseal = totp_credential::Entity::update_many()
            .col_expr(C::KeyId, Expr::value(new.key_id))
            .col_expr(C::SealedSecret, Expr::value(new.blob))
            .filter(owned_by::<totp_credential::Entity>(user))
            .filter(C::KeyId.eq(old.key_id.as_str()))
            .filter(C::SealedSecret.eq(old.blob.clone()))
            .into_query();
        Ok(self.write(&reseal).await? == 1)
    }

    async fn users_with_recovery_codes_of_other_keys(
        &self,
        key_id: &str,
    ) -> Result<u64, DomainError> {
        use recovery_code::Column as C;
        // Counted in the database (over the distinct users), not fetched.
        recovery_code::Entity::find()
            .select_only()
            .columns([C::TenantId, C::UserId])
            .filter(C::KeyId.ne(key_id))
            .filter(C::UsedAt.is_null())
            .distinct()
            .count(&self.db)
            .await
            .map_err(unavailable)
    }
}
