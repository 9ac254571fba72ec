//! Dates as Hugo reads them from front matter, and the clock that decides
//! what is published.
//!
//! Hugo accepts RFC 3339 (`2026-11-20T10:00:00-07:00`), a date and time
//! without a zone, a bare date (`2026-11-20`) and a space instead of `T`;
//! a date without a zone is read in UTC (Hugo's default `timeZone`).

/// Seconds since the Unix epoch (UTC), or `None` when `text` is not a date
/// Hugo reads.
pub fn parse(text: &str) -> Option<i64> {
    let t = text.trim();
    let (date, rest) = t.split_at(t.find(['T', 't', ' ']).unwrap_or(t.len()));
    let mut ymd = date.splitn(3, '-');
    let y: i64 = ymd.next()?.parse().ok()?;
    let m: u32 = ymd.next()?.parse().ok()?;
    let d: u32 = ymd.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    let rest = rest.get(1..).unwrap_or("").trim();
    if rest.is_empty() {
        return Some(days * 86_400);
    }
    // Time, optional fraction, optional zone (Z, +hh:mm, +hhmm, or " +0000 UTC").
    let zone_at = rest
        .char_indices()
        .skip(1)
        .find(|&(_, c)| matches!(c, 'Z' | 'z' | '+' | '-' | ' '))
        .map_or(rest.len(), |(i, _)| i);
    let (time, zone) = rest.split_at(zone_at);
    let time = time.split('.').next()?;
    let mut hms = time.split(':');
    let h: i64 = hms.next()?.parse().ok()?;
    let mi: i64 = hms.next().unwrap_or("0").parse().ok()?;
    let s: i64 = hms.next().unwrap_or("0").parse().ok()?;
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let offset = zone_offset(zone.trim())?;
    Some(days * 86_400 + h * 3600 + mi * 60 + s - offset)
}

fn zone_offset(zone: &str) -> Option<i64> {
    let zone = zone.split_whitespace().next().unwrap_or("");
    if zone.is_empty() || zone.eq_ignore_ascii_case("z") || zone.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let sign = match zone.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != 4 && digits.len() != 2 {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = digits
        .get(2..)
        .filter(|s| !s.is_empty())
        .map_or(Some(0), |s| s.parse().ok())?;
    Some(sign * (h * 3600 + m * 60))
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a Unix time, `YYYY-MM-DD`, for messages.
pub fn format_date(secs: i64) -> String {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The environment variable that pins the clock, like `hugo --clock`.
pub const CLOCK_ENV: &str = "FRONTDESK_NOW";

/// The time publishing rules are judged at: `FRONTDESK_NOW` when set, else
/// the configured `[site] now`, else the system clock. A pinned clock that is
/// not a date is an error naming where it came from.
pub fn now(configured: &str) -> Result<i64, String> {
    let (value, origin) = match std::env::var(CLOCK_ENV) {
        Ok(v) if !v.trim().is_empty() => (v, CLOCK_ENV.to_string()),
        _ => (configured.to_string(), "[site] now".to_string()),
    };
    if value.trim().is_empty() {
        return Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64));
    }
    parse(&value).ok_or_else(|| {
        format!("{origin} = {value:?} is not a date; use e.g. 2026-12-01T12:00:00Z or 2026-12-01")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hugo_date_forms() {
        let day = parse("2026-12-01").unwrap();
        assert_eq!(format_date(day), "2026-12-01");
        assert_eq!(parse("2026-12-01T00:00:00Z"), Some(day));
        assert_eq!(parse("2026-12-01 00:00:00"), Some(day));
        assert_eq!(parse("2026-12-01T12:00:00+02:00"), Some(day + 10 * 3600));
        assert_eq!(parse("2026-12-01T12:00:00.123-0500"), Some(day + 17 * 3600));
        assert_eq!(
            parse("2023-05-11T22:35:06+05:31"),
            Some(parse("2023-05-11T17:04:06Z").unwrap())
        );
        assert_eq!(parse("1970-01-01"), Some(0));
        assert_eq!(parse("2000-03-01"), Some(951_868_800));
        assert!(parse("next tuesday").is_none());
        assert!(parse("2026-13-01").is_none());
    }
}
