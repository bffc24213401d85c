//! Publication dates as the store keeps them: a sortable ISO prefix, or none.

/// Earliest plausible publication year. Dates before it (the Unix epoch `1970-01-01` that
/// broken CMSs print, year 1, ...) are treated as unknown.
pub const MIN_YEAR: u32 = 1990;

/// Normalises a publication date for storage and ordering: keeps `YYYY-MM-DD` and, when
/// present, the `THH:MM[:SS]` time and zone as given. Returns `None` for a missing or
/// unparsable date, one before [`MIN_YEAR`], a Unix-epoch placeholder, or one more than two
/// days after `today` (`YYYY-MM-DD`; future dates are clock or parsing errors).
pub fn normalize_published(raw: Option<&str>, today: &str) -> Option<String> {
    let s = raw?.trim();
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
    if y < MIN_YEAR || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let date = s.get(0..10)?;
    if let Some(limit) = add_days(today, 2)
        && date > limit.as_str()
    {
        return None;
    }
    // Keep a well-formed time part, drop anything else.
    match b.get(10) {
        Some(b'T') | Some(b' ') => {
            let rest = s.get(11..).unwrap_or("");
            let ok = rest.len() <= 40
                && rest.len() >= 5
                && rest
                    .bytes()
                    .all(|c| c.is_ascii_digit() || matches!(c, b':' | b'.' | b'+' | b'-' | b'Z'));
            if ok {
                Some(format!("{date}T{rest}"))
            } else {
                Some(date.to_owned())
            }
        }
        _ => Some(date.to_owned()),
    }
}

/// The key articles are ordered by: the normalised date, or `""` when unknown.
pub fn published_key(published: Option<&str>) -> &str {
    published.unwrap_or("")
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        _ => 28,
    }
}

/// `YYYY-MM-DD` plus `n` days (civil calendar), `None` if `date` is not such a date.
fn add_days(date: &str, n: i64) -> Option<String> {
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: i64 = date.get(5..7)?.parse().ok()?;
    let d: i64 = date.get(8..10)?.parse().ok()?;
    let days = days_from_civil(y, m, d) + n;
    let (y, m, d) = civil_from_days(days);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = civil_from_days(secs.div_euclid(86400));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let t = "2026-11-25";
        assert_eq!(
            normalize_published(Some("2019-07-31"), t).as_deref(),
            Some("2019-07-31")
        );
        assert_eq!(
            normalize_published(Some("2019-07-31T10:00:00+02:00"), t).as_deref(),
            Some("2019-07-31T10:00:00+02:00")
        );
        assert_eq!(
            normalize_published(Some("2019-07-31T<script>"), t).as_deref(),
            Some("2019-07-31")
        );
        assert_eq!(normalize_published(Some("1970-01-01"), t), None);
        assert_eq!(normalize_published(Some("2031-01-01"), t), None);
        assert_eq!(
            normalize_published(Some("2026-11-27"), t).as_deref(),
            Some("2026-11-27")
        );
        assert_eq!(normalize_published(Some("2026-11-28"), t), None);
        assert_eq!(normalize_published(Some("2019-02-30"), t), None);
        assert_eq!(
            normalize_published(Some("2020-02-29"), t).as_deref(),
            Some("2020-02-29")
        );
        assert_eq!(normalize_published(Some("yesterday"), t), None);
        assert_eq!(normalize_published(Some("2019-07-3"), t), None);
        assert_eq!(normalize_published(Some("١٩٩٠-٠١-٠١"), t), None);
        assert_eq!(normalize_published(None, t), None);
        assert_eq!(add_days("2026-12-31", 2).as_deref(), Some("2027-01-02"));
        assert_eq!(today_utc().len(), 10);
    }
}
