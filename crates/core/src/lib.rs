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

pub mod audit;
pub mod bits;
pub mod catalog;
pub mod compile;
pub mod credit;
pub mod dates;
pub mod decide;
pub mod diff;
pub mod doc;
pub mod err;
pub mod findings;
pub mod fuzzy;
pub mod golive;
pub mod ids;
pub mod impact;
pub mod include;
pub mod l10n;
pub mod normalize;
mod parse_words;
pub mod pipeline;
pub mod profile;
pub mod profile_schema;
mod raw;
pub mod report;
pub mod ruleset;
pub mod testing;
pub mod text;
pub mod wechat;
pub mod wechat_import;
pub mod whole;

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
