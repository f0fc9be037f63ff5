//! A submitted form (a query string or an `application/x-www-form-urlencoded`
//! body) as ordered pairs. Forms repeat names (checkboxes), which serde's
//! struct forms do not model, so the console reads the pairs directly.

#[derive(Debug, Clone, Default)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    pub fn parse(text: &str) -> Form {
        Form {
            pairs: form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// The first non-blank value of `name`, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// `get` as an owned string.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_string)
    }

    /// Every non-blank value of `name`, in order, without repeats.
    pub fn all(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (k, v) in &self.pairs {
            let v = v.trim();
            if k == name && !v.is_empty() && !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        }
        out
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs
            .iter()
            .any(|(k, v)| k == name && v.trim() == value)
    }

    /// The pairs again as a query string (for links that repeat the form).
    pub fn to_query(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.pairs.iter().filter(|(k, _)| k != "csrf"))
            .finish()
    }
}

impl Form {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Form {
        Form { pairs }
    }

    /// The record version the form was read at (`version`), 0 when absent:
    /// a write under version 0 is refused as a conflict, never applied.
    pub fn version(&self) -> i64 {
        self.get("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Removes every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.pairs.retain(|(k, _)| k != name);
    }

    /// Sets `name` to `value`, replacing what was there.
    pub fn set(&mut self, name: &str, value: &str) {
        self.pairs.retain(|(k, _)| k != name);
        self.pairs.push((name.to_string(), value.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_keep_their_order_and_drop_blanks_and_repeats() {
        let f = Form::parse("s=a&s=&s=b&s=a&x=%E4%BC%81%E4%B8%9A+");
        assert_eq!(f.all("s"), ["a", "b"]);
        assert_eq!(f.get("x"), Some("企业"));
        assert_eq!(f.get("missing"), None);
        assert!(f.has("s", "b"));
    }

    #[test]
    fn the_query_again_leaves_the_csrf_token_out() {
        let f = Form::parse("a=1&csrf=secret&b=2");
        assert_eq!(f.to_query(), "a=1&b=2");
    }
}
