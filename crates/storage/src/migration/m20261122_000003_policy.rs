//! Per-tenant policies (a versioned JSON document), the users a tenant has
//! seen (with their grace-login count), and the audience a challenge was
//! begun under.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Policies {
    Table,
    TenantId,
    Document,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    TenantId,
    UserId,
    CreatedAt,
    GraceLoginsUsed,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Audience,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Policies::Table)
                    .col(
                        ColumnDef::new(Policies::TenantId)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Policies::Document).text().not_null())
                    .col(ColumnDef::new(Policies::Version).big_integer().not_null())
                    .col(ColumnDef::new(Policies::UpdatedAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(ColumnDef::new(Users::TenantId).string_len(64).not_null())
                    .col(ColumnDef::new(Users::UserId).string_len(256).not_null())
                    .col(ColumnDef::new(Users::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(Users::GraceLoginsUsed).integer().not_null())
                    .primary_key(Index::create().col(Users::TenantId).col(Users::UserId))
                    .to_owned(),
            )
            .await?;
        // Users known before this migration: everyone with a credential.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO users (tenant_id, user_id, created_at, grace_logins_used) \
                 SELECT tenant_id, user_id, created_at, 0 FROM totp_credentials",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .add_column(
                        ColumnDef::new(Challenges::Audience)
                            .string_len(64)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .drop_column(Challenges::Audience)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Policies::Table).to_owned())
            .await
    }
}
