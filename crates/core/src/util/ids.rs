//! Typed indexes where two kinds of index meet. A finding names both a
//! document of the profile and a document kind of the ruleset; as bare
//! `usize`s they were easy to swap (indexing the ruleset's documents with a
//! profile's position, or the reverse). Here the compiler tells them apart.

use serde::Serialize;

/// A document of the profile: its position in `Profile::documents`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Entry(pub usize);

/// A document kind of the ruleset: its position in `Ruleset::documents`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DocKind(pub usize);

impl std::ops::Index<Entry> for Vec<crate::profile::ProfileDocument> {
    type Output = crate::profile::ProfileDocument;
    fn index(&self, e: Entry) -> &Self::Output {
        &self[e.0]
    }
}

impl std::ops::Index<DocKind> for Vec<crate::ruleset::DocumentKind> {
    type Output = crate::ruleset::DocumentKind;
    fn index(&self, k: DocKind) -> &Self::Output {
        &self[k.0]
    }
}

impl std::fmt::Display for Entry {
    /// The position, as a field path writes it (`documents[2]`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
