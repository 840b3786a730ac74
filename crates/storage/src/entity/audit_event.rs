//! One audit-log entry: who did what to whom, when, and how it ended.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: String,
    pub user_id: String,
    pub kind: String,
    pub actor_id: String,
    pub method: String,
    pub outcome: String,
    pub reason: String,
    pub client_ip: String,
    pub user_agent: String,
    pub occurred_at: i64,
    /// A JSON list of `[key, value]` pairs.
    pub details: String,
    /// Who made the call: a configured caller's name, `uid:N`, `cert:ID`
    /// or `key:NAME`; empty for the server's own work.
    pub caller: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
