//! Every parser of outside input, on generated input: profile JSON (as
//! text and as structured JSON), the batch reader with CSV rows and JSON
//! lines, ruleset TOML, and WeChat's getcategory response. None may panic;
//! bad input is an error with a place, and the batch keeps a record for
//! every line. Bounded cases run in `cargo test`; PROPTEST_CASES raises them.

use std::sync::OnceLock;

use livegate_batch::{Config, InputFormat};
use livegate_core::{Options, Ruleset, default_ruleset, evaluate_text, load};
use proptest::prelude::*;

fn rs() -> &'static Ruleset {
    static RS: OnceLock<Ruleset> = OnceLock::new();
    RS.get_or_init(|| default_ruleset().expect("the curated ruleset loads"))
}

/// Names a profile may use, real and almost real.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("enterprise".to_string()),
        Just("government".to_string()),
        Just("企业".to_string()),
        Just("电商平台".to_string()),
        Just("社交/直播".to_string()),
        Just("ecommerce_selling".to_string()),
        Just("娱乐性质直播".to_string()),
        Just("telecom_value_added_license".to_string()),
        Just("2026-02-30".to_string()),
        Just("hong_kong".to_string()),
        "\\PC{0,12}",
    ]
}

/// JSON values shaped like profiles, with junk where a person might put it.
fn profile_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        word().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<bool>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(word(), inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    let keys = prop_oneof![
        Just("subject"),
        Just("categories"),
        Just("scenarios"),
        Just("goods"),
        Just("services"),
        Just("documents"),
        Just("multi_merchant"),
        Just("as_of"),
        Just("steps_done"),
        Just("appid"),
    ];
    prop::collection::btree_map(keys, value, 0..6).prop_map(|m| {
        let mut o: serde_json::Map<String, serde_json::Value> =
            m.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        o.entry("subject")
            .or_insert(serde_json::json!({"type": "enterprise"}));
        serde_json::Value::Object(o)
    })
}

/// getcategory-shaped responses, with junk where WeChat or a proxy might
/// put it: errcodes, wrong types, unknown statuses, missing fields.
fn getcategory_json() -> impl Strategy<Value = serde_json::Value> {
    let status = prop_oneof![
        (0i64..6).prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("3")),
        Just(serde_json::Value::Null),
    ];
    let category = (any::<u32>(), word(), any::<u32>(), word(), status, word()).prop_map(
        |(f, fname, s, sname, st, reason)| {
            serde_json::json!({"first": f, "first_name": fname, "second": s,
                               "second_name": sname, "audit_status": st, "audit_reason": reason})
        },
    );
    let errcode = prop_oneof![Just(0i64), any::<i64>()];
    (
        errcode,
        prop::option::of(prop::collection::vec(category, 0..4)),
        word(),
    )
        .prop_map(|(code, cats, msg)| {
            let mut o = serde_json::json!({"errcode": code, "errmsg": msg});
            if let Some(c) = cats {
                o["categories"] = serde_json::Value::from(c);
            }
            o
        })
}

/// A qualification text: names in 《》, instructions, remarks, junk.
fn qualification_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("《营业执照》".to_string()),
        Just("若涉及食品，请提供《食品经营许可证》或《卫生许可证》".to_string()),
        Just("《营业执照》（经营范围需含住宿）或《特种行业许可证》".to_string()),
        Just("合作方的《特种行业经营许可证》/《营业执照》".to_string()),
        Just("运营商集团总部审批文件".to_string()),
        Just("请联系客服".to_string()),
        Just("《》".to_string()),
        Just("《未闭合".to_string()),
        "\\PC{0,30}",
    ]
}

