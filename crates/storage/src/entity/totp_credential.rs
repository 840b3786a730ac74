//! A user's authenticator-app credential (one row per tenant and user).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "totp_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// "pending" or "enabled".
    pub state: String,
    pub key_id: String,
    /// Nonce, ciphertext and tag; never the seed itself.
    pub sealed_secret: Vec<u8>,
    pub algorithm: String,
    pub digits: i16,
    pub period: i32,
    pub skew: i16,
    pub version: i64,
    pub created_at: i64,
    pub pending_expires_at: Option<i64>,
    pub confirmed_at: Option<i64>,
    pub last_used_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub const PENDING: &str = "pending";
pub const ENABLED: &str = "enabled";
