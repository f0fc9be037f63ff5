//! WeChat's category catalogue page as text (「非个人主体小程序开放的服务类目」,
//! a copy such as docs/sources/wechat-categories-2026-02.txt): each first
//! level is a heading followed by the header line
//! `二级分类 三级分类 资质要求 类目适用范围 备注`, then per category its
//! second level, its third level (`/` when none), its 资质要求 and its
//! 类目适用范围 (the line that begins 适用于, or the words after a space on
//! the last requirement line).
//!
//! The layout is loose (rows run together, scopes share a line with the
//! last document), so a row is found by its names rather than parsed from
//! the page's start.

use super::Req;
use crate::normalize::normalize;

/// The header every first level's table starts with.
const HEADER: &str = "二级分类三级分类资质要求类目适用范围备注";

/// A copy of the page, read once: its lines, and each first level's table
/// as its name (normalised) and the lines after its header.
pub struct Page {
    lines: Vec<String>,
    sections: Vec<(String, std::ops::Range<usize>)>,
}

/// A row of the page: its line, and its 资质要求 (`None`: "/", nothing asked).
pub struct Found {
    pub line: usize,
    pub alternatives: Option<Vec<Req>>,
}

impl Page {
    /// The page's tables; `None` when the text has none.
    pub fn read(text: &str) -> Option<Page> {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let heads: Vec<usize> = (1..lines.len())
            .filter(|&i| lines[i].split_whitespace().collect::<String>() == HEADER)
            .collect();
        let sections: Vec<(String, std::ops::Range<usize>)> = heads
            .iter()
            .enumerate()
            .map(|(k, &h)| {
                let end = heads.get(k + 1).map_or(lines.len(), |&n| n - 1);
                (normalize(lines[h - 1].trim()), h + 1..end.max(h + 1))
            })
            .collect();
        (!sections.is_empty()).then_some(Page { lines, sections })
    }

    /// The row of the category named by any of `firsts` and `seconds`, if
    /// the page has it.
    pub fn find(&self, firsts: &[String], seconds: &[String]) -> Option<Found> {
        let firsts: Vec<String> = firsts.iter().map(|f| normalize(f)).collect();
        let seconds: Vec<String> = seconds.iter().map(|s| normalize(s)).collect();
        for (name, range) in &self.sections {
            if !firsts.contains(name) {
                continue;
            }
            let lines = &self.lines[range.clone()];
            let Some(at) = lines.iter().position(|l| seconds.contains(&normalize(l))) else {
                continue;
            };
            let rest = lines.get(at + 2..).unwrap_or_default();
            return Some(Found {
                line: range.start + at + 1,
                alternatives: parse_requirement(&requirement_lines(rest)),
            });
        }
        None
    }
}

/// The lines of a row's 资质要求: up to its scope.
fn requirement_lines(rest: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in rest.iter().take(80) {
        let l = line.trim();
        if is_scope(l) {
            break;
        }
        if let Some(cut) = inline_scope(l) {
            out.push(l[..cut].trim().to_string());
            break;
        }
        out.push(l.to_string());
    }
    out
}

fn is_scope(l: &str) -> bool {
    ["适用于", "仅适用于", "用于为"]
        .iter()
        .any(|p| l.starts_with(p))
}

/// Where a scope begins after the last document on the same line.
fn inline_scope(l: &str) -> Option<usize> {
    [" 适用于", " 仅适用于", "\u{3000}适用于"]
        .iter()
        .filter_map(|p| l.find(p))
        .min()
}

/// A requirement's lines as its alternatives (`None` for "/").
fn parse_requirement(lines: &[String]) -> Option<Vec<Req>> {
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() || lines == ["/"] {
        return None;
    }
    let (head, body) = match lines.first() {
        Some(h) if is_header(h) && marker(h).is_none() => (Some(*h), &lines[1..]),
        _ => (None, &lines[..]),
    };
    let items = block(body);
    Some(match head {
        Some(h) if is_choice(h) => items,
        _ if head.is_none() && items.len() == 1 => items,
        _ => vec![Req::All(items)],
    })
}

/// A line that introduces a list: it ends with a colon.
fn is_header(l: &str) -> bool {
    l.ends_with('：') || l.ends_with(':')
}

