//! Statement helpers every area shares: the per-user tables (the one list of
//! them, and the deletion of a user's rows that erasure runs), the per-user
//! condition, conditional inserts, the steps of a `WITH` statement, joined rows, and the shaped reads
//! (`Shapes`) that build a statement once per database.
use std::sync::OnceLock;

use sea_orm::sea_query::{
    Alias, CommonTableExpression, Expr, InsertStatement, PostgresQueryBuilder, Query,
    SelectStatement, SqliteQueryBuilder, SubQueryStatement,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend,
    DbErr, EntityName, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryFilter,
    QueryResult,
};
use tollgate_domain::{DomainError, TenantId, UserRef};

use super::unavailable;
use crate::entity::{
    challenge, contact, outbox, recovery_code, session, totp_credential, trusted_device, user,
    user_lockout, user_method, webauthn_ceremony, webauthn_credential,
};
use crate::sqlite::shape::Shape;

/// Tables whose rows belong to one user of one tenant.
pub(crate) trait PerUser: EntityTrait {
    const TENANT: Self::Column;
    const USER: Self::Column;
}

/// Implements [`PerUser`] for each table and writes [`delete_user_rows`],
/// which deletes a user's rows from all of them in the order listed.
macro_rules! per_user {
    ($($module:ident),*) => {
        $(
            impl PerUser for $module::Entity {
                const TENANT: Self::Column = $module::Column::TenantId;
                const USER: Self::Column = $module::Column::UserId;
            }
        )*

        /// Deletes `user`'s rows from every per-user table, in the order
        /// `per_user!` lists them, inside `conn` (a transaction); returns
        /// the rows deleted by table.
        pub(crate) async fn delete_user_rows<C: ConnectionTrait>(
            conn: &C,
            user: &UserRef,
        ) -> Result<Vec<(String, u64)>, DbErr> {
            let mut deleted = Vec::new();
            $(
                let result = $module::Entity::delete_many()
                    .filter(owned_by::<$module::Entity>(user))
                    .exec(conn)
                    .await?;
                deleted.push((
                    $module::Entity.table_name().to_owned(),
                    result.rows_affected,
                ));
            )*
            Ok(deleted)
        }
    };
}

// EVERY TABLE THAT HOLDS A USER'S DATA IS LISTED HERE: EraseUser deletes
// the user's rows from each (audit events, which keep the records of
// erasures, are erased on their own). A table added for users joins this
// list, or erasure leaves its rows behind (tests/it/erasure.rs looks for
// every table with a user_id column). Challenges come first: a
// verification on Postgres locks its challenge before the code it
// consumes, and taking row locks in the same order keeps the two from
// deadlocking.
per_user!(
    challenge,
    totp_credential,
    recovery_code,
    webauthn_credential,
    user_lockout,
    trusted_device,
    webauthn_ceremony,
    user_method,
    contact,
    session,
    outbox,
    user
);

/// The rows of `E` that belong to `user`.
pub(crate) fn owned_by<E: PerUser>(user: &UserRef) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(E::TENANT.eq(user.tenant.as_str()))
        .add(E::USER.eq(user.user.as_str()))
}

/// The rows of `E` that belong to any of `user_ids` of `tenant`.
pub(crate) fn page_rows<E: PerUser>(tenant: &TenantId, user_ids: &[String]) -> sea_orm::Select<E> {
    E::find()
        .filter(E::TENANT.eq(tenant.as_str()))
        .filter(E::USER.is_in(user_ids.iter().cloned()))
}

/// `INSERT ... SELECT <the row's values> WHERE <condition>`: the row is
/// written only if the condition holds.
pub(crate) fn insert_if<A: ActiveModelTrait>(
    row: &A,
    condition: Expr,
) -> Result<InsertStatement, DomainError> {
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for column in <A::Entity as EntityTrait>::Column::iter() {
        if let ActiveValue::Set(value) = row.get(column) {
            columns.push(column);
            values.push(Expr::val(value));
        }
    }
    let select = Query::select()
        .exprs(values)
        .and_where(condition)
        .to_owned();
    let mut insert = Query::insert();
    insert
        .into_table(A::Entity::default())
        .columns(columns)
        .select_from(select)
        .map_err(|_| DomainError::Internal("a conditional insert was malformed"))?;
    Ok(insert)
}

