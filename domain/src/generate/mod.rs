//! Demo inventory at any scale: MSP tenants, their companies, agents of both kinds, assets from
//! every source, a believable vulnerability catalogue and findings, with exact roll-ups.
//!
//! Deterministic: the same [`Scale`] (seed included) gives the same data. Written in bulk, one
//! transaction per MSP, multi-row inserts of at most [`ROWS_PER_INSERT`] rows; roll-ups are
//! counted while generating, not recounted afterwards.

use crate::{Db, Error, Result, demo, passwords};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::{agent, asset, company, company_rollup, finding, tenant, user, vulnerability};
use portal_types::{AgentKind, AssetSource, FindingStatus, Password, Role, Severity, TenantKind};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::HashSet;

mod history;
mod words;

pub use history::HISTORY_DAYS;
use history::history;

use words::{HOST_ROLES, OSES, company_name, severity, vulnerability_title};

/// Rows per multi-row INSERT (findings have nine columns: 9,000 bound values).
const ROWS_PER_INSERT: usize = 1000;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// MSP tenants; the first three are the demo MSPs, further ones are created.
    pub msps: u32,
    pub companies_per_msp: u32,
    pub assets_per_company: u32,
    pub findings_per_asset: u32,
    pub seed: u64,
}

impl Default for Scale {
    /// What `serve --demo` loads: small enough to start in a blink.
    fn default() -> Self {
        Self {
            msps: 3,
            companies_per_msp: 6,
            assets_per_company: 24,
            findings_per_asset: 4,
            seed: 1,
        }
    }
}

impl Scale {
    pub fn total_findings(&self) -> u64 {
        u64::from(self.msps)
            * u64::from(self.companies_per_msp)
            * u64::from(self.assets_per_company)
            * u64::from(self.findings_per_asset)
    }

    /// Refuses scales that make no sense.
    pub fn check(&self) -> Result<()> {
        let invalid = |message: &str| {
            Err(Error::Invalid(portal_types::ParseError::new(
                "scale", message,
            )))
        };
        if self.msps == 0 || self.msps > 10_000 {
            return invalid("--msps is 1 to 10,000.");
        }
        if self.companies_per_msp > 100_000 || self.assets_per_company > 100_000 {
            return invalid("--companies-per-msp and --assets-per-company are at most 100,000.");
        }
        if self.findings_per_asset > 500 {
            return invalid("--findings-per-asset is at most 500.");
        }
        Ok(())
    }
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub msps: u64,
    pub companies: u64,
    pub agents: u64,
    pub assets: u64,
    pub findings: u64,
}

/// A catalogue entry, as findings need it.
struct Vuln {
    severity: Severity,
}

