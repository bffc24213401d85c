//! Calendar arithmetic on civil (proleptic Gregorian) days: the one home of day numbers,
//! month lengths and `YYYY-MM-DD` parsing. Day numbers count days since 1970-01-01
//! (Howard Hinnant's algorithms); every function is total (no panic on any input).

/// Days in month `m` of year `y`; 0 for a month outside 1–12.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of (year, month, day). The day is not checked against the month's
/// length (callers that need a real day use [`days_in_month`] or [`iso_day`]).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9).rem_euclid(12);
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day number (days since 1970-01-01).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(z: i64) -> String {
    let (y, m, d) = civil_from_days(z);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The (year, month, day) of a string that starts with `YYYY-MM-DD` (four digits, dash, two
/// digits, dash, two digits), month 1–12 and day 1–31; what follows is not read. The day is
/// not checked against the month's length.
pub fn iso_day(s: &str) -> Option<(i64, u32, u32)> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((i64::from(y), m, d))
}

/// The day number of a string starting with a real `YYYY-MM-DD` day (see [`iso_day`], and
/// the day within its month's length).
pub fn day_number(s: &str) -> Option<i64> {
    let (y, m, d) = iso_day(s)?;
    (d <= days_in_month(y, m)).then(|| days_from_civil(y, m, d))
}

/// Today's date (UTC, from the system clock) as `YYYY-MM-DD`.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    format_day(secs.div_euclid(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_edges() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(format_day(0), "1970-01-01");
        assert_eq!(format_day(19_723), "2024-01-01");
        for z in [-800_000, -1, 0, 59, 60, 11_016, 19_723, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2024, 13), 0);
        assert_eq!(
            day_number("2020-01-10")
                .zip(day_number("2019-12-31"))
                .map(|(a, b)| a - b),
            Some(10)
        );
        assert_eq!(day_number("2021-02-29"), None);
        assert_eq!(iso_day("2020-13-01"), None);
        assert_eq!(iso_day("garbage"), None);
        assert_eq!(iso_day("2020-05-06T10:00Z"), Some((2020, 5, 6)));
        let _ = civil_from_days(i64::MAX);
    }
}
