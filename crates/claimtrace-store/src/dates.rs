//! Publication dates as the store keeps them: a sortable ISO prefix, or none.

use claimtrace_core::date;

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
    let (y, m, d) = date::iso_day(s)?;
    if y < i64::from(MIN_YEAR) || d > date::days_in_month(y, m) {
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

/// `YYYY-MM-DD` plus `n` days (civil calendar), `None` if `date` is not such a date.
fn add_days(date: &str, n: i64) -> Option<String> {
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: u32 = date.get(5..7)?.parse().ok()?;
    let d: u32 = date.get(8..10)?.parse().ok()?;
    let days = date::days_from_civil(y, m, d) + n;
    Some(date::format_day(days))
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub use claimtrace_core::date::today_utc;

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
