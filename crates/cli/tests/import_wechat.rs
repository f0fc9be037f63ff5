//! `livegate rules import-wechat` and ruleset fragments, as a service
//! provider uses them: WeChat's catalogue in, a fragment out that lints
//! clean and evaluates when included, bad catalogues refused with their JSON
//! path and nothing written.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{ROOT, err, livegate, out};
use serde_json::Value;

const CATALOGUE: &str = "examples/wechat/getallcategories.json";
const FRAGMENT: &str = "examples/wechat/wechat-catalog.toml";

fn import_to(dir: &Path, catalogue: &str, extra: &[&str]) -> (Output, std::path::PathBuf) {
    let target = dir.join("catalog.toml");
    let mut args = vec![
        "rules",
        "import-wechat",
        catalogue,
        "-o",
        target.to_str().unwrap(),
        // The day the committed fragment was read.
        "--verified",
        "2026-12-03",
    ];
    args.extend_from_slice(extra);
    (livegate(&args), target)
}

/// The curated ruleset with an `include` of `fragment`, written beside it.
fn ruleset_including(dir: &Path, fragment: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(format!("{ROOT}/rules/wechat-live.toml")).unwrap();
    let text = text.replacen(
        "[ruleset]\n",
        &format!("[ruleset]\ninclude = [\"{fragment}\"]\n"),
        1,
    );
    let path = dir.join("ruleset.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_committed_fragment_is_what_the_catalogue_imports_to() {
    let dir = tempfile::tempdir().unwrap();
    let (o, made) = import_to(dir.path(), CATALOGUE, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let made = std::fs::read_to_string(made).unwrap();
    let committed = std::fs::read_to_string(format!("{ROOT}/{FRAGMENT}")).unwrap();
    assert_eq!(
        made, committed,
        "re-import examples/wechat/getallcategories.json"
    );
    assert!(err(&o).contains("6 个类目"), "{}", err(&o));
}

#[test]
fn an_imported_fragment_lints_clean_and_the_curated_categories_win() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("{ROOT}/{FRAGMENT}"),
        dir.path().join("catalog.toml"),
    )
    .unwrap();
    let rules = ruleset_including(dir.path(), "catalog.toml");
    let o = livegate(&["rules", "lint", rules.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    // Nothing in the fragment itself.
    assert!(diags.iter().all(|d| d.get("file").is_none()), "{diags:#?}");
    // The two categories both define are reported at the curated ones.
    let differs: Vec<&str> = diags
        .iter()
        .filter_map(|d| d["message"].as_str())
        .filter(|m| m.contains("differs from `catalog.toml`"))
        .collect();
    assert_eq!(differs.len(), 2, "{differs:#?}");
    assert!(differs.iter().any(|m| m.starts_with("社交/直播")));
    assert!(differs.iter().any(|m| m.starts_with("电商平台/电商平台")));
    // The curated qualification is the one used: 社交/直播 keeps three alternatives.
    let show = livegate(&[
        "rules",
        "show",
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let c: Value = serde_json::from_slice(&show.stdout).unwrap();
    let social = c["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "social_live")
        .unwrap();
    assert_eq!(social["alternatives"].as_array().unwrap().len(), 3);
    assert_eq!(
        social["wechat_id"], 1004,
        "WeChat's id taken from the catalogue"
    );
    assert_eq!(social["wechat_first"], 1003);
}

#[test]
fn an_included_catalogue_knows_its_categories_and_what_a_rejected_one_lacks() {
    let profile = r#"{"subject":{"type":"enterprise"},"categories":[
        {"first":"商家自营","second":"食品","status":"rejected"},
        {"first":"社交","second":"直播","status":"planned"}]}"#;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.json");
    std::fs::write(&p, profile).unwrap();
    let ids = |extra: &[&str]| {
        let mut args = vec![
            "check",
            p.to_str().unwrap(),
            "--format",
            "json",
            "--lang",
            "en",
        ];
        args.extend_from_slice(extra);
        let o = livegate(&args);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["findings"].as_array().unwrap().clone()
    };
    let without = ids(&[]);
    assert!(without.iter().any(|f| f["id"] == "unknown_category"));
    let with = ids(&["--include", FRAGMENT]);
    // batch reads the same fragment.
    let line = dir.path().join("p.jsonl");
    let compact: Value = serde_json::from_str(profile).unwrap();
    std::fs::write(&line, compact.to_string()).unwrap();
    let batch = livegate(&[
        "batch",
        line.to_str().unwrap(),
        "-q",
        "--include",
        FRAGMENT,
        "--lang",
        "en",
    ]);
    let record: Value = serde_json::from_slice(&batch.stdout).unwrap();
    let ids_in_batch: Vec<&str> = record["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(
        !ids_in_batch.contains(&"unknown_category"),
        "{ids_in_batch:?}"
    );
    assert!(
        ids_in_batch.contains(&"category_rejected"),
        "{ids_in_batch:?}"
    );
    assert!(
        !with.iter().any(|f| f["id"] == "unknown_category"),
        "{with:#?}"
    );
    let rejected = with
        .iter()
        .find(|f| f["id"] == "category_rejected")
        .unwrap();
    assert!(
        rejected["message"]
            .as_str()
            .unwrap()
            .contains("still lacks: 食品经营许可证"),
        "{rejected}"
    );
}

#[test]
fn plan_wechat_takes_the_ids_from_the_catalogue_field_by_field() {
    let o = livegate(&[
        "plan",
        "examples/wechat/new-social-live.json",
        "--wechat",
        "--include",
        FRAGMENT,
        "--as-of",
        "2026-11-28",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    let want: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{ROOT}/examples/wechat/new-social-live.addcategory.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let (g, w) = (
        &got["addcategory"]["categories"][0],
        &want["addcategory"]["categories"][0],
    );
    assert_eq!(g["first"], 1003, "社交's id in the catalogue");
    assert_eq!(g["second"], 1004, "直播's id in the catalogue");
    assert_eq!(g["certicates"], w["certicates"]);
    assert_eq!(got, want);
    // Without the catalogue the ids are unknown: reported, not invented.
    let o = livegate(&["plan", "examples/wechat/new-social-live.json", "--wechat"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["addcategory"]["categories"].as_array().unwrap().len(), 0);
    assert_eq!(v["unresolved"][0]["category"], "社交/直播");
}

/// A bad catalogue: exit 2, the JSON path named, nothing written.
fn refused(catalogue: &str, expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.json");
    std::fs::write(&input, catalogue).unwrap();
    let (o, target) = import_to(dir.path(), input.to_str().unwrap(), &["--lang", "en"]);
    assert_eq!(o.status.code(), Some(2), "{catalogue}: {}", err(&o));
    assert!(err(&o).contains(expect), "{catalogue}: {}", err(&o));
    assert!(out(&o).is_empty());
    assert!(!target.exists(), "nothing written");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary left"
    );
}

fn catalogue(nodes: &str) -> String {
    format!(r#"{{"errcode":0,"errmsg":"ok","categories_list":{{"categories":[{nodes}]}}}}"#)
}

#[test]
fn a_catalogue_that_is_not_json_is_refused_with_its_line() {
    refused("{\n  \"categories_list\": [", "line 2");
}

#[test]
fn a_wrong_shape_names_the_json_path() {
    refused(
        &catalogue(r#"{"id":"three","name":"x","level":1}"#),
        "categories_list.categories[0].id",
    );
}

#[test]
fn an_errcode_is_refused_with_its_code_and_message() {
    refused(
        r#"{"errcode":40001,"errmsg":"invalid credential"}"#,
        "errcode 40001 (invalid credential)",
    );
}

#[test]
fn a_father_that_does_not_exist_is_refused() {
    refused(
        &catalogue(
            r#"{"id":1,"name":"社交","level":1,"father":0,"children":[2]},{"id":2,"name":"直播","level":2,"father":9}"#,
        ),
        "categories_list.categories[1].father: father 9",
    );
}

#[test]
fn an_unknown_child_is_refused() {
    refused(
        &catalogue(
            r#"{"id":1,"name":"社交","level":1,"children":[2,7]},{"id":2,"name":"直播","level":2,"father":1}"#,
        ),
        "categories_list.categories[0].children[1]",
    );
}

#[test]
fn a_cycle_in_children_is_refused() {
    refused(
        &catalogue(
            r#"{"id":1,"name":"a","level":1,"children":[2]},{"id":2,"name":"b","level":2,"father":1,"children":[1]}"#,
        ),
        "children form a cycle: 1 → 2 → 1",
    );
}

#[test]
fn a_duplicate_id_is_refused() {
    refused(
        &catalogue(r#"{"id":1,"name":"a","level":1},{"id":1,"name":"b","level":1}"#),
        "id 1 appears twice",
    );
}

#[test]
fn an_existing_fragment_is_kept_without_force_and_replaced_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("catalog.toml");
    std::fs::write(&target, "# mine\n").unwrap();
    let (o, _) = import_to(dir.path(), CATALOGUE, &["--lang", "en"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("add --force"), "{}", err(&o));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "# mine\n");
    let (o, _) = import_to(dir.path(), CATALOGUE, &["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("wechat_1004")
    );
}

#[test]
fn a_missing_or_broken_included_fragment_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules = ruleset_including(dir.path(), "absent.toml");
    let o = livegate(&["rules", "lint", rules.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}{}", out(&o), err(&o));
    assert!(out(&o).contains("ruleset.include[0]"), "{}", out(&o));
    std::fs::write(
        dir.path().join("absent.toml"),
        "[fragment]\nsource = \"nowhere\"\n[[categories]]\nid = \"Bad\"\n",
    )
    .unwrap();
    let o = livegate(&["rules", "lint", rules.to_str().unwrap()]);
    assert!(
        out(&o).contains("absent.toml:"),
        "errors located in the fragment: {}",
        out(&o)
    );
    let o = livegate(&[
        "check",
        "examples/ecommerce-platform.json",
        "--include",
        "/nonexistent.toml",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("/nonexistent.toml"), "{}", err(&o));
}

#[test]
fn a_category_without_a_name_or_sharing_one_is_refused() {
    refused(
        &catalogue(
            r#"{"id":1,"name":"社交","level":1,"children":[2]},{"id":2,"name":" ","level":2,"father":1}"#,
        ),
        "categories_list.categories[1].name: category 2 has no name",
    );
    refused(
        &catalogue(
            r#"{"id":1,"name":"社交","level":1,"children":[2,3]},{"id":2,"name":"直播","level":2,"father":1},{"id":3,"name":"直播","level":2,"father":1}"#,
        ),
        "categories_list.categories[2].name: the same name as categories[1]",
    );
}

#[test]
fn a_conditional_either_imports_to_a_fragment_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.json");
    let text = catalogue(
        r#"{"id":1,"name":"餐饮","level":1,"children":[2]},{"id":2,"name":"点餐平台","level":2,"father":1,"sensitive_type":1,
            "qualify":{"exter_list":[{"inner_list":[{"name":"《营业执照》"},{"name":"若涉及食品，请提供《食品经营许可证》或《卫生许可证》"}]}]}}"#,
    );
    std::fs::write(&input, text).unwrap();
    let (o, target) = import_to(dir.path(), input.to_str().unwrap(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let fragment = std::fs::read_to_string(&target).unwrap();
    assert!(fragment.contains("optional = true"), "{fragment}");
    let rules = ruleset_including(dir.path(), "catalog.toml");
    let lint = livegate(&["rules", "lint", rules.to_str().unwrap()]);
    assert_eq!(lint.status.code(), Some(0), "{}", out(&lint));
}

#[test]
fn the_ruleset_can_come_from_standard_input() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("catalog.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_livegate"))
        .args(["rules", "import-wechat", CATALOGUE, "-o"])
        .arg(&target)
        .args(["--rules", "-", "--verified", "2026-12-03"])
        .current_dir(ROOT)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let ruleset = std::fs::read(format!("{ROOT}/rules/wechat-live.toml")).unwrap();
    child.stdin.take().unwrap().write_all(&ruleset).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let made = std::fs::read_to_string(target).unwrap();
    let committed = std::fs::read_to_string(format!("{ROOT}/{FRAGMENT}")).unwrap();
    assert_eq!(made, committed);
}
