//! sea-orm entities: the current shape of each table, for queries. The
//! migrations, not these, create the tables.
pub mod api_key;
pub mod audit_event;
pub mod challenge;
pub mod contact;
pub mod outbox;
pub mod policy;
pub mod recovery_code;
pub mod session;
pub mod totp_credential;
pub mod trusted_device;
pub mod user;
pub mod user_lockout;
pub mod user_method;
pub mod webauthn_ceremony;
pub mod webauthn_credential;
