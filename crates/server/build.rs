//! The API's problem texts (`src/problems.toml`) as an enum, so that a key
//! the code names but the catalogue lacks, a key without both languages, or
//! two languages with different placeholders fail the build.

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

fn main() {
    println!("cargo::rerun-if-changed=src/problems.toml");
    let text = std::fs::read_to_string("src/problems.toml").expect("src/problems.toml");
    let table: toml::Table = text.parse().expect("src/problems.toml is TOML");
    let mut variants = String::new();
    let mut arms = String::new();
    for (key, entry) in &table {
        let get = |lang: &str| {
            entry
                .get(lang)
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| panic!("problems.toml: `{key}` has no {lang} text"))
                .to_string()
        };
        let (zh, en) = (get("zh"), get("en"));
        assert_eq!(
            placeholders(&zh),
            placeholders(&en),
            "problems.toml: `{key}` has different placeholders in zh and en"
        );
        let name = camel(key);
        let _ = writeln!(variants, "    {name},");
        let _ = writeln!(
            arms,
            "            Msg::{name} => ({key:?}, {zh:?}, {en:?}),"
        );
    }
    let code = format!(
        "/// A text of the API's problems (generated from `src/problems.toml`).\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq)]\n\
         pub enum Msg {{\n{variants}}}\n\n\
         impl Msg {{\n\
         /// Its key, its zh text and its en text.\n\
         pub fn parts(self) -> (&'static str, &'static str, &'static str) {{\n\
         match self {{\n{arms}        }}\n    }}\n}}\n"
    );
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("problems.rs");
    std::fs::write(out, code).expect("write the generated catalogue");
}
