//! A message waiting to be delivered (or streamed to the application).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub key_id: String,
    /// The code and link, sealed and bound to the message id.
    pub sealed_payload: Vec<u8>,
    pub created_at: i64,
    pub expires_at: i64,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub lease_until: Option<i64>,
    pub delivered_at: Option<i64>,
    pub last_error: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
