//! Wrong confirmation codes are counted per contact (not against the
//! user's sign-in lockout), so a stranger who knows a user id cannot lock
//! that user out by guessing at their confirmation.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Contacts {
    Table,
    ConfirmationFailures,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .add_column(
                        ColumnDef::new(Contacts::ConfirmationFailures)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .drop_column(Contacts::ConfirmationFailures)
                    .to_owned(),
            )
            .await
    }
}
