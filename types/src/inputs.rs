//! Parse, don't validate: each input type can only hold a valid value, and the same parser runs
//! in the browser (for instant feedback) and on the server (for the decision).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an input was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// The form field the message belongs to.
    pub field: &'static str,
    pub message: String,
}

impl ParseError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A tenant's display name: trimmed, 2–100 characters, no control characters.
/// Uniqueness is case-insensitive: compare [`TenantName::key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantName(String);

impl TenantName {
    pub const MIN_CHARS: usize = 2;
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        display_name(
            raw,
            "tenant_name",
            "tenant name",
            Self::MIN_CHARS..=Self::MAX_CHARS,
        )
        .map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the name, as stored in the unique index.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A trimmed display name whose length in characters is within `chars`, with no control
/// characters. `what` names it in messages ("tenant name"), `field` is its form field.
fn display_name(
    raw: &str,
    field: &'static str,
    what: &str,
    chars: std::ops::RangeInclusive<usize>,
) -> Result<String, ParseError> {
    let name = raw.trim();
    let count = name.chars().count();
    if count == 0 {
        return Err(ParseError::new(field, format!("Enter the {what}.")));
    }
    if !chars.contains(&count) {
        let (min, max) = (chars.start(), chars.end());
        let range = if *min == 1 {
            format!("at most {max} characters")
        } else {
            format!("{min} to {max} characters")
        };
        return Err(ParseError::new(field, format!("A {what} has {range}.")));
    }
    if name.chars().any(char::is_control) {
        return Err(ParseError::new(
            field,
            format!("A {what} cannot contain control characters."),
        ));
    }
    Ok(name.to_owned())
}

/// A company's display name: trimmed, 1–100 characters, no control characters. Unique per MSP
/// tenant, case-insensitively: compare [`CompanyName::key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CompanyName(String);

impl CompanyName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        display_name(raw, "name", "company name", 1..=Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the name, as stored in the unique index.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl TryFrom<String> for CompanyName {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CompanyName> for String {
    fn from(value: CompanyName) -> Self {
        value.0
    }
}

impl fmt::Display for CompanyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TenantName {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TenantName> for String {
    fn from(value: TenantName) -> Self {
        value.0
    }
}

impl fmt::Display for TenantName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, trimmed and lower-cased. Deliberately a light check (one `@`, a dotted
/// domain, no spaces, at most 254 characters): the real test of an address is delivery.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(ParseError::new("email", "Enter an email address."));
        }
        let invalid = || {
            ParseError::new(
                "email",
                "Enter a valid email address, like name@example.com.",
            )
        };
        if email.chars().count() > Self::MAX_CHARS {
            return Err(ParseError::new(
                "email",
                "An email address has at most 254 characters.",
            ));
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed. Never printed: `Debug` is redacted and there is no `Display`.
/// New passwords need 10–128 characters; a password offered at sign-in only needs to be
/// non-empty and at most 128 characters (so the hash cost cannot be driven up by huge input).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_NEW_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    /// A password offered for sign-in.
    pub fn parse_attempt(raw: &str) -> Result<Self, ParseError> {
        if raw.is_empty() {
            return Err(ParseError::new("password", "Enter your password."));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(ParseError::new(
                "password",
                "A password has at most 128 characters.",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// A password being set: also checks the minimum length.
    pub fn parse_new(raw: &str) -> Result<Self, ParseError> {
        let password = Self::parse_attempt(raw)?;
        if raw.chars().count() < Self::MIN_NEW_CHARS {
            return Err(ParseError::new(
                "password",
                format!(
                    "Choose a password of at least {} characters.",
                    Self::MIN_NEW_CHARS
                ),
            ));
        }
        Ok(password)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The reason given for a decision (approve, reject, revoke): required, trimmed, at most
/// 1,000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reason(String);

impl Reason {
    pub const MAX_CHARS: usize = 1000;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let reason = raw.trim();
        if reason.is_empty() {
            return Err(ParseError::new("reason", "A reason is required."));
        }
        if reason.chars().count() > Self::MAX_CHARS {
            return Err(ParseError::new(
                "reason",
                "A reason has at most 1,000 characters.",
            ));
        }
        Ok(Self(reason.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reason {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Reason> for String {
    fn from(value: Reason) -> Self {
        value.0
    }
}

/// Declares a trimmed, length-limited text input with no control characters, stored as given.
macro_rules! short_text {
    ($(#[$meta:meta])* $name:ident, field: $field:literal, what: $what:literal, max: $max:literal $(, extra: $extra:expr)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, ParseError> {
                let text = display_name(raw, $field, $what, 1..=Self::MAX_CHARS)?;
                $( ($extra)(&text)?; )?
                Ok(Self(text))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

short_text!(
    /// A host's name as an agent reports it: 1–255 characters, no spaces.
    Hostname, field: "hostname", what: "hostname", max: 255,
    extra: |text: &str| if text.chars().any(char::is_whitespace) {
        Err(ParseError::new("hostname", "A hostname cannot contain spaces."))
    } else {
        Ok(())
    }
);

short_text!(
    /// An agent's software version, as it reports it: 1–64 characters.
    AgentVersion, field: "version", what: "version", max: 64
);

short_text!(
    /// An operating system's name and version, as reported: 1–200 characters.
    OsName, field: "os", what: "operating system", max: 200
);

short_text!(
    /// A vulnerability's catalogue id, such as `CVE-2024-3094`: 1–64 characters.
    VulnKey, field: "id", what: "vulnerability id", max: 64
);

short_text!(
    /// A vulnerability's title: 1–500 characters.
    VulnTitle, field: "title", what: "vulnerability title", max: 500
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_names_are_trimmed_and_keyed_case_insensitively() {
        let name = TenantName::parse("  Northwind MSP ").expect("valid");
        assert_eq!(name.as_str(), "Northwind MSP");
        assert_eq!(
            name.key(),
            TenantName::parse("NORTHWIND msp").expect("valid").key()
        );
    }

    #[test]
    fn company_names_are_trimmed_bounded_and_keyed() {
        let name = CompanyName::parse("  Acme Dental ").expect("valid");
        assert_eq!(name.as_str(), "Acme Dental");
        assert_eq!(name.key(), "acme dental");
        assert!(CompanyName::parse("A").is_ok());
        let empty = CompanyName::parse("  ").expect_err("empty");
        assert_eq!(
            (empty.field, empty.message.as_str()),
            ("name", "Enter the company name.")
        );
        let long = CompanyName::parse(&"x".repeat(101)).expect_err("long");
        assert_eq!(long.message, "A company name has at most 100 characters.");
        assert!(CompanyName::parse("a\u{7}b").is_err());
    }

    #[test]
    fn tenant_name_bounds() {
        assert!(TenantName::parse("").is_err());
        assert!(TenantName::parse("   ").is_err());
        assert!(TenantName::parse("a").is_err());
        assert!(TenantName::parse("ab").is_ok());
        assert!(TenantName::parse(&"x".repeat(100)).is_ok());
        assert!(TenantName::parse(&"x".repeat(101)).is_err());
        assert!(TenantName::parse(&"x".repeat(10_000)).is_err());
        assert!(TenantName::parse("bad\u{0}name").is_err());
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse(" Admin@Northwind-MSP.test ")
                .expect("valid")
                .as_str(),
            "admin@northwind-msp.test"
        );
        for bad in [
            "",
            "no-at",
            "a@b",
            "@x.test",
            "a@.test",
            "a@x.test.",
            "a b@x.test",
            "a@x..test",
            "a@@x.test",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Email::parse(&format!("{}@x.test", "a".repeat(300))).is_err());
    }

    #[test]
    fn passwords_never_show_in_debug_and_have_bounds() {
        let password = Password::parse_attempt("hunter2").expect("valid attempt");
        assert_eq!(format!("{password:?}"), "Password(<redacted>)");
        assert!(Password::parse_new("short").is_err());
        assert!(Password::parse_new("long-enough-1").is_ok());
        assert!(Password::parse_attempt("").is_err());
        assert!(Password::parse_attempt(&"p".repeat(129)).is_err());
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert!(Reason::parse("").is_err());
        assert!(Reason::parse("   ").is_err());
        assert_eq!(
            Reason::parse("  Trusted partner ").expect("valid").as_str(),
            "Trusted partner"
        );
        assert!(Reason::parse(&"r".repeat(1000)).is_ok());
        assert!(Reason::parse(&"r".repeat(10_000)).is_err());
    }

    #[test]
    fn deserializing_runs_the_parser() {
        let refused: Result<TenantName, _> = serde_json::from_str("\"x\"");
        assert!(refused.is_err());
    }
}

short_text!(
    /// A person's name as the portal shows it: 1–100 characters.
    PersonName, field: "display_name", what: "name", max: 100
);
