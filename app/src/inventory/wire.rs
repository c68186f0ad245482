//! What the inventory's server functions send to the browser (rows never cross the wire).

use portal_types::{AgentKind, AssetSource, Severity};
use serde::{Deserialize, Serialize};

/// A set of companies' counters (one company's, or summed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub probe_agents: i64,
    pub lightweight_agents: i64,
    pub probe_discovered_assets: i64,
    pub external_assets: i64,
    pub total_assets: i64,
    pub open_findings: i64,
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// A tenant's posture: how many companies, and their counters summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posture {
    pub companies: i64,
    pub counts: Counts,
}

/// One row of the companies table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRow {
    pub id: i64,
    pub name: String,
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyTable {
    pub rows: Vec<CompanyRow>,
    pub total: u64,
}

/// The companies table's sortable columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanySort {
    #[default]
    Name,
    ProbeAgents,
    LightweightAgents,
    ProbeDiscoveredAssets,
    ExternalAssets,
    OpenFindings,
    Critical,
    High,
    Medium,
    Low,
}

impl CompanySort {
    /// The spelling in the page's address.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::ProbeAgents => "probe_agents",
            Self::LightweightAgents => "lightweight_agents",
            Self::ProbeDiscoveredAssets => "probe_discovered_assets",
            Self::ExternalAssets => "external_assets",
            Self::OpenFindings => "open_findings",
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }

    pub const ALL: [Self; 10] = [
        Self::Name,
        Self::ProbeAgents,
        Self::LightweightAgents,
        Self::ProbeDiscoveredAssets,
        Self::ExternalAssets,
        Self::OpenFindings,
        Self::Critical,
        Self::High,
        Self::Medium,
        Self::Low,
    ];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// What deleting a company removed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    pub agents: i64,
    pub assets: i64,
    pub open_findings: i64,
}

/// An agent as the company page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRow {
    pub id: i64,
    pub kind: AgentKind,
    pub hostname: String,
    pub version: String,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub online: bool,
}

/// Whether an enrollment token still enrolls agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl TokenState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Expired => "Expired",
            Self::Revoked => "Revoked",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub state: TokenState,
    pub uses: i64,
}

/// A company's page header data: its counters, agents and tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyDetail {
    pub id: i64,
    pub name: String,
    pub counts: Counts,
    pub agents: Vec<AgentRow>,
    pub tokens: Vec<TokenRow>,
}

/// A token just issued; the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub secret: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetRow {
    pub id: i64,
    pub source: AssetSource,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub os: Option<String>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// A page of a table paged by keyset: whether there are rows before and after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysetPage<R> {
    pub rows: Vec<R>,
    pub total: u64,
    pub has_previous: bool,
    pub has_next: bool,
}

pub type AssetTable = KeysetPage<AssetRow>;
pub type FindingTable = KeysetPage<FindingRow>;

/// The assets table's orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetSort {
    #[default]
    Name,
    LastSeen,
}

impl AssetSort {
    pub const ALL: [Self; 2] = [Self::Name, Self::LastSeen];

    /// The spelling in the page's address.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::LastSeen => "last_seen",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// The findings table's orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingSort {
    /// Worst first.
    #[default]
    Severity,
    FirstSeen,
}

impl FindingSort {
    pub const ALL: [Self; 2] = [Self::Severity, Self::FirstSeen];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Severity => "severity",
            Self::FirstSeen => "first_seen",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRow {
    pub id: i64,
    pub vulnerability: String,
    pub title: String,
    pub severity: Severity,
    /// CVSS in tenths.
    pub cvss_tenths: Option<i16>,
    pub asset: String,
    pub first_seen_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_columns_round_trip_through_the_address() {
        for sort in CompanySort::ALL {
            assert_eq!(CompanySort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(CompanySort::parse("nope"), None);
        for sort in AssetSort::ALL {
            assert_eq!(AssetSort::parse(sort.as_str()), Some(sort));
        }
        for sort in FindingSort::ALL {
            assert_eq!(FindingSort::parse(sort.as_str()), Some(sort));
        }
    }
}
