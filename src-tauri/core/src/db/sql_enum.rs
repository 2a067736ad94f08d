//! Enums stored by name: the snake_case name strum derives, in a TEXT column.

/// Implements `ToSql` and `FromSql` for enums that derive strum's
/// `IntoStaticStr` and `EnumString`. A stored name this version does not
/// know is an error when read, never a silent default.
macro_rules! sql_text_enum {
    ($($t:ty),+ $(,)?) => {$(
        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                let name: &'static str = (*self).into();
                Ok(rusqlite::types::ToSqlOutput::from(name))
            }
        }

        impl rusqlite::types::FromSql for $t {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let name = value.as_str()?;
                name.parse().map_err(|_| {
                    rusqlite::types::FromSqlError::Other(
                        format!("unknown {} {name:?}", stringify!($t)).into(),
                    )
                })
            }
        }
    )+};
}

pub(crate) use sql_text_enum;
