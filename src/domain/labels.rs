//! The `labelled_enum!` macro: enums with a stable code (serde/CLI/DB name) and zh/en labels.

/// Defines a fieldless enum whose variants each carry a stable `code` (used in the database, JSON,
/// CSV and config files) and a Chinese and English label (used on screen).
///
/// Generated: `ALL`, `code()`, `label(lang)`, `zh()`, `en()`, `FromStr` (accepts the code, the
/// English label or the Chinese label, case-insensitively), serde as the code, and
/// `clap::ValueEnum` (the code is the value; the English and Chinese labels are hidden aliases),
/// so a command-line option of such a type lists its values without typing them into its help.
#[macro_export]
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code used in storage, JSON, CSV and config files.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// The Chinese label.
            pub fn zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }
            /// The English label.
            pub fn en(self) -> &'static str { match self { $($name::$variant => $en),+ } }
            /// The label in the given language.
            pub fn label(self, lang: $crate::domain::Lang) -> &'static str {
                match lang { $crate::domain::Lang::Zh => self.zh(), $crate::domain::Lang::En => self.en() }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.code()) }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let t = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code().eq_ignore_ascii_case(t) || v.en().eq_ignore_ascii_case(t) || v.zh() == t)
                    .ok_or_else(|| {
                        let codes: Vec<&str> = $name::ALL.iter().map(|v| v.code()).collect();
                        format!("unknown {} {:?} (expected one of: {})", stringify!($name).to_lowercase(), t, codes.join(", "))
                    })
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] { $name::ALL }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.code()).aliases([self.en(), self.zh()]))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.code()) }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
