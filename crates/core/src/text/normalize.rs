//! The one room for name normalisation: what legitimately differs between
//! how a ruleset, a profile, a document and WeChat write the same name
//! (surrounding space, full-width and half-width forms, 《》 and 【】, case,
//! `-` or `/` between category levels). Credit codes fold width here too
//! (`credit::normalized`).

/// Folds full-width ASCII (U+FF01–U+FF5E) and the ideographic space to their
/// half-width forms, and 〔〕 to [].
pub fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// Whether two names are the same once normalised, without allocating.
pub fn names_equal(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    a.trim()
        .chars()
        .map(fold_char)
        .eq(b.trim().chars().map(fold_char))
}

/// Normalises a name for lookup: trims, drops 《》 and 【】, folds full-width
/// brackets and ASCII case, and unifies `-` and `/` between category levels.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    normalize_into(name, &mut out);
    out
}

pub(crate) fn normalize_into(name: &str, out: &mut String) {
    for c in name.trim().chars() {
        match c {
            '《' | '》' | '【' | '】' | ' ' | '\u{3000}' => {}
            '（' => out.push('('),
            '）' => out.push(')'),
            '－' | '-' | '—' => out.push('/'),
            c => out.extend(c.to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition `names_equal` must agree with.
    fn normalize_name(s: &str) -> String {
        fold_width(s).trim().to_string()
    }

    #[test]
    fn names_differing_only_in_width_and_space_are_equal() {
        assert_eq!(
            normalize_name(" 深圳市示例科技（南山）有限公司\u{3000}"),
            normalize_name("深圳市示例科技(南山)有限公司")
        );
        assert_eq!(normalize_name("ＡＢＣ１２３"), "ABC123");
        assert_ne!(
            normalize_name("深圳市示例科技有限公司"),
            normalize_name("深圳市另一科技有限公司")
        );
    }

    #[test]
    fn names_equal_agrees_with_comparing_normalised_names() {
        let names = [
            "深圳市示例科技（南山）有限公司",
            " 深圳市示例科技(南山)有限公司\u{3000}",
            "深圳市示例科技 (南山)有限公司",
            "深圳市示例科技有限公司",
            "ＡＢＣ １２３",
            "ABC 123",
            "ABC  123",
            "",
            "  ",
        ];
        for a in names {
            for b in names {
                let want = normalize_name(a) == normalize_name(b);
                assert_eq!(names_equal(a, b), want, "{a:?} vs {b:?}");
            }
        }
    }
}
