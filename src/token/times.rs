//! A token's validity window relative to a given "now" (never the clock).

use serde::Serialize;

use super::Claims;

/// AWS accepts an OIDC token for 5 minutes past `exp` to allow for clock skew.
pub const AWS_CLOCK_SKEW_SECONDS: i64 = 300;

/// Where "now" falls in the token's validity window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validity {
    /// Before `nbf`.
    NotYetValid,
    Valid,
    /// Past `exp`, but AWS still accepts it within its clock skew.
    ExpiredWithinSkew,
    Expired,
    /// No integer `exp`: AWS rejects the token.
    NoExpiry,
}

/// The token's times, absolute (seconds and UTC text) and relative to `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Times {
    pub now: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<Instant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Instant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Instant>,
    /// `exp` plus AWS's clock skew: the last moment STS accepts the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_accepts_until: Option<Instant>,
    /// `exp - iat`: the job's timeout, or 300 s without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_seconds: Option<i64>,
    pub validity: Validity,
    /// One line for people: "expires in 41 min", "expired 3 h ago".
    pub summary: String,
}

/// A moment: seconds since 1970, its UTC text, and how far it is from now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Instant {
    pub seconds: i64,
    /// `2025-11-24T16:00:00Z`, or `None` outside years 0–9999.
    pub utc: Option<String>,
    /// "in 41 min", "3 h ago", "now".
    pub relative: String,
}

impl Instant {
    fn new(seconds: i64, now: i64) -> Self {
        Self {
            seconds,
            utc: format_utc(seconds),
            relative: relative(seconds.saturating_sub(now)),
        }
    }
}

/// Reads `iat`, `nbf` and `exp` and places `now` among them.
#[must_use]
pub fn token_times(claims: &Claims, now: i64) -> Times {
    let iat = claims.numeric_date("iat");
    let nbf = claims.numeric_date("nbf");
    let exp = claims.numeric_date("exp");
    let aws_until = exp.map(|e| e.saturating_add(AWS_CLOCK_SKEW_SECONDS));
    let validity = match (nbf, exp, aws_until) {
        (Some(nbf), _, _) if now < nbf => Validity::NotYetValid,
        (_, None, _) => Validity::NoExpiry,
        (_, Some(exp), _) if now < exp => Validity::Valid,
        (_, _, Some(until)) if now <= until => Validity::ExpiredWithinSkew,
        _ => Validity::Expired,
    };
    let summary = match (validity, nbf, exp) {
        (Validity::NotYetValid, Some(nbf), _) => format!("becomes valid {}", relative(nbf.saturating_sub(now))),
        (Validity::Valid, _, Some(exp)) => format!("expires {}", relative(exp.saturating_sub(now))),
        (Validity::ExpiredWithinSkew, _, Some(exp)) => format!(
            "expired {}; AWS still accepts it for {}",
            relative(exp.saturating_sub(now)),
            duration(exp.saturating_add(AWS_CLOCK_SKEW_SECONDS).saturating_sub(now))
        ),
        (Validity::Expired, _, Some(exp)) => format!("expired {}", relative(exp.saturating_sub(now))),
        _ => "no expiry: AWS rejects tokens without an integer exp".to_owned(),
    };
    Times {
        now,
        issued_at: iat.map(|s| Instant::new(s, now)),
        not_before: nbf.map(|s| Instant::new(s, now)),
        expires_at: exp.map(|s| Instant::new(s, now)),
        aws_accepts_until: aws_until.map(|s| Instant::new(s, now)),
        lifetime_seconds: iat.zip(exp).map(|(i, e)| e.saturating_sub(i)),
        validity,
        summary,
    }
}

/// "in 41 min" for a positive offset, "41 min ago" for a negative one.
#[must_use]
pub fn relative(offset_seconds: i64) -> String {
    match offset_seconds {
        0 => "now".to_owned(),
        s if s > 0 => format!("in {}", duration(s)),
        s => format!("{} ago", duration(s.saturating_neg())),
    }
}

/// "41 s", "41 min", "3 h 5 min", "2 days": rounded down, for people.
#[must_use]
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86400 => match (s / 3600, s % 3600 / 60) {
            (h, 0) => format!("{h} h"),
            (h, m) => format!("{h} h {m} min"),
        },
        _ => match s / 86400 {
            1 => "1 day".to_owned(),
            d => format!("{d} days"),
        },
    }
}

/// Formats seconds since 1970 as RFC 3339 UTC, for years 0 to 9999.
#[must_use]
pub fn format_utc(seconds: i64) -> Option<String> {
    let days = seconds.div_euclid(86400);
    let secs = seconds.rem_euclid(86400);
    let (year, month, day) = civil_from_days(days)?;
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    ))
}

/// Howard Hinnant's days → (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> Option<(i64, i64, i64)> {
    // Days from 0000-03-01 to 1970-01-01 is 719 468; beyond ±3.6 million days the year leaves 0–9999.
    if !(-719_468..=2_932_896).contains(&days) {
        return None;
    }
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (0..=9999).contains(&year).then_some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: &serde_json::Value) -> Claims {
        Claims::new(value.as_object().unwrap().clone())
    }

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc(0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_681_398_793).unwrap(), "2023-04-13T15:13:13Z");
        assert_eq!(format_utc(951_782_400).unwrap(), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(-1).unwrap(), "1969-12-31T23:59:59Z");
        assert_eq!(format_utc(253_402_300_799).unwrap(), "9999-12-31T23:59:59Z");
        assert_eq!(format_utc(253_402_300_800), None);
        assert_eq!(format_utc(i64::MAX), None);
        assert_eq!(format_utc(i64::MIN), None);
    }

    #[test]
    fn windows() {
        let c = claims(&json!({"iat": 1000, "nbf": 995, "exp": 4600}));
        let at = |now| token_times(&c, now);
        assert_eq!(at(900).validity, Validity::NotYetValid);
        assert_eq!(at(1000).validity, Validity::Valid);
        assert_eq!(at(2140).summary, "expires in 41 min");
        assert_eq!(at(4600).validity, Validity::ExpiredWithinSkew);
        assert_eq!(at(4660).summary, "expired 1 min ago; AWS still accepts it for 4 min");
        assert_eq!(at(4900).validity, Validity::ExpiredWithinSkew);
        assert_eq!(at(4901).validity, Validity::Expired);
        assert_eq!(at(4600 + 3 * 3600).summary, "expired 3 h ago");
        assert_eq!(at(1000).lifetime_seconds, Some(3600));
        assert_eq!(at(1000).aws_accepts_until.unwrap().seconds, 4900);
    }

    #[test]
    fn missing_or_extreme_values_never_panic() {
        assert_eq!(token_times(&claims(&json!({})), 0).validity, Validity::NoExpiry);
        let extreme = claims(&json!({"iat": i64::MIN, "nbf": i64::MIN, "exp": i64::MAX}));
        let t = token_times(&extreme, i64::MAX);
        assert_eq!(t.validity, Validity::ExpiredWithinSkew);
        let t = token_times(&extreme, i64::MIN);
        assert_eq!(t.validity, Validity::Valid);
        assert_eq!(duration(i64::MIN), "0 s");
        assert_eq!(relative(i64::MIN), "106751991167300 days ago");
    }
}
