//! WeChat's code-review pushes over HTTP, on SQLite and PostgreSQL: a
//! result is stored on the applicant of its appid and a failure's category
//! is marked rejected with WeChat's reason; a replay, a wrong signature, a
//! stale timestamp and a body that does not decrypt are refused with
//! nothing stored. (e2e/wechat/push.py sends the same with wechatpy.)

mod common;

use common::{Server, backends};
use livegate_server::Settings;
use livegate_server::push::{PushConfig, crypto};
use serde_json::json;

const TOKEN: &str = "livegatetoken";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const PLATFORM: &str = "wxcomponent00000001";
const APPID: &str = "wx00000000000000f1";

fn start(b: &common::Backend) -> Server {
    let push = PushConfig::new(TOKEN, KEY, PLATFORM).expect("config");
    Server::start_with(
        b,
        Settings {
            wechat_push: Some(push),
            ..Settings::default()
        },
    )
}

fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    secs.to_string()
}

fn event(kind: &str, reason: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_0000000000f1]]></ToUserName><FromUserName><![CDATA[o0]]></FromUserName>\
         <CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{kind}]]></Event>\
         <Reason><![CDATA[{reason}]]></Reason><FailTime>1700000000</FailTime></xml>"
    )
}

/// A push as WeChat sends it: the envelope, and the query that signs it.
fn push(s: &Server, msg: &str, nonce: &str, ts: &str, tamper: bool) -> common::Resp {
    let key = crypto::key_of(KEY).expect("key");
    let sealed = crypto::encrypt(&key, msg, PLATFORM, [3; 16]);
    let mut sig = crypto::signature(TOKEN, ts, nonce, &sealed);
    if tamper {
        sig = sig.replace(|c: char| c.is_ascii_digit(), "a");
    }
    let body = format!(
        "<xml><ToUserName><![CDATA[gh_0000000000f1]]></ToUserName><Encrypt><![CDATA[{sealed}]]></Encrypt></xml>"
    );
    let path = format!(
        "/wechat/events/{APPID}?timestamp={ts}&nonce={nonce}&msg_signature={sig}&encrypt_type=aes"
    );
    s.call(
        "POST",
        &path,
        None,
        &[("Content-Type", "text/xml")],
        body.as_bytes(),
    )
}

#[test]
fn review_results_are_stored_once_and_a_named_category_is_rejected() {
    for b in backends() {
        let s = start(&b);
        let t = s.tenant("acme");
        let profile = json!({"appid": APPID, "subject": {"type": "enterprise"},
            "categories": [{"first": "金融业", "second": "保险", "status": "pending"}]});
        let app = s.json("POST", "/v1/applicants", &t.editor, &profile).json()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let events = format!("/v1/applicants/{app}/wechat/events");

        let r = push(&s, &event("weapp_audit_success", ""), "n1", &now(), false);
        assert_eq!((r.status, r.text().as_str()), (200, "success"));
        assert_eq!(
            s.get(&events, &t.viewer).json()["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        let reason = "服务类目\"金融业-保险\"与你提交代码审核时设置的功能页面内容不一致";
        let r = push(&s, &event("weapp_audit_fail", reason), "n2", &now(), false);
        assert_eq!(r.status, 200, "{}", r.text());
        let list = s.get(&events, &t.viewer).json();
        assert_eq!(list["items"][0]["event"], "weapp_audit_fail");
        assert_eq!(list["items"][0]["category"], "金融业/保险");
        assert_eq!(list["items"][0]["happened_at"], "2023-11-14T22:13:20.000Z");
        let a = s.get(&format!("/v1/applicants/{app}"), &t.viewer).json();
        let cat = &a["profile"]["categories"][0];
        assert_eq!(cat["status"], "rejected", "{a}");
        assert_eq!(cat["audit_reason"], reason);
        let audit = s.get("/v1/audit", &t.admin).text();
        assert!(audit.contains("wechat.review_result"), "{audit}");

        // Refused, and nothing stored: a replay, a wrong signature, a stale
        // timestamp, a body that does not decrypt, no signature at all.
        let before = (
            s.get(&events, &t.viewer).text(),
            s.get(&format!("/v1/applicants/{app}"), &t.viewer).text(),
        );
        assert_eq!(
            push(&s, &event("weapp_audit_success", ""), "n2", &now(), false).status,
            401,
            "replay"
        );
        assert_eq!(
            push(&s, &event("weapp_audit_success", ""), "n3", &now(), true).status,
            401,
            "signature"
        );
        assert_eq!(
            push(
                &s,
                &event("weapp_audit_success", ""),
                "n4",
                "1700000000",
                false
            )
            .status,
            401,
            "stale"
        );
        let ts = now();
        let sig = crypto::signature(TOKEN, &ts, "n5", "bm90IGNpcGhlcg==");
        let path = format!("/wechat/events/{APPID}?timestamp={ts}&nonce=n5&msg_signature={sig}");
        let r = s.call(
            "POST",
            &path,
            None,
            &[],
            b"<xml><Encrypt>bm90IGNpcGhlcg==</Encrypt></xml>",
        );
        assert_eq!(r.status, 400, "{}", r.text());
        let r = s.call(
            "POST",
            &format!("/wechat/events/{APPID}"),
            None,
            &[],
            b"<xml/>",
        );
        assert_eq!(r.status, 400);
        let after = (
            s.get(&events, &t.viewer).text(),
            s.get(&format!("/v1/applicants/{app}"), &t.viewer).text(),
        );
        assert_eq!(after, before);
    }
}

#[test]
fn without_the_platforms_key_there_is_no_receiver() {
    let s = Server::start(&common::Backend::Sqlite);
    let r = s.call(
        "POST",
        &format!("/wechat/events/{APPID}?timestamp=1&nonce=n&msg_signature=x"),
        None,
        &[],
        b"<xml/>",
    );
    assert_eq!(r.status, 404);
}
