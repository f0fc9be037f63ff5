//! The API's problem texts in the reader's language. The catalogue is
//! `problems.toml`; `build.rs` makes its keys the [`Msg`] enum, so every
//! text the code names exists in zh and en by construction.

use livegate_core::Lang;

include!(concat!(env!("OUT_DIR"), "/problems.rs"));

impl Msg {
    /// The text in `lang`, its `{placeholders}` filled.
    pub fn in_lang(self, lang: Lang, vars: &[(&str, &str)]) -> String {
        let (_, zh, en) = self.parts();
        let template = match lang {
            Lang::Zh => zh,
            Lang::En => en,
        };
        livegate_core::l10n::fill(template, vars)
    }
}

/// The language of the request being answered (zh outside one).
pub fn lang() -> Lang {
    crate::layers::current().map_or(Lang::Zh, |cx| cx.lang)
}

/// The text in the language of the request being answered.
pub fn say(msg: Msg, vars: &[(&str, &str)]) -> String {
    msg.in_lang(lang(), vars)
}
