//! Text hygiene: sanitising untrusted text for the terminal, masking personal data, widths.

use unicode_width::UnicodeWidthChar;

/// True for characters that must never reach a terminal: C0 and C1 controls, DEL, and the bidi
/// embedding/override/isolate controls (U+202A–202E, U+2066–2069), plus LRM/RLM/ALM.
pub fn is_hostile(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || (0x7f..=0x9f).contains(&u)
        || (0x202a..=0x202e).contains(&u)
        || (0x2066..=0x2069).contains(&u)
        || matches!(u, 0x200e | 0x200f | 0x061c)
}

/// Makes text safe for one line of a widget: tabs and newlines become spaces, every other
/// hostile character is removed.
///
/// ```
/// use duty_desk::domain::text::sanitize;
/// assert_eq!(sanitize("邻里\t纠纷\x1b]0;title\x07\u{202e}"), "邻里 纠纷]0;title");
/// ```
pub fn sanitize(s: &str) -> String {
    s.chars().filter_map(clean).collect()
}

/// [`sanitize`] without a copy when there is nothing to take out (most text).
pub fn sanitized(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().all(|c| clean(c) == Some(c)) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(sanitize(s))
    }
}

/// What [`sanitize`] makes of one character: itself, a space, or nothing.
fn clean(c: char) -> Option<char> {
    match c {
        '\t' | '\n' | '\r' => Some(' '),
        c if is_hostile(c) => None,
        // Joiners and emoji/text presentation selectors make terminals disagree on widths
        // (a ZWJ family is 2 columns in one, 6 in another): shown without them, every
        // character takes the width `width` counts and borders stay in line.
        '\u{200d}' | '\u{fe0e}' | '\u{fe0f}' => None,
        c => Some(c),
    }
}

/// The first hostile character in `s` (tabs and newlines allowed when `multiline`), if any.
pub fn find_hostile(s: &str, multiline: bool) -> Option<char> {
    s.chars().find(|&c| is_hostile(c) && !(multiline && matches!(c, '\t' | '\n' | '\r')))
}

/// The character masks are made of. Real phone and id numbers never hold it, so any value
/// holding it is refused on input ([`looks_masked`]): a masked value cannot be taken for data.
pub const MASK: char = '*';

/// Masks a phone number: an 11-digit one keeps the first 3 and last 4 digits (`138****5678`);
/// shorter ones keep at most 2 and 2, and at least 4 characters are always hidden (all of a
/// value shorter than 8).
///
/// ```
/// use duty_desk::domain::text::{looks_masked, mask_phone};
/// assert_eq!(mask_phone("13812345678"), "138****5678");
/// assert_eq!(mask_phone("12345678"), "12****78");
/// assert!(looks_masked(&mask_phone("13812345678")));
/// ```
pub fn mask_phone(s: &str) -> String {
    mask_middle(s, 11, (3, 4))
}

/// Masks an id number: one of 14 characters or more keeps the first 6 and last 4; shorter ones
/// keep at most 2 and 2, and at least 4 characters are always hidden.
pub fn mask_id(s: &str) -> String {
    mask_middle(s, 14, (6, 4))
}

fn mask_middle(s: &str, full_from: usize, (head, tail): (usize, usize)) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    let (head, tail) = if n >= full_from {
        (head, tail)
    } else if n >= 8 {
        (2, 2)
    } else {
        (0, 0)
    };
    let hidden = n.saturating_sub(head + tail);
    if hidden == 0 {
        return MASK.to_string().repeat(n);
    }
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n(MASK, hidden));
    out.extend(&chars[n - tail..]);
    out
}

/// True when the value could be the output of [`mask_phone`] / [`mask_id`]: it holds the mask
/// character anywhere.
pub fn looks_masked(s: &str) -> bool {
    s.contains(MASK)
}

