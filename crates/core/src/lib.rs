//! livegate's engine (直播准入): can a WeChat mini program go live, through
//! which access path, and what exactly is still missing?
//!
//! Pure: no I/O, no async. Data flows one way: ruleset text → [`Ruleset`]
//! (validated and compiled), profile text → [`Profile`] → [`Report`].
//!
//! ```
//! let rs = livegate_core::default_ruleset().unwrap();
//! let report = livegate_core::evaluate_text(
//!     &rs,
//!     r#"{"subject": {"type": "government"}}"#,
//!     &livegate_core::Options::default(),
//! ).unwrap();
//! assert_eq!(report.verdict, livegate_core::Verdict::Eligible);
//! ```

// The pipeline, in the tree's order: a ruleset is read and compiled
// (`ruleset/`), a profile is read (`profile/`), the engine decides
// (`engine/`), the report says it (`report/`), in the words of `text/`.
pub mod engine;
pub mod err;
pub mod pipeline;
pub mod profile;
pub mod report;
pub mod ruleset;
pub mod text;
pub mod util;

// The paths every crate has used, kept.
pub use engine::{credit, decide, findings, golive};
pub use profile::{schema as profile_schema, wechat, whole};
pub(crate) use ruleset::raw;
pub use ruleset::{audit, compile, diff, doc, impact, include, testing, wechat_import};
pub(crate) use text::parse_words;
pub use text::{catalog, fuzzy, l10n, normalize};
pub use util::{bits, dates, ids};

pub use compile::{Loaded, Place, STALE_AFTER_DAYS, load, load_with};
pub use decide::{Decision, decide};
pub use err::{Diagnostic, ErrorKind, Level, ProfileError, RulesetError};
pub use l10n::{Lang, Text};
pub use pipeline::{Options, decide_text, evaluate, evaluate_text, further_errors};
pub use profile::{Profile, parse_profile};
pub use report::render;
pub use report::{PathStatus, Report, Verdict};
pub use ruleset::Ruleset;

/// The curated ruleset, embedded so that livegate works with no file beside it.
pub const DEFAULT_RULESET: &str = include_str!("../../../rules/wechat-live.toml");

/// The name the embedded ruleset goes by in diagnostics.
pub const DEFAULT_ORIGIN: &str = "<embedded>/rules/wechat-live.toml";

/// Loads the embedded ruleset.
pub fn default_ruleset() -> Result<Ruleset, RulesetError> {
    load(DEFAULT_RULESET, DEFAULT_ORIGIN).map(|l| l.ruleset)
}
