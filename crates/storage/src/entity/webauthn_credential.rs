//! A passkey or security key (WebAuthn) a user registered.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webauthn_credentials")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: String,
    pub user_id: String,
    /// base64url; unique within the tenant.
    pub credential_id: String,
    /// "passkey" or "security_key".
    pub kind: String,
    pub label: String,
    /// The library's credential (public key, counter, flags) as JSON.
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
