//! Authenticator-app credentials and recovery codes. Instants are Unix
//! milliseconds in BIGINT columns, identical on both databases.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TotpCredentials {
    Table,
    TenantId,
    UserId,
    State,
    KeyId,
    SealedSecret,
    Algorithm,
    Digits,
    Period,
    Skew,
    Version,
    CreatedAt,
    PendingExpiresAt,
    ConfirmedAt,
    LastUsedStep,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    TenantId,
    UserId,
    LookupTag,
    KeyId,
    CodeHash,
    GeneratedAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TotpCredentials::Table)
                    .col(ColumnDef::new(TotpCredentials::TenantId).string_len(64).not_null())
                    .col(ColumnDef::new(TotpCredentials::UserId).string_len(256).not_null())
                    .col(ColumnDef::new(TotpCredentials::State).string_len(16).not_null())
                    .col(ColumnDef::new(TotpCredentials::KeyId).string_len(16).not_null())
                    .col(ColumnDef::new(TotpCredentials::SealedSecret).blob().not_null())
                    .col(ColumnDef::new(TotpCredentials::Algorithm).string_len(8).not_null())
                    .col(ColumnDef::new(TotpCredentials::Digits).small_integer().not_null())
                    .col(ColumnDef::new(TotpCredentials::Period).integer().not_null())
                    .col(ColumnDef::new(TotpCredentials::Skew).small_integer().not_null())
                    .col(ColumnDef::new(TotpCredentials::Version).big_integer().not_null())
                    .col(ColumnDef::new(TotpCredentials::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(TotpCredentials::PendingExpiresAt).big_integer().null())
                    .col(ColumnDef::new(TotpCredentials::ConfirmedAt).big_integer().null())
                    .col(ColumnDef::new(TotpCredentials::LastUsedStep).big_integer().null())
                    .primary_key(
                        Index::create()
                            .col(TotpCredentials::TenantId)
                            .col(TotpCredentials::UserId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(
                        ColumnDef::new(RecoveryCodes::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RecoveryCodes::TenantId).string_len(64).not_null())
                    .col(ColumnDef::new(RecoveryCodes::UserId).string_len(256).not_null())
                    .col(ColumnDef::new(RecoveryCodes::LookupTag).integer().not_null())
                    .col(ColumnDef::new(RecoveryCodes::KeyId).string_len(16).not_null())
                    .col(ColumnDef::new(RecoveryCodes::CodeHash).string_len(256).not_null())
                    .col(ColumnDef::new(RecoveryCodes::GeneratedAt).big_integer().not_null())
                    .col(ColumnDef::new(RecoveryCodes::UsedAt).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("recovery_codes_by_user")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::TenantId)
                    .col(RecoveryCodes::UserId)
                    .col(RecoveryCodes::LookupTag)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RecoveryCodes::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TotpCredentials::Table).to_owned())
            .await
    }
}
