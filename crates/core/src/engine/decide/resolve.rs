//! Phase one of a decision: the profile's words resolved against the
//! ruleset (subject type, region, categories and their statuses, scenarios,
//! goods, services) and its documents read into the atoms they hold, with a
//! note for everything unknown, expired, mismatched or malformed.

use super::*;
use crate::ids::{DocKind, Entry};

impl<'r> Decider<'r> {
    /// The subject's region: as given, or the ruleset's first when absent.
    pub(super) fn region(&self, p: &Profile) -> Result<Option<usize>, ProfileError> {
        let rs = self.rs;
        let Some(given) = p.subject.region.as_deref() else {
            return Ok((!rs.regions.is_empty()).then_some(0));
        };
        rs.lookups.regions.get(given).map(Some).ok_or_else(|| {
            let ids: Vec<&str> = rs.regions.iter().map(|r| r.id.as_str()).collect();
            self.unknown_term(
                (
                    &rs.lookups.regions,
                    &ids,
                    names(&rs.regions, |r| &r.name, self.lang),
                ),
                given,
                "subject.region",
                "unknown_region",
            )
        })
    }

    /// The setup steps the profile says are done, as a bit per step.
    pub(super) fn steps_done(&self, p: &Profile) -> Result<u64, ProfileError> {
        let rs = self.rs;
        let mut done = 0u64;
        for (i, name) in p.steps_done.iter().enumerate() {
            let Some(s) = rs.lookups.steps.get(name) else {
                let ids: Vec<&str> = rs.steps.iter().map(|s| s.id.as_str()).collect();
                let path = format!("steps_done[{i}]");
                return Err(self.unknown_term(
                    (
                        &rs.lookups.steps,
                        &ids,
                        names(&rs.steps, |s| &s.name, self.lang),
                    ),
                    name,
                    &path,
                    "unknown_step",
                ));
            };
            done |= 1 << s;
        }
        Ok(done)
    }

    /// A name a vocabulary does not know: the field, the choices (by name,
    /// in the reader's language; ids and names are both accepted) and the
    /// nearest id.
    pub(super) fn unknown_term(
        &self,
        (lookup, ids, names): (&crate::ruleset::Lookup, &[&str], Vec<String>),
        given: &str,
        path: &str,
        key: &str,
    ) -> ProfileError {
        let expected = crate::catalog::join(&names, self.lang);
        ProfileError {
            kind: crate::err::ErrorKind::Value,
            path: path.into(),
            line: None,
            column: None,
            message: msg(key, self.lang, &[("value", given), ("expected", &expected)]),
            suggestion: lookup
                .nearest(given)
                .map(|n| lookup.get(n).map_or(n.to_string(), |i| ids[i].to_string())),
        }
    }

