//! Warnings about what the ruleset defines and nothing uses: categories no
//! path or rule names, groups no requirement names, engine checks with no
//! `[[checks]]` entry (they would report nothing).

use std::collections::HashSet;

use super::Cx;
use crate::raw::RawRuleset;
use crate::ruleset::*;

impl Cx<'_> {
    pub(super) fn lint_unused(
        &mut self,
        raw: &RawRuleset,
        categories: &[Category],
        used: &[bool],
        used_groups: &HashSet<usize>,
        checks: &[Check],
    ) {
        for (name, kind) in CheckKind::ALL {
            if !checks.iter().any(|c| c.kind == kind) {
                self.warn(
                    0..0,
                    "checks",
                    format!(
                        "the engine's check `{name}` has no [[checks]] entry: it reports nothing"
                    ),
                );
            }
        }
        for (i, used) in used.iter().enumerate() {
            // A catalogue lists every category, used or not.
            if !used && !self.is_included(i) {
                self.warn(
                    raw.categories[i].id.span(),
                    format!("categories[{i}]"),
                    format!(
                        "category `{}` is used by no path and no rule",
                        categories[i].id
                    ),
                );
            }
        }
        for (i, g) in raw.groups.iter().enumerate() {
            if !used_groups.contains(&i) {
                self.warn(
                    g.id.span(),
                    format!("groups[{i}]"),
                    format!("group `{}` is used by no requirement", g.id.get_ref()),
                );
            }
        }
    }
}
