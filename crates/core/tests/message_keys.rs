//! Every message key the code names exists in the catalogue
//! (src/text/messages.toml; its own unit test checks both languages): a missing
//! key would render as the key itself.

use std::path::Path;

use livegate_core::catalog::has;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).expect("a source file");
            out.push((p.display().to_string(), text));
        }
    }
}

/// The literal keys of `msg("key"` and `m("key")` calls, with the prefix
/// of the file's own wrapper (`serve_` for the operator commands, whose
/// files share the wrapper of `cli/src/serve/mod.rs`; `batch_` for the
/// batch crate's `msg(lang, "key")`).
fn keys((path, src): &(String, String)) -> Vec<String> {
    let serve = src.contains("format!(\"serve_{id}\")")
        || Path::new(path)
            .parent()
            .is_some_and(|d| d.ends_with("cli/src/serve"));
    let mut out: Vec<String> = scan(src, &["msg(\"", " m(\"", "(m(\"", "rm(l, \""])
        .into_iter()
        .map(|k| if serve { format!("serve_{k}") } else { k })
        .collect();
    for k in scan(src, &["msg(lang, \"", "msg(self.lang, \"", "msg(l, \""]) {
        out.push(format!("batch_{k}"));
    }
    out
}

fn scan(src: &str, openers: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for open in openers {
        let mut rest = src;
        while let Some(at) = rest.find(open) {
            rest = &rest[at + open.len()..];
            let end = rest.find('"').unwrap_or(0);
            let key = &rest[..end];
            if !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                out.push(key.to_string());
            }
        }
    }
    out
}

#[test]
fn every_message_key_the_code_names_exists_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for c in ["core", "cli", "batch", "server"] {
        sources(&root.join(c).join("src"), &mut files);
    }
    let mut seen = 0;
    for key in files.iter().flat_map(keys) {
        seen += 1;
        assert!(has(&key), "message key `{key}` is not in messages.toml");
    }
    assert!(seen > 100, "the scan found the calls: {seen}");
}
