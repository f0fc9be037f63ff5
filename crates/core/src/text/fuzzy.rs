//! "Did you mean" suggestions for ids, names and aliases.

use std::borrow::Cow;

/// The candidate nearest to `input`, if any is close enough to be a plausible typo.
pub fn nearest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest_lowered(
        input,
        candidates
            .into_iter()
            .map(|c| (c, Cow::Owned(c.to_lowercase()))),
    )
}

/// [`nearest`] over candidates given with their lowercase form, so that a
/// lookup table can lowercase its names once rather than on every call.
pub fn nearest_lowered<'a, 'b, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = (&'a str, Cow<'b, str>)>,
{
    let needle = input.trim().to_lowercase();
    if needle.is_empty() {
        return None;
    }
    let mut best: Option<(&'a str, f64)> = None;
    for (cand, c) in candidates {
        let mut score = strsim::normalized_damerau_levenshtein(&needle, &c);
        // A candidate that contains the input (or the reverse) is a strong hint,
        // which matters for Chinese names typed in part.
        if c.contains(needle.as_str()) || needle.contains(c.as_ref()) {
            score = score.max(0.75);
        }
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((cand, score));
        }
    }
    best.filter(|(_, s)| *s >= 0.5).map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_a_typo_and_refuses_a_stranger() {
        let ids = ["enterprise", "government", "individual"];
        assert_eq!(nearest("enterprize", ids), Some("enterprise"));
        assert_eq!(nearest("goverment", ids), Some("government"));
        assert_eq!(nearest("zzzzzzzzzzzz", ids), None);
        assert_eq!(nearest("", ids), None);
    }

    #[test]
    fn nearest_matches_a_partial_chinese_name() {
        assert_eq!(
            nearest("网络文化", ["网络文化经营许可证", "营业执照"]),
            Some("网络文化经营许可证")
        );
    }
}
