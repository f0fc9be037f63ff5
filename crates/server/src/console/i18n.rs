//! The console's page texts (`console.toml`): one entry per key, zh-CN and
//! en. Names and messages that come from the ruleset are not here: they come
//! from the ruleset. build.rs makes the entries the [`Key`] enum, so a page
//! that names a text the catalogue lacks, or an entry without both
//! languages, fails to build, and an entry no page uses is a dead-code
//! warning (an error under CI's clippy).

use livegate_core::Lang;
use livegate_core::l10n::fill;

include!(concat!(env!("OUT_DIR"), "/console_keys.rs"));

impl Key {
    /// Its text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        let (_, zh, en) = self.parts();
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The page text `key` in `lang`.
pub(crate) fn t(lang: Lang, key: Key) -> String {
    key.get(lang).to_string()
}

/// [`t`] with `{name}` placeholders filled.
pub(crate) fn tf(lang: Lang, key: Key, vars: &[(&str, &str)]) -> String {
    fill(key.get(lang), vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_text_is_its_entry_in_both_languages() {
        assert_eq!(Key::Brand.parts().0, "brand");
        assert_eq!(t(Lang::Zh, Key::Brand), "直播准入");
        assert_eq!(t(Lang::En, Key::Brand), "live access check");
    }
}
