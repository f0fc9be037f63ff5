//! The engine: a profile decided against a compiled ruleset, with no I/O.
//! `decide/` resolves the profile's names and finds each path's status,
//! categories and missing documents; `findings` names every check and its
//! basis; `golive` counts the days to a first stream; `credit` checks a
//! unified social credit code.

pub mod credit;
pub mod decide;
pub mod findings;
pub mod golive;
