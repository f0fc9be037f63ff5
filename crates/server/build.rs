//! The service's two text catalogues as enums, so that a key the code
//! names but the catalogue lacks, a key without both languages, or two
//! languages with different placeholders fail the build:
//!
//! - `src/problems.toml`, the API's problem texts: `problems::Msg`;
//! - `src/console/console.toml`, the console's page texts: `i18n::Key`
//!   (crate-visible, so an entry no page uses is a dead-code warning).

use std::collections::BTreeSet;
use std::fmt::Write;

fn placeholders(s: &str) -> BTreeSet<String> {
    s.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

fn camel(key: &str) -> String {
    key.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The catalogue `src` as `pub(vis) enum name`, written to `OUT_DIR/out`.
fn generate(src: &str, name: &str, vis: &str, out: &str) {
    println!("cargo::rerun-if-changed={src}");
    let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{src} is not TOML: {e}"));
    let mut variants = String::new();
    let mut arms = String::new();
    for (key, entry) in &table {
        let get = |lang: &str| {
            entry
                .get(lang)
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| panic!("{src}: `{key}` has no {lang} text"))
                .to_string()
        };
        let (zh, en) = (get("zh"), get("en"));
        assert_eq!(
            placeholders(&zh),
            placeholders(&en),
            "{src}: `{key}` has different placeholders in zh and en"
        );
        let variant = camel(key);
        let _ = writeln!(variants, "    {variant},");
        let _ = writeln!(
            arms,
            "            {name}::{variant} => ({key:?}, {zh:?}, {en:?}),"
        );
    }
    let code = format!(
        "/// A text of `{src}` (generated from it by build.rs).\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq)]\n\
         {vis} enum {name} {{\n{variants}}}\n\n\
         impl {name} {{\n\
         /// Its key, its zh text and its en text.\n\
         pub fn parts(self) -> (&'static str, &'static str, &'static str) {{\n\
         match self {{\n{arms}        }}\n    }}\n}}\n"
    );
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(std::path::Path::new(&dir).join(out), code).expect("write a catalogue");
}

fn main() {
    generate("src/problems.toml", "Msg", "pub", "problems.rs");
    generate(
        "src/console/console.toml",
        "Key",
        "pub(crate)",
        "console_keys.rs",
    );
}
