//! The batch catalogue (`messages.toml`), in the format of the engine's own.

use std::collections::HashMap;
use std::sync::OnceLock;

use livegate_core::l10n::{Lang, Text, fill};

static CATALOG: OnceLock<HashMap<String, Text>> = OnceLock::new();

fn catalog() -> &'static HashMap<String, Text> {
    CATALOG.get_or_init(|| {
        // Part of the build; a broken catalogue fails the unit test below.
        toml::from_str(include_str!("messages.toml")).unwrap_or_default()
    })
}

/// The message `key` in `lang`, placeholders filled; the key itself when missing.
pub fn msg(lang: Lang, key: &str, vars: &[(&str, &str)]) -> String {
    match catalog().get(key) {
        Some(t) => fill(t.get(lang), vars),
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_batch_message_parses_and_has_both_languages() {
        let c: HashMap<String, Text> = toml::from_str(include_str!("messages.toml")).unwrap();
        assert!(c.len() >= 10);
        for (k, t) in &c {
            assert!(!t.zh.is_empty() && !t.en.is_empty(), "{k}");
        }
        assert_eq!(msg(Lang::En, "eligible", &[]), "eligible");
    }
}
