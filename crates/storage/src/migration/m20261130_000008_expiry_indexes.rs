//! Indexes that let the purge find expired outbox messages and trusted
//! devices without reading every row (challenges already have
//! `challenges_by_status_expiry`; audit events are purged by their key).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum TrustedDevices {
    Table,
    ExpiresAt,
}

const OUTBOX_INDEX: &str = "outbox_by_expiry";
const DEVICES_INDEX: &str = "trusted_devices_by_expiry";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(OUTBOX_INDEX)
                    .table(Outbox::Table)
                    .col(Outbox::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(DEVICES_INDEX)
                    .table(TrustedDevices::Table)
                    .col(TrustedDevices::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(DEVICES_INDEX)
                    .table(TrustedDevices::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(OUTBOX_INDEX)
                    .table(Outbox::Table)
                    .to_owned(),
            )
            .await
    }
}
