//! Statement shapes: a statement's text with the places of its per-call
//! values, built by sea-query once and bound afresh for each call. On the
//! sign-in path, building a statement (and cloning its parts) cost more
//! than the database took to run it.
use sea_orm::sea_query::{QueryBuilder, QueryStatementWriter, Value, Values};

/// A statement's text for one database, and where its values come from.
pub(crate) struct Shape {
    sql: String,
    slots: Vec<Slot>,
}

enum Slot {
    /// A value the statement always binds (a constant of the query).
    Fixed(Value),
    /// The call's argument at this index.
    Argument(usize),
}

impl Shape {
    /// The shape of `statement` for `builder`'s database. The statement was
    /// made with `stand_ins` where the per-call arguments go (in that
    /// order); its other values are constants of the query, which a
    /// stand-in must not equal. An argument that is `None` in some calls
    /// needs a shape of its own, made with that `None` as a constant.
    pub(crate) fn of<S: QueryStatementWriter, A: Clone + Into<Value>>(
        statement: &S,
        builder: impl QueryBuilder,
        stand_ins: &[A],
    ) -> Self {
        let stand_ins: Vec<Value> = stand_ins.iter().cloned().map(Into::into).collect();
        let (sql, values) = statement.build(builder);
        let slots = values
            .into_iter()
            .map(|value| {
                stand_ins
                    .iter()
                    .position(|s| *s == value)
                    .map_or(Slot::Fixed(value), Slot::Argument)
            })
            .collect();
        Self { sql, slots }
    }

    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }

    /// The statement's values for `arguments` (in the order of the
    /// stand-ins).
    pub(crate) fn values<A: Clone + Into<Value>>(&self, arguments: &[A]) -> Values {
        Values(
            self.slots
                .iter()
                .map(|slot| match slot {
                    Slot::Fixed(value) => value.clone(),
                    // Every call site passes all its arguments; were one
                    // missing, NULL matches no row rather than panicking.
                    Slot::Argument(index) => arguments
                        .get(*index)
                        .map_or(Value::String(None), |a| a.clone().into()),
                })
                .collect(),
        )
    }

    /// The statement's text and values for `arguments`.
    pub(crate) fn bind<A: Clone + Into<Value>>(&self, arguments: &[A]) -> (&str, Values) {
        (&self.sql, self.values(arguments))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{
        Alias, Expr, ExprTrait, PostgresQueryBuilder, Query, SelectStatement, SqliteQueryBuilder,
    };

    fn query(tenant: &str, user: &str) -> SelectStatement {
        Query::select()
            .expr(Expr::val("kind"))
            .from(Alias::new("t"))
            .and_where(Expr::col(Alias::new("tenant")).eq(tenant))
            .and_where(Expr::col(Alias::new("user")).eq(user))
            .and_where(Expr::col(Alias::new("owner")).eq(tenant))
            .and_where(Expr::col(Alias::new("n")).eq(7))
            .to_owned()
    }

    #[test]
    fn a_shape_binds_each_calls_arguments_where_its_stand_ins_were() {
        let sqlite = Shape::of(&query("T?", "U?"), SqliteQueryBuilder, &["T?", "U?"]);
        let postgres = Shape::of(&query("T?", "U?"), PostgresQueryBuilder, &["T?", "U?"]);
        for (tenant, user) in [("acme", "alice"), ("kind", "T?")] {
            let (sql, values) = query(tenant, user).build(SqliteQueryBuilder);
            assert_eq!(sqlite.sql(), sql);
            assert_eq!(sqlite.values(&[tenant, user]), values);
            let (sql, values) = query(tenant, user).build(PostgresQueryBuilder);
            assert_eq!(postgres.sql(), sql);
            assert_eq!(postgres.values(&[tenant, user]), values);
        }
    }
}