/// A named step of a `WITH` statement.
pub(crate) fn step(
    name: impl Into<String>,
    query: impl Into<SubQueryStatement>,
) -> CommonTableExpression {
    CommonTableExpression::new()
        .query(query)
        .table_name(Alias::new(name.into()))
        .to_owned()
}

/// Whether the `WITH` step `name` returned a row.
pub(crate) fn any_row_in(name: &str) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(Alias::new(name.to_owned()))
            .to_owned(),
    )
}

/// Selects every column of `E`, from the table aliased `table`, as
/// `{table}_{column}` (the prefix sea-orm's models read back).
pub(crate) fn select_all_as<E: EntityTrait>(select: &mut SelectStatement, table: &str) {
    for column in E::Column::iter() {
        select.expr_as(
            Expr::col((Alias::new(table.trim_end_matches('_')), column)),
            Alias::new(format!("{table}{}", column.as_str())),
        );
    }
}

/// `E`'s row from a LEFT JOIN, or `None` where the join found none.
pub(crate) fn joined<M: FromQueryResult>(
    row: &QueryResult,
    table: &str,
) -> Result<Option<M>, DomainError> {
    let tenant: Option<String> = row.try_get(table, "tenant_id").map_err(unavailable)?;
    tenant
        .map(|_| M::from_query_result(row, table))
        .transpose()
        .map_err(unavailable)
}

/// Stand-ins for the per-call arguments of a read's shape (see `Shape`): a
/// tenant, a user and a challenge hash.
pub(crate) const STAND_INS: [&str; 3] = ["shape.tenant", "shape.user", "shape.challenge"];

/// A per-user read's shapes, one per database, each built on first use.
pub(crate) struct Shapes {
    build: fn(&UserRef, &str) -> SelectStatement,
    sqlite: OnceLock<Shape>,
    postgres: OnceLock<Shape>,
}

impl Shapes {
    pub(crate) const fn new(build: fn(&UserRef, &str) -> SelectStatement) -> Self {
        Self {
            build,
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    /// The shape for `backend`; its arguments are the tenant, the user and
    /// the challenge hash, in that order.
    pub(crate) fn get(&'static self, backend: DbBackend) -> Result<&'static Shape, DomainError> {
        let cell = match backend {
            DbBackend::Sqlite => &self.sqlite,
            DbBackend::Postgres => &self.postgres,
            // `open` connects to nothing else; a store handed another
            // backend must not run statements written for a different one.
            _ => return Err(DomainError::Internal("unsupported database backend")),
        };
        if let Some(shape) = cell.get() {
            return Ok(shape);
        }
        // The stand-ins are valid ids: this fails only if the id rules
        // change under them, and then on the first call.
        let [tenant, user, id_hash] = STAND_INS;
        let statement = (self.build)(&UserRef::parse(tenant, user)?, id_hash);
        Ok(cell.get_or_init(|| match backend {
            DbBackend::Sqlite => Shape::of(&statement, SqliteQueryBuilder, &STAND_INS),
            _ => Shape::of(&statement, PostgresQueryBuilder, &STAND_INS),
        }))
    }
}

/// Runs a shaped read on the pool `db`.
pub(crate) async fn query_shaped(
    db: &DatabaseConnection,
    shapes: &'static Shapes,
    arguments: &[&str],
) -> Result<Vec<QueryResult>, DomainError> {
    let backend = db.get_database_backend();
    let shape = shapes.get(backend)?;
    let statement =
        sea_orm::Statement::from_sql_and_values(backend, shape.sql(), shape.values(arguments));
    db.query_all_raw(statement).await.map_err(unavailable)
}
