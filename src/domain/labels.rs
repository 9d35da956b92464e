//! The `labelled_enum!` macro: enums with a stable code (serde/CLI/DB name) and zh/en labels.

/// Defines a fieldless enum whose variants each carry a stable `code` (used in the database, JSON,
/// CSV and config files) and a Chinese and English label (used on screen).
///
/// Generated: `ALL`, `code()`, `label(lang)`, `zh()`, `en()`, `read` (accepts the code, the
/// English label or the Chinese label, case-insensitively; refuses in both languages), `FromStr`
/// (the same, refusing in English), serde as the code, and
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

        impl $name {
            /// Reads a code, English label or Chinese label (as `FromStr` does); the refusal in
            /// both languages names the value and what is allowed.
            pub fn read(s: &str) -> Result<Self, $crate::error::Msg> {
                let t = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code().eq_ignore_ascii_case(t) || v.en().eq_ignore_ascii_case(t) || v.zh() == t)
                    .ok_or_else(|| {
                        let codes: Vec<&str> = $name::ALL.iter().map(|v| v.code()).collect();
                        let labels: Vec<&str> = $name::ALL.iter().map(|v| v.zh()).collect();
                        let kind = stringify!($name).to_lowercase();
                        $crate::error::Msg::new(
                            format!("unknown {} {:?} (expected one of: {})", kind, t, codes.join(", ")),
                            $crate::domain::labels::unknown_zh(&kind, t, &labels, &codes),
                        )
                    })
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            /// [`Self::read`], its refusal in English.
            fn from_str(s: &str) -> Result<Self, String> {
                $name::read(s).map_err(|m| m.en().to_string())
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

/// What a labelled enum is called in Chinese, by its lower-cased type name (`category` →
/// 纠纷类别), for the refusal of an unknown value; an enum not listed is a plain 取值.
pub fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "category" => "纠纷类别",
        "source" => "来源",
        "sourceclass" => "来源分类",
        "complexity" => "复杂程度",
        "risklevel" => "风险等级",
        "status" => "状态",
        "agreementform" => "协议形式",
        "toldroute" => "告知途径",
        "referralkind" => "移送机关类别",
        "extensionconsent" => "延期同意方",
        "followupchannel" => "回访方式",
        "followupoutcome" => "回访结果",
        "itemstatus" => "整改事项状态",
        "tier" => "层级",
        "committeekind" => "调委会类别",
        "periodkind" => "期间类型",
        "event" => "事件",
        "thing" => "对象",
        "fileop" => "文件操作",
        _ => "取值",
    }
}

/// The Chinese refusal of an unknown value `t` of the enum called `kind`: the value, then the
/// Chinese labels and the codes it accepts.
pub fn unknown_zh(kind: &str, t: &str, labels: &[&str], codes: &[&str]) -> String {
    format!("未知的{}“{t}”（可选：{}；或代码：{}）", kind_zh(kind), labels.join("、"), codes.join(", "))
}

#[cfg(test)]
mod tests {
    use crate::domain::{Category, Lang, RiskLevel};

    #[test]
    fn an_unknown_value_is_refused_in_both_languages() {
        let Err(m) = Category::read(" nope ") else { panic!("nope is not a category") };
        assert!(m.en().starts_with("unknown category \"nope\" (expected one of: marriage_family, neighbour,"), "{m}");
        let zh = m.get(Lang::Zh);
        assert!(zh.starts_with("未知的纠纷类别“nope”（可选：婚姻家庭、邻里、"), "{zh}");
        assert!(zh.contains("marriage_family"), "{zh}");
        assert_eq!("nope".parse::<Category>().err().as_deref(), Some(m.en()));
        assert_eq!(RiskLevel::read("红"), Ok(RiskLevel::Red));
    }
}
