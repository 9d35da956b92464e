//! Errors worded for the officer, in Chinese or English: the one place an [`Error`] becomes text.

use super::{Error, LastChange, Thing};
use crate::domain::Lang;

/// `en` or `zh` by language.
fn tr(lang: Lang, en: String, zh: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

fn by_text(by: &Option<LastChange>, lang: Lang) -> String {
    match (by, lang) {
        (Some(c), Lang::En) => format!("by {} ({}, {})", c.actor, c.action, c.at.format("%Y-%m-%d %H:%M %:z")),
        (Some(c), Lang::Zh) => format!("（{}，{}，{}）", c.actor, c.action, c.at.format("%Y-%m-%d %H:%M %:z")),
        (None, Lang::En) => "by another process".into(),
        (None, Lang::Zh) => "（另一进程）".into(),
    }
}

/// The message for `e` in `lang`, without its kind.
pub(super) fn words(e: &Error, lang: Lang) -> String {
    match e {
        Error::Stale { case_ref, by, lead } => {
            let (en_lead, zh_lead) = match lead {
                Some(l) => (format!("; it is now led by {l}"), format!("，现由{l}主办")),
                None => (String::new(), String::new()),
            };
            tr(
                lang,
                format!(
                    "{case_ref} was changed {} since you looked{en_lead}; nothing was overwritten — look again",
                    by_text(by, Lang::En)
                ),
                format!(
                    "{case_ref} 在您查看之后已被他人修改{}{zh_lead}；未覆盖任何内容，请重新查看",
                    by_text(by, Lang::Zh)
                ),
            )
        }
        Error::Taken { case_ref, lead, by } => tr(
            lang,
            format!("{case_ref} is already assigned to {lead}, {}; nothing was changed", by_text(by, Lang::En)),
            format!("{case_ref} 已分派给{lead}{}；未作任何更改", by_text(by, Lang::Zh)),
        ),
        Error::NotAllowed { case_ref, status, event } => {
            let allowed = |l| crate::domain::lifecycle::allowed_words(*status, l);
            tr(
                lang,
                format!(
                    "{case_ref} is {}: it cannot {}; allowed now: {}; nothing was changed",
                    status.en().to_lowercase(),
                    event.en().to_lowercase(),
                    allowed(Lang::En)
                ),
                format!(
                    "{case_ref} 当前为“{}”，不能{}；现可：{}；未作任何更改",
                    status.zh(),
                    event.zh(),
                    allowed(Lang::Zh)
                ),
            )
        }
        Error::Missing { what: Thing::MediatorIdOrName, key } => {
            tr(lang, format!("no mediator with id or name {key:?}"), format!("没有编号或姓名为“{key}”的调解员"))
        }
        Error::Missing { what, key } => {
            tr(lang, format!("no {} {key:?}", what.en()), format!("没有{}“{key}”", what.zh()))
        }
        Error::Refused { field, reason } => {
            tr(lang, format!("{field}: {}", reason.get(Lang::En)), format!("{field}：{}", reason.get(Lang::Zh)))
        }
        Error::File { path, op, source } => tr(
            lang,
            format!("cannot {} {}: {source}", op.en(), path.display()),
            format!("无法{}文件 {}：{source}", op.zh(), path.display()),
        ),
        Error::Output(source) => {
            tr(lang, format!("cannot write the output: {source}"), format!("无法写出输出：{source}"))
        }
        Error::Sqlite(source) => sqlite_words(source, lang),
        Error::ReadOnlyAsked => tr(
            lang,
            "--read-only was given; nothing was changed".into(),
            "已指定 --read-only（只读）；未作任何更改".into(),
        ),
        Error::Setting { origin, reason } => {
            let r = reason.get(lang);
            tr(lang, format!("{origin}: {r}"), format!("{origin}：{r}"))
        }
        Error::Usage(m)
        | Error::Invalid(m)
        | Error::NotFound(m)
        | Error::Conflict(m)
        | Error::Db(m)
        | Error::ReadOnly(m)
        | Error::Io(m) => m.get(lang).to_string(),
    }
}

/// SQLite's failure in words: read-only, not a database, corrupt and busy told apart.
pub(super) fn sqlite_words(e: &rusqlite::Error, lang: Lang) -> String {
    use rusqlite::ErrorCode;
    let (en, zh) = match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => {
            ("the database is read-only for you; nothing was changed", "数据库对您是只读的；未作任何更改")
        }
        Some(ErrorCode::NotADatabase) => {
            ("the file is not a duty-desk database (or it is corrupt)", "该文件不是 duty-desk 数据库（或已损坏）")
        }
        Some(ErrorCode::DatabaseCorrupt) => (
            "the database is corrupt; run `duty-desk check` and restore a backup",
            "数据库已损坏；请运行 `duty-desk check` 并恢复备份",
        ),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            ("the database stayed busy for too long; try again", "数据库长时间忙碌；请重试")
        }
        _ => {
            return match lang {
                Lang::En => e.to_string(),
                Lang::Zh => format!("数据库错误：{e}"),
            }
        }
    };
    match lang {
        Lang::En => en.into(),
        Lang::Zh => zh.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Kind, Thing};
    use std::io;

    #[test]
    fn broken_pipe_is_found_by_its_io_kind_and_exits_zero() {
        let e = Error::output(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(e.kind(), Kind::BrokenPipe);
        assert_eq!(e.exit_code(), 0);
        let other = Error::output(io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(other.exit_code(), 1);
    }

    #[test]
    fn exit_codes_follow_the_kind() {
        assert_eq!(Error::Taken { case_ref: "R".into(), lead: "王芳".into(), by: None }.exit_code(), 3);
        assert_eq!(Error::Conflict(crate::msg!("x", "叉")).exit_code(), 3);
        assert_eq!(Error::setting("theme", crate::msg!("bad", "坏")).exit_code(), 2);
        assert_eq!(Error::Usage(crate::msg!("x", "叉")).exit_code(), 2);
        assert_eq!(Error::missing(Thing::Committee, "X").exit_code(), 1);
        assert_eq!(Error::ReadOnlyAsked.exit_code(), 1);
    }

    #[test]
    fn typed_errors_are_worded_in_both_languages() {
        let e = Error::Stale { case_ref: "WH-1".into(), by: None, lead: Some("王芳".into()) };
        assert!(e.words(Lang::En).contains("now led by 王芳"), "{}", e.words(Lang::En));
        assert!(e.words(Lang::Zh).contains("现由王芳主办"), "{}", e.words(Lang::Zh));
        let m = Error::missing(Thing::Committee, "ZZ");
        assert_eq!(m.words(Lang::En), "no committee \"ZZ\"");
        assert_eq!(m.words(Lang::Zh), "没有调解委员会“ZZ”");
        assert_eq!(e.to_string(), e.words(Lang::En));
        let who = Error::missing(Thing::MediatorIdOrName, "张伟");
        assert_eq!(who.words(Lang::En), "no mediator with id or name \"张伟\"");
        assert_eq!(who.words(Lang::Zh), "没有编号或姓名为“张伟”的调解员");
        assert_eq!(who.kind(), Kind::NotFound);
    }
}
