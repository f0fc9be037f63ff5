//! One generated profile: a subject, a business from the mix, its
//! categories and the documents of one of their alternatives, goods and
//! services with the categories their rules require, and document details.
//! Every name comes from the ruleset, written one of the ways applicants
//! write it.

use livegate_core::Lang;
use livegate_core::ruleset::{Atom, Term};
use serde_json::{Map, Value, json};

use super::Generator;
use super::mix::{BusinessPlan, QualifyOnly};

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
/// A licence number in a format of its own, for kinds without one.
const OTHER_NUMBER: &str = "粤B2-2020#####";

/// What a profile is being built from.
#[derive(Default)]
struct Draft {
    categories: Vec<Value>,
    listed: Vec<usize>,
    /// Whether the merchant sells goods at all.
    sells: bool,
    scenarios: Vec<String>,
    goods: Vec<usize>,
    goods_written: Vec<String>,
    services: Vec<usize>,
    /// Each document with its ruleset kind (`None`: a name it does not know).
    documents: Vec<(Option<usize>, Value)>,
}

/// A name's spellings: id, Chinese name, aliases, code.
struct Names<'a> {
    id: &'a str,
    name: &'a str,
    aliases: &'a [String],
    code: Option<&'a str>,
}

fn term(t: &Term) -> Names<'_> {
    Names {
        id: &t.id,
        name: t.name.get(Lang::Zh),
        aliases: &t.aliases,
        code: t.code.as_deref(),
    }
}

