//! An API key: its lookup id, name and grant, and the keyed hash of its
//! secret part (never the key).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    pub key_id: String,
    pub hash: String,
    /// Comma-separated permission names.
    pub permissions: String,
    /// Comma-separated tenant ids, or `*`.
    pub tenants: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
