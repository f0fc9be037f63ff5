//! The audit against the copy of WeChat's catalogue the ruleset was
//! verified on: every category the page lists reads as the ruleset has it.

use super::*;
use crate::default_ruleset;

const PAGE: &str = include_str!("../../../../../docs/sources/wechat-categories-2026-02.txt");

#[test]
fn every_category_the_verified_page_lists_reads_as_the_ruleset_has_it() {
    let rs = default_ruleset().unwrap();
    let audits = audit(&rs, &Catalogue::read(PAGE).unwrap());
    let differing: Vec<String> = audits
        .iter()
        .filter(|a| a.state == AuditState::Differs)
        .map(|a| {
            let names = |sets: &[Vec<Doc>]| -> Vec<Vec<String>> {
                sets.iter()
                    .map(|s| s.iter().map(|d| doc_name(&rs, d)).collect())
                    .collect()
            };
            format!(
                "{}: WeChat lists {:?}, the ruleset {:?}",
                rs.categories[a.category].label(),
                names(&a.only_wechat),
                names(&a.only_ruleset)
            )
        })
        .collect();
    assert!(differing.is_empty(), "{differing:#?}");
    let unlisted: Vec<&str> = audits
        .iter()
        .filter(|a| a.state == AuditState::NotListed)
        .map(|a| rs.categories[a.category].id.as_str())
        .collect();
    assert_eq!(
        unlisted,
        ["social_live_performance"],
        "only 直播表演 has no row"
    );
}

#[test]
fn a_list_changed_on_the_page_is_found_and_named() {
    let rs = default_ruleset().unwrap();
    // WeChat drops the filing from 社交/直播 and adds a document to 融资担保.
    let edited = PAGE
        .replacen(
            "1、《信息网络传播视听节目许可证》\n2、《全国网络视听平台信息登记管理系统》备案\n3、《统一社会信用代码》",
            "1、《信息网络传播视听节目许可证》\n2、《统一社会信用代码》",
            1,
        )
        .replacen(
            "《融资担保业务经营许可证》\n",
            "同时提供：\n1、《融资担保业务经营许可证》\n2、地方金融监管部门的年审证明\n",
            1,
        );
    assert_ne!(edited, PAGE, "the edits apply");
    let audits = audit(&rs, &Catalogue::read(&edited).unwrap());
    let of = |id: &str| {
        audits
            .iter()
            .find(|a| rs.categories[a.category].id == id)
            .unwrap()
    };
    let social = of("social_live");
    assert_eq!(social.state, AuditState::Differs);
    assert!(social.only_wechat.is_empty());
    let filing = rs
        .lookups
        .documents
        .get("audiovisual_platform_filing")
        .unwrap();
    assert_eq!(social.only_ruleset, vec![vec![Doc::Known(filing)]]);
    let guarantee = of("finance_guarantee");
    assert_eq!(guarantee.state, AuditState::Differs);
    assert!(
        guarantee.only_wechat[0].contains(&Doc::New("地方金融监管部门的年审证明".into())),
        "{:?}",
        guarantee.only_wechat
    );
    let changed = audits
        .iter()
        .filter(|a| a.state == AuditState::Differs)
        .count();
    assert_eq!(changed, 2, "nothing else differs");
    let page = "https://developers.weixin.qq.com/miniprogram/product/material/";
    let fragment = what_if(&rs, &audits, (page, "edited.txt")).expect("something differs");
    assert!(
        fragment.contains("replaces = true") && fragment.contains("地方金融监管部门的年审证明")
    );
}

#[test]
fn a_response_in_wechats_format_is_compared_the_same_way() {
    let rs = default_ruleset().unwrap();
    let response = serde_json::json!({"errcode": 0, "categories_list": {"categories": [
        {"id": 0, "children": [1]},
        {"id": 1, "name": "社交", "level": 1, "father": 0, "children": [2], "sensitive_type": 0},
        {"id": 2, "name": "直播", "level": 2, "father": 1, "children": [], "sensitive_type": 1,
         "qualify": {"exter_list": [
            {"inner_list": [{"name": "《信息网络传播视听节目许可证》"}]},
            {"inner_list": [{"name": "《全国网络视听平台信息登记管理系统》备案"}]},
            {"inner_list": [{"name": "《统一社会信用代码》"}, {"name": "《情况说明函件》（适用于政府主体）"}]}
         ]}},
    ]}});
    let audits = audit(&rs, &Catalogue::read(&response.to_string()).unwrap());
    let social = audits
        .iter()
        .find(|a| rs.categories[a.category].id == "social_live")
        .unwrap();
    assert_eq!(social.state, AuditState::Same);
    assert!(
        audits
            .iter()
            .filter(|a| a.category != social.category)
            .all(|a| a.state == AuditState::NotListed)
    );
}
