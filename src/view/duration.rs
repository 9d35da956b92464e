//! The one short duration, in the screen's language: `45m`, `5h`, `3d` in English; `45分钟`,
//! `5小时`, `3天` in Chinese. The desk's clocks and ages and the CLI's texts all use it.

use crate::domain::Lang;

/// `secs` (its absolute value) as minutes below an hour, hours below two days, else days.
pub fn short_duration(secs: i64, lang: Lang) -> String {
    let s = secs.unsigned_abs();
    let (n, en, zh) = if s < 3600 {
        (s / 60, "m", "分钟")
    } else if s < 86_400 * 2 {
        (s / 3600, "h", "小时")
    } else {
        (s / 86_400, "d", "天")
    };
    match lang {
        Lang::Zh => format!("{n}{zh}"),
        Lang::En => format!("{n}{en}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_the_language() {
        assert_eq!(short_duration(23 * 3600 + 59, Lang::En), "23h");
        assert_eq!(short_duration(23 * 3600, Lang::Zh), "23小时");
        assert_eq!(short_duration(-3 * 86_400, Lang::Zh), "3天");
        assert_eq!(short_duration(15 * 60, Lang::Zh), "15分钟");
        assert_eq!(short_duration(15 * 60, Lang::En), "15m");
        assert_eq!(short_duration(-7200, Lang::En), "2h");
        assert_eq!(short_duration(i64::MIN, Lang::En), format!("{}d", i64::MIN.unsigned_abs() / 86_400));
    }
}
