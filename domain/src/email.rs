//! The emails the portal sends, and how each one reads.
//!
//! Owns: the [`Message`] enum (stored as JSON in the outbox, so a message is rendered with the
//! wording of the version that sends it) and its rendering to a subject, a plain-text body and
//! an HTML body. Must not: send anything (the outbox worker of the server does) or read the
//! database.
//!
//! Every value that a user typed (tenant names) is escaped in the HTML body.
//!
//! A message from an MSSP is branded with its name and, when its white label has one, its
//! light-mode logo (emails are mostly read on light backgrounds), linked from the portal.

use html_escape::{encode_double_quoted_attribute, encode_text};
use serde::{Deserialize, Serialize};

/// One email, as stored in the outbox. The serde tag (`kind`) names the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// To the admin of an MSP whose access an MSSP asked for ("Add MSP").
    AssociationRequest {
        mssp_name: String,
        msp_name: String,
        association_id: i64,
        /// The MSSP's logo, when its white label has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        logo: Option<portal_types::LogoId>,
    },
    /// To someone an owner invited to their tenant's team.
    Invitation {
        tenant_name: String,
        inviter_name: String,
        role: String,
        /// The link's secret (the database keeps only its hash).
        token: String,
        expires_at: chrono::DateTime<chrono::Utc>,
        /// An MSSP's logo, when its white label has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        logo: Option<portal_types::LogoId>,
    },
}

/// A message ready for the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The product guide's subject for the association request.
pub const ASSOCIATION_REQUEST_SUBJECT: &str = "MSSP Approval Request";

/// Where an invitation link leads, before its secret.
pub const INVITATION_PATH: &str = "/invite/";

/// The sender's logo (linked from the portal) or, without one, its name, atop an HTML body.
fn brand(base: &str, name: &str, logo: Option<&portal_types::LogoId>) -> String {
    match logo {
        Some(logo) => format!(
            "<p><img src=\"{src}\" alt=\"{alt}\" height=\"48\"></p>\n",
            src = encode_double_quoted_attribute(&format!("{base}{}", logo.url())),
            alt = encode_double_quoted_attribute(name),
        ),
        None => format!("<p><strong>{}</strong></p>\n", encode_text(name)),
    }
}

