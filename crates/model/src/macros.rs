//! `string_enum!`: an enum stored as text (SQLite, the change log), sent as snake_case JSON,
//! typed in TypeScript (feature `ts`), parsed from user input with a clear error listing the
//! accepted values.

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name {
            // The stored text is the wire name too (`5x8`, not `five_by_eight`).
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The stored texts, in declaration order (the schema's vocabulary).
            pub const TEXTS: &'static [&'static str] = &[$($text),*];
            /// The input field errors name.
            pub const FIELD: &'static str = $field;

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim().to_lowercase().replace('-', "_");
                match t.as_str() {
                    $($text => Ok($name::$variant),)*
                    _ => Err($crate::ParseError {
                        field: $field,
                        message: format!("{s:?} is not one of: {}", [$($text),*].join(", ")),
                    }),
                }
            }
        }

        #[cfg(feature = "sqlite")]
        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        #[cfg(feature = "sqlite")]
        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                v.as_str()?
                    .parse()
                    .map_err(|e: $crate::ParseError| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }

        impl From<$name> for serde_json::Value {
            fn from(v: $name) -> Self {
                serde_json::Value::String(v.as_str().to_owned())
            }
        }
    };
}
pub(crate) use string_enum;