    pub(super) fn resolve<'p>(
        &mut self,
        p: &'p Profile,
        date: Option<Date>,
    ) -> Result<Resolved<'p>, ProfileError>
    where
        'r: 'p,
    {
        let rs = self.rs;
        let given = p.subject.kind.0.as_str();
        let subject = rs.lookups.subject_types.get(given).ok_or_else(|| {
            let ids: Vec<&str> = rs.subject_types.iter().map(|s| s.id.as_str()).collect();
            let shown = names(&rs.subject_types, |s| &s.name, self.lang);
            let vocab = (&rs.lookups.subject_types, ids.as_slice(), shown);
            self.unknown_term(vocab, given, "subject.type", "unknown_subject_type")
        })?;
        let region = self.region(p)?;
        let done = self.steps_done(p)?;

        let Listing {
            status,
            confirmed,
            listed,
        } = self.categories(p)?;

        let scenarios = intern(
            &p.scenarios,
            &rs.lookups.scenarios,
            &mut self.notes,
            |index| Note::UnknownScenario { index },
        );
        let goods = intern(&p.goods, &rs.lookups.goods, &mut self.notes, |index| {
            Note::UnknownGoods { index }
        });
        let services = intern(
            &p.services,
            &rs.lookups.services,
            &mut self.notes,
            |index| Note::UnknownService { index },
        );

        let subject_code = self.subject_checks(p, subject);

        let (held, given, mut docs) = self.documents(p, date, subject_code.as_deref())?;
        self.duplicates_and_expiry(&mut docs, &status, date);

        Ok(Resolved {
            done,
            subject,
            subject_bit: 1 << subject,
            region,
            status,
            confirmed,
            listed,
            scenarios,
            goods,
            services,
            held,
            given,
        })
    }

    /// The status of each ruleset category the profile lists (the best when
    /// listed twice), whether its documents are confirmed, and each listed
    /// category's first level (as WeChat names it today), ruleset index and
    /// status.
    pub(super) fn categories<'p>(&mut self, p: &'p Profile) -> Result<Listing<'p>, ProfileError>
    where
        'r: 'p,
    {
        let rs = self.rs;
        let mut status: Vec<Option<CategoryStatus>> = vec![None; rs.categories.len()];
        let mut confirmed = vec![false; rs.categories.len()];
        let mut listed = Vec::with_capacity(p.categories.len());
        let mut assumed = Vec::new();
        for (i, c) in p.categories.iter().enumerate() {
            let st = self.category_status(i, c.status.as_deref())?;
            let known = match &c.second {
                Some(second) => rs.category_by_levels(&c.first, second),
                None => rs.lookups.categories.get(&c.first),
            };
            match known {
                Some(k) => {
                    if status[k].is_none_or(|old| status_rank(st) < status_rank(old)) {
                        status[k] = Some(st);
                    }
                    confirmed[k] |= c.documents_confirmed == Some(true);
                }
                None => self.notes.push(Note::UnknownCategory { category: i }),
            }
            if st == CategoryStatus::Rejected {
                let missing = Vec::new(); // filled once documents are known
                self.notes.push(Note::CategoryRejected {
                    category: i,
                    missing,
                });
            }
            if c.status.is_none() {
                assumed.push(i);
            }
            let first = match known {
                Some(k) => rs.categories[k].first.as_str(),
                None => rs.current_first(c.first_level()),
            };
            listed.push((first, known, st));
        }
        if !assumed.is_empty() {
            self.notes.push(Note::StatusAssumed {
                categories: assumed,
            });
        }
        Ok(Listing {
            status,
            confirmed,
            listed,
        })
    }

    /// A category's status as written; none is taken as approved (and said).
    pub(super) fn category_status(
        &self,
        i: usize,
        s: Option<&str>,
    ) -> Result<CategoryStatus, ProfileError> {
        let Some(s) = s else {
            return Ok(CategoryStatus::Approved);
        };
        if let Some((_, st)) = CategoryStatus::ALL
            .iter()
            .find(|(n, _)| *n == s || *n == s.trim())
        {
            return Ok(*st);
        }
        let names: Vec<&str> = CategoryStatus::ALL.iter().map(|(n, _)| *n).collect();
        Err(ProfileError {
            kind: crate::err::ErrorKind::Value,
            path: format!("categories[{i}].status"),
            line: None,
            column: None,
            message: msg(
                "unknown_status",
                self.lang,
                &[("value", s), ("expected", &quoted(&names))],
            ),
            suggestion: fuzzy::nearest(s, names.iter().copied()).map(str::to_string),
        })
    }

    /// The profile's documents: the atoms they hold, the atoms of every
    /// kind given (counting or not), and each document as (kind, index,
    /// counts, valid_until).
    #[allow(clippy::type_complexity)]
    pub(super) fn documents(
        &mut self,
        p: &Profile,
        date: Option<Date>,
        subject_code: Option<&str>,
    ) -> Result<(Bits, Bits, Vec<(usize, usize, bool, Option<Date>)>), ProfileError> {
        let rs = self.rs;
        let mut held = Bits::new(rs.atoms.len());
        let mut given = Bits::new(rs.atoms.len());
        let mut docs = Vec::with_capacity(p.documents.len());
        self.notes.reserve(8);
        for (i, d) in p.documents.iter().enumerate() {
            let (valid_from, valid_until) = self.validity(i, d)?;
            let Some(kind) = rs.lookups.documents.get(&d.kind) else {
                self.notes.push(Note::UnknownDocument { entry: Entry(i) });
                continue;
            };
            for &a in &rs.atoms_by_doc[kind] {
                given.insert(a);
            }
            let counts =
                self.document_counts(p, i, kind, date, (valid_from, valid_until), subject_code);
            let values = self.attribute_values(i, d, kind);
            docs.push((kind, i, counts, valid_until));
            if counts {
                self.hold(kind, &values, &mut held);
            }
        }
        Ok((held, given, docs))
    }

    /// A document's `valid_from` and `valid_until`, parsed.
    pub(super) fn validity(
        &self,
        i: usize,
        d: &ProfileDocument,
    ) -> Result<(Option<Date>, Option<Date>), ProfileError> {
        let date = |v: &Option<String>, field: &str| {
            v.as_deref()
                .map(|v| parse_date(v, || format!("documents[{i}].{field}"), self.lang))
                .transpose()
        };
        Ok((
            date(&d.valid_from, "valid_from")?,
            date(&d.valid_until, "valid_until")?,
        ))
    }

    /// Whether a document counts: in force on the date, held by the
    /// subject, with the subject's credit code; notes say why not, and flag
    /// a number that does not fit its format.
    pub(super) fn document_counts(
        &mut self,
        p: &Profile,
        i: usize,
        kind: usize,
        date: Option<Date>,
        (valid_from, valid_until): (Option<Date>, Option<Date>),
        subject_code: Option<&str>,
    ) -> bool {
        let d = &p.documents[i];
        let mut counts = true;
        if let Some(date) = date {
            if let Some(until) = valid_until.filter(|u| *u < date) {
                counts = false;
                self.notes.push(Note::DocumentExpired {
                    entry: Entry(i),
                    kind: DocKind(kind),
                    date: until,
                });
            }
            if let Some(from) = valid_from.filter(|f| *f > date) {
                counts = false;
                self.notes.push(Note::DocumentNotYetValid {
                    entry: Entry(i),
                    kind: DocKind(kind),
                    date: from,
                });
            }
        }
        // WeChat asks for some documents as another party holds them.
        let own = !self.rs.documents[kind].holder_may_differ;
        if let (true, Some(holder), Some(subject)) =
            (own, d.holder.as_deref(), p.subject.name.as_deref())
            && !names_equal(holder, subject)
        {
            counts = false;
            self.notes.push(Note::HolderMismatch {
                entry: Entry(i),
                kind: DocKind(kind),
            });
        }
        if let Some(code) = d.credit_code.as_deref() {
            let norm = credit::normalized(code);
            let subject_code = subject_code.filter(|_| own);
            match credit::validate(&norm) {
                Err(error) => self.notes.push(Note::InvalidCreditCode {
                    entry: Some(Entry(i)),
                    error,
                }),
                Ok(()) if subject_code.is_some_and(|sc| sc != norm.as_ref()) => {
                    counts = false;
                    self.notes.push(Note::CreditCodeHolderMismatch {
                        entry: Entry(i),
                        kind: DocKind(kind),
                    });
                }
                Ok(()) => {}
            }
        }
        let format = self.rs.documents[kind].number_format.as_ref();
        if let (Some(number), Some(format)) = (d.number.as_deref(), format)
            && !number_fits(&format.regex, number)
        {
            self.notes.push(Note::NumberFormat {
                entry: Entry(i),
                kind: DocKind(kind),
            });
        }
        counts
    }

    /// The values of each attribute of a document, interned; unknown ones
    /// are noted.
    pub(super) fn attribute_values(
        &mut self,
        i: usize,
        d: &ProfileDocument,
        kind: usize,
    ) -> Vec<(usize, Vec<usize>)> {
        let rs = self.rs;
        let mut values: Vec<(usize, Vec<usize>)> = Vec::new();
        for (key, (name, vals)) in d.attributes.iter().enumerate() {
            let attr = rs
                .lookups
                .attributes
                .get(name)
                .filter(|a| rs.documents[kind].attributes.contains(a));
            let Some(attr) = attr else {
                self.notes.push(Note::UnknownAttribute {
                    entry: Entry(i),
                    key,
                });
                continue;
            };
            let lookup = &rs.lookups.values[attr];
            let mut ids = Vec::with_capacity(vals.0.len());
            for (value, v) in vals.0.iter().enumerate() {
                match lookup.get(v) {
                    Some(x) => ids.push(x),
                    None => self.notes.push(Note::UnknownAttributeValue {
                        entry: Entry(i),
                        key,
                        value,
                    }),
                }
            }
            values.push((attr, ids));
        }
        values
    }

    /// The atoms a counting document of `kind` holds: those without a
    /// constraint, and those whose constraint its values meet.
    pub(super) fn hold(&self, kind: usize, values: &[(usize, Vec<usize>)], held: &mut Bits) {
        let rs = self.rs;
        for &a in &rs.atoms_by_doc[kind] {
            let ok = match &rs.atoms[a].constraint {
                None => true,
                Some(c) => values.iter().any(|(attr, ids)| {
                    *attr == c.attribute && ids.iter().any(|v| c.any_of.contains(v))
                }),
            };
            if ok {
                held.insert(a);
            }
        }
    }

    /// A kind given more than once: the best document counts (valid, the
    /// right holder, the latest expiry) and the others are reported. The best
    /// one's expiry is watched against the review time plus the margin.
    pub(super) fn duplicates_and_expiry(
        &mut self,
        docs: &mut [(usize, usize, bool, Option<Date>)],
        status: &[Option<CategoryStatus>],
        date: Option<Date>,
    ) {
        let rs = self.rs;
        docs.sort_by_key(|(kind, i, ..)| (*kind, *i));
        let mut start = 0;
        while start < docs.len() {
            let kind = docs[start].0;
            let end = start + docs[start..].iter().take_while(|d| d.0 == kind).count();
            let group = &docs[start..end];
            let best = group
                .iter()
                .filter(|d| d.2)
                .enumerate()
                .max_by_key(|(n, d)| (d.3.is_none(), d.3, std::cmp::Reverse(*n)))
                .map(|(_, d)| (d.1, d.3));
            if group.len() > 1 {
                for d in group {
                    if best.is_some_and(|(b, _)| b == d.1) {
                        continue;
                    }
                    self.notes.push(Note::DuplicateDocument {
                        entry: Entry(d.1),
                        kind: DocKind(kind),
                        best: best.map(|(b, _)| Entry(b)),
                    });
                }
            }
            if let (Some(date), Some((i, Some(until)))) = (date, best) {
                let review = rs.categories_by_doc[kind]
                    .iter()
                    .filter(|&&c| status[c] != Some(CategoryStatus::Approved))
                    .filter_map(|&c| rs.review_days[c])
                    .max()
                    .unwrap_or(0);
                let window = i64::from(rs.settings.expiry_margin_days) + i64::from(review);
                let days = date
                    .until(until)
                    .map(|s| i64::from(s.get_days()))
                    .unwrap_or(0);
                if days <= window {
                    self.notes.push(Note::DocumentExpiring {
                        entry: Entry(i),
                        kind: DocKind(kind),
                        date: until,
                        days,
                        window,
                    });
                }
            }
            start = end;
        }
    }

    /// The subject's own credit code: valid, and consistent with the subject
    /// type. Returns it, normalised, when it is valid.
    pub(super) fn subject_checks(&mut self, p: &Profile, subject: usize) -> Option<String> {
        let code = p.subject.credit_code.as_deref()?;
        let norm = credit::normalize(code);
        if let Err(error) = credit::validate(&norm) {
            self.notes
                .push(Note::InvalidCreditCode { entry: None, error });
            return None;
        }
        let prefix = &norm[..2];
        if let Some(i) = self
            .rs
            .credit_code_prefixes
            .iter()
            .position(|c| c.prefix == prefix)
            && self.rs.credit_code_prefixes[i].subjects & (1 << subject) == 0
        {
            self.notes
                .push(Note::CreditCodeSubjectMismatch { prefix: i });
        }
        Some(norm)
    }
}