impl Message {
    /// The template's name, the same as the serde tag.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AssociationRequest { .. } => "association_request",
            Self::Invitation { .. } => "invitation",
        }
    }

    /// Renders the message; links start with `public_url` (the portal's origin as browsers
    /// reach it, e.g. `https://portal.example.com`).
    pub fn render(&self, public_url: &str) -> Rendered {
        let base = public_url.trim_end_matches('/');
        match self {
            Self::AssociationRequest {
                mssp_name,
                msp_name,
                association_id: _,
                logo,
            } => {
                let link = format!("{base}/msp");
                let text = format!(
                    "Hello,\n\n\
                     {mssp_name} has asked for access to {msp_name}'s inventory and vulnerability data.\n\n\
                     To approve or reject the request, sign in to the portal and open the \
                     notifications bell:\n\n{link}\n\n\
                     Nothing is shared until you approve. If you did not expect this request, reject it.\n"
                );
                let brand = brand(base, mssp_name, logo.as_ref());
                let html = format!(
                    "<!DOCTYPE html>\n<html><body>\n\
                     {brand}\
                     <p>Hello,</p>\n\
                     <p><strong>{mssp}</strong> has asked for access to <strong>{msp}</strong>'s \
                     inventory and vulnerability data.</p>\n\
                     <p>To approve or reject the request, sign in to the portal and open the \
                     notifications bell:</p>\n\
                     <p><a href=\"{href}\">{link_text}</a></p>\n\
                     <p>Nothing is shared until you approve. If you did not expect this request, \
                     reject it.</p>\n\
                     </body></html>\n",
                    mssp = encode_text(mssp_name),
                    msp = encode_text(msp_name),
                    href = encode_double_quoted_attribute(&link),
                    link_text = encode_text(&link),
                );
                Rendered {
                    subject: ASSOCIATION_REQUEST_SUBJECT.to_owned(),
                    text,
                    html,
                }
            }
            Self::Invitation {
                tenant_name,
                inviter_name,
                role,
                token,
                expires_at,
                logo,
            } => {
                let link = format!("{base}{INVITATION_PATH}{token}");
                let until = expires_at.format("%-d %B %Y, %H:%M UTC");
                let text = format!(
                    "Hello,\n\n\
                     {inviter_name} has invited you to join {tenant_name} on the portal as {role}.\n\n\
                     To accept, choose your name and password here:\n\n{link}\n\n\
                     The link works once, until {until}. If you did not expect this invitation, \
                     ignore this email.\n"
                );
                let html = format!(
                    "<!DOCTYPE html>\n<html><body>\n\
                     {brand}\
                     <p>Hello,</p>\n\
                     <p><strong>{inviter}</strong> has invited you to join <strong>{tenant}</strong> \
                     on the portal as {role}.</p>\n\
                     <p>To accept, choose your name and password here:</p>\n\
                     <p><a href=\"{href}\">Accept the invitation</a></p>\n\
                     <p>The link works once, until {until}. If you did not expect this \
                     invitation, ignore this email.</p>\n\
                     </body></html>\n",
                    brand = brand(base, tenant_name, logo.as_ref()),
                    inviter = encode_text(inviter_name),
                    tenant = encode_text(tenant_name),
                    role = encode_text(role),
                    href = encode_double_quoted_attribute(&link),
                );
                Rendered {
                    subject: format!("You are invited to join {tenant_name}"),
                    text,
                    html,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(mssp: &str, msp: &str) -> Message {
        Message::AssociationRequest {
            mssp_name: mssp.into(),
            msp_name: msp.into(),
            association_id: 7,
            logo: None,
        }
    }

    #[test]
    fn an_mssp_with_a_logo_brands_its_request_with_it() {
        let logo = portal_types::LogoId::parse(&"ab".repeat(32)).expect("id");
        let message = Message::AssociationRequest {
            mssp_name: "Acme \"Sec\"".into(),
            msp_name: "N".into(),
            association_id: 1,
            logo: Some(logo.clone()),
        };
        let rendered = message.render("https://portal.example.com");
        let src = format!(
            "<img src=\"https://portal.example.com/branding/logos/{}\"",
            logo.as_str()
        );
        assert!(rendered.html.contains(&src), "{}", rendered.html);
        assert!(
            rendered.html.contains("alt=\"Acme &quot;Sec&quot;\""),
            "{}",
            rendered.html
        );
        let unbranded = request("Acme", "N").render("https://portal.example.com");
        assert!(!unbranded.html.contains("<img"));
        assert!(unbranded.html.contains("<p><strong>Acme</strong></p>"));
        // Messages queued before logos existed still read.
        let old =
            r#"{"kind":"association_request","mssp_name":"M","msp_name":"N","association_id":3}"#;
        let parsed: Message = serde_json::from_str(old).expect("old message");
        assert!(matches!(
            parsed,
            Message::AssociationRequest { logo: None, .. }
        ));
    }

    #[test]
    fn the_association_request_names_both_tenants_and_links_to_the_msp_portal() {
        let rendered = request("Demo MSSP", "Northwind MSP").render("https://portal.example.com/");
        assert_eq!(rendered.subject, "MSSP Approval Request");
        for body in [&rendered.text, &rendered.html] {
            assert!(body.contains("https://portal.example.com/msp"), "{body}");
            assert!(!body.contains(".com//msp"), "{body}");
            assert!(body.contains("notifications bell"), "{body}");
        }
        assert!(rendered.text.contains(
            "Demo MSSP has asked for access to Northwind MSP's inventory and vulnerability data."
        ));
        assert!(
            rendered
                .html
                .contains("href=\"https://portal.example.com/msp\"")
        );
    }

    #[test]
    fn an_invitation_links_to_its_page_and_escapes_names() {
        let message = Message::Invitation {
            tenant_name: "A & B <MSSP>".into(),
            inviter_name: "<b>Owner</b>".into(),
            role: "viewer".into(),
            token: "t0k3n".into(),
            expires_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
            logo: None,
        };
        let rendered = message.render("https://portal.example.com/");
        assert_eq!(rendered.subject, "You are invited to join A & B <MSSP>");
        assert!(
            rendered
                .text
                .contains("https://portal.example.com/invite/t0k3n")
        );
        assert!(
            rendered
                .html
                .contains("href=\"https://portal.example.com/invite/t0k3n\"")
        );
        assert!(
            rendered.html.contains("A &amp; B &lt;MSSP&gt;"),
            "{}",
            rendered.html
        );
        assert!(!rendered.html.contains("<b>Owner</b>"), "{}", rendered.html);
        assert!(
            rendered.text.contains("until 15 January 2027"),
            "{}",
            rendered.text
        );
        assert_eq!(message.kind(), "invitation");
    }

    #[test]
    fn user_text_is_escaped_in_html() {
        let rendered = request("<script>alert(1)</script>", "A & B \"MSP\"").render("http://x");
        assert!(!rendered.html.contains("<script>"), "{}", rendered.html);
        assert!(rendered.html.contains("&lt;script&gt;"));
        assert!(rendered.html.contains("A &amp; B"));
        // The text body is plain text: it carries the names as typed.
        assert!(rendered.text.contains("<script>alert(1)</script>"));
    }

    #[test]
    fn messages_round_trip_as_tagged_json() {
        let message = request("M", "N");
        let json = serde_json::to_value(&message).expect("json");
        assert_eq!(json["kind"], "association_request");
        assert_eq!(json["kind"], message.kind());
        assert_eq!(json["association_id"], 7);
        let back: Message = serde_json::from_value(json).expect("parse");
        assert_eq!(back, message);
    }
}
