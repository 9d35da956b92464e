//! Finding and ordering Chinese names the way officers type them: by the characters, by full
//! pinyin (`yangliling`) or by initials (`yll`), case-insensitive; names sort by pinyin.

use pinyin::ToPinyin;

/// Full pinyin (no tones, no spaces, lower case) of `s`; characters without a reading are kept
/// as they are, lower-cased.
///
/// ```
/// use duty_desk::domain::search::full_pinyin;
/// assert_eq!(full_pinyin("杨丽玲"), "yangliling");
/// assert_eq!(full_pinyin("Zhang 伟"), "zhang wei");
/// ```
pub fn full_pinyin(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for (c, p) in s.chars().zip(s.to_pinyin()) {
        match p {
            Some(p) => out.push_str(p.plain()),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The initials of each syllable (`yll` for 杨丽玲); other characters are kept, lower-cased.
pub fn initials(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (c, p) in s.chars().zip(s.to_pinyin()) {
        match p {
            Some(p) => out.push_str(p.first_letter()),
            None if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            None => {}
        }
    }
    out
}

/// The key names sort by: their pinyin, then the name itself so equal readings stay in a fixed
/// order.
pub fn sort_key(name: &str) -> (String, String) {
    (full_pinyin(name), name.to_string())
}

/// Whether `needle` finds `haystack`: a case-insensitive substring of the text, of its full
/// pinyin, or of its initials. An empty needle finds everything.
///
/// ```
/// use duty_desk::domain::search::matches;
/// assert!(matches("杨丽玲", "yang"));
/// assert!(matches("杨丽玲", "yll"));
/// assert!(matches("杨丽玲", "丽"));
/// assert!(matches("Marriage & family", "FAMILY"));
/// assert!(!matches("杨丽玲", "zhang"));
/// ```
pub fn matches(haystack: &str, needle: &str) -> bool {
    let needle = needle.trim().to_lowercase();
    if needle.is_empty() {
        return true;
    }
    let hay = haystack.to_lowercase();
    if hay.contains(&needle) {
        return true;
    }
    if haystack.is_ascii() || !needle.is_ascii() {
        return false;
    }
    let compact: String = needle.chars().filter(|c| !c.is_whitespace()).collect();
    full_pinyin(haystack).replace(' ', "").contains(&compact) || initials(haystack).contains(&compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_pinyin_not_code_point() {
        let mut names = vec!["张伟", "安娜", "王芳", "李娜"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["安娜", "李娜", "王芳", "张伟"]);
    }

    #[test]
    fn areas_match_by_initials_and_syllables() {
        assert!(matches("乌达区", "wuda"));
        assert!(matches("乌达区", "wdq"));
        assert!(matches("海勃湾区 新华街道", "xinhua"));
        assert!(!matches("海勃湾区", "wuda"));
        assert!(matches("邻里", "邻里"));
    }
}
