//! Dates: the only place that reads a `YYYY-MM-DD` date and knows which day
//! it is in Beijing time (UTC+8), the clock WeChat's review keeps. The
//! engine, the command line and the store all ask here.

use jiff::civil::Date;

/// Beijing time's offset from UTC, in hours.
pub const BEIJING_UTC_OFFSET_HOURS: i8 = 8;

/// Today in Beijing time.
pub fn today() -> Date {
    jiff::tz::offset(BEIJING_UTC_OFFSET_HOURS)
        .to_datetime(jiff::Timestamp::now())
        .date()
}

/// A `YYYY-MM-DD` date that exists; `None` for anything else. The common
/// form is read without the general parser (it runs once per document).
pub fn parse(value: &str) -> Option<Date> {
    let b = value.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<i16> {
            b[r].iter().try_fold(0i16, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + i16::from(c - b'0'))
            })
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        return Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok();
    }
    None
}

/// As [`parse`], with space around the date allowed: the common form is
/// tried as it is first, since trimming decodes characters.
pub fn parse_trimmed(value: &str) -> Option<Date> {
    parse(value).or_else(|| parse(value.trim()))
}

/// Days since 1970-01-01, as the store keeps dates.
pub fn to_days(date: Date) -> i64 {
    let epoch = Date::constant(1970, 1, 1);
    i64::from(date.since(epoch).map_or(0, |s| s.get_days()))
}

/// The date `days` after 1970-01-01; `None` outside the years jiff keeps.
pub fn from_days(days: i64) -> Option<Date> {
    let epoch = Date::constant(1970, 1, 1);
    let span = jiff::Span::new().try_days(days).ok()?;
    epoch.checked_add(span).ok()
}

/// Days in a window such as `30d`, `30` or `2w`, up to ten years: digits
/// and one unit, nothing else (no sign, no space).
pub fn parse_window(s: &str) -> Option<i64> {
    let (num, mult) = if let Some(n) = s.strip_suffix('d') {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('w') {
        (n, 7)
    } else {
        (s, 1)
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = num.parse().ok()?;
    let days = n.checked_mul(mult)?;
    (0..=3650).contains(&days).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dates_that_exist_in_the_one_form_parse() {
        assert_eq!(parse("2026-11-28"), Some(Date::constant(2026, 11, 28)));
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "20261128",
            "2026-1-28",
            " 2026-11-28",
            "2026-11-2x",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn space_around_a_date_is_allowed_and_nothing_else_is() {
        let d = Some(Date::constant(2026, 11, 28));
        assert_eq!(parse_trimmed("2026-11-28"), d);
        assert_eq!(parse_trimmed(" 2026-11-28\n"), d);
        for bad in ["2026-11-28T08:00", "+002026-11-28", "2026-02-30", ""] {
            assert_eq!(parse_trimmed(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_since_1970_round_trip() {
        for d in [
            Date::constant(1970, 1, 1),
            Date::constant(2000, 2, 29),
            Date::constant(2026, 11, 28),
            Date::constant(1969, 12, 31),
        ] {
            assert_eq!(from_days(to_days(d)), Some(d));
        }
        assert_eq!(to_days(Date::constant(1970, 1, 2)), 1);
        assert_eq!(to_days(Date::constant(2026, 11, 28)), 20_785);
    }

    #[test]
    fn windows_are_days_or_weeks_within_ten_years() {
        assert_eq!(parse_window("30d"), Some(30));
        assert_eq!(parse_window("30"), Some(30));
        assert_eq!(parse_window("2w"), Some(14));
        assert_eq!(parse_window("-1d"), None);
        assert_eq!(parse_window("3651d"), None);
        assert_eq!(parse_window("soon"), None);
        assert_eq!(parse_window("0030d"), Some(30));
        assert_eq!(parse_window("521w"), Some(3647));
        for bad in ["+30d", " 30d", "30 d", "d", "", "522w", "3e1"] {
            assert_eq!(parse_window(bad), None, "{bad:?}");
        }
    }
}
