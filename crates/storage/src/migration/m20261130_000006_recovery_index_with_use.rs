//! Recovery codes indexed with their use, so counting a user's unspent codes
//! (read on every BeginChallenge and VerifyChallenge) is answered from the
//! index alone instead of one table lookup per code. The index it replaces
//! had the same leading columns, so redemption's lookup by tag is served as
//! before.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    TenantId,
    UserId,
    LookupTag,
    UsedAt,
}

const OLD: &str = "recovery_codes_by_user";
const NEW: &str = "recovery_codes_by_user_and_use";

fn by_user(name: &str, with_use: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(name)
        .table(RecoveryCodes::Table)
        .col(RecoveryCodes::TenantId)
        .col(RecoveryCodes::UserId)
        .col(RecoveryCodes::LookupTag);
    if with_use {
        index.col(RecoveryCodes::UsedAt);
    }
    index.to_owned()
}

fn drop(name: &str) -> IndexDropStatement {
    Index::drop()
        .name(name)
        .table(RecoveryCodes::Table)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(by_user(NEW, true)).await?;
        manager.drop_index(drop(OLD)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(by_user(OLD, false)).await?;
        manager.drop_index(drop(NEW)).await
    }

    /// Both steps or neither, on SQLite too.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
