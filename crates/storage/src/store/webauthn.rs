//! Passkeys and security keys (WebAuthn): the credentials, unique by id
//! within a tenant, and the registration ceremonies, each taken once.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{
    AuditEvent, CredentialAdded, NewRecoverySet, NewWebAuthnCredential, WebAuthnCeremony,
    WebAuthnCredentialRecord, WebAuthnKind, WebAuthnStore,
};
use tollgate_domain::{DomainError, UserRef};

use super::admin::keep_user;
use super::enrollment::{
    enabling_first_method, finish_enable, forget_second_factor_if_none, hold_method_changes,
    recovery_on_enable, turn_method_on,
};
use super::rows::audit_row;
use super::sql::owned_by;
use super::{SeaStore, instant, millis, unavailable};
use crate::entity::{audit_event, user_method, webauthn_ceremony, webauthn_credential};

fn to_credential(row: webauthn_credential::Model) -> Result<WebAuthnCredentialRecord, DomainError> {
    Ok(WebAuthnCredentialRecord {
        id: row.id,
        credential_id: row.credential_id,
        kind: WebAuthnKind::parse(&row.kind).ok_or(DomainError::Internal(
            "a stored WebAuthn credential is malformed",
        ))?,
        label: row.label,
        credential: row.credential,
        created_at: instant(row.created_at),
        last_used_at: row.last_used_at.map(instant),
        version: row.version,
    })
}

/// Deletes the user's credentials (all, or the one with `credential_id`)
/// inside `conn`; with none left, turns WebAuthn off. Returns how many went.
pub(crate) async fn delete_webauthn_credentials<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
    credential_id: Option<&str>,
) -> Result<u64, sea_orm::DbErr> {
    let mut delete = webauthn_credential::Entity::delete_many()
        .filter(owned_by::<webauthn_credential::Entity>(user));
    if let Some(id) = credential_id {
        delete = delete.filter(webauthn_credential::Column::CredentialId.eq(id));
    }
    let deleted = delete.exec(conn).await?.rows_affected;
    let left = webauthn_credential::Entity::find()
        .filter(owned_by::<webauthn_credential::Entity>(user))
        .one(conn)
        .await?;
    if left.is_none() {
        user_method::Entity::delete_many()
            .filter(owned_by::<user_method::Entity>(user))
            .filter(user_method::Column::Method.eq(Method::WebAuthn.as_str()))
            .exec(conn)
            .await?;
    }
    Ok(deleted)
}

impl WebAuthnStore for SeaStore {
    async fn webauthn_credentials(
        &self,
        user: &UserRef,
    ) -> Result<Vec<WebAuthnCredentialRecord>, DomainError> {
        webauthn_credential::Entity::find()
            .filter(owned_by::<webauthn_credential::Entity>(user))
            .order_by_asc(webauthn_credential::Column::Id)
            .all(&self.db)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(to_credential)
            .collect()
    }

    async fn save_webauthn_ceremony(
        &self,
        user: &UserRef,
        id_hash: &str,
        ceremony: WebAuthnCeremony,
    ) -> Result<(), DomainError> {
        self.insert(webauthn_ceremony::ActiveModel {
            id_hash: Set(id_hash.to_owned()),
            tenant_id: Set(user.tenant.as_str().to_owned()),
            user_id: Set(user.user.as_str().to_owned()),
            kind: Set(ceremony.kind.as_str().to_owned()),
            audience: Set(ceremony.audience),
            state: Set(ceremony.state),
            expires_at: Set(millis(ceremony.expires_at)),
        })
        .await
    }

    async fn take_webauthn_ceremony(
        &self,
        user: &UserRef,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<WebAuthnCeremony>, DomainError> {
        let mine = || {
            owned_by::<webauthn_ceremony::Entity>(user)
                .add(webauthn_ceremony::Column::IdHash.eq(id_hash))
        };
        let Some(row) = webauthn_ceremony::Entity::find()
            .filter(mine())
            .one(&self.db)
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        // Whoever deletes the row takes the ceremony: one caller, once.
        let _turn = self.turn().await;
        let taken = webauthn_ceremony::Entity::delete_many()
            .filter(mine())
            .exec(&self.writes)
            .await
            .map_err(unavailable)?
            .rows_affected
            == 1;
        if !taken || row.expires_at <= millis(now) {
            return Ok(None);
        }
        Ok(Some(WebAuthnCeremony {
            kind: WebAuthnKind::parse(&row.kind).ok_or(DomainError::Internal(
                "a stored WebAuthn ceremony is malformed",
            ))?,
            audience: row.audience,
            state: row.state,
            expires_at: instant(row.expires_at),
        }))
    }

    async fn add_webauthn_credential(
        &self,
        user: &UserRef,
        credential: NewWebAuthnCredential,
        recovery: Option<NewRecoverySet>,
        audit: AuditEvent,
    ) -> Result<CredentialAdded, DomainError> {
        use webauthn_credential::Column as C;
        let (txn, _turn) = self.begin_write().await?;
        let first = enabling_first_method(&txn, user)
            .await
            .map_err(unavailable)?;
        let now = credential.created_at;
        let insert = Query::insert()
            .into_table(webauthn_credential::Entity)
            .columns([
                C::TenantId,
                C::UserId,
                C::CredentialId,
                C::Kind,
                C::Label,
                C::Credential,
                C::CreatedAt,
                C::Version,
            ])
            .values_panic([
                user.tenant.as_str().into(),
                user.user.as_str().into(),
                credential.credential_id.into(),
                credential.kind.as_str().into(),
                credential.label.into(),
                credential.credential.into(),
                millis(now).into(),
                1i64.into(),
            ])
            .on_conflict(
                OnConflict::columns([C::TenantId, C::CredentialId])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        let inserted = txn.execute(&insert).await.map_err(unavailable)?;
        if inserted.rows_affected() == 0 {
            txn.rollback().await.map_err(unavailable)?;
            return Ok(CredentialAdded::Taken);
        }
        // A user with a passkey alone has something to keep, and is listed.
        txn.execute(&keep_user(user, now))
            .await
            .map_err(unavailable)?;
        turn_method_on(&txn, user, Method::WebAuthn, now)
            .await
            .map_err(unavailable)?;
        let outcome = recovery_on_enable(&txn, user, first, recovery)
            .await
            .map_err(unavailable)?;
        if outcome != tollgate_domain::ports::RecoveryOnEnable::Needed {
            audit_event::Entity::insert(audit_row(audit))
                .exec_without_returning(&txn)
                .await
                .map_err(unavailable)?;
        }
        finish_enable(txn, outcome)
            .await
            .map(CredentialAdded::Added)
    }

    async fn rename_webauthn_credential(
        &self,
        user: &UserRef,
        credential_id: &str,
        label: &str,
    ) -> Result<bool, DomainError> {
        use webauthn_credential::Column as C;
        let update = webauthn_credential::Entity::update_many()
            .col_expr(C::Label, Expr::value(label))
            .filter(owned_by::<webauthn_credential::Entity>(user))
            .filter(C::CredentialId.eq(credential_id));
        let _turn = self.turn().await;
        let changed = update
            .exec(&self.writes)
            .await
            .map_err(unavailable)?
            .rows_affected;
        Ok(changed == 1)
    }

    async fn remove_webauthn_credential(
        &self,
        user: &UserRef,
        credential_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
        let deleted = delete_webauthn_credentials(&txn, user, Some(credential_id))
            .await
            .map_err(unavailable)?;
        forget_second_factor_if_none(&txn, user, now)
            .await
            .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(deleted > 0)
    }
}
