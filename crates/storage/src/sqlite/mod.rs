//! The SQLite fast path: the sign-in path's reads and writes go to the
//! file through rusqlite on connections of their own (`conn`), reads on the
//! calling thread (`reads`), writes batched into group commits by one
//! writer thread (`group_commit`), with statements built once and bound per
//! call (`shape`, `statements`). Everything else goes through sea-orm.
pub(crate) mod conn;
pub(crate) mod group_commit;
pub(crate) mod reads;
pub(crate) mod shape;
pub(crate) mod statements;
