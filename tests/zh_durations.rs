//! Durations on the desk read in the screen's language: `23小时`, `3天`, `15分钟` in zh, never
//! `23h`; English keeps `23h`.

mod tui_support;

use duty_desk::domain::Lang;
use duty_desk::tui::theme::Theme;
use tui_support::{desk, screen, state};

/// A number followed by an English unit letter (`23h`, `3d`, `15m`) as a word of its own.
fn english_durations(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '│' || c == '┃')
        .map(|w| w.trim_start_matches(['!', '-', '~']))
        .filter(|w| {
            w.is_ascii()
                && w.len() > 1
                && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit())
                && w.ends_with(['h', 'd', 'm'])
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn the_desk_says_hours_days_and_minutes_in_zh() {
    let d = desk();
    for size in [(80, 24), (120, 40)] {
        let zh = screen(&state(&d, Lang::Zh, size), &Theme::default());
        assert!(zh.contains("小时"), "{zh}");
        assert!(zh.contains("分钟") && zh.contains("天"), "{zh}");
        assert_eq!(english_durations(&zh), Vec::<String>::new(), "{zh}");
        let en = screen(&state(&d, Lang::En, size), &Theme::default());
        assert!(!english_durations(&en).is_empty(), "{en}");
        assert!(!en.contains("小时"));
    }
}
