//! A report as an agent sends it, and the checks that make it a [`Report`] the ingest can
//! apply: every asset has an identity, nothing appears twice, and a vulnerability id means one
//! thing throughout.

use portal_types::{AgentKind, AssetSource, Hostname, OsName, Severity, VulnKey, VulnTitle};
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// A vulnerability as a report describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedFinding {
    pub id: VulnKey,
    pub title: VulnTitle,
    pub severity: Severity,
    /// CVSS score in tenths (9.8 is 98), 0 to 100.
    pub cvss_tenths: Option<i16>,
}

/// An asset as a report describes it, with its current findings.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedAsset {
    pub hostname: Option<Hostname>,
    pub ip: Option<IpAddr>,
    pub os: Option<OsName>,
    pub findings: Vec<ReportedFinding>,
}

impl ReportedAsset {
    /// The asset's identity within its company and source: the lower-cased hostname, or else
    /// the IP address. `None` when it has neither.
    pub fn key(&self) -> Option<String> {
        match (&self.hostname, &self.ip) {
            (Some(hostname), _) => Some(hostname.as_str().to_lowercase()),
            (None, Some(ip)) => Some(ip.to_string()),
            (None, None) => None,
        }
    }
}

/// Where in a report a problem is: the asset's index, and the finding's within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub asset: Option<usize>,
    pub finding: Option<usize>,
    /// The offending field ("hostname", "id", …), or `None` for the item as a whole.
    pub field: Option<&'static str>,
    pub message: String,
}

/// Which kind of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// From a probe (assets it discovered) or a lightweight agent (its own host).
    Scan,
    /// From an external scan of the company's internet-facing assets.
    External,
}

/// A checked report: every asset has an identity, no asset or finding appears twice, and a
/// vulnerability id means one thing throughout.
#[derive(Debug, Clone)]
pub struct Report {
    pub(super) source: AssetSource,
    /// Each asset with its key.
    pub(super) assets: Vec<(String, ReportedAsset)>,
}

impl Report {
    /// Checks `assets` as a report of `kind` from an agent of `agent_kind`.
    pub fn new(
        kind: ReportKind,
        agent_kind: AgentKind,
        assets: Vec<ReportedAsset>,
    ) -> Result<Self, Invalid> {
        let source = match (kind, agent_kind) {
            (ReportKind::External, _) => AssetSource::External,
            (ReportKind::Scan, AgentKind::Probe) => AssetSource::ProbeDiscovered,
            (ReportKind::Scan, AgentKind::Lightweight) => AssetSource::AgentHost,
        };
        if source == AssetSource::AgentHost && assets.len() > 1 {
            return Err(Invalid {
                asset: None,
                finding: None,
                field: None,
                message: "A lightweight agent reports only its own host: one asset at most.".into(),
            });
        }
        let mut seen_assets: HashMap<String, usize> = HashMap::with_capacity(assets.len());
        let mut catalogue: HashMap<&str, &ReportedFinding> = HashMap::new();
        for (a, reported) in assets.iter().enumerate() {
            let at = |finding, field, message: String| Invalid {
                asset: Some(a),
                finding,
                field,
                message,
            };
            let key = reported.key().ok_or_else(|| {
                at(
                    None,
                    Some("hostname"),
                    "An asset needs a hostname or an IP address.".into(),
                )
            })?;
            if let Some(first) = seen_assets.insert(key.clone(), a) {
                return Err(at(
                    None,
                    None,
                    format!("The asset \"{key}\" is already in the report at index {first}."),
                ));
            }
            let mut seen_findings = HashSet::with_capacity(reported.findings.len());
            for (f, finding) in reported.findings.iter().enumerate() {
                let id = finding.id.as_str();
                if !seen_findings.insert(id) {
                    return Err(at(
                        Some(f),
                        Some("id"),
                        format!("{id} is listed twice for this asset."),
                    ));
                }
                if let Some(cvss) = finding.cvss_tenths
                    && !(0..=100).contains(&cvss)
                {
                    return Err(at(
                        Some(f),
                        Some("cvss"),
                        "A CVSS score is between 0 and 10.".into(),
                    ));
                }
                match catalogue.get(id) {
                    Some(first)
                        if (&first.title, first.severity, first.cvss_tenths)
                            != (&finding.title, finding.severity, finding.cvss_tenths) =>
                    {
                        return Err(at(
                            Some(f),
                            Some("id"),
                            format!("{id} is described differently elsewhere in this report."),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        catalogue.insert(id, finding);
                    }
                }
            }
        }
        let assets = assets
            .into_iter()
            .map(|asset| (asset.key().expect("checked above"), asset))
            .collect();
        Ok(Self { source, assets })
    }

    pub fn source(&self) -> AssetSource {
        self.source
    }

    pub fn finding_count(&self) -> usize {
        self.assets.iter().map(|(_, a)| a.findings.len()).sum()
    }
}
