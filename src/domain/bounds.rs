//! Input bounds shared by every input path: the one free-text validator (length, hostile
//! characters, blank-looking text) and the range every date must lie in.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::intake::FieldError;
use super::text::find_hostile;
use crate::error::Msg;
use crate::msg;

/// Longest note (outcome, follow-up, escalation reason) accepted, in bytes.
pub const MAX_NOTE_BYTES: usize = 4000;

/// True for characters that take no space and carry no text: zero-width spaces and joiners,
/// word joiners, variation selectors, tag characters, the byte-order mark, soft hyphens and the
/// like. A value made only of these and whitespace is blank.
pub fn is_invisible(c: char) -> bool {
    let u = c as u32;
    c.is_whitespace()
        || matches!(u, 0x00ad | 0x034f | 0x115f | 0x1160 | 0x17b4 | 0x17b5 | 0x3164 | 0xfeff | 0xffa0)
        || (0x180b..=0x180f).contains(&u)
        || (0x200b..=0x200f).contains(&u)
        || (0x2060..=0x206f).contains(&u)
        || (0xfe00..=0xfe0f).contains(&u)
        || (0xe0000..=0xe0fff).contains(&u)
        || (0x1d173..=0x1d17a).contains(&u)
}

/// True when the text shows nothing: empty, whitespace, or invisible characters only.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(is_invisible)
}

/// The one validator for every free-text field: not blank when required, at most `max` bytes,
/// no control, C1 or bidi characters (tabs and newlines allowed when `multiline`).
pub fn check_text(field: &str, value: &str, max: usize, required: bool, multiline: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if required && is_blank(value) {
        errs.push(FieldError::new(field, msg!("must not be empty", "不能为空")));
    }
    if value.len() > max {
        let n = value.len();
        errs.push(FieldError::new(
            field,
            msg!("is {n} bytes; at most {max} allowed", "长 {n} 字节，最多允许 {max} 字节"),
        ));
    }
    if let Some(c) = find_hostile(value, multiline) {
        errs.push(FieldError::new(field, control_character(c)));
    }
    errs
}

/// The refusal of a control (or bidi) character `c` in a text field.
pub fn control_character(c: char) -> Msg {
    let u = c as u32;
    msg!("contains the control character U+{u:04X}", "含有控制字符 U+{u:04X}")
}

/// A note field (optional, multi-line, at most [`MAX_NOTE_BYTES`]): its first problem, if any.
pub fn check_note(field: &str, value: &str) -> Option<FieldError> {
    check_text(field, value, MAX_NOTE_BYTES, false, true).into_iter().next()
}

/// The earliest date accepted anywhere: 1949-01-01, before which the office holds no records.
pub fn earliest() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(1949, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()).unwrap_or_default()
}

/// The latest date accepted anywhere: a day after `now`.
pub fn latest(now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_add_signed(Duration::days(1)).unwrap_or(now)
}

/// Checks that a date lies in 1949-01-01 … now + 1 day, naming the field when it does not.
pub fn check_date(field: &str, t: DateTime<Utc>, now: DateTime<Utc>) -> Option<FieldError> {
    if t < earliest() {
        Some(FieldError::new(field, msg!("is before 1949-01-01", "早于 1949-01-01")))
    } else if t > latest(now) {
        Some(FieldError::new(field, msg!("is more than a day in the future", "比现在晚一天以上")))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_only_text_is_blank() {
        for s in ["", " ", "\u{200b}", "\u{fe0f}", "\u{e0041}\u{e0042}", "\u{200d}\u{2060}"] {
            assert!(is_blank(s), "{s:?}");
        }
        assert!(!is_blank("张三"));
        assert!(!check_text("name", "\u{200b}", 200, true, false).is_empty());
    }

    #[test]
    fn dates_are_bounded() {
        let now = earliest() + Duration::days(30_000);
        assert!(check_date("d", earliest() - Duration::seconds(1), now).is_some());
        assert!(check_date("d", earliest(), now).is_none());
        assert!(check_date("d", now + Duration::days(2), now).is_some());
    }
}
