//! The audit log's filter, as it travels in a URL ([`AuditQuery`]: the strings as typed) and
//! parsed ([`AuditFilter`]). The audit log page, its server function and the CSV download all
//! read the same query (`?action=&q=&from=&to=`) through the same parser.

use crate::ParseError;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// The audit log's filter as it appears in a URL query: every field as typed, empty when unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// An action (`association.approve`) or a prefix ending in a dot (`association.`).
    pub action: String,
    /// Text to find in the actor or the target.
    pub q: String,
    /// First day (`YYYY-MM-DD`) or instant (RFC 3339) to include.
    pub from: String,
    /// Last day (`YYYY-MM-DD`, included whole) or instant (RFC 3339) to include.
    pub to: String,
}

impl AuditQuery {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        [&self.action, &self.q, &self.from, &self.to]
            .iter()
            .all(|field| field.trim().is_empty())
    }

    /// Parses and validates every field.
    pub fn parse(&self) -> Result<AuditFilter, ParseError> {
        let filter = AuditFilter {
            action: non_empty(&self.action),
            text: non_empty(&self.q),
            from: parse_bound("from", &self.from, Bound::Start)?,
            to: parse_bound("to", &self.to, Bound::End)?,
        };
        filter.validate()?;
        Ok(filter)
    }
}

/// Which events to show. `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// An exact action, or a prefix when it ends with a dot (`association.`).
    pub action: Option<String>,
    /// Matches the actor or the target, case-insensitively, as plain text (no wildcards).
    pub text: Option<String>,
    /// Earliest time included.
    pub from: Option<DateTime<Utc>>,
    /// Latest time included.
    pub to: Option<DateTime<Utc>>,
}

impl AuditFilter {
    /// Longest search text accepted.
    pub const MAX_TEXT_CHARS: usize = 200;
    /// Longest action accepted (the column's width).
    pub const MAX_ACTION_CHARS: usize = 64;

    /// Checks the bounds: search text length, action shape, and `from` not after `to`.
    pub fn validate(&self) -> Result<(), ParseError> {
        if let Some(text) = &self.text
            && text.chars().count() > Self::MAX_TEXT_CHARS
        {
            return Err(ParseError::new(
                "q",
                format!(
                    "Search text has at most {} characters.",
                    Self::MAX_TEXT_CHARS
                ),
            ));
        }
        if let Some(action) = &self.action {
            let well_formed = !action.is_empty()
                && action.len() <= Self::MAX_ACTION_CHARS
                && action
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
            if !well_formed {
                return Err(ParseError::new(
                    "action",
                    "Choose an action from the list (such as association.approve).",
                ));
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(ParseError::new(
                "from",
                "The start date must be on or before the end date.",
            ));
        }
        Ok(())
    }

    /// True when `action` is a prefix (`association.`) rather than one action.
    pub fn action_is_prefix(&self) -> bool {
        self.action.as_deref().is_some_and(|a| a.ends_with('.'))
    }
}

fn non_empty(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[derive(Clone, Copy)]
enum Bound {
    Start,
    End,
}

/// A date (`YYYY-MM-DD`, from its first or to its last microsecond, UTC) or an RFC 3339 instant.
fn parse_bound(
    field: &'static str,
    raw: &str,
    bound: Bound,
) -> Result<Option<DateTime<Utc>>, ParseError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        // Microseconds: the finest time both SQLite and PostgreSQL keep.
        let time = match bound {
            Bound::Start => NaiveTime::MIN,
            Bound::End => {
                NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap_or(NaiveTime::MIN)
            }
        };
        return Ok(Some(date.and_time(time).and_utc()));
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(instant.with_timezone(&Utc)));
    }
    let which = match bound {
        Bound::Start => "start",
        Bound::End => "end",
    };
    Err(ParseError::new(
        field,
        format!("Enter the {which} date as YYYY-MM-DD."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(action: &str, q: &str, from: &str, to: &str) -> AuditQuery {
        AuditQuery {
            action: action.into(),
            q: q.into(),
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn an_empty_query_filters_nothing() {
        assert!(AuditQuery::default().is_empty());
        assert_eq!(
            query(" ", "", "", "").parse().expect("valid"),
            AuditFilter::default()
        );
    }

    #[test]
    fn dates_cover_whole_days() {
        let filter = query("", "", "2026-11-01", "2026-11-01")
            .parse()
            .expect("valid");
        let from = filter.from.expect("from");
        let to = filter.to.expect("to");
        assert_eq!(from.to_rfc3339(), "2026-11-01T00:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-11-01T23:59:59.999999+00:00");
        let instant = query("", "", "2026-11-01T10:00:00+01:00", "")
            .parse()
            .expect("valid");
        assert_eq!(
            instant.from.expect("from").to_rfc3339(),
            "2026-11-01T09:00:00+00:00"
        );
    }

    #[test]
    fn bad_input_gets_a_message_for_its_field() {
        let error = |q: AuditQuery| q.parse().expect_err("refused");
        let long = error(query("", &"x".repeat(10_000), "", ""));
        assert_eq!(
            (long.field, long.message.as_str()),
            ("q", "Search text has at most 200 characters.")
        );
        assert!(query("", &"é".repeat(200), "", "").parse().is_ok());
        assert_eq!(error(query("", "", "yesterday", "")).field, "from");
        assert_eq!(error(query("", "", "", "2026-13-01")).field, "to");
        let order = error(query("", "", "2026-11-02", "2026-11-01"));
        assert_eq!(
            order.message,
            "The start date must be on or before the end date."
        );
        assert_eq!(error(query("Drop Table", "", "", "")).field, "action");
        assert_eq!(error(query(&"a".repeat(65), "", "", "")).field, "action");
    }

    #[test]
    fn actions_and_prefixes() {
        let exact = query("association.approve", "", "", "")
            .parse()
            .expect("valid");
        assert!(!exact.action_is_prefix());
        let prefix = query("association.", "", "", "").parse().expect("valid");
        assert!(prefix.action_is_prefix());
    }
}
