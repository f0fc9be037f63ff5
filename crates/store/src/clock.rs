//! Ids, secrets and dates, without a date library: civil dates from days
//! since 1970 (Howard Hinnant's algorithm), RFC 3339 UTC timestamps.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // The OS random source failing is not something a caller can act on.
    getrandom::fill(&mut b).expect("operating system random source");
    b
}

static LAST: Mutex<(u64, u128)> = Mutex::new((0, 0));

/// A new id: `prefix_` and 26 Crockford base32 characters, a millisecond
/// time followed by 80 random bits, increasing within this process, so
/// ordering by id is ordering by creation (and a stable cursor).
pub fn new_id(prefix: &str) -> String {
    let mut ms = now_millis();
    let r = random_bytes::<10>();
    let mut rand = r.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b));
    {
        let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        if ms <= last.0 {
            ms = last.0;
            rand = (last.1 + 1) & ((1u128 << 80) - 1);
        }
        *last = (ms, rand);
    }
    let v: u128 = (u128::from(ms) << 80) | rand;
    let mut s = String::with_capacity(prefix.len() + 27);
    s.push_str(prefix);
    s.push('_');
    for i in (0..26).rev() {
        s.push(CROCKFORD[((v >> (i * 5)) & 31) as usize] as char);
    }
    s
}

/// Parses a `YYYY-MM-DD` date into days since 1970, checking that the day
/// exists (the engine's reading: `livegate_core::dates`).
pub fn parse_date(s: &str) -> Option<i64> {
    livegate_core::dates::parse(s).map(livegate_core::dates::to_days)
}

/// Formats days since 1970 as `YYYY-MM-DD`.
pub fn format_date(days: i64) -> String {
    livegate_core::dates::from_days(days).map_or_else(String::new, |d| d.to_string())
}

/// Today in Beijing time (UTC+8), the clock WeChat's review keeps, as days
/// since 1970.
pub fn today() -> i64 {
    livegate_core::dates::to_days(livegate_core::dates::today())
}

/// Now as an RFC 3339 UTC timestamp with milliseconds.
pub fn now_rfc3339() -> String {
    rfc3339_at(now_millis())
}

/// `secs` seconds from now, as [`now_rfc3339`] writes times.
pub fn rfc3339_after(secs: u64) -> String {
    rfc3339_at(now_millis().saturating_add(secs.saturating_mul(1000)))
}

/// `secs` seconds ago, as [`now_rfc3339`] writes times.
pub fn rfc3339_before(secs: u64) -> String {
    rfc3339_at(now_millis().saturating_sub(secs.saturating_mul(1000)))
}

/// A time as [`now_rfc3339`] writes it, `secs` seconds later; `None` for
/// text in another shape.
pub fn rfc3339_plus(at: &str, secs: u64) -> Option<String> {
    let days = u64::try_from(at.get(..10).and_then(parse_date)?).ok()?;
    let field = |r: std::ops::Range<usize>| at.get(r)?.parse::<u64>().ok();
    let (h, mi, s, milli) = (
        field(11..13)?,
        field(14..16)?,
        field(17..19)?,
        field(20..23)?,
    );
    let ms = ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + milli;
    Some(rfc3339_at(ms.saturating_add(secs.saturating_mul(1000))))
}

pub fn rfc3339_at(ms: u64) -> String {
    let days = (ms / 86_400_000) as i64;
    let rem = ms % 86_400_000;
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{}T{h:02}:{mi:02}:{s:02}.{milli:03}Z", format_date(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days_including_leap_days() {
        for s in ["1970-01-01", "2000-02-29", "2024-12-31", "2026-03-01"] {
            let d = parse_date(s).expect(s);
            assert_eq!(format_date(d), s);
        }
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(
            parse_date("2026-01-31").map(|d| format_date(d + 30)),
            Some("2026-03-02".into())
        );
    }

    #[test]
    fn dates_that_do_not_exist_are_refused() {
        for s in [
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "20260101",
            "2026-04-31",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn a_written_time_moves_on_by_whole_seconds_across_a_day() {
        assert_eq!(
            rfc3339_plus("2026-12-07T23:30:05.120Z", 3600).as_deref(),
            Some("2026-12-08T00:30:05.120Z")
        );
        let now = now_rfc3339();
        assert_eq!(rfc3339_plus(&now, 0), Some(now));
        assert_eq!(rfc3339_plus("yesterday", 1), None);
    }

    #[test]
    fn ids_increase_in_creation_order_within_a_process() {
        let ids: Vec<String> = (0..1000).map(|_| new_id("x")).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        assert_eq!(ids[0].len(), 28);
    }
}