impl Generator<'_> {
    /// A name, written the way the mix's spelling weights say.
    fn spell(&mut self, n: &Names) -> String {
        let s = self.plan.spelling;
        let way = self.weighted(&[(0, s.id), (1, s.name), (2, s.alias), (3, s.code)]);
        match way {
            1 => n.name.to_string(),
            2 if !n.aliases.is_empty() => n.aliases[self.below(n.aliases.len())].clone(),
            3 if n.code.is_some() => n.code.unwrap_or(n.id).to_string(),
            _ => n.id.to_string(),
        }
    }

    fn company(&mut self, suffix: &str) -> String {
        let c = self.pick(CITIES);
        let w = self.pick(WORDS);
        let n = self.below(90) + 10;
        format!("{c}市{w}{n}{suffix}")
    }

    fn date(&mut self, from_year: usize, years: usize) -> String {
        let y = from_year + self.below(years);
        let m = self.below(12) + 1;
        let d = self.below(28) + 1;
        format!("{y:04}-{m:02}-{d:02}")
    }

    pub(super) fn build(&mut self) -> Value {
        let subject = self.weighted(&self.plan.subjects.clone());
        let subject_name = self.subject_name(subject);
        let mut p = Map::new();
        p.insert("id".into(), json!(format!("m-{:07}", self.index)));
        if self.p(0.8) {
            let hex = self.next_u64();
            p.insert("appid".into(), json!(format!("wx{hex:016x}")));
        }
        p.insert(
            "subject".into(),
            self.subject(subject, subject_name.as_deref()),
        );
        let mut d = Draft::default();
        self.business(subject, &mut d, &mut p);
        self.subject_scenarios(subject, &mut d);
        self.goods_and_services(subject, &mut d);
        self.unknown_names(&mut d);
        if self.p(self.plan.categories.reverse) && d.categories.len() > 1 {
            // The order categories are listed in never matters.
            d.categories.reverse();
        }
        for (kind, doc) in &mut d.documents {
            self.details(*kind, doc, subject_name.as_deref());
        }
        if self.opts.validity {
            let as_of = self.pick(&self.plan.documents.as_of.clone());
            p.insert("as_of".into(), json!(as_of));
        }
        p.insert("categories".into(), json!(d.categories));
        if !d.scenarios.is_empty() {
            p.insert("scenarios".into(), json!(d.scenarios));
        }
        if !d.goods_written.is_empty() {
            p.insert("goods".into(), json!(d.goods_written));
        }
        if !d.services.is_empty() {
            let written: Vec<String> = d
                .services
                .clone()
                .iter()
                .map(|&s| self.spell(&term(&self.rs.services[s])))
                .collect();
            p.insert("services".into(), json!(written));
        }
        let documents: Vec<Value> = d.documents.into_iter().map(|(_, v)| v).collect();
        p.insert("documents".into(), Value::Array(documents));
        Value::Object(p)
    }

    fn subject_name(&mut self, subject: usize) -> Option<String> {
        if self.plan.people.contains(&subject) {
            let w = self.pick(WORDS);
            self.p(0.5).then(|| format!("{w}小店"))
        } else {
            self.p(0.85).then(|| self.company(SUBJECT_SUFFIX))
        }
    }

    /// The subject: its type as an id, a Chinese name, an alias or WeChat's
    /// verify_type number; its name; sometimes a credit code.
    fn subject(&mut self, subject: usize, name: Option<&str>) -> Value {
        let rs = self.rs;
        let st = &rs.subject_types[subject];
        let verify = st.verify_type.map(|v| v.to_string());
        let written = self.spell(&Names {
            id: &st.id,
            name: st.name.get(Lang::Zh),
            aliases: &st.aliases,
            code: verify.as_deref(),
        });
        let mut s = Map::new();
        match (verify, written.parse::<u8>()) {
            (Some(_), Ok(n)) => s.insert("type".into(), json!(n)),
            _ => s.insert("type".into(), json!(written)),
        };
        if let Some(n) = name {
            s.insert("name".into(), json!(n));
        }
        if !self.plan.people.contains(&subject) && self.p(0.5) {
            let n = self.next_u64() % 1_000_000_000_000;
            s.insert("credit_code".into(), json!(format!("91440300{n:010}")));
        }
        Value::Object(s)
    }

    /// The merchant's business: its categories, scenarios, documents and
    /// whether other merchants sell on it.
    fn business(&mut self, subject: usize, d: &mut Draft, p: &mut Map<String, Value>) {
        let weights: Vec<(usize, u32)> = self
            .plan
            .businesses
            .iter()
            .map(|b| b.weight)
            .enumerate()
            .collect();
        let pick = self.weighted(&weights);
        let b: BusinessPlan = self.plan.businesses[pick].clone();
        let mut categories = b.categories.clone();
        if !b.pool.is_empty() {
            categories.push(b.pool[self.below(b.pool.len())]);
        }
        for c in categories {
            self.category(c, subject, b.listed, b.scenario, b.qualify, d);
        }
        for [first, second] in &b.unknown_categories {
            if self.p(b.listed) {
                let c = self.written_category(first, second);
                d.categories.push(c);
            }
        }
        if self.p(b.stray_scenario) {
            let s = self.below(self.rs.scenarios.len());
            let written = self.spell(&term(&self.rs.scenarios[s]));
            d.scenarios.push(written);
        }
        if let Some(mm) = b.multi_merchant
            && self.p(mm.p)
            && let Some(v) = self.weighted(&[
                (Some(true), mm.yes),
                (Some(false), mm.no),
                (None, mm.absent),
            ])
        {
            p.insert("multi_merchant".into(), json!(v));
        }
        d.sells = self.p(b.goods);
    }

    /// One known category: listed (with a status), its scenario declared,
    /// and maybe the documents of one of its alternatives.
    fn category(
        &mut self,
        c: usize,
        subject: usize,
        listed: f64,
        scenario: f64,
        q: QualifyOnly,
        d: &mut Draft,
    ) {
        let rs = self.rs;
        let cat = &rs.categories[c];
        if self.p(listed) {
            let (first, second) = self.category_levels(c);
            let mut v = self.written_category(&first, &second);
            if !cat.documents_sourced && self.p(self.plan.categories.confirmed) {
                v["documents_confirmed"] = json!(true);
            }
            d.categories.push(v);
            d.listed.push(c);
        }
        if !cat.scenarios.is_empty() && self.p(scenario) {
            let s = cat.scenarios[self.below(cat.scenarios.len())];
            let written = self.spell(&term(&rs.scenarios[s]));
            d.scenarios.push(written);
        }
        if self.p(q.qualify) {
            self.qualification(c, subject, q, d);
        }
    }

    /// A category's levels: as the ruleset writes them, or an alias (one
    /// of its own, or under its first level's older name).
    fn category_levels(&mut self, c: usize) -> (String, String) {
        let rs = self.rs;
        let cat = &rs.categories[c];
        let s = self.plan.spelling;
        let aliases = rs.older_labels(cat);
        if !aliases.is_empty() && self.weighted(&[(false, s.id + s.name + s.code), (true, s.alias)])
        {
            let alias = &aliases[self.below(aliases.len())];
            if let Some((first, second)) = alias.split_once('/') {
                return (first.to_string(), second.to_string());
            }
        }
        (cat.first.clone(), cat.second.clone())
    }

    fn written_category(&mut self, first: &str, second: &str) -> Value {
        let mut c = Map::new();
        if self.p(self.plan.categories.slash) {
            let sep = self.pick(&["/", "-"]);
            c.insert("first".into(), json!(format!("{first}{sep}{second}")));
        } else {
            c.insert("first".into(), json!(first));
            c.insert("second".into(), json!(second));
        }
        if let Some(s) = self.weighted(&self.plan.statuses.clone()) {
            c.insert("status".into(), json!(s));
        }
        Value::Object(c)
    }

    /// The documents of one alternative's term that applies to the
    /// subject, each present with the mix's chance.
    fn qualification(&mut self, c: usize, subject: usize, q: QualifyOnly, d: &mut Draft) {
        let rs = self.rs;
        let alts = &rs.categories[c].alternatives;
        if alts.is_empty() {
            return;
        }
        let alt = &alts[self.below(alts.len())];
        let bit = 1 << subject;
        let terms: Vec<usize> = (0..alt.terms.len())
            .filter(|&t| alt.terms[t].subjects & bit != 0)
            .collect();
        let Some(&t) = terms.get(self.below(terms.len().max(1))) else {
            return;
        };
        let atoms: Vec<usize> = alt.terms[t].atoms.iter().collect();
        let mut docs: Vec<usize> = atoms.iter().map(|&a| rs.atoms[a].doc.0).collect();
        docs.sort_unstable();
        docs.dedup();
        for doc in docs {
            if !self.p(q.document) || d.documents.iter().any(|(k, _)| *k == Some(doc)) {
                continue;
            }
            let mut v = json!({"kind": self.document_name(doc)});
            for &a in atoms.iter().filter(|&&a| rs.atoms[a].doc.0 == doc) {
                self.attribute(&rs.atoms[a], q.constraint, &mut v);
            }
            d.documents.push((Some(doc), v));
        }
    }

    fn document_name(&mut self, doc: usize) -> String {
        let k = &self.rs.documents[doc];
        let written = self.spell(&Names {
            id: &k.id,
            name: k.name.get(Lang::Zh),
            aliases: &k.aliases,
            code: None,
        });
        if !written.is_ascii() && self.p(self.plan.spelling.brackets) {
            format!("《{written}》")
        } else {
            written
        }
    }

    /// An atom's attribute constraint: met with `p`, else another value
    /// or none.
    fn attribute(&mut self, atom: &Atom, p: f64, v: &mut Value) {
        let rs = self.rs;
        let Some(c) = &atom.constraint else { return };
        let attr = &rs.attributes[c.attribute];
        let values: Vec<usize> = if self.p(p) {
            vec![c.any_of[self.below(c.any_of.len())]]
        } else {
            let others: Vec<usize> = (0..attr.values.len())
                .filter(|x| !c.any_of.contains(x))
                .collect();
            match others.len() {
                0 => Vec::new(),
                n if self.p(0.7) => vec![others[self.below(n)]],
                _ => Vec::new(),
            }
        };
        let written: Vec<String> = values
            .iter()
            .map(|&x| self.spell(&term(&attr.values[x])))
            .collect();
        let value = match written.as_slice() {
            [one] if self.p(0.2) => json!(one),
            [] if self.p(0.5) => return,
            _ => json!(written),
        };
        v[attr.id.as_str()] = value;
    }

    fn subject_scenarios(&mut self, subject: usize, d: &mut Draft) {
        for (s, scenarios, p) in self.plan.subject_scenarios.clone() {
            if s == subject && self.p(p) {
                let sc = scenarios[self.below(scenarios.len())];
                let written = self.spell(&term(&self.rs.scenarios[sc]));
                d.scenarios.push(written);
            }
        }
    }

    /// Goods and services by their chances, and the categories the rules
    /// they set off require, listed and qualified as the mix's `rules` say.
    fn goods_and_services(&mut self, subject: usize, d: &mut Draft) {
        if d.sells {
            for (g, p) in self.plan.goods.clone() {
                if self.p(p) {
                    d.goods.push(g);
                    let written = self.spell(&term(&self.rs.goods[g]));
                    d.goods_written.push(written);
                }
            }
        }
        for (s, p) in self.plan.services.clone() {
            if self.p(p) {
                d.services.push(s);
            }
        }
        let f = self.plan.follow;
        let q = QualifyOnly {
            qualify: f.qualify,
            document: f.document,
            constraint: f.constraint,
        };
        for rule in self.plan.rules.clone() {
            let set_off = rule.goods.iter().any(|g| d.goods.contains(g))
                || rule.services.iter().any(|s| d.services.contains(s));
            if set_off && self.p(f.listed) {
                let c = rule.categories[self.below(rule.categories.len())];
                if !d.listed.contains(&c) {
                    self.category(c, subject, 1.0, 0.0, q, d);
                }
            }
        }
    }

    /// Names the ruleset does not know, as the mix lists them.
    fn unknown_names(&mut self, d: &mut Draft) {
        let u = self.plan.unknown_scenarios.clone();
        if self.p(u.p) {
            d.scenarios.push(self.pick(&u.names));
        }
        let u = self.plan.unknown_goods.clone();
        if d.sells && self.p(u.p) {
            d.goods_written.push(self.pick(&u.names));
        }
        let u = self.plan.unknown_documents.clone();
        if self.p(u.p) {
            d.documents
                .push((None, json!({"kind": self.pick(&u.names)})));
        }
    }

    /// A document's number, validity dates and holder.
    fn details(&mut self, kind: Option<usize>, doc: &mut Value, subject: Option<&str>) {
        let m = self.plan.documents.clone();
        if self.p(m.number) {
            let format = kind
                .and_then(|k| self.rs.documents[k].number_format.as_ref())
                .map(|f| f.example.clone());
            let template = match format {
                Some(example) if self.p(m.number_fits) => example,
                _ => OTHER_NUMBER.to_string(),
            };
            doc["number"] = json!(self.digits(&template));
        }
        if !self.opts.validity {
            return;
        }
        if self.p(m.valid_until) {
            // Mostly in force, sometimes lapsed.
            let until = if self.p(m.lapsed) {
                self.date(2024, 3)
            } else {
                self.date(2027, 4)
            };
            doc["valid_until"] = json!(until);
        }
        if self.p(m.valid_from) {
            let from = if self.p(m.not_yet) {
                self.date(2027, 2)
            } else {
                self.date(2019, 7)
            };
            doc["valid_from"] = json!(from);
        }
        let h = m.holder;
        match self.weighted(&[(0, h.absent), (1, h.subject), (2, h.other)]) {
            1 => {
                if let Some(n) = subject {
                    doc["holder"] = json!(n);
                }
            }
            2 => doc["holder"] = json!(self.company(OTHER_SUFFIX)),
            _ => {}
        }
    }

    /// A template with its digits (and `#`) replaced by random ones.
    fn digits(&mut self, template: &str) -> String {
        template
            .chars()
            .map(|c| {
                if c.is_ascii_digit() || c == '#' {
                    char::from(b'0' + self.below(10) as u8)
                } else {
                    c
                }
            })
            .collect()
    }
}