/// getallcategories-shaped catalogues: a root, first levels and second
/// levels with qualifications, then (half the time) one corruption: a
/// father or a child that does not exist, a cycle, a duplicate id, a name
/// that is not a string.
fn catalogue_json() -> impl Strategy<Value = serde_json::Value> {
    let second = (
        0u8..3,
        prop::collection::vec(prop::collection::vec(qualification_text(), 0..3), 0..3),
        "\\PC{0,6}",
    );
    let first = (prop::collection::vec(second, 0..4), "\\PC{0,6}");
    (prop::collection::vec(first, 0..4), 0u8..10).prop_map(|(firsts, corruption)| {
        let mut nodes = vec![serde_json::json!({"id": 0, "level": 0, "children": []})];
        let mut next = 1u32;
        for (seconds, name) in firsts {
            let fid = next;
            next += 1;
            nodes[0]["children"].as_array_mut().unwrap().push(fid.into());
            let mut children = Vec::new();
            let mut kids = Vec::new();
            for (sensitive, exter, sname) in seconds {
                let sid = next;
                next += 1;
                children.push(sid);
                let exter: Vec<serde_json::Value> = exter
                    .into_iter()
                    .map(|inner| {
                        let inner: Vec<_> =
                            inner.into_iter().map(|n| serde_json::json!({"name": n})).collect();
                        serde_json::json!({"inner_list": inner})
                    })
                    .collect();
                kids.push(serde_json::json!({"id": sid, "name": sname, "level": 2, "father": fid,
                    "children": [], "sensitive_type": sensitive,
                    "qualify": {"exter_list": exter, "remark": ""}}));
            }
            nodes.push(serde_json::json!({"id": fid, "name": name, "level": 1, "father": 0, "children": children}));
            nodes.extend(kids);
        }
        let last = nodes.len() - 1;
        match corruption {
            0 => nodes[last]["father"] = serde_json::json!(999),
            1 => nodes[0]["children"].as_array_mut().unwrap().push(999.into()),
            2 => nodes[last]["children"] = serde_json::json!([0]),
            3 => nodes[last]["id"] = nodes[0]["id"].clone(),
            4 => nodes[last]["name"] = serde_json::json!(7),
            _ => {}
        }
        serde_json::json!({"errcode": 0, "categories_list": {"categories": nodes}})
    })
}

proptest! {
    // 256 cases by default; PROPTEST_CASES sets more.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn a_catalogue_is_a_fragment_that_loads_or_an_error_with_a_place(v in catalogue_json()) {
        let text = v.to_string();
        match livegate_core::wechat_import::import(&text, "c.json", rs()) {
            Ok(imported) => {
                let toml = livegate_core::wechat_import::to_toml(&imported.fragment).unwrap();
                let loaded = livegate_core::compile::load_including(
                    livegate_core::DEFAULT_RULESET,
                    "rules.toml",
                    &mut |_| Ok(toml.clone()),
                    &["c.toml".to_string()],
                );
                prop_assert!(loaded.is_ok(), "{}\n{}", toml, loaded.err().map(|e| e.to_string()).unwrap_or_default());
            }
            Err(e) => prop_assert!(!e.path.is_empty() || e.line.is_some(), "{e:?}"),
        }
    }

    #[test]
    fn a_getcategory_response_is_categories_or_an_error_with_a_place(v in getcategory_json(), text in "\\PC{0,80}") {
        for t in [v.to_string(), text] {
            match livegate_core::wechat::categories_from_getcategory(&t, livegate_core::Lang::Zh) {
                Ok(cats) => {
                    let p = livegate_core::wechat::profile_from_getcategory(&t, Some(1), None, livegate_core::Lang::Zh);
                    prop_assert!(p.is_ok());
                    prop_assert!(cats.iter().all(|c| c.status.is_some() && c.wechat_first.is_some()));
                }
                Err(e) => prop_assert!(!e.message.is_empty()),
            }
        }
    }

    #[test]
    fn profile_text_of_any_kind_is_a_report_or_an_error_with_a_place(text in "\\PC{0,200}") {
        if let Err(e) = evaluate_text(rs(), &text, &Options::default()) {
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn profile_shaped_json_is_a_report_or_an_error_naming_its_field(v in profile_json()) {
        match evaluate_text(rs(), &v.to_string(), &Options::default()) {
            Ok(r) => prop_assert!(!r.paths.is_empty()),
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
    }

    #[test]
    fn a_batch_of_any_lines_keeps_a_record_for_every_line(
        lines in prop::collection::vec("\\PC{0,80}", 0..20),
        csv in any::<bool>(),
    ) {
        let mut input = String::new();
        if csv {
            input.push_str("id,subject_type,categories,documents,region\n");
        }
        for l in &lines {
            input.push_str(l);
            input.push('\n');
        }
        let cfg = Config {
            format: if csv { InputFormat::Csv } else { InputFormat::Jsonl },
            summary: true,
            ..Config::default()
        };
        let mut out = Vec::new();
        let totals = livegate_batch::run(rs(), input.as_bytes(), &mut out, &cfg, &|_| {})
            .expect("a batch over memory does not fail");
        let written = out.iter().filter(|b| **b == b'\n').count() as u64;
        prop_assert_eq!(written, totals.records);
        prop_assert_eq!(totals.records + totals.blank, lines.len() as u64);
    }

    #[test]
    fn a_ruleset_with_a_line_changed_loads_or_names_its_errors(line in 0usize..1200, junk in "\\PC{0,20}") {
        let text = livegate_core::DEFAULT_RULESET;
        let mut lines: Vec<&str> = text.lines().collect();
        let at = line % lines.len();
        lines[at] = &junk;
        let edited = lines.join("\n");
        if let Err(e) = load(&edited, "edited.toml") {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
