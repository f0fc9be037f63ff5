//! Bilingual text: zh-CN first, en second.

use serde::{Deserialize, Serialize};

/// The language a user reads output in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A text in both languages, as the ruleset and the catalogues carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[serde(default)]
    pub zh: String,
    #[serde(default)]
    pub en: String,
}

impl Text {
    /// The text in `lang`, falling back to the other language when missing.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh if !self.zh.is_empty() => &self.zh,
            Lang::En if !self.en.is_empty() => &self.en,
            Lang::Zh => &self.en,
            Lang::En => &self.zh,
        }
    }
}

/// Fills `{name}` placeholders in a message template. Unknown placeholders stay as written.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_placeholders_and_keeps_unknown_ones() {
        assert_eq!(
            fill("a {x} b {y} {z", &[("x", "1"), ("y", "2")]),
            "a 1 b 2 {z"
        );
        assert_eq!(fill("{q}", &[]), "{q}");
    }

    #[test]
    fn text_falls_back_to_the_other_language() {
        let t = Text {
            zh: "中".into(),
            en: String::new(),
        };
        assert_eq!(t.get(Lang::En), "中");
        assert_eq!(t.get(Lang::Zh), "中");
    }
}
