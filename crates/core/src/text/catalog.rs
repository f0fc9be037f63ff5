//! The message catalogue (`messages.toml`): user-facing texts that are not
//! rules: the engine's phrases and the CLI's page texts, in one place for translators.

use std::sync::OnceLock;

use rustc_hash::FxHashMap as HashMap;

use crate::l10n::{Lang, Text, fill};

static CATALOG: OnceLock<HashMap<String, Text>> = OnceLock::new();

fn catalog() -> &'static HashMap<String, Text> {
    CATALOG.get_or_init(|| {
        // The catalogue is part of the build; a broken one fails the unit test below.
        toml::from_str(include_str!("messages.toml")).unwrap_or_default()
    })
}

/// Whether the catalogue has `key`.
pub fn has(key: &str) -> bool {
    catalog().contains_key(key)
}

/// The message `key` in `lang`, placeholders filled; the key itself when missing.
pub fn msg(key: &str, lang: Lang, vars: &[(&str, &str)]) -> String {
    match catalog().get(key) {
        Some(t) => fill(t.get(lang), vars),
        None => key.to_string(),
    }
}

/// Joins items with the language's list separator.
/// What went wrong with a file or directory, in `lang`: the common kinds
/// from the catalogue, anything else as the system words it.
pub fn io_reason(e: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind as K;
    let key = match e.kind() {
        K::NotFound => "io_not_found",
        K::PermissionDenied => "io_permission_denied",
        K::IsADirectory => "io_is_a_directory",
        K::NotADirectory => "io_not_a_directory",
        K::AlreadyExists => "io_already_exists",
        K::StorageFull => "io_storage_full",
        K::ReadOnlyFilesystem => "io_read_only",
        _ => return e.to_string(),
    };
    msg(key, lang, &[])
}

pub fn join(items: &[String], lang: Lang) -> String {
    items.join(&msg("list_sep", lang, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_entry_parses_and_has_both_languages() {
        let c: HashMap<String, Text> = toml::from_str(include_str!("messages.toml")).unwrap();
        assert!(c.len() >= 10);
        for (k, t) in &c {
            assert!(!t.zh.is_empty() && !t.en.is_empty(), "{k}");
        }
        assert_eq!(msg("or", Lang::En, &[]), " or ");
    }
}
