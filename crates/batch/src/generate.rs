//! A reproducible generator of realistic profiles, for benchmarks and the
//! differential test: the mix of subject types, categories, statuses,
//! documents, goods and services a service provider's portfolio shows, with
//! some bad lines on request.
//!
//! The random stream is PCG-32 (`rand_pcg::Pcg32`), whose output for a seed is
//! fixed by its specification: the same `--seed` gives the same lines in every
//! version of livegate.
//!
//! Names are written the way applicants write them: ids, Chinese names (with
//! or without 《》), codes and WeChat's `verify_type` numbers, a few typos the
//! ruleset does not know. Holders are absent, exactly the subject's name, or a
//! plainly different company, never a near-variant, so that an oracle can
//! compare them as plain strings; dates are ISO `YYYY-MM-DD`.

use rand_core::Rng;
use rand_pcg::Pcg32;
use serde_json::{Map, Value, json};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    pub seed: u64,
    /// The share of bad lines, 0.0 to 1.0.
    pub bad_ratio: f64,
    /// Whether profiles carry `as_of` and documents `valid_from`,
    /// `valid_until` and `holder` (document validity).
    pub validity: bool,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            seed: 1,
            bad_ratio: 0.0,
            validity: true,
        }
    }
}

/// A stream of generated profile lines (JSON, no newline).
pub struct Generator {
    rng: Pcg32,
    opts: GenOptions,
    index: u64,
}

impl Generator {
    pub fn new(opts: GenOptions) -> Self {
        Generator {
            rng: Pcg32::new(opts.seed ^ 0x6c69_7665_6761_7465, 0x0b5e_55ed),
            opts,
            index: 0,
        }
    }

    /// The next line: a profile, or (at the bad ratio) a bad line.
    pub fn next_line(&mut self) -> String {
        let bad = self.opts.bad_ratio > 0.0 && self.unit() < self.opts.bad_ratio;
        if bad {
            return self.bad_line();
        }
        self.profile().to_string()
    }

    /// The next profile as a JSON value (never a bad one).
    pub fn profile(&mut self) -> Value {
        self.index += 1;
        let mut g = Gen { r: self };
        g.profile()
    }

    fn unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.rng.next_u64() % n as u64) as usize
    }

    fn bad_line(&mut self) -> String {
        let mut p = self.profile();
        let kind = self.below(8);
        match kind {
            // Truncated JSON.
            0 => {
                let s = p.to_string();
                let cut = s.len() / 2;
                let mut end = cut;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s[..end].to_string()
            }
            // A misspelt top-level field.
            1 => {
                if let Some(o) = p.as_object_mut() {
                    let v = o.remove("categories").unwrap_or(json!([]));
                    o.insert("catgories".into(), v);
                }
                p.to_string()
            }
            // An unknown subject type.
            2 => {
                p["subject"]["type"] = json!("enterprize");
                p.to_string()
            }
            // An unknown category status.
            3 => {
                p["categories"] =
                    json!([{"first": "电商平台", "second": "电商平台", "status": "aproved"}]);
                p.to_string()
            }
            // A wrong type.
            4 => {
                p["goods"] = json!(3);
                p.to_string()
            }
            // No subject.
            5 => {
                if let Some(o) = p.as_object_mut() {
                    o.remove("subject");
                }
                p.to_string()
            }
            // Not an object.
            6 => json!([p]).to_string(),
            // Trailing garbage.
            _ => format!("{p} }}"),
        }
    }
}

impl Iterator for Generator {
    type Item = String;
    fn next(&mut self) -> Option<String> {
        Some(self.next_line())
    }
}

const CITIES: &[&str] = &[
    "深圳", "广州", "杭州", "上海", "北京", "成都", "武汉", "南京", "厦门", "苏州", "西安", "长沙",
];
const WORDS: &[&str] = &[
    "星云", "快选", "优品", "云帆", "万象", "乐购", "青禾", "海棠", "远山", "蓝鲸", "新禾", "微光",
];
/// Subject names end in one suffix, other holders in another: a different
/// holder is never a near-variant of the subject's name.
const SUBJECT_SUFFIX: &str = "网络科技有限公司";
const OTHER_SUFFIX: &str = "文化传媒集团有限公司";
const DATES_AS_OF: &[&str] = &["2026-06-30", "2026-11-28", "2027-01-15"];

