//! Enums and records that cross the wire between server functions and the browser.

use crate::{Email, TenantId, TenantName, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a tenant is: an MSSP oversees MSPs; an MSP has client companies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TenantKind {
    Mssp,
    Msp,
}

impl TenantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mssp => "mssp",
            Self::Msp => "msp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Mssp => "MSSP",
            Self::Msp => "MSP",
        }
    }
}

impl FromStr for TenantKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "mssp" => Ok(Self::Mssp),
            "msp" => Ok(Self::Msp),
            other => Err(format!(
                "unknown tenant kind {other:?} (expected mssp or msp)"
            )),
        }
    }
}

/// A user's role inside their own tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Looks at everything, changes nothing.
    Viewer,
    /// Runs the day-to-day: associations, companies, agents.
    Admin,
    /// Everything an admin can, plus users and billing.
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Viewer => "viewer",
        }
    }

    /// Owners and admins may change things; viewers may not.
    pub fn can_write(self) -> bool {
        self >= Self::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "viewer" => Ok(Self::Viewer),
            other => Err(format!(
                "unknown role {other:?} (expected owner, admin or viewer)"
            )),
        }
    }
}

/// The colour theme a user chose; `System` follows the operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The next theme in the toggle's cycle.
    pub fn next(self) -> Self {
        match self {
            Self::System => Self::Light,
            Self::Light => Self::Dark,
            Self::Dark => Self::System,
        }
    }
}

impl FromStr for Theme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "system" => Ok(Self::System),
            "light" => Ok(Self::Light),
            "dark" => Ok(Self::Dark),
            other => Err(format!("unknown theme {other:?}")),
        }
    }
}

/// The signed-in user as the browser sees them, with what the portal shell needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub tenant_name: TenantName,
    pub tenant_kind: TenantKind,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    /// The operator's support address, for the "Need support?" link.
    pub support_email: String,
    /// The tenant's white label, which the shell shows on every page.
    pub branding: crate::Branding,
}

/// Where an MSSP → MSP association stands (design brief §3). Only `PendingApproval` and
/// `Approved` are active; the others are final, and the MSSP may then ask again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssociationStatus {
    PendingApproval,
    Approved,
    Rejected,
    Cancelled,
    Expired,
    Revoked,
}

impl AssociationStatus {
    pub const ALL: [Self; 6] = [
        Self::PendingApproval,
        Self::Approved,
        Self::Rejected,
        Self::Cancelled,
        Self::Expired,
        Self::Revoked,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingApproval => "PENDING_APPROVAL",
            Self::Approved => "APPROVED",
            Self::Rejected => "REJECTED",
            Self::Cancelled => "CANCELLED",
            Self::Expired => "EXPIRED",
            Self::Revoked => "REVOKED",
        }
    }

    /// What the product guide shows in the Request Status column.
    pub fn label(self) -> &'static str {
        match self {
            Self::PendingApproval => "PENDING APPROVAL",
            other => other.as_str(),
        }
    }

    pub fn is_active(self) -> bool {
        matches!(self, Self::PendingApproval | Self::Approved)
    }
}

impl FromStr for AssociationStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown association status {s:?}"))
    }
}
