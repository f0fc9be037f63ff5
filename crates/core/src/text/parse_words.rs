//! The JSON parser's messages (serde and serde_json write English) phrased
//! in the reader's language from their known shapes. A message of another
//! shape keeps its words behind a phrase that says what kind of error it is.

use crate::catalog::msg;
use crate::l10n::Lang;

/// Fixed messages and message starts, and the catalogue key each becomes.
const FIXED: &[(&str, &str)] = &[
    ("the profile is empty", "parse_empty"),
    (
        "unexpected content after the profile object",
        "parse_trailing",
    ),
    ("trailing characters", "parse_trailing"),
    ("EOF while parsing", "parse_eof"),
    ("expected value", "parse_expected_value"),
    ("expected `,` or `}`", "parse_expected_comma_brace"),
    ("expected `,` or `]`", "parse_expected_comma_bracket"),
    ("expected `:`", "parse_expected_colon"),
    ("key must be a string", "parse_key_string"),
    ("trailing comma", "parse_trailing_comma"),
    ("control character", "parse_control_character"),
    ("invalid escape", "parse_invalid_escape"),
    ("invalid number", "parse_invalid_number"),
    ("number out of range", "parse_invalid_number"),
    ("expected ident", "parse_expected_ident"),
    ("recursion limit exceeded", "parse_too_deep"),
    ("invalid unicode code point", "parse_invalid_unicode"),
    ("lone leading surrogate", "parse_invalid_unicode"),
];

/// `message` in `lang`.
pub(crate) fn phrase(message: &str, lang: Lang) -> String {
    if let Some((_, key)) = FIXED.iter().find(|(start, _)| message.starts_with(start)) {
        return msg(key, lang, &[]);
    }
    let quoted = |i: usize| message.split('`').nth(i).unwrap_or("").to_string();
    if message.starts_with("unknown field") {
        return msg("parse_unknown_field", lang, &[("field", &quoted(1))]);
    }
    if message.starts_with("missing field") {
        return msg("parse_missing_field", lang, &[("field", &quoted(1))]);
    }
    if message.starts_with("unknown variant") {
        return msg("parse_unknown_variant", lang, &[("value", &quoted(1))]);
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let vars = [
            ("found", value_words(found, lang)),
            ("expected", value_words(expected, lang)),
        ];
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        return msg("parse_invalid_type", lang, &vars);
    }
    msg("parse_other", lang, &[("detail", message)])
}

/// What serde calls a value's type (`string "x"`, `a sequence`, `u32`), in
/// the reader's words; the value itself is kept.
fn value_words(s: &str, lang: Lang) -> String {
    const TYPES: &[(&str, &str)] = &[
        ("string", "type_string"),
        ("a string", "type_string"),
        ("integer", "type_integer"),
        ("floating point", "type_number"),
        ("boolean", "type_boolean"),
        ("a boolean", "type_boolean"),
        ("map", "type_object"),
        ("a map", "type_object"),
        ("struct", "type_object"),
        ("sequence", "type_array"),
        ("a sequence", "type_array"),
        ("null", "type_null"),
        ("unit", "type_null"),
        ("u8", "type_unsigned"),
        ("u16", "type_unsigned"),
        ("u32", "type_unsigned"),
        ("u64", "type_unsigned"),
        ("usize", "type_unsigned"),
    ];
    let s = s.trim();
    let best = TYPES
        .iter()
        .filter(|(name, _)| s == *name || s.starts_with(&format!("{name} ")))
        .max_by_key(|(name, _)| name.len());
    match best {
        Some((name, key)) => {
            let value = s[name.len()..].trim().trim_matches('`');
            let words = msg(key, lang, &[]);
            if value.is_empty() || name.starts_with("struct") {
                words
            } else {
                format!("{words} {value}")
            }
        }
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh(m: &str) -> String {
        phrase(m, Lang::Zh)
    }

    fn has_english_words(s: &str) -> bool {
        // Field names and values in backquotes or quotes are the reader's
        // own, and JSON is the format's name.
        let s = s.replace("JSON", "");
        let mut inside = false;
        let mut word = 0;
        for c in s.chars() {
            if c == '`' || c == '"' {
                inside = !inside;
                word = 0;
            } else if !inside && c.is_ascii_alphabetic() {
                word += 1;
                if word >= 4 {
                    return true;
                }
            } else {
                word = 0;
            }
        }
        false
    }

    #[test]
    fn the_parsers_messages_read_in_chinese() {
        let cases = [
            "the profile is empty: expected a JSON object with at least subject.type",
            "unexpected content after the profile object",
            "EOF while parsing an object",
            "expected value",
            "expected `,` or `}`",
            "key must be a string",
            "trailing comma",
            "unknown field `subjct`, expected one of `id`, `subject`",
            "missing field `type`",
            "unknown variant `maybe`, expected one of `approved`",
            "invalid type: string \"many\", expected a boolean",
            "invalid type: integer `5`, expected a string",
            "invalid type: map, expected a sequence",
            "invalid type: sequence, expected struct Subject",
        ];
        for m in cases {
            let z = zh(m);
            assert!(!has_english_words(&z), "{m} → {z}");
            assert!(
                z.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{m} → {z}"
            );
        }
        assert!(zh("unknown field `subjct`, expected one of `id`").contains("subjct"));
        assert_eq!(
            phrase("expected value", Lang::En),
            msg("parse_expected_value", Lang::En, &[])
        );
    }
}
