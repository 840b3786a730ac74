//! Passkeys and security keys (WebAuthn): the credentials (an id unique
//! within the tenant), registrations between begin and finish, and the
//! sign-in ceremony's state on the challenge.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebauthnCredentials {
    Table,
    Id,
    TenantId,
    UserId,
    CredentialId,
    Kind,
    Label,
    Credential,
    CreatedAt,
    LastUsedAt,
    Version,
}

#[derive(DeriveIden)]
enum WebauthnCeremonies {
    Table,
    IdHash,
    TenantId,
    UserId,
    Kind,
    Audience,
    State,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    WebauthnState,
}

const BY_CREDENTIAL: &str = "webauthn_credentials_by_credential_id";
const BY_USER: &str = "webauthn_credentials_by_user";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use WebauthnCredentials as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(
                        ColumnDef::new(C::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(C::TenantId).string().not_null())
                    .col(ColumnDef::new(C::UserId).string().not_null())
                    .col(ColumnDef::new(C::CredentialId).string().not_null())
                    .col(ColumnDef::new(C::Kind).string().not_null())
                    .col(ColumnDef::new(C::Label).string().not_null())
                    .col(ColumnDef::new(C::Credential).text().not_null())
                    .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(C::LastUsedAt).big_integer().null())
                    .col(ColumnDef::new(C::Version).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            (BY_CREDENTIAL, [C::TenantId, C::CredentialId], true),
            (BY_USER, [C::TenantId, C::UserId], false),
        ] {
            let mut index = Index::create();
            let [first, second] = columns;
            index.name(name).table(C::Table).col(first).col(second);
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        use WebauthnCeremonies as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(ColumnDef::new(R::IdHash).string().not_null().primary_key())
                    .col(ColumnDef::new(R::TenantId).string().not_null())
                    .col(ColumnDef::new(R::UserId).string().not_null())
                    .col(ColumnDef::new(R::Kind).string().not_null())
                    .col(ColumnDef::new(R::Audience).string().not_null())
                    .col(ColumnDef::new(R::State).text().not_null())
                    .col(ColumnDef::new(R::ExpiresAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .add_column(ColumnDef::new(Challenges::WebauthnState).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .drop_column(Challenges::WebauthnState)
                    .to_owned(),
            )
            .await?;
        for table in [
            WebauthnCeremonies::Table.into_iden(),
            WebauthnCredentials::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
