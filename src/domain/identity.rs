//! Personal identifiers as officers type them: phone numbers (mainland mobile, landline with
//! area code) and the 18-character resident id number with its check digit (GB 11643).
//!
//! Every input path (intake form, `add`, `import`) validates through these functions, so a
//! masked value such as `138****5678` can never be stored as if it were a number.

use std::fmt;

use chrono::NaiveDate;

use super::Lang;

/// Turns full-width digits, letters and punctuation typed with a Chinese input method (`１２００`,
/// `－`, `：`, the ideographic space) into their ASCII forms; everything else is kept.
pub fn normalize_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// Why a phone or id number was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityError {
    /// Not a mainland mobile (11 digits starting 13–19) or a landline with its area code.
    Phone(String),
    /// Not 18 characters of 17 digits and a digit or X.
    IdShape(String),
    /// The birth date inside the id number is not a real date.
    IdBirth(String),
    /// The check digit does not match.
    IdCheck(String),
}

impl IdentityError {
    /// The reason in the officer's language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (IdentityError::Phone(v), Lang::En) => {
                format!("{v:?} is not a phone number (a mobile like 13812345678 or a landline like 0473-2345678)")
            }
            (IdentityError::Phone(v), Lang::Zh) => {
                format!("“{v}”不是有效电话号码（手机如 13812345678，固话须带区号如 0473-2345678）")
            }
            (IdentityError::IdShape(v), Lang::En) => {
                format!("{v:?} is not an id number (18 characters: 17 digits and a digit or X)")
            }
            (IdentityError::IdShape(v), Lang::Zh) => format!("“{v}”不是身份证号（18 位：17 位数字加一位数字或 X）"),
            (IdentityError::IdBirth(v), Lang::En) => format!("the birth date in id number {v:?} is not a real date"),
            (IdentityError::IdBirth(v), Lang::Zh) => format!("身份证号“{v}”中的出生日期无效"),
            (IdentityError::IdCheck(v), Lang::En) => format!("the check digit of id number {v:?} is wrong"),
            (IdentityError::IdCheck(v), Lang::Zh) => format!("身份证号“{v}”校验位不正确"),
        }
    }
}

impl IdentityError {
    /// The reason in both languages, for a field error.
    pub fn words(&self) -> crate::error::Msg {
        crate::error::Msg::new(self.message(Lang::En), self.message(Lang::Zh))
    }
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for IdentityError {}

/// Checks a phone number and returns it in its stored form: a mobile as 11 digits, a landline as
/// `area-number` (`0473-2345678`, `010-62345678`). Spaces, hyphens and full-width digits are
/// accepted on input.
///
/// ```
/// use duty_desk::domain::identity::phone;
/// assert_eq!(phone("138 1234 5678").ok().as_deref(), Some("13812345678"));
/// assert_eq!(phone("０４７３－２３４５６７８").ok().as_deref(), Some("0473-2345678"));
/// assert!(phone("12345").is_err());
/// assert!(phone("138****5678").is_err());
/// ```
pub fn phone(input: &str) -> Result<String, IdentityError> {
    let text = normalize_width(input.trim());
    let refuse = || IdentityError::Phone(text.clone());
    if text.chars().any(|c| !(c.is_ascii_digit() || c == ' ' || c == '-')) {
        return Err(refuse());
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let b = digits.as_bytes();
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Ok(digits);
    }
    if b.first() == Some(&b'0') {
        // Area codes: 010 and 02x have three digits, every other one four.
        let area = if digits.starts_with("010") || digits.starts_with("02") { 3 } else { 4 };
        let local = b.len().saturating_sub(area);
        if b.len() > area && (7..=8).contains(&local) && b[area] != b'0' && b[area] != b'1' {
            return Ok(format!("{}-{}", &digits[..area], &digits[area..]));
        }
    }
    Err(refuse())
}

/// Checks an 18-character resident id number (17 digits, then a check digit or X, with a real
/// birth date in characters 7–14) and returns it with an upper-case X.
///
/// ```
/// use duty_desk::domain::identity::id_number;
/// assert_eq!(id_number("11010519491231002x").ok().as_deref(), Some("11010519491231002X"));
/// assert!(id_number("110105194912310021").is_err()); // wrong check digit
/// ```
pub fn id_number(input: &str) -> Result<String, IdentityError> {
    let text = normalize_width(input.trim()).to_ascii_uppercase();
    let b = text.as_bytes();
    let shape = b.len() == 18 && b[..17].iter().all(u8::is_ascii_digit) && (b[17].is_ascii_digit() || b[17] == b'X');
    if !shape {
        return Err(IdentityError::IdShape(text));
    }
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    let birth = NaiveDate::parse_from_str(&text[6..14], "%Y%m%d").ok();
    if birth.is_none_or(|d| d < earliest) {
        return Err(IdentityError::IdBirth(text));
    }
    if check_digit(&b[..17]) != b[17] {
        return Err(IdentityError::IdCheck(text));
    }
    Ok(text)
}

/// The GB 11643 check character of the first 17 digits.
fn check_digit(first17: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CODES: &[u8; 11] = b"10X98765432";
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CODES[(sum % 11) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::TestResult;

    #[test]
    fn mobiles_and_landlines_with_area_codes_pass() -> TestResult {
        assert_eq!(phone("13912345678")?, "13912345678");
        assert_eq!(phone("0473-2345678")?, "0473-2345678");
        assert_eq!(phone("04732345678")?, "0473-2345678");
        assert_eq!(phone("010 62345678")?, "010-62345678");
        assert_eq!(phone("021-2345678")?, "021-2345678");
        Ok(())
    }

    #[test]
    fn short_masked_lettered_or_areacodeless_numbers_are_refused() {
        for bad in ["12345", "abc", "12812345678", "2345678", "0473-0234567", "123*5678", "138****5678", "", "+86"] {
            assert!(phone(bad).is_err(), "{bad} passed");
        }
    }

    #[test]
    fn id_numbers_check_shape_birth_date_and_check_digit() -> TestResult {
        assert!(id_number("11010519491231002X").is_ok());
        assert_eq!(id_number("123"), Err(IdentityError::IdShape("123".into())));
        assert!(matches!(id_number("110105194913310023"), Err(IdentityError::IdBirth(_))));
        assert!(matches!(id_number("110105194912310021"), Err(IdentityError::IdCheck(_))));
        assert!(matches!(id_number("150302*9900"), Err(IdentityError::IdShape(_))));
        // Full-width digits from an IME.
        assert_eq!(id_number("１１０１０５１９４９１２３１００２Ｘ")?, "11010519491231002X");
        Ok(())
    }

    #[test]
    fn every_check_digit_is_reachable() {
        // Vary the sequence digits and recompute: whatever check_digit says must validate.
        for seq in 0..50u32 {
            let first17 = format!("15030219850101{:03}", seq);
            let c = check_digit(first17.as_bytes()) as char;
            assert!(id_number(&format!("{first17}{c}")).is_ok());
        }
    }

    #[test]
    fn full_width_text_is_folded() {
        assert_eq!(normalize_width("１２００元　ＡＢ"), "1200元 AB");
    }
}
