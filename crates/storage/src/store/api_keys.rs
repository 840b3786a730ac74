//! API keys in the database: inserted once by `tollgate api-key create`,
//! read on each call that presents one, revoked by name.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait, Set};
use tollgate_domain::DomainError;
use tollgate_domain::access::{ApiKeyRecord, ApiKeyStore, Grant};

use super::{SeaStore, instant, millis, unavailable};
use crate::entity::api_key;

impl ApiKeyStore for SeaStore {
    async fn insert_api_key(&self, record: &ApiKeyRecord) -> Result<(), DomainError> {
        let row = api_key::ActiveModel {
            id: Set(record.id.clone()),
            name: Set(record.name.clone()),
            key_id: Set(record.key_id.clone()),
            hash: Set(record.hash.clone()),
            permissions: Set(record.grant.permission_names().join(",")),
            tenants: Set(record.grant.tenants.to_strings().join(",")),
            created_at: Set(millis(record.created_at)),
            revoked_at: Set(record.revoked_at.map(millis)),
        };
        // The name is unique: a second key of one name inserts nothing.
        let insert = api_key::Entity::insert(row)
            .on_conflict(OnConflict::new().do_nothing().to_owned())
            .into_query();
        let inserted = self.write(&insert).await?;
        if inserted == 0 {
            return Err(DomainError::ApiKeyExists);
        }
        Ok(())
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, DomainError> {
        api_key::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await
            .map_err(unavailable)?
            .map(to_record)
            .transpose()
    }

    async fn revoke_api_key(&self, name: &str, at: DateTime<Utc>) -> Result<bool, DomainError> {
        let revoke = api_key::Entity::update_many()
            .col_expr(
                api_key::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(millis(at)),
            )
            .filter(api_key::Column::Name.eq(name))
            .filter(api_key::Column::RevokedAt.is_null())
            .into_query();
        Ok(self.write(&revoke).await? > 0)
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>, DomainError> {
        api_key::Entity::find()
            .order_by_asc(api_key::Column::Name)
            .all(&self.db)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(to_record)
            .collect()
    }
}

fn to_record(row: api_key::Model) -> Result<ApiKeyRecord, DomainError> {
    let permissions: Vec<&str> = row.permissions.split(',').collect();
    let tenants: Vec<&str> = row.tenants.split(',').collect();
    let grant = Grant::parse(&permissions, &tenants)
        .map_err(|_| DomainError::Internal("a stored API key is malformed"))?;
    Ok(ApiKeyRecord {
        id: row.id,
        name: row.name,
        key_id: row.key_id,
        hash: row.hash,
        grant,
        created_at: instant(row.created_at),
        revoked_at: row.revoked_at.map(instant),
    })
}
