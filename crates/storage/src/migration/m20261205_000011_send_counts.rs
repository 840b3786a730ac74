//! Sending limits count a user's and a tenant's messages of the last hour
//! in the outbox: these indexes keep the counts off a table scan.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    TenantId,
    UserId,
    CreatedAt,
}

const BY_TENANT: &str = "outbox_by_tenant_created";
const BY_USER: &str = "outbox_by_user_created";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(BY_TENANT)
                    .table(Outbox::Table)
                    .col(Outbox::TenantId)
                    .col(Outbox::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_USER)
                    .table(Outbox::Table)
                    .col(Outbox::TenantId)
                    .col(Outbox::UserId)
                    .col(Outbox::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [BY_USER, BY_TENANT] {
            manager
                .drop_index(Index::drop().name(name).table(Outbox::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
