//! Chinese on an English page, marked as Chinese: category names, company
//! names and WeChat's own wording stay in Chinese on English pages, and a
//! screen reader or a browser's font choice needs `lang="zh-CN"` on them.
//! The rendered page's text is scanned once: every run of Chinese in a text
//! node is wrapped in `<span lang="zh-CN">`, and an `<option>` whose text is
//! Chinese gets the attribute itself (it may hold no element).

/// Whether `c` is written in Chinese: CJK ideographs, CJK punctuation and
/// the full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// Elements whose text is copied as it is: no markup may go inside them.
const RAW: [&str; 5] = ["script", "style", "title", "textarea", "option"];

/// The page with its Chinese runs marked.
pub fn mark(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text(&rest[..open], &mut out);
        rest = &rest[open..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        rest = &rest[end..];
        let name = tag_name(tag);
        if let Some(raw) = RAW.iter().find(|r| **r == name) {
            let close = format!("</{raw}");
            let until = rest.find(&close).unwrap_or(rest.len());
            let inner = &rest[..until];
            if *raw == "option" && inner.chars().any(is_cjk) && !tag.contains(" lang=") {
                out.push_str(&tag[..tag.len() - 1]);
                out.push_str(" lang=\"zh-CN\">");
            } else {
                out.push_str(tag);
            }
            out.push_str(inner);
            rest = &rest[until..];
        } else if name != "span" || !tag.contains("lang=") {
            out.push_str(tag);
        } else {
            // Already marked by the page: copy it and its text as they are.
            let until = rest.find("</span>").unwrap_or(rest.len());
            out.push_str(tag);
            out.push_str(&rest[..until]);
            rest = &rest[until..];
        }
    }
    text(rest, &mut out);
    out
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// A text node: its runs of Chinese (with the digits, spaces and marks
/// between two Chinese characters) wrapped. A run stops at a Latin letter
/// or an entity.
fn text(s: &str, out: &mut String) {
    let (mut plain_from, mut i) = (0, 0);
    while let Some(c) = s[i..].chars().next() {
        if !is_cjk(c) {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let (mut end, mut j) = (i + c.len_utf8(), i + c.len_utf8());
        while let Some(d) = s[j..].chars().next() {
            if d.is_ascii_alphabetic() || d == '&' {
                break;
            }
            j += d.len_utf8();
            if is_cjk(d) {
                end = j;
            }
        }
        out.push_str(&s[plain_from..start]);
        out.push_str("<span lang=\"zh-CN\">");
        out.push_str(&s[start..end]);
        out.push_str("</span>");
        (plain_from, i) = (end, end);
    }
    out.push_str(&s[plain_from..]);
}

#[cfg(test)]
mod tests {
    use super::mark;

    #[test]
    fn chinese_runs_are_marked_and_markup_is_left_alone() {
        assert_eq!(
            mark(r#"<p title="类目">Add 电商平台/电商平台 now</p>"#),
            r#"<p title="类目">Add <span lang="zh-CN">电商平台/电商平台</span> now</p>"#
        );
        assert_eq!(
            mark("<option value=\"x\">电商</option><title>预审 · livegate</title>"),
            "<option value=\"x\" lang=\"zh-CN\">电商</option><title>预审 · livegate</title>"
        );
        assert_eq!(
            mark("<span lang=\"zh-CN\">已标记</span> ok"),
            "<span lang=\"zh-CN\">已标记</span> ok"
        );
        assert_eq!(mark("plain English &amp; more"), "plain English &amp; more");
        assert_eq!(
            mark("《增值电信业务经营许可证》 B21"),
            "<span lang=\"zh-CN\">《增值电信业务经营许可证》</span> B21"
        );
    }
}
