//! White labelling: an MSSP's page title, footer content and logos, as inputs and as the
//! pages show them.
//!
//! Title and footer are plain text. They are always rendered escaped; the footer's web
//! addresses are recognised ([`footer_parts`]) and shown as links, nothing else is markup.

use crate::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The browser tab's and header's title when the MSSP has not set its own.
pub const DEFAULT_MSSP_TITLE: &str = "MSSP Portal";

/// The page title of a white label: trimmed, 1–60 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PageTitle(String);

impl PageTitle {
    pub const MAX_CHARS: usize = 60;

    /// A title, or `None` for an empty field (the default title).
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, ParseError> {
        let text = raw.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().any(char::is_control) {
            return Err(ParseError::new(
                "page_title",
                "The page title must be one line of text.",
            ));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(ParseError::new(
                "page_title",
                format!(
                    "The page title can be at most {} characters.",
                    Self::MAX_CHARS
                ),
            ));
        }
        Ok(Some(Self(text.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The footer content of a white label: trimmed, 1–300 characters, at most 4 lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FooterContent(String);

impl FooterContent {
    pub const MAX_CHARS: usize = 300;
    pub const MAX_LINES: usize = 4;

    /// Footer content, or `None` for an empty field (the default footer). Line ends are
    /// stored as `\n`.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, ParseError> {
        let text = raw.replace("\r\n", "\n").replace('\r', "\n");
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(ParseError::new(
                "footer_content",
                "The footer content cannot hold control characters.",
            ));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(ParseError::new(
                "footer_content",
                format!(
                    "The footer content can be at most {} characters.",
                    Self::MAX_CHARS
                ),
            ));
        }
        if text.lines().count() > Self::MAX_LINES {
            return Err(ParseError::new(
                "footer_content",
                format!(
                    "The footer content can be at most {} lines.",
                    Self::MAX_LINES
                ),
            ));
        }
        Ok(Some(Self(text.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_conversions {
    ($name:ident, $field:literal) => {
        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse_optional(&value)?
                    .ok_or_else(|| ParseError::new($field, "This field cannot be empty."))
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

string_conversions!(PageTitle, "page_title");
string_conversions!(FooterContent, "footer_content");

/// A stored logo: the lower-case hex SHA-256 of its bytes, which is also its address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LogoId(String);

impl LogoId {
    /// Where the portal serves logos.
    pub const PATH_PREFIX: &'static str = "/branding/logos/";

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if raw.len() == 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ParseError::new(
                "logo",
                "That is not a logo of this portal.",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The logo's address on this portal (the same bytes forever, so cached for long).
    pub fn url(&self) -> String {
        format!("{}{}", Self::PATH_PREFIX, self.0)
    }
}

impl TryFrom<String> for LogoId {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LogoId> for String {
    fn from(value: LogoId) -> Self {
        value.0
    }
}

/// The portal's answer to a logo upload: the stored logo, ready to be saved into a white
/// label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedLogo {
    pub id: LogoId,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
}

/// An MSSP's white label. Each part left unset shows the portal's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Branding {
    pub page_title: Option<PageTitle>,
    pub footer_content: Option<FooterContent>,
    pub logo_light: Option<LogoId>,
    pub logo_dark: Option<LogoId>,
}

impl Branding {
    /// The title for the browser tab and the header.
    pub fn title(&self) -> &str {
        self.page_title
            .as_ref()
            .map_or(DEFAULT_MSSP_TITLE, PageTitle::as_str)
    }

    /// The light-mode logo's address, or the portal's own.
    pub fn logo_light_url(&self) -> String {
        self.logo_light
            .as_ref()
            .map_or_else(|| "/logo-light.svg".to_owned(), LogoId::url)
    }

    /// The dark-mode logo's address: the MSSP's dark logo, else its light one, else the
    /// portal's own.
    pub fn logo_dark_url(&self) -> String {
        match (&self.logo_dark, &self.logo_light) {
            (Some(dark), _) => dark.url(),
            (None, Some(light)) => light.url(),
            (None, None) => "/logo-dark.svg".to_owned(),
        }
    }
}

/// A piece of footer content: text, or a web address to show as a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FooterPart<'a> {
    Text(&'a str),
    Link(&'a str),
}

/// Splits footer text into plain text and `http(s)://` addresses. Anything else, including
/// markup, stays text (the page escapes it).
pub fn footer_parts(text: &str) -> Vec<FooterPart<'_>> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder
        .spans(text)
        .map(|span| match span.kind() {
            Some(linkify::LinkKind::Url)
                if span.as_str().starts_with("https://")
                    || span.as_str().starts_with("http://") =>
            {
                FooterPart::Link(span.as_str())
            }
            _ => FooterPart::Text(span.as_str()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_mean_the_default() {
        assert_eq!(PageTitle::parse_optional("  ").expect("ok"), None);
        assert_eq!(FooterContent::parse_optional("\r\n").expect("ok"), None);
        assert_eq!(Branding::default().title(), DEFAULT_MSSP_TITLE);
    }

    #[test]
    fn titles_are_one_short_line() {
        let title = PageTitle::parse_optional("  Acme Security ").expect("ok");
        assert_eq!(title.expect("some").as_str(), "Acme Security");
        assert!(PageTitle::parse_optional("two\nlines").is_err());
        assert!(PageTitle::parse_optional(&"x".repeat(61)).is_err());
        assert!(PageTitle::parse_optional(&"é".repeat(60)).is_ok());
    }

    #[test]
    fn footers_keep_line_ends_and_refuse_other_controls() {
        let footer = FooterContent::parse_optional("a\r\nb")
            .expect("ok")
            .expect("some");
        assert_eq!(footer.as_str(), "a\nb");
        assert!(FooterContent::parse_optional("a\u{0}b").is_err());
        assert!(FooterContent::parse_optional("1\n2\n3\n4\n5").is_err());
        assert!(FooterContent::parse_optional(&"x".repeat(301)).is_err());
    }

    #[test]
    fn only_web_addresses_become_links() {
        let parts = footer_parts(
            "Call us: https://example.com/help. <a href=\"javascript:alert(1)\">x</a> ftp://x.test",
        );
        let links: Vec<_> = parts
            .iter()
            .filter_map(|p| match p {
                FooterPart::Link(l) => Some(*l),
                FooterPart::Text(_) => None,
            })
            .collect();
        assert_eq!(links, ["https://example.com/help"]);
        let text: String = parts
            .iter()
            .map(|p| match p {
                FooterPart::Link(s) | FooterPart::Text(s) => *s,
            })
            .collect();
        assert!(text.contains("<a href=\"javascript:alert(1)\">x</a>"));
    }

    #[test]
    fn logo_ids_are_sha256_hex() {
        let id = "a".repeat(64);
        assert_eq!(
            LogoId::parse(&id).expect("ok").url(),
            format!("/branding/logos/{id}")
        );
        assert!(LogoId::parse(&"A".repeat(64)).is_err());
        assert!(LogoId::parse("../../etc/passwd").is_err());
        assert!(LogoId::parse(&"a".repeat(63)).is_err());
    }

    #[test]
    fn the_dark_logo_falls_back_to_the_light_one() {
        let light = LogoId::parse(&"1".repeat(64)).expect("ok");
        let branding = Branding {
            logo_light: Some(light.clone()),
            ..Branding::default()
        };
        assert_eq!(branding.logo_dark_url(), light.url());
        assert_eq!(Branding::default().logo_dark_url(), "/logo-dark.svg");
    }
}
