//! The ingest API's request and response bodies, and their checking: JSON that does not fit
//! is a `malformed-body` problem and a value out of range an `invalid-value` one, each with a
//! JSON Pointer to the offending value.

use super::problem::{Kind, Problem};
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use domain::ingest::{Invalid, ReportedAsset, ReportedFinding, Summary};
use portal_types::{
    AgentKind, AgentVersion, Hostname, OsName, ParseError, Severity, VulnKey, VulnTitle,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Trades an enrollment token for an agent identity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The enrollment token an MSP admin issued for the company.
    pub token: String,
    pub kind: AgentKind,
    /// The agent's host name (1–255 characters, no spaces).
    #[schema(example = "probe-hq-01")]
    pub hostname: String,
    /// The agent's software version (1–64 characters).
    #[schema(example = "2.3.1")]
    pub version: String,
}

/// A new agent. The secret is shown only here: store it, and send it as
/// `Authorization: Bearer <secret>` from now on.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollResponse {
    pub agent_id: i64,
    pub company_id: i64,
    pub secret: String,
}

/// An agent saying it is alive.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRequest {
    /// The agent's software version, if it changed.
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeartbeatResponse {
    pub agent_id: i64,
    pub last_seen_at: DateTime<Utc>,
}

/// A snapshot: the assets the agent saw now, each with its current findings. A finding missing
/// from a newer report of the same asset becomes fixed; an asset missing from the report is
/// left as it was.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    pub assets: Vec<AssetIn>,
}

/// One asset. It is identified by its hostname (in any letter case) or, without one, its IP.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetIn {
    #[schema(example = "web-01.acme.example")]
    pub hostname: Option<String>,
    /// IPv4 or IPv6 address.
    #[schema(example = "10.0.4.17")]
    pub ip: Option<String>,
    #[schema(example = "Ubuntu 22.04")]
    pub os: Option<String>,
    /// The asset's current findings (none: it is clean).
    #[serde(default)]
    pub findings: Vec<FindingIn>,
}

/// One vulnerability found on the asset.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingIn {
    /// A CVE id or the scanner's own id.
    #[schema(example = "CVE-2024-3094")]
    pub id: String,
    #[schema(example = "xz backdoor")]
    pub title: String,
    pub severity: Severity,
    /// CVSS base score, 0.0 to 10.0.
    #[schema(example = 10.0)]
    pub cvss: Option<f64>,
}

/// What a report changed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReportResponse {
    pub assets_created: u64,
    pub assets_updated: u64,
    pub findings_opened: u64,
    pub findings_reopened: u64,
    pub findings_still_open: u64,
    pub findings_fixed: u64,
}

impl From<Summary> for ReportResponse {
    fn from(s: Summary) -> Self {
        Self {
            assets_created: s.assets_created,
            assets_updated: s.assets_updated,
            findings_opened: s.findings_opened,
            findings_reopened: s.findings_reopened,
            findings_still_open: s.findings_still_open,
            findings_fixed: s.findings_fixed,
        }
    }
}

/// Refuses a body that is not declared as JSON.
pub fn require_json(headers: &HeaderMap) -> Result<(), Problem> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(Problem::header(
            Kind::UnsupportedMediaType,
            "Content-Type",
            format!("Expected application/json, got {:?}.", content_type),
        ))
    }
}

/// Parses `bytes` as a `T`, naming the offending value when it does not fit.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|error| {
        let pointer = pointer(error.path());
        let inner = error.into_inner();
        let detail = if inner.is_syntax() || inner.is_eof() {
            format!("The body is not valid JSON: {inner}.")
        } else {
            // serde's message ends with its own position; the pointer says where.
            let message = inner.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            format!("{message}.")
        };
        Problem::at(Kind::Malformed, pointer, detail)
    })?;
    json.end().map_err(|e| {
        Problem::at(
            Kind::Malformed,
            "",
            format!("Unexpected data after the JSON value: {e}."),
        )
    })?;
    Ok(value)
}

