//! sea-orm entities: the current shape of each table, for queries. The
//! migrations, not these, create the tables.
pub mod recovery_code;
pub mod totp_credential;
