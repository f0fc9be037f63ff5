//! The messages of `livegate batch` and `livegate gen`: the engine's catalogue
//! (`messages.toml` in livegate-core), under the `batch_` prefix, so that
//! translators find every text in one file.

use livegate_core::l10n::Lang;

/// The message `batch_{key}` in `lang`, placeholders filled.
pub fn msg(lang: Lang, key: &str, vars: &[(&str, &str)]) -> String {
    livegate_core::catalog::msg(&format!("batch_{key}"), lang, vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_messages_come_from_the_catalogue_in_both_languages() {
        assert_eq!(msg(Lang::En, "eligible", &[]), "eligible");
        assert_eq!(msg(Lang::Zh, "eligible", &[]), "可以直播");
        assert_eq!(
            msg(Lang::En, "summary_errors", &[("errors", "3")]),
            "  bad lines: 3"
        );
    }
}
