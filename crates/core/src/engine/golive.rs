//! Time to go live: the setup steps a path still needs after its
//! categories, and the earliest date they can all be done, counted from the
//! evaluation date. Working days skip Saturdays and Sundays; public holidays
//! are not modelled, so the date is an estimate of livegate's own.

use jiff::civil::{Date, Weekday};

use crate::ruleset::{Path, Ruleset};

/// The date `days` days after `start`: calendar days, or working days
/// (Monday to Friday) when `working`.
pub fn after(start: Date, days: u32, working: bool) -> Option<Date> {
    let mut d = start;
    let mut left = days;
    while left > 0 {
        d = d.tomorrow().ok()?;
        if !working || !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    Some(d)
}

/// The path's steps still to do when it opens by `ways` (a bit per way):
/// a bit per step of [`Ruleset::steps`].
pub fn remaining(path: &Path, rs: &Ruleset, ways: u64, done: u64) -> u64 {
    let mut mask = 0u64;
    for &s in &path.steps {
        let step = &rs.steps[s];
        let applies = step.ways.is_empty() || step.ways.iter().any(|&w| ways & (1 << w) != 0);
        if applies && done & (1 << s) == 0 {
            mask |= 1 << s;
        }
    }
    mask
}

/// How many days the steps in `mask` take, one after another (working
/// days counted as days).
pub fn days(rs: &Ruleset, mask: u64) -> u32 {
    rs.steps
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, s)| s.days)
        .sum()
}

/// The earliest date every step in `mask` is done, one after another from `start`.
pub fn earliest(rs: &Ruleset, mask: u64, start: Date) -> Option<Date> {
    let mut d = start;
    for (i, step) in rs.steps.iter().enumerate() {
        if mask & (1 << i) != 0 {
            d = after(d, step.days, step.working_days)?;
        }
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn working_days_skip_the_weekend_and_calendar_days_do_not() {
        // 2026-11-27 is a Friday.
        assert_eq!(after(date("2026-11-27"), 1, true), Some(date("2026-11-30")));
        assert_eq!(
            after(date("2026-11-27"), 1, false),
            Some(date("2026-11-28"))
        );
        assert_eq!(after(date("2026-11-27"), 5, true), Some(date("2026-12-04")));
        assert_eq!(
            after(date("2026-11-28"), 5, true),
            Some(date("2026-12-04")),
            "from a Saturday"
        );
        assert_eq!(after(date("2026-11-27"), 0, true), Some(date("2026-11-27")));
        assert_eq!(
            after(date("2026-11-27"), 7, false),
            Some(date("2026-12-04"))
        );
    }
}