/// The JSON Pointer of a serde path (`assets[3].findings[0].severity` → `/assets/3/findings/0/severity`).
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1")))
            }
            Segment::Enum { variant } => pointer.push_str(&format!("/{variant}")),
            Segment::Unknown => {}
        }
    }
    pointer
}

fn invalid_at(prefix: &str, error: ParseError) -> Problem {
    Problem::at(
        Kind::Invalid,
        format!("{prefix}/{}", error.field),
        error.message,
    )
}

impl EnrollRequest {
    pub fn enrollment(&self) -> Result<domain::agents::Enrollment, Problem> {
        Ok(domain::agents::Enrollment {
            kind: self.kind,
            hostname: Hostname::parse(&self.hostname).map_err(|e| invalid_at("", e))?,
            version: AgentVersion::parse(&self.version).map_err(|e| invalid_at("", e))?,
        })
    }
}

impl HeartbeatRequest {
    pub fn version(&self) -> Result<Option<AgentVersion>, Problem> {
        self.version
            .as_deref()
            .map(|v| AgentVersion::parse(v).map_err(|e| invalid_at("", e)))
            .transpose()
    }
}

impl ReportRequest {
    /// The report's assets as the domain takes them.
    pub fn assets(self) -> Result<Vec<ReportedAsset>, Problem> {
        self.assets
            .into_iter()
            .enumerate()
            .map(|(a, asset)| asset.checked(&format!("/assets/{a}")))
            .collect()
    }
}

impl AssetIn {
    fn checked(self, at: &str) -> Result<ReportedAsset, Problem> {
        let hostname = self
            .hostname
            .as_deref()
            .map(Hostname::parse)
            .transpose()
            .map_err(|e| invalid_at(at, e))?;
        let ip = self
            .ip
            .as_deref()
            .map(|ip| {
                ip.trim().parse().map_err(|_| {
                    Problem::at(
                        Kind::Invalid,
                        format!("{at}/ip"),
                        format!("{ip:?} is not an IPv4 or IPv6 address."),
                    )
                })
            })
            .transpose()?;
        let os = self
            .os
            .as_deref()
            .map(OsName::parse)
            .transpose()
            .map_err(|e| invalid_at(at, e))?;
        let findings = self
            .findings
            .into_iter()
            .enumerate()
            .map(|(f, finding)| finding.checked(&format!("{at}/findings/{f}")))
            .collect::<Result<_, _>>()?;
        Ok(ReportedAsset {
            hostname,
            ip,
            os,
            findings,
        })
    }
}

impl FindingIn {
    fn checked(self, at: &str) -> Result<ReportedFinding, Problem> {
        let cvss_tenths = match self.cvss {
            None => None,
            Some(score) if (0.0..=10.0).contains(&score) => Some((score * 10.0).round() as i16),
            Some(_) => {
                return Err(Problem::at(
                    Kind::Invalid,
                    format!("{at}/cvss"),
                    "A CVSS score is between 0.0 and 10.0.",
                ));
            }
        };
        Ok(ReportedFinding {
            id: VulnKey::parse(&self.id).map_err(|e| invalid_at(at, e))?,
            title: VulnTitle::parse(&self.title).map_err(|e| invalid_at(at, e))?,
            severity: self.severity,
            cvss_tenths,
        })
    }
}

/// Where in the body a report-wide problem lies.
pub fn report_problem(invalid: Invalid) -> Problem {
    let mut pointer = String::from("/assets");
    if let Some(a) = invalid.asset {
        pointer.push_str(&format!("/{a}"));
    }
    if let Some(f) = invalid.finding {
        pointer.push_str(&format!("/findings/{f}"));
    }
    if let Some(field) = invalid.field {
        pointer.push_str(&format!("/{field}"));
    }
    Problem::at(Kind::Invalid, pointer, invalid.message)
}