/// Display width in terminal columns (CJK = 2).
pub fn width(s: &str) -> usize {
    if s.is_ascii() {
        // One column a printable byte; the controls take none.
        return s.bytes().filter(|b| (b' '..=b'~').contains(b)).count();
    }
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cuts `s` to at most `max` columns, ending with `…` when cut; never splits a wide character.
pub fn truncate(s: &str, max: usize) -> String {
    let mut out = String::new();
    push_cut(&mut out, s, max);
    out
}

/// Pads (or cuts) `s` to exactly `cols` display columns.
pub fn pad(s: &str, cols: usize) -> String {
    let mut out = String::with_capacity(s.len() + cols);
    let w = push_cut(&mut out, s, cols);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// Appends `s` cut to at most `max` columns (as [`truncate`] cuts it); the columns appended.
fn push_cut(out: &mut String, s: &str, max: usize) -> usize {
    let whole = width(s);
    if whole <= max {
        out.push_str(s);
        return whole;
    }
    if max == 0 {
        return 0;
    }
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    w + 1
}

/// Formats fen as yuan with two decimals, e.g. `12345` → `123.45`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    format!("{sign}{}.{:02}", f / 100, f % 100)
}

/// Parses a yuan amount (`123`, `123.4`, `123.45`) into fen, refusing more than two decimals.
///
/// ```
/// use duty_desk::domain::text::parse_yuan;
/// assert_eq!(parse_yuan("1200.5"), Ok(120_050));
/// assert!(parse_yuan("1.234").is_err());
/// ```
pub fn parse_yuan(s: &str) -> Result<i64, String> {
    let folded = super::identity::normalize_width(s);
    let t = folded.trim();
    let err = || format!("{t:?} is not an amount in yuan (e.g. 1200.50)");
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(err());
    }
    let whole: i64 = int.parse().map_err(|_| err())?;
    let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| err())?;
    whole.checked_mul(100).and_then(|v| v.checked_add(cents)).ok_or_else(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sanitize_removes_escapes_and_bidi() {
        assert_eq!(sanitize("a\x1b]0;pwn\x07b\tc\u{202e}d\u{9b}e\x7f"), "a]0;pwnb cde");
    }

    #[test]
    fn masks_keep_head_and_tail() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_id("150302199001011234"), "150302********1234");
        assert_eq!(mask_phone("123"), "***");
        assert!(looks_masked(&mask_phone("13812345678")));
        assert_eq!(mask_phone("12345678"), "12****78");
        assert_eq!(mask_id("15030219900"), "15*******00");
    }

    #[test]
    fn every_mask_hides_enough_and_is_recognised() {
        for n in 1..=24 {
            let v: String = "1234567890".chars().cycle().take(n).collect();
            for m in [mask_phone(&v), mask_id(&v)] {
                let hidden = m.chars().filter(|&c| c == MASK).count();
                assert!(hidden >= n.min(4), "{m} hides {hidden} of {n}");
                assert!(looks_masked(&m), "{m}");
            }
        }
    }

    #[test]
    fn joined_emoji_are_shown_unjoined_so_widths_agree() {
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(sanitize(family), "👨👩👧");
        assert_eq!(width(&sanitize(family)), 6);
        assert_eq!(sanitize("❤\u{fe0f}"), "❤");
    }

    #[test]
    fn cjk_is_two_columns() {
        assert_eq!(width("调解abc"), 7);
        assert_eq!(truncate("婚姻家庭纠纷", 5), "婚姻…");
        assert_eq!(width(&pad("邻里", 6)), 6);
    }

    #[test]
    fn yuan_round_trips() {
        assert_eq!(parse_yuan("1200.5"), Ok(120050));
        assert_eq!(yuan(120050), "1200.50");
        assert!(parse_yuan("12a").is_err());
        assert!(parse_yuan("-3").is_err());
        assert!(parse_yuan("1.234").is_err());
    }

    proptest! {
        #[test]
        fn sanitized_text_has_no_hostile_chars(s in any::<String>()) {
            let out = sanitize(&s);
            prop_assert!(out.chars().all(|c| !is_hostile(c)));
            prop_assert_eq!(sanitized(&s), out.as_str());
        }

        #[test]
        fn truncate_never_exceeds_width(s in "\\PC{0,40}", max in 0usize..30) {
            prop_assert!(width(&truncate(&s, max)) <= max);
        }

        /// `pad` is `truncate` then spaces to exactly the width; text that fits is kept whole.
        #[test]
        fn pad_is_the_cut_text_then_spaces(s in "(\\PC|[\\t\\x7f]){0,30}", cols in 0usize..30) {
            let cut = truncate(&s, cols);
            let padded = pad(&s, cols);
            prop_assert_eq!(width(&padded), cols.max(width(&cut)));
            prop_assert_eq!(padded.trim_end_matches(' '), cut.trim_end_matches(' '));
            if width(&s) <= cols {
                prop_assert_eq!(&cut, &s);
            }
        }

        /// The ASCII shortcut measures as the per-character rule does.
        #[test]
        fn ascii_width_is_the_per_character_width(s in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(width(&s), s.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>());
        }
    }
}