/// A header that asks for any one of its items: N选1, ②选①, 二选一.
fn is_choice(l: &str) -> bool {
    l.contains("选1") || l.contains("选①") || l.contains("选一")
}

/// The kind of a line's list marker and the text after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// 1、
    Arabic,
    /// 一：
    Chinese,
    /// (1) or （1）
    Paren,
    /// ①
    Circled,
}

fn marker(l: &str) -> Option<(Marker, &str)> {
    let digits = l.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && l[digits..].starts_with('、') {
        return Some((Marker::Arabic, &l[digits + '、'.len_utf8()..]));
    }
    let han = l
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .count();
    if han > 0 {
        let after = &l[han * 3..];
        if let Some(rest) = after.strip_prefix('：').or_else(|| after.strip_prefix(':')) {
            return Some((Marker::Chinese, rest));
        }
    }
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(inner) = l.strip_prefix(open)
            && let Some(end) = inner.find(close)
            && end > 0
            && inner[..end].chars().all(|c| c.is_ascii_digit())
        {
            return Some((Marker::Paren, &inner[end + close.len_utf8()..]));
        }
    }
    let first = l.chars().next()?;
    ('①'..='⑳')
        .contains(&first)
        .then(|| (Marker::Circled, &l[first.len_utf8()..]))
}

/// Lines as the items of their first list level, each with its sub-lists.
fn block(lines: &[&str]) -> Vec<Req> {
    let Some(kind) = lines.iter().find_map(|l| marker(l).map(|(k, _)| k)) else {
        return lines.iter().map(|l| piece(l)).collect();
    };
    let mut items: Vec<(String, Vec<&str>)> = Vec::new();
    for l in lines {
        match marker(l) {
            Some((k, rest)) if k == kind => items.push((rest.trim().to_string(), Vec::new())),
            _ => match items.last_mut() {
                Some((_, children)) => children.push(l),
                None => items.push((l.to_string(), Vec::new())),
            },
        }
    }
    items
        .into_iter()
        .map(|(text, children)| item(&text, &children))
        .collect()
}

/// One list item: a document, or a header with the items under it.
fn item(text: &str, children: &[&str]) -> Req {
    if children.is_empty() {
        return piece(text);
    }
    let inner = block(children);
    if text.is_empty() || is_header(text) {
        if is_choice(text) {
            Req::Any(inner)
        } else {
            Req::All(inner)
        }
    } else {
        let mut all = vec![piece(text)];
        all.extend(inner);
        Req::All(all)
    }
}

/// One item's text as documents: its remarks in brackets and the role
/// before a colon left out, split where 及, 与, 和 (all) and 或 (any)
/// stand between two documents.
pub(super) fn piece(text: &str) -> Req {
    let bare = without_remarks(text);
    let named = match bare.split_once(['：', ':']) {
        Some((_, rest)) if !rest.trim().is_empty() => rest.trim().to_string(),
        _ => bare.trim().to_string(),
    };
    let anys: Vec<Req> = split(&named, &["或"])
        .into_iter()
        .map(|part| {
            let alls: Vec<Req> = split(&part, &["以及", "及", "与", "和"])
                .into_iter()
                .map(Req::Name)
                .collect();
            one_or(alls, Req::All)
        })
        .collect();
    one_or(anys, Req::Any)
}

fn one_or(mut items: Vec<Req>, many: fn(Vec<Req>) -> Req) -> Req {
    if items.len() == 1 {
        items.remove(0)
    } else {
        many(items)
    }
}