/// Generates `scale`'s inventory. `progress(done, total)` is called as findings are written.
pub async fn generate(
    db: &Db,
    scale: &Scale,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<Generated> {
    scale.check()?;
    let mut rng = ChaCha8Rng::seed_from_u64(scale.seed);
    let now = Utc::now().trunc_subsecs(6);
    let total = scale.total_findings();
    let password_hash = passwords::hash(
        &Password::parse_new(demo::PASSWORD).map_err(|e| Error::Internal(e.to_string()))?,
    )
    .await?;
    let mut generated = Generated::default();
    for m in 0..scale.msps {
        let txn = db.begin_write().await?;
        let tenant_id = msp_tenant(&txn, m, &password_hash, now).await?;
        let catalogue = catalogue(&txn, tenant_id, scale, &mut rng).await?;
        let mut names = HashSet::new();
        let mut open_per_vulnerability = std::collections::BTreeMap::new();
        for _ in 0..scale.companies_per_msp {
            let name = company_name(&mut rng, &mut names);
            let msp = Msp {
                tenant_id,
                scale,
                catalogue: &catalogue,
                now,
            };
            company_with_inventory(
                &txn,
                &msp,
                &name,
                &mut rng,
                &mut generated,
                &mut open_per_vulnerability,
            )
            .await?;
            progress(generated.findings, total);
        }
        let tenant = portal_types::TenantId(tenant_id);
        crate::inventory::move_open_counts(&txn, db.engine(), tenant, &open_per_vulnerability)
            .await?;
        crate::rollups::resum_tenant(&txn, tenant).await?;
        txn.commit().await?;
        generated.msps += 1;
    }
    history(db, now.date_naive()).await?;
    history::billing_history(db, now).await?;
    Ok(generated)
}

/// The `m`th MSP: one of the demo MSPs, or a new tenant with an owner who signs in with the
/// demo password.
async fn msp_tenant(
    txn: &DatabaseTransaction,
    m: u32,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let name = match demo::MSP_NAMES.get(m as usize) {
        Some(name) => (*name).to_owned(),
        None => format!("Demo MSP {:03}", m + 1),
    };
    if let Some(existing) = tenant::Entity::find()
        .filter(tenant::Column::NameKey.eq(name.to_lowercase()))
        .one(txn)
        .await?
    {
        return Ok(existing.id);
    }
    let tenant_id = tenant::Entity::insert(tenant::ActiveModel {
        kind: Set(TenantKind::Msp.as_str().to_owned()),
        name: Set(name.clone()),
        name_key: Set(name.to_lowercase()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(txn)
    .await?
    .last_insert_id;
    user::Entity::insert(user::ActiveModel {
        tenant_id: Set(tenant_id),
        email: Set(format!(
            "admin@{}.test",
            name.to_lowercase().replace(' ', "-")
        )),
        display_name: Set(format!("{name} Admin")),
        role: Set(Role::Owner.as_str().to_owned()),
        password_hash: Set(password_hash.to_owned()),
        active: Set(true),
        created_at: Set(now),
        last_sign_in_at: Set(None),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    Ok(tenant_id)
}

/// The tenant's vulnerability catalogue: CVE-like ids with titles, severities and scores.
async fn catalogue(
    txn: &DatabaseTransaction,
    tenant_id: i64,
    scale: &Scale,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<(i64, Vuln)>> {
    let size = (scale.findings_per_asset as usize * 25).clamp(100, 5000);
    let mut keys = HashSet::with_capacity(size);
    let mut rows = Vec::with_capacity(size);
    while rows.len() < size {
        let key = format!(
            "CVE-{}-{}",
            rng.gen_range(2019..=2026),
            rng.gen_range(1000..=49999)
        );
        if !keys.insert(key.clone()) {
            continue;
        }
        let (severity, cvss) = severity(rng);
        let title = vulnerability_title(rng);
        rows.push((key, title, severity, cvss));
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        vulnerability::Entity::insert_many(chunk.iter().map(|(key, title, severity, cvss)| {
            vulnerability::ActiveModel {
                tenant_id: Set(tenant_id),
                vuln_key: Set(key.clone()),
                title: Set(title.clone()),
                severity: Set(severity.as_str().to_owned()),
                cvss_tenths: Set((*severity != Severity::Info).then_some(*cvss)),
                ..Default::default()
            }
        }))
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                vulnerability::Column::TenantId,
                vulnerability::Column::VulnKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    let ids: Vec<(i64, String, String)> = vulnerability::Entity::find()
        .select_only()
        .column(vulnerability::Column::Id)
        .column(vulnerability::Column::VulnKey)
        .column(vulnerability::Column::Severity)
        .filter(vulnerability::Column::TenantId.eq(tenant_id))
        .into_tuple()
        .all(txn)
        .await?;
    ids.into_iter()
        .map(|(id, _, severity)| {
            Ok((
                id,
                Vuln {
                    severity: severity.parse().map_err(Error::Internal)?,
                },
            ))
        })
        .collect()
}

/// What every company of one MSP is generated from.
struct Msp<'a> {
    tenant_id: i64,
    scale: &'a Scale,
    catalogue: &'a [(i64, Vuln)],
    now: DateTime<Utc>,
}

/// One company with its agents, assets and findings, and its exact roll-up; adds its open
/// findings to each catalogue entry's count in `open_per_vulnerability`.
async fn company_with_inventory(
    txn: &DatabaseTransaction,
    msp: &Msp<'_>,
    name: &str,
    rng: &mut ChaCha8Rng,
    generated: &mut Generated,
    open_per_vulnerability: &mut std::collections::BTreeMap<i64, i64>,
) -> Result<()> {
    let Msp {
        tenant_id,
        scale,
        catalogue,
        now,
    } = *msp;
    let company_id = company::Entity::insert(company::ActiveModel {
        tenant_id: Set(tenant_id),
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        created_at: Set(now - Duration::days(rng.gen_range(30..400))),
        ..Default::default()
    })
    .exec(txn)
    .await?
    .last_insert_id;
    let domain = name
        .split_whitespace()
        .next()
        .unwrap_or("corp")
        .to_lowercase();

    // Agents: probes scale with the network, a few lightweight agents on laptops.
    let assets_wanted = scale.assets_per_company as usize;
    let probes = 1 + assets_wanted / 250;
    let lightweight = (assets_wanted / 12).min(8);
    let mut agents = Vec::with_capacity(probes + lightweight);
    for i in 0..probes + lightweight {
        let kind = if i < probes {
            AgentKind::Probe
        } else {
            AgentKind::Lightweight
        };
        let hostname = match kind {
            AgentKind::Probe => format!("probe-{:02}.{domain}.local", i + 1),
            AgentKind::Lightweight => format!("laptop-{:03}.{domain}.local", i + 1),
        };
        let seen = now
            - Duration::minutes(if rng.gen_bool(0.85) {
                rng.gen_range(0..10)
            } else {
                rng.gen_range(30..5000)
            });
        agents.push(agent::ActiveModel {
            tenant_id: Set(tenant_id),
            company_id: Set(company_id),
            kind: Set(kind.as_str().to_owned()),
            hostname: Set(hostname),
            version: Set(format!(
                "2.{}.{}",
                rng.gen_range(0..5),
                rng.gen_range(0..10)
            )),
            // Random, so no secret opens it: generated agents are for looking at.
            secret_hash: Set(format!(
                "{:032x}{:032x}",
                rng.r#gen::<u128>(),
                rng.r#gen::<u128>()
            )),
            enrollment_token_id: Set(None),
            enrolled_at: Set(now - Duration::days(rng.gen_range(1..60))),
            last_seen_at: Set(seen),
            ..Default::default()
        });
    }
    agent::Entity::insert_many(agents)
        .exec_without_returning(txn)
        .await?;
    let probe_agent = agent::Entity::find()
        .select_only()
        .column(agent::Column::Id)
        .filter(agent::Column::CompanyId.eq(company_id))
        .filter(agent::Column::Kind.eq(AgentKind::Probe.as_str()))
        .into_tuple::<i64>()
        .one(txn)
        .await?;

    let mut rollup = crate::rollups::Delta::agent(AgentKind::Probe, probes as i64);
    rollup += crate::rollups::Delta::agent(AgentKind::Lightweight, lightweight as i64);
    let external = assets_wanted / 10;
    let agent_hosts = lightweight.min(assets_wanted.saturating_sub(external));
    let mut assets = Vec::with_capacity(assets_wanted);
    for i in 0..assets_wanted {
        let source = if i < external {
            AssetSource::External
        } else if i < external + agent_hosts {
            AssetSource::AgentHost
        } else {
            AssetSource::ProbeDiscovered
        };
        rollup.add_asset(source, 1);
        let (hostname, ip) = match source {
            // Unique within the company by construction: the index is in the name and the IP.
            AssetSource::External => (
                (i % 3 != 0).then(|| {
                    let service = ["www", "mail", "vpn", "portal", "api"][i % 5];
                    format!("{service}-{i:02}.{domain}.example")
                }),
                format!("203.{}.{}.{}", rng.gen_range(0..=255), i / 250, i % 250 + 1),
            ),
            _ => (
                Some(format!(
                    "{}-{:04}.{domain}.local",
                    HOST_ROLES.choose(rng).copied().unwrap_or("host"),
                    i + 1
                )),
                format!(
                    "10.{}.{}.{}",
                    rng.gen_range(0..=255),
                    rng.gen_range(0..=255),
                    rng.gen_range(1..=254)
                ),
            ),
        };
        let key = hostname.clone().unwrap_or_else(|| ip.clone());
        let first_seen = now - Duration::days(rng.gen_range(1..120));
        assets.push(asset::ActiveModel {
            tenant_id: Set(tenant_id),
            company_id: Set(company_id),
            source: Set(source.as_str().to_owned()),
            asset_key: Set(key),
            hostname: Set(hostname),
            ip: Set(Some(ip)),
            os: Set((source != AssetSource::External || rng.gen_bool(0.3))
                .then(|| OSES.choose(rng).copied().unwrap_or("Linux").to_owned())),
            agent_id: Set((source != AssetSource::External)
                .then_some(probe_agent)
                .flatten()),
            first_seen_at: Set(first_seen),
            last_seen_at: Set(now - Duration::hours(rng.gen_range(0..72))),
            ..Default::default()
        });
    }
    for chunk in assets.chunks(ROWS_PER_INSERT) {
        asset::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }
    let asset_ids: Vec<i64> = asset::Entity::find()
        .select_only()
        .column(asset::Column::Id)
        .filter(asset::Column::CompanyId.eq(company_id))
        .into_tuple()
        .all(txn)
        .await?;

    let per_asset = (scale.findings_per_asset as usize).min(catalogue.len());
    let mut findings = Vec::with_capacity(ROWS_PER_INSERT);
    for asset_id in &asset_ids {
        for (vulnerability_id, vuln) in catalogue.choose_multiple(rng, per_asset) {
            let open = rng.gen_bool(0.9);
            if open {
                rollup.add_open_finding(vuln.severity, 1);
                *open_per_vulnerability.entry(*vulnerability_id).or_default() += 1;
            }
            let first_seen = now - Duration::days(rng.gen_range(1..90));
            findings.push(finding::ActiveModel {
                tenant_id: Set(tenant_id),
                company_id: Set(company_id),
                asset_id: Set(*asset_id),
                vulnerability_id: Set(*vulnerability_id),
                severity: Set(vuln.severity.as_str().to_owned()),
                status: Set(if open {
                    FindingStatus::Open
                } else {
                    FindingStatus::Fixed
                }
                .as_str()
                .to_owned()),
                first_seen_at: Set(first_seen),
                last_seen_at: Set(now - Duration::hours(rng.gen_range(0..48))),
                fixed_at: Set((!open).then(|| now - Duration::hours(rng.gen_range(0..48)))),
                ..Default::default()
            });
            if findings.len() == ROWS_PER_INSERT {
                finding::Entity::insert_many(std::mem::take(&mut findings))
                    .exec_without_returning(txn)
                    .await?;
            }
        }
    }
    if !findings.is_empty() {
        finding::Entity::insert_many(findings)
            .exec_without_returning(txn)
            .await?;
    }
    company_rollup::Entity::insert(company_rollup::ActiveModel {
        company_id: Set(company_id),
        tenant_id: Set(tenant_id),
        updated_at: Set(now),
        ..rollup.as_active_model()
    })
    .exec(txn)
    .await?;
    generated.companies += 1;
    generated.agents += (probes + lightweight) as u64;
    generated.assets += asset_ids.len() as u64;
    generated.findings += (asset_ids.len() * per_asset) as u64;
    Ok(())
}
