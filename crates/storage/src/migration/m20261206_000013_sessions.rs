//! Step-up: when each application session last passed a second factor
//! (found by the keyed hash of the application's session id, unique within
//! a tenant and user since the hash is bound to them), and the session a
//! step-up challenge was begun for.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    SessionHash,
    TenantId,
    UserId,
    Method,
    VerifiedAt,
    PhishingResistantAt,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    SessionHash,
}

const BY_USER: &str = "sessions_by_user";
const BY_VERIFIED: &str = "sessions_by_verified_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Sessions as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(
                        ColumnDef::new(S::SessionHash)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(S::TenantId).string().not_null())
                    .col(ColumnDef::new(S::UserId).string().not_null())
                    .col(ColumnDef::new(S::Method).string().not_null())
                    .col(ColumnDef::new(S::VerifiedAt).big_integer().not_null())
                    .col(ColumnDef::new(S::PhishingResistantAt).big_integer().null())
                    .to_owned(),
            )
            .await?;
        // ResetUser forgets a user's sessions; the purge finds old ones.
        manager
            .create_index(
                Index::create()
                    .name(BY_USER)
                    .table(S::Table)
                    .col(S::TenantId)
                    .col(S::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_VERIFIED)
                    .table(S::Table)
                    .col(S::VerifiedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .add_column(ColumnDef::new(Challenges::SessionHash).string().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .drop_column(Challenges::SessionHash)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await
    }
}
