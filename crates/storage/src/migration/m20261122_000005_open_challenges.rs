//! An index for counting open challenges (the `tollgate.challenges.active`
//! gauge) without scanning every challenge ever begun.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Status,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("challenges_by_status_expiry")
                    .table(Challenges::Table)
                    .col(Challenges::Status)
                    .col(Challenges::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("challenges_by_status_expiry")
                    .table(Challenges::Table)
                    .to_owned(),
            )
            .await
    }
}