struct Gen<'a> {
    r: &'a mut Generator,
}

impl Gen<'_> {
    fn p(&mut self, prob: f64) -> bool {
        self.r.unit() < prob
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.r.below(items.len())]
    }

    /// Picks by weight.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.r.below(total as usize) as u32;
        for (t, w) in items {
            if x < *w {
                return *t;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }

    fn company(&mut self, suffix: &str) -> String {
        let c = self.pick(CITIES);
        let w = self.pick(WORDS);
        let n = self.r.below(90) + 10;
        format!("{c}市{w}{n}{suffix}")
    }

    fn date(&mut self, from_year: u32, years: u32) -> String {
        let y = from_year + self.r.below(years as usize) as u32;
        let m = self.r.below(12) + 1;
        let d = self.r.below(28) + 1;
        format!("{y:04}-{m:02}-{d:02}")
    }

    fn status(&mut self) -> Option<&'static str> {
        self.weighted(&[
            (Some("approved"), 45),
            (None, 10),
            (Some("pending"), 20),
            (Some("rejected"), 10),
            (Some("planned"), 15),
        ])
    }

    fn category(&mut self, first: &str, second: &str) -> Value {
        let mut c = Map::new();
        if self.p(0.15) {
            let sep = self.pick(&["/", "-"]);
            c.insert("first".into(), json!(format!("{first}{sep}{second}")));
        } else {
            c.insert("first".into(), json!(first));
            c.insert("second".into(), json!(second));
        }
        if let Some(s) = self.status() {
            c.insert("status".into(), json!(s));
        }
        Value::Object(c)
    }

    /// One of the live categories beyond the seed's two, as WeChat's
    /// live-player table lists them, usually with its scenario and
    /// sometimes with the documents a source gives for it.
    fn live_category(
        &mut self,
        categories: &mut Vec<Value>,
        scenarios: &mut Vec<&'static str>,
        docs: &mut Vec<Value>,
    ) {
        // (first level, second level, scenarios, documents)
        type Row = (
            &'static str,
            &'static str,
            &'static [&'static str],
            &'static [&'static str],
        );
        const MEDICAL: &[&str] = &["medical_consultation", "问诊"];
        const FINANCE: &[&str] = &["finance_service", "金融直播"];
        const CAR_DOCS: &[&str] = &[
            "business_license",
            "vehicle_manufacturer_permit",
            "厂商授权销售文件",
            "equity_relationship_letter",
        ];
        const ROWS: &[Row] = &[
            ("社交", "直播表演", &["performance", "游戏直播"], &[]),
            ("教育", "在线视频课程", &["online_class", "网课"], &[]),
            ("医疗", "互联网医院", MEDICAL, &[]),
            (
                "医疗",
                "公立医疗机构",
                MEDICAL,
                &["medical_institution_license", "事业单位法人证书"],
            ),
            ("医疗服务", "公立医疗机构", MEDICAL, &["医疗机构执业许可证"]),
            (
                "医疗",
                "其他私立医疗机构",
                MEDICAL,
                &["medical_institution_license"],
            ),
            ("医疗", "三级私立医疗机构", MEDICAL, &[]),
            ("金融", "银行", FINANCE, &[]),
            ("金融业", "保险", FINANCE, &[]),
            ("金融", "证券/期货", FINANCE, &[]),
            (
                "金融",
                "私募基金",
                FINANCE,
                &["private_fund_filing", "私募投资基金管理人登记证书"],
            ),
            ("金融", "消费金融", FINANCE, &[]),
            ("汽车", "汽车预售", &["car_presale", "汽车预售"], CAR_DOCS),
            ("汽车服务", "汽车预售服务", &["car_presale"], CAR_DOCS),
            ("IT科技", "多方通信", &["conference_call", "视频会议"], &[]),
            ("IT科技", "音视频设备", &["smart_home_camera"], &[]),
            (
                "房地产服务",
                "房地产营销",
                &["real_estate_marketing", "看房直播"],
                &[],
            ),
            ("商业服务", "公证", &["notary_online"], &[]),
        ];
        let (first, second, scen, needs) = ROWS[self.r.below(ROWS.len())];
        if self.p(0.85) {
            categories.push(self.category(first, second));
        }
        if self.p(0.85) {
            scenarios.push(self.pick(scen));
        }
        if self.p(0.1) {
            scenarios.push(self.pick(&["entertainment", "ecommerce_selling", "online_class"]));
        }
        for &d in needs {
            if self.p(0.6) {
                docs.push(json!({"kind": d}));
            }
        }
    }

    fn profile(&mut self) -> Value {
        let index = self.r.index;
        let subject = self.weighted(&[
            ("enterprise", 68),
            ("individual", 8),
            ("government", 6),
            ("media", 7),
            ("other_org", 11),
        ]);
        let written = match self.r.below(10) {
            0 => json!(match subject {
                "individual" => 0,
                "enterprise" => 1,
                "government" => 2,
                "media" => 3,
                _ => 4,
            }),
            1 => json!(match subject {
                "individual" => "个人",
                "enterprise" => "企业",
                "government" => "政府",
                "media" => "媒体",
                _ => "其他组织",
            }),
            _ => json!(subject),
        };
        let validity = self.r.opts.validity;
        let subject_name = if subject == "individual" {
            self.p(0.5).then(|| format!("{}小店", self.pick(WORDS)))
        } else {
            self.p(0.85).then(|| self.company(SUBJECT_SUFFIX))
        };
        let mut p = Map::new();
        p.insert("id".into(), json!(format!("m-{index:07}")));
        if self.p(0.8) {
            let hex = self.r.rng.next_u64();
            p.insert("appid".into(), json!(format!("wx{hex:016x}")));
        }
        let mut s = Map::new();
        s.insert("type".into(), written);
        if let Some(n) = &subject_name {
            s.insert("name".into(), json!(n));
        }
        if subject != "individual" && self.p(0.5) {
            let n = self.r.rng.next_u64() % 1_000_000_000_000;
            s.insert("credit_code".into(), json!(format!("91440300{n:010}")));
        }
        p.insert("subject".into(), Value::Object(s));

        // What the merchant does: an e-commerce platform, a social live
        // app, both, another live category of WeChat's table, or
        // something else.
        let kind = self.weighted(&[
            ("ecommerce", 36),
            ("social", 24),
            ("both", 14),
            ("live", 16),
            ("other", 10),
        ]);
        let mut categories = Vec::new();
        let mut scenarios = Vec::new();
        let mut docs: Vec<Value> = Vec::new();
        if matches!(kind, "ecommerce" | "both") {
            if self.p(0.9) {
                categories.push(self.category("电商平台", "电商平台"));
            }
            scenarios.push(self.pick(&["ecommerce_selling", "电商直播", "直播带货"]));
            if self.p(0.9) {
                let mm = self.weighted(&[(Some(true), 80), (Some(false), 12), (None, 8)]);
                if let Some(mm) = mm {
                    p.insert("multi_merchant".into(), json!(mm));
                }
            }
            if self.p(0.8) {
                // Alternative A: the telecom licence and the platform rules.
                if self.p(0.8) {
                    let items: Vec<&str> = match self.r.below(10) {
                        0 => vec!["B11"],
                        1 => vec!["code_and_protocol_conversion", "internet_access"],
                        2 => vec!["互联网信息服务业务"],
                        3 => vec!["internet_information_service"],
                        4 => vec!["B25", "B11"],
                        5 => vec![],
                        6 => vec!["B21"],
                        _ => vec!["online_data_processing"],
                    };
                    let kind = self.pick(&[
                        "telecom_value_added_license",
                        "增值电信业务经营许可证",
                        "《增值电信业务经营许可证》",
                        "ICP经营许可证",
                    ]);
                    let mut d = json!({"kind": kind});
                    if !items.is_empty() || self.p(0.5) {
                        d["service_items"] = json!(items);
                    }
                    docs.push(d);
                }
            } else {
                // Alternative B: the refusal notice and the application set.
                for k in [
                    "license_not_accepted_notice",
                    "business_license",
                    "business_plan_technical_form",
                    "telecom_license_application_form",
                    "company_personnel_form",
                    "network_security_measures",
                    "shareholder_tracing_materials",
                    "lawful_operation_commitment",
                    "other_authority_materials",
                ] {
                    if self.p(0.92) {
                        docs.push(json!({"kind": k}));
                    }
                }
            }
            for k in [
                ["platform_service_agreement", "电商平台服务协议、交易规则"],
                ["merchant_admission_rules", "入驻规范"],
                ["dispute_resolution_mechanism", "交易纠纷处理机制"],
            ] {
                if self.p(0.85) {
                    let k = if self.p(0.2) { k[1] } else { k[0] };
                    docs.push(json!({"kind": k}));
                }
            }
        }
        if matches!(kind, "social" | "both") {
            if self.p(0.9) {
                categories.push(self.category("社交", "直播"));
            }
            scenarios.push(self.pick(&["entertainment", "宠物直播", "娱乐直播", "明星直播"]));
            match self.r.below(10) {
                0..=3 => docs.push(json!({"kind": self.pick(&[
                    "audiovisual_program_license",
                    "《信息网络传播视听节目许可证》",
                    "视听许可证",
                ])})),
                4..=6 => {
                    let scope = match self.r.below(5) {
                        0 => json!(["online_music"]),
                        1 => json!(["网络表演", "网络音乐"]),
                        2 => json!("online_performance"),
                        _ => json!(["online_performance"]),
                    };
                    docs.push(json!({"kind": self.pick(&["network_culture_license", "文网文"]), "scope": scope}));
                }
                7 => {
                    docs.push(json!({"kind": "credit_code_certificate"}));
                    if self.p(0.8) {
                        docs.push(json!({"kind": "情况说明函件"}));
                    }
                }
                _ => {}
            }
        }
        if kind == "live" {
            self.live_category(&mut categories, &mut scenarios, &mut docs);
        }
        if subject == "government" && self.p(0.3) {
            scenarios.push(self.pick(&["government_affairs", "政务直播"]));
        }
        if kind == "other" {
            if self.p(0.5) {
                categories.push(self.category("工具", "信息查询"));
            }
            if self.p(0.3) {
                scenarios.push(self.pick(&["ecommerce_selling", "entertainment"]));
            }
        }
        // Cross-cutting: stray scenarios and misspelt names.
        if self.p(0.04) {
            scenarios.push("ecommerce_seling");
        }

        let mut goods = Vec::new();
        if kind != "social" || self.p(0.2) {
            if self.p(0.12) {
                goods.push(self.pick(&["medical_device", "医疗器械"]));
            }
            if self.p(0.08) {
                goods.push(self.pick(&["otc_drug", "非处方药"]));
            }
            if self.p(0.03) {
                goods.push(self.pick(&["aphrodisiac", "催情香水"]));
            }
            if self.p(0.02) {
                goods.push("illegal_goods");
            }
            if self.p(0.05) {
                goods.push("服装");
            }
        }
        let medical = goods
            .iter()
            .any(|g| matches!(*g, "medical_device" | "医疗器械" | "otc_drug" | "非处方药"));
        if (medical && self.p(0.5)) || self.p(0.02) {
            let second = self.pick(&["医疗器械", "药品", "互联网医院"]);
            categories.push(self.category("医疗", second));
        }

        let mut services = Vec::new();
        if self.p(0.08) {
            services.push(self.pick(&["political_news", "时政信息"]));
        }
        if (!services.is_empty() && self.p(0.5)) || self.p(0.02) {
            categories.push(self.category("时政信息", "时政信息"));
            match self.r.below(4) {
                0 => docs.push(json!({"kind": "internet_news_license"})),
                1 => {
                    docs.push(json!({"kind": "non_commercial_icp_filing"}));
                    docs.push(json!({"kind": "organization_code_certificate"}));
                }
                2 => docs.push(json!({"kind": "organization_code_certificate"})),
                _ => {}
            }
        }
        if self.p(0.03) {
            docs.push(json!({"kind": "营业执照副本"}));
        }
        if self.p(0.1) && categories.len() > 1 {
            // The order categories are listed in never matters.
            categories.reverse();
        }

        // Document details.
        for d in &mut docs {
            if self.p(0.3) {
                let n = self.r.below(100_000);
                d["number"] = json!(format!("粤B2-2020{n:05}"));
            }
            if validity {
                if self.p(0.6) {
                    // Mostly in force, sometimes lapsed.
                    let until = if self.p(0.8) {
                        self.date(2027, 4)
                    } else {
                        self.date(2024, 3)
                    };
                    d["valid_until"] = json!(until);
                }
                if self.p(0.3) {
                    let from = if self.p(0.9) {
                        self.date(2019, 7)
                    } else {
                        self.date(2027, 2)
                    };
                    d["valid_from"] = json!(from);
                }
                match self.r.below(10) {
                    0..=3 => {}
                    4..=8 => {
                        if let Some(n) = &subject_name {
                            d["holder"] = json!(n);
                        }
                    }
                    _ => d["holder"] = json!(self.company(OTHER_SUFFIX)),
                }
            }
        }
        if validity {
            let as_of = self.pick(DATES_AS_OF);
            p.insert("as_of".into(), json!(as_of));
        }

        p.insert("categories".into(), json!(categories));
        if !scenarios.is_empty() {
            p.insert("scenarios".into(), json!(scenarios));
        }
        if !goods.is_empty() {
            p.insert("goods".into(), json!(goods));
        }
        if !services.is_empty() {
            p.insert("services".into(), json!(services));
        }
        p.insert("documents".into(), json!(docs));
        Value::Object(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_lines_and_another_seed_other_lines() {
        let a: Vec<String> = Generator::new(GenOptions::default()).take(50).collect();
        let b: Vec<String> = Generator::new(GenOptions::default()).take(50).collect();
        let c: Vec<String> = Generator::new(GenOptions {
            seed: 2,
            ..GenOptions::default()
        })
        .take(50)
        .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn the_stream_for_a_seed_is_stable_across_versions() {
        // PCG-32's output is fixed by its specification: if this changes,
        // generated benchmark inputs are no longer comparable.
        let mut g = Generator::new(GenOptions::default());
        let first: Vec<u64> = (0..3).map(|_| g.rng.next_u64()).collect();
        let mut h = Pcg32::new(1 ^ 0x6c69_7665_6761_7465, 0x0b5e_55ed);
        assert_eq!(first, (0..3).map(|_| h.next_u64()).collect::<Vec<_>>());
        assert_eq!(
            first[0], STABLE_FIRST_U64,
            "the PCG-32 stream for seed 1 changed"
        );
    }

    const STABLE_FIRST_U64: u64 = 5_131_076_132_761_777_062;

    #[test]
    fn without_validity_no_dates_or_holders_appear() {
        let lines: Vec<String> = Generator::new(GenOptions {
            validity: false,
            ..GenOptions::default()
        })
        .take(500)
        .collect();
        for l in &lines {
            assert!(
                !l.contains("\"valid_until\"")
                    && !l.contains("\"holder\"")
                    && !l.contains("\"as_of\"")
            );
        }
    }

    #[test]
    fn bad_ratio_gives_about_that_share_of_bad_lines() {
        let lines: Vec<String> = Generator::new(GenOptions {
            bad_ratio: 0.2,
            ..GenOptions::default()
        })
        .take(2000)
        .collect();
        let bad = lines
            .iter()
            .filter(|l| {
                livegate_core::parse_profile(l).is_err()
                    || l.contains("enterprize")
                    || l.contains("aproved")
            })
            .count();
        assert!((300..=500).contains(&bad), "{bad} bad lines of 2000");
    }
}
