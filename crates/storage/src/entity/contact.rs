//! A user's email address or phone number and its confirmation state.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// "email" or "phone".
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub address: String,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    /// Keyed hash of the outstanding confirmation token or code.
    pub confirmation_hash: Option<String>,
    pub confirmation_expires_at: Option<i64>,
    pub confirmation_sent_at: Option<i64>,
    pub last_delivery_error: String,
    /// Wrong codes given for the outstanding confirmation.
    pub confirmation_failures: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