/// `text` split at `seps` where one stands between documents: next to 》
/// or 《, or with a space on both sides.
fn split(text: &str, seps: &[&str]) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let hit = seps.iter().find(|s| rest.starts_with(**s));
        if let Some(sep) = hit {
            let before = text[..i].trim_end_matches(' ');
            let after = text[i + sep.len()..].trim_start_matches(' ');
            let spaced = text[..i].ends_with(' ') && text[i + sep.len()..].starts_with(' ');
            if before.ends_with('》') || after.starts_with('《') || spaced {
                parts.push(text[start..i].trim().to_string());
                i += sep.len();
                start = i;
                continue;
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    parts.push(text[start..].trim().to_string());
    parts.retain(|p| !p.is_empty());
    parts
}

/// A text without its bracketed remarks: （…） and (…), nested or not.
fn without_remarks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(r: &Req) -> String {
        match r {
            Req::Name(n) => n.clone(),
            Req::All(v) => format!(
                "all({})",
                v.iter().map(names).collect::<Vec<_>>().join(", ")
            ),
            Req::Any(v) => format!(
                "any({})",
                v.iter().map(names).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    #[test]
    fn an_item_splits_between_documents_but_not_inside_a_name() {
        let r = piece(
            "汽车经销商/4s店：小程序主体的《营业执照》（范围含“汽车生产”或“汽车销售”等内容）与 汽车厂商的《厂商授权销售文件》及该厂商的《工信部道路机动车辆生产企业准入许可》",
        );
        assert_eq!(
            names(&r),
            "all(小程序主体的《营业执照》, 汽车厂商的《厂商授权销售文件》, 该厂商的《工信部道路机动车辆生产企业准入许可》)"
        );
        assert_eq!(
            names(&piece(
                "经所在地的中国人民银行及其派出机构备案的《企业征信业务经营备案证》"
            )),
            "经所在地的中国人民银行及其派出机构备案的《企业征信业务经营备案证》"
        );
        assert_eq!(
            names(&piece("电商平台对入驻经营者的审核要求或规范文件")),
            "电商平台对入驻经营者的审核要求或规范文件"
        );
        assert_eq!(
            names(&piece(
                "《经营保险公估业务许可证》或《经营保险公估业务备案》"
            )),
            "any(《经营保险公估业务许可证》, 《经营保险公估业务备案》)"
        );
    }

    #[test]
    fn a_choice_of_items_each_with_a_sub_choice_is_read_as_its_alternatives() {
        let text = "医疗服务\n二级分类 三级分类 资质要求 类目适用范围 备注\n互联网医院\n/\n（2选1）：\n1、医疗机构主体，提供（②选①）：\n①卫生健康部门的《设置医疗机构批准书》（且需补充）\n②《医疗机构执业许可证》（范围均须含“互联网诊疗”）\n2、 医疗服务平台（②选①）：\n①合作医院的《医疗执业机构许可证》及 合作协议 及 医疗主管部门许可文件（含…）\n②合作医院的《医疗执业机构许可证》及 合作协议 及 省级互联网医疗服务监管平台对接情况证明（含…）\n适用于互联网医院主体。\n/\n";
        let page = Page::read(text).expect("a table");
        let f = page
            .find(&["医疗服务".into()], &["互联网医院".into()])
            .expect("found");
        let alts = f.alternatives.expect("a list");
        assert_eq!(f.line, 3);
        assert_eq!(alts.len(), 2);
        assert_eq!(
            names(&alts[0]),
            "any(卫生健康部门的《设置医疗机构批准书》, 《医疗机构执业许可证》)"
        );
        assert_eq!(
            names(&alts[1]),
            "any(all(合作医院的《医疗执业机构许可证》, 合作协议, 医疗主管部门许可文件), all(合作医院的《医疗执业机构许可证》, 合作协议, 省级互联网医疗服务监管平台对接情况证明))"
        );
    }

    #[test]
    fn nothing_asked_and_an_inline_scope_are_read() {
        let text = "金融业\n二级分类 三级分类 资质要求 类目适用范围 备注\n股票信息服务平台（港股/美股）\n/\n/\n适用于提供港股。\n/\n融资担保\n/\n《融资担保业务经营许可证》 适用于提供融资担保相关服务。\n/\n";
        let page = Page::read(text).expect("a table");
        let hk = page.find(&["金融业".into()], &["股票信息服务平台(港股/美股)".into()]);
        assert!(hk.is_some_and(|f| f.alternatives.is_none()));
        let g = page
            .find(&["金融".into(), "金融业".into()], &["融资担保".into()])
            .unwrap();
        let alts = g.alternatives.unwrap();
        assert_eq!(names(&alts[0]), "《融资担保业务经营许可证》");
    }
}
