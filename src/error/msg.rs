//! A message in both languages: the only text the message variants of [`super::Error`] carry,
//! so an error cannot be English-only. Built at the call site with [`crate::msg!`].

use std::fmt;

use crate::domain::Lang;

/// An error's words in English and in Chinese. There is deliberately no `From<String>`: a
/// message is built with both texts ([`crate::msg!`] or [`Msg::new`]).
///
/// ```
/// let e = duty_desk::error::Error::Invalid(duty_desk::msg!("no such thing", "没有此项"));
/// assert_eq!(e.words(duty_desk::domain::Lang::Zh), "没有此项");
/// ```
/// ```compile_fail
/// // An English-only message does not compile:
/// let e = duty_desk::error::Error::Invalid(format!("no such thing"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    en: String,
    zh: String,
}

impl Msg {
    /// The message from its English and Chinese texts.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Msg {
        Msg { en: en.into(), zh: zh.into() }
    }

    /// A typed error's words, to be carried by a message variant.
    pub fn of(e: &super::Error) -> Msg {
        Msg { en: e.words(Lang::En), zh: e.words(Lang::Zh) }
    }

    /// The English text (what scripts and tests match on).
    pub fn en(&self) -> &str {
        &self.en
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    /// The message with more words after it (each language its own).
    pub fn then(self, more: Msg) -> Msg {
        Msg { en: self.en + &more.en, zh: self.zh + &more.zh }
    }

    /// The message with lines after it, each worded in both languages (one per line).
    pub fn with_each(mut self, lines: &[Msg]) -> Msg {
        for l in lines {
            self.en.push_str("\n  ");
            self.en.push_str(&l.en);
            self.zh.push_str("\n  ");
            self.zh.push_str(&l.zh);
        }
        self
    }

    /// The message with the same lines after it in both languages: data, not words (a list of
    /// problems, each already worded).
    pub fn with_lines<S: AsRef<str>>(mut self, lines: &[S]) -> Msg {
        for l in lines {
            self.en.push_str("\n  ");
            self.en.push_str(l.as_ref());
            self.zh.push_str("\n  ");
            self.zh.push_str(l.as_ref());
        }
        self
    }
}

/// A value parser's refusal on the command line: clap shows it (English), and the Chinese
/// usage error takes its `zh` (`cli::zh_help::error_text`).
impl std::error::Error for Msg {}

impl From<&crate::domain::FieldError> for Msg {
    /// A field's problem: "field F: …" / "字段 F：…".
    fn from(e: &crate::domain::FieldError) -> Msg {
        Msg::new(e.words(Lang::En), e.words(Lang::Zh))
    }
}

impl fmt::Display for Msg {
    /// The English text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// A [`Msg`] from an English and a Chinese format string (inline `{names}` or trailing
/// arguments shared by both): `msg!("no case {r}", "没有案件 {r}")`,
/// `msg!("{} has no lead", "{}尚无主办调解员"; case.reference)`.
#[macro_export]
macro_rules! msg {
    ($en:literal, $zh:literal $(,)?) => {
        $crate::error::Msg::new(format!($en), format!($zh))
    };
    ($en:literal, $zh:literal; $($arg:expr),+ $(,)?) => {
        $crate::error::Msg::new(format!($en, $($arg),+), format!($zh, $($arg),+))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The string literal at the start of `s` (after blanks), and the rest; `None` when there is
    /// none. Escapes are kept as written: only equality matters here.
    fn literal(s: &str) -> Option<(&str, &str)> {
        let s = s.trim_start().strip_prefix('"')?;
        let mut escaped = false;
        for (i, c) in s.char_indices() {
            match (c, escaped) {
                ('\\', false) => escaped = true,
                ('"', false) => return Some((&s[..i], &s[i + 1..])),
                _ => escaped = false,
            }
        }
        None
    }

    fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap_or_default()));
            }
        }
    }

    /// `msg!` cannot be given an English-only message by writing the same text twice: every
    /// call in src/ has Chinese words that differ from its English ones (an empty prefix aside).
    #[test]
    fn every_msg_in_the_sources_has_its_own_chinese_words() {
        let mut files = Vec::new();
        sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut calls = 0;
        let mut same = Vec::new();
        for (path, text) in &files {
            for (at, _) in text.match_indices("msg!(") {
                let Some((en, rest)) = literal(&text[at + 5..]) else { continue };
                let Some((zh, _)) = rest.trim_start().strip_prefix(',').and_then(literal) else { continue };
                calls += 1;
                if en == zh && !en.is_empty() {
                    same.push(format!("{path}: msg!({en:?}, …)"));
                }
            }
        }
        assert!(calls > 100, "the scan found only {calls} msg! calls");
        assert!(same.is_empty(), "messages without their own Chinese words:\n{}", same.join("\n"));
    }

    #[test]
    fn both_languages_are_kept_and_english_is_displayed() {
        let n = 3;
        let m = crate::msg!("{n} problems", "{n} 个问题").with_lines(&["a", "b"]);
        assert_eq!(m.get(Lang::En), "3 problems\n  a\n  b");
        assert_eq!(m.get(Lang::Zh), "3 个问题\n  a\n  b");
        assert_eq!(m.to_string(), m.en());
        let t = crate::msg!("{} x", "{} 叉"; 1 + 1).then(crate::msg!("; done", "；完成"));
        assert_eq!(t.get(Lang::Zh), "2 叉；完成");
    }
}
