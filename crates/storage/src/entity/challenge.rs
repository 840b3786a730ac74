//! A sign-in challenge, found by the keyed hash of its id.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "challenges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_hash: String,
    pub tenant_id: String,
    pub user_id: String,
    /// Comma-separated method names, default first.
    pub methods: String,
    /// "open", "completed" or "cancelled".
    pub status: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub completed_at: Option<i64>,
    pub client_ip: String,
    pub user_agent: String,
    /// The audience whose policy applies.
    pub audience: String,
    /// Keyed hash of the email/SMS code last sent for this challenge.
    pub code_hash: Option<String>,
    pub code_method: String,
    pub code_expires_at: Option<i64>,
    pub code_sent_at: Option<i64>,
    pub code_sends: i32,
    /// The WebAuthn sign-in ceremony's state (JSON), when WebAuthn is
    /// offered.
    pub webauthn_state: Option<String>,
    /// A step-up challenge: the keyed hash of the application session it
    /// was begun for.
    pub session_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub const OPEN: &str = "open";
pub const COMPLETED: &str = "completed";
pub const CANCELLED: &str = "cancelled";
