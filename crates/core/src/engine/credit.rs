//! Unified social credit codes (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters over the 31-character set 0-9 and A-Z without I, O, Z, S, V:
//! registration authority (1), organisation type (1), administrative division
//! (6), organisation code (9), check character (1). The check character is
//! `31 - (Σ value(c_i) × w_i mod 31)` over the first 17, with the weights
//! 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 (31 becomes 0).

/// The code's character set, in value order.
pub const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weights of the first 17 positions.
pub const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a code is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// Not 18 characters.
    Length(usize),
    /// A character outside the set, at this position (from 1).
    Character { position: usize, found: char },
    /// The check character is wrong; the expected one.
    Check { expected: char, found: char },
}

/// The value of a character of the set, by table rather than search.
fn value(c: char) -> Option<u32> {
    let v = match c {
        '0'..='9' => c as u32 - '0' as u32,
        'A'..='H' => c as u32 - 'A' as u32 + 10,
        'J'..='N' => c as u32 - 'J' as u32 + 18,
        'P'..='R' => c as u32 - 'P' as u32 + 23,
        'T' | 'U' => c as u32 - 'T' as u32 + 26,
        'W'..='Y' => c as u32 - 'W' as u32 + 28,
        _ => return None,
    };
    Some(v)
}

/// Normalises a code as people type it: trims, folds full-width characters and case.
pub fn normalize(code: &str) -> String {
    normalized(code).into_owned()
}

/// [`normalize`], borrowing when the code is already in normal form.
pub fn normalized(code: &str) -> std::borrow::Cow<'_, str> {
    let t = code.trim();
    if t.bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        std::borrow::Cow::Borrowed(t)
    } else {
        std::borrow::Cow::Owned(crate::normalize::fold_width(t).to_ascii_uppercase())
    }
}

/// The check character for the first 17 characters, if they are all valid.
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    let mut n = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
        n += 1;
    }
    if n != 17 {
        return None;
    }
    let v = (31 - sum % 31) % 31;
    CHARSET.chars().nth(v as usize)
}

/// Validates a normalised code.
pub fn validate(code: &str) -> Result<(), CodeError> {
    let n = code.chars().count();
    if n != 18 {
        return Err(CodeError::Length(n));
    }
    let mut sum = 0;
    let mut last = ' ';
    for (i, c) in code.chars().enumerate() {
        let v = value(c).ok_or(CodeError::Character {
            position: i + 1,
            found: c,
        })?;
        if i < 17 {
            sum += v * WEIGHTS[i];
        }
        last = c;
    }
    let expected = CHARSET.as_bytes()[((31 - sum % 31) % 31) as usize] as char;
    if expected != last {
        return Err(CodeError::Check {
            expected,
            found: last,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_charset_has_31_characters_without_i_o_z_s_v() {
        assert_eq!(CHARSET.chars().count(), 31);
        for c in ['I', 'O', 'Z', 'S', 'V'] {
            assert!(!CHARSET.contains(c));
        }
    }

    #[test]
    fn the_value_table_agrees_with_the_charset_order() {
        for (i, c) in CHARSET.chars().enumerate() {
            assert_eq!(value(c), Some(i as u32), "{c}");
        }
        for c in ['I', 'O', 'Z', 'S', 'V', 'a', '-'] {
            assert_eq!(value(c), None);
        }
    }

    #[test]
    fn normalize_folds_full_width_and_case() {
        assert_eq!(
            normalize(" ９１４４０３００７０８４６１１３６ｔ "),
            "91440300708461136T"
        );
    }
}
