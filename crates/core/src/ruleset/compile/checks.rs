//! The engine's checks as the ruleset words them, and the credit-code
//! prefixes that tell a subject type.

use std::collections::HashSet;

use super::Cx;
use crate::raw::*;
use crate::ruleset::*;

impl Cx<'_> {
    /// One entry per `[[checks]]`, for an engine check that exists.
    pub(super) fn checks(&mut self, raw: &[RawCheck]) -> Vec<Check> {
        let check_names: Vec<&str> = CheckKind::ALL.iter().map(|(n, _)| *n).collect();
        let mut checks = Vec::new();
        for (i, c) in raw.iter().enumerate() {
            let k = format!("checks[{i}]");
            let kind = self
                .resolve(
                    &c.check,
                    &format!("{k}.check"),
                    "engine check",
                    &check_names,
                )
                .map(|j| CheckKind::ALL[j].1);
            let mut unused = HashSet::new();
            let id = self.id(&c.id, &format!("{k}.id"), &mut unused);
            let severity = self.severity(&c.severity, &format!("{k}.severity"));
            let message = self.text(&c.message, &format!("{k}.message"));
            let source = self.source(c.source.as_ref(), c.id.span(), &format!("{k}.source"));
            let basis = self.basis(c.basis.as_ref(), c.id.span(), &format!("{k}.basis"));
            if let Some(kind) = kind {
                checks.push(Check {
                    kind,
                    id,
                    severity,
                    message,
                    source,
                    basis,
                });
            }
        }
        checks
    }

    /// Credit-code prefixes (the registration authority and body type,
    /// characters 1–2) and the subject types each admits.
    pub(super) fn credit_prefixes(
        &mut self,
        raw: &[RawPrefix],
        subject_ids: &[&str],
    ) -> Vec<CreditPrefix> {
        let mut out = Vec::new();
        for (i, p) in raw.iter().enumerate() {
            let k = format!("credit_code_prefixes[{i}]");
            let prefix = crate::credit::normalize(p.prefix.get_ref());
            if prefix.chars().count() != 2
                || !prefix.chars().all(|c| crate::credit::CHARSET.contains(c))
            {
                self.error(
                    p.prefix.span(),
                    format!("{k}.prefix"),
                    "a prefix is two characters of the credit-code character set",
                );
            }
            let name = self.text(&p.name, &format!("{k}.name"));
            let subjects =
                self.subject_mask(&p.subject_types, &format!("{k}.subject_types"), subject_ids);
            out.push(CreditPrefix {
                prefix,
                name,
                subjects,
            });
        }
        out
    }
}
