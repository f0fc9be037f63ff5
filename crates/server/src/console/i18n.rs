//! The console's page texts (`console.toml`): one entry per key, zh-CN and
//! en. Names and messages that come from the ruleset are not here: they come
//! from the ruleset. A test checks that every key the console uses exists in
//! both languages, so a missing text fails the build's tests rather than
//! showing a key to a person.

use std::collections::HashMap;
use std::sync::OnceLock;

use livegate_core::l10n::fill;
use livegate_core::{Lang, Text};

const SOURCE: &str = include_str!("console.toml");

fn catalog() -> &'static HashMap<String, Text> {
    static CATALOG: OnceLock<HashMap<String, Text>> = OnceLock::new();
    // Part of the build; the unit tests below fail on a broken catalogue.
    CATALOG.get_or_init(|| toml::from_str(SOURCE).unwrap_or_default())
}

/// The page text `key` in `lang`. A missing key is a defect the tests
/// catch; at run time it shows as `⟨key⟩` so it is never mistaken for text.
pub fn t(lang: Lang, key: &str) -> String {
    match catalog().get(key) {
        Some(text) => text.get(lang).to_string(),
        None => format!("⟨{key}⟩"),
    }
}

/// [`t`] with `{name}` placeholders filled.
pub fn tf(lang: Lang, key: &str, vars: &[(&str, &str)]) -> String {
    fill(&t(lang, key), vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t(…, "key")` and `tf(…, "key", …)` in the console's sources.
    fn keys_used() -> Vec<String> {
        let sources = [
            include_str!("mod.rs"),
            include_str!("layout.rs"),
            include_str!("precheck.rs"),
            include_str!("report.rs"),
            include_str!("rules.rs"),
            include_str!("session.rs"),
            include_str!("wizard.rs"),
            include_str!("../stored.rs"),
            include_str!("errors.rs"),
            include_str!("help.rs"),
            include_str!("applicants.rs"),
            include_str!("applicants_bulk.rs"),
            include_str!("applicant.rs"),
            include_str!("applicant_actions.rs"),
            include_str!("audit_words.rs"),
            include_str!("documents.rs"),
            include_str!("document_actions.rs"),
            include_str!("timeline.rs"),
            include_str!("dashboard.rs"),
            include_str!("batch.rs"),
            include_str!("batch_csv.rs"),
            include_str!("batch_save.rs"),
            include_str!("batch_queue.rs"),
        ];
        let re = regex::Regex::new(r#"\btf?\(\s*[a-z_.]+\s*,\s*"([a-z0-9_]+)""#).unwrap();
        let mut keys: Vec<String> = sources
            .iter()
            .flat_map(|s| re.captures_iter(s).map(|c| c[1].to_string()))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    #[test]
    fn every_console_key_used_exists_in_both_languages() {
        let c: HashMap<String, Text> = toml::from_str(SOURCE).expect("console.toml parses");
        let used = keys_used();
        assert!(used.len() > 30, "the key scan found too few keys: {used:?}");
        for k in &used {
            let text = c
                .get(k)
                .unwrap_or_else(|| panic!("console.toml has no `{k}`"));
            assert!(!text.zh.is_empty(), "`{k}` has no zh text");
            assert!(!text.en.is_empty(), "`{k}` has no en text");
        }
    }

    #[test]
    fn every_console_entry_has_both_languages_and_is_used() {
        let c: HashMap<String, Text> = toml::from_str(SOURCE).expect("console.toml parses");
        let used = keys_used();
        for (k, text) in &c {
            assert!(!text.zh.is_empty() && !text.en.is_empty(), "`{k}`");
            assert!(used.contains(k), "`{k}` is in console.toml but never used");
        }
    }

    #[test]
    fn a_missing_key_never_looks_like_text() {
        assert_eq!(t(Lang::En, "no_such_key"), "⟨no_such_key⟩");
    }
}
