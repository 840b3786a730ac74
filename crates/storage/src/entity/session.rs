//! A step-up record: when an application session (by the keyed hash of its
//! id) last passed a second factor, and when it last passed a
//! phishing-resistant one.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_hash: String,
    pub tenant_id: String,
    pub user_id: String,
    /// The method of the last second factor passed.
    pub method: String,
    pub verified_at: i64,
    pub phishing_resistant_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
