//! The schema, as an ordered list of migrations that run unchanged on SQLite
//! and Postgres. Each migration names its own tables and columns so later
//! entity changes cannot rewrite history.
use sea_orm_migration::prelude::*;

mod m20261122_000001_enrollment;
mod m20261122_000002_challenge;
mod m20261122_000003_policy;
mod m20261122_000004_delivery;
mod m20261122_000005_open_challenges;
mod m20261130_000006_recovery_index_with_use;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_enrollment::Migration),
            Box::new(m20261122_000002_challenge::Migration),
            Box::new(m20261122_000003_policy::Migration),
            Box::new(m20261122_000004_delivery::Migration),
            Box::new(m20261122_000005_open_challenges::Migration),
            Box::new(m20261130_000006_recovery_index_with_use::Migration),
        ]
    }
}
