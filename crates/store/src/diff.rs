//! The diff an audit entry carries: every changed leaf as a JSON Pointer
//! (RFC 6901) with its value before and after.

use serde_json::{Value, json};

/// Changes from `before` to `after`; `Value::Null` stands for absence.
pub fn diff(before: &Value, after: &Value) -> Value {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    Value::Array(out)
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<Value>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{path}/{}", escape(k));
                walk(
                    &p,
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        _ if a == b => {}
        _ => out.push(
            json!({"path": if path.is_empty() { "/" } else { path }, "before": a, "after": b}),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_each_changed_leaf_and_skips_equal_ones() {
        let a = json!({"subject": {"type": "enterprise", "name": "甲"}, "goods": ["x"]});
        let b =
            json!({"subject": {"type": "media", "name": "甲"}, "scenarios": ["y"], "goods": ["x"]});
        assert_eq!(
            diff(&a, &b),
            json!([
                {"path": "/scenarios", "before": null, "after": ["y"]},
                {"path": "/subject/type", "before": "enterprise", "after": "media"},
            ])
        );
    }

    #[test]
    fn diff_of_creation_is_the_whole_value() {
        assert_eq!(
            diff(&Value::Null, &json!({"a": 1})),
            json!([{"path": "/", "before": null, "after": {"a": 1}}])
        );
    }
}
