//! The MSP's inventory in the portal: the home page's Inventory and Vulnerabilities sections
//! (components the MSSP's per-MSP view reuses), the Companies table, and a company's page with
//! its agents, enrollment tokens, assets and open findings.
//!
//! Every server function resolves the caller's scope first; a company outside it is "not
//! found". Changes are for MSP owners and admins (the domain refuses viewers).

use leptos::prelude::*;
use portal_types::AppError;

mod companies;
mod company;
mod company_edits;
mod summary;
mod tables;
mod top;
mod trend;
mod wire;

pub use companies::{CompaniesPage, MspCompaniesPage};
pub use company::CompanyPage;
pub use summary::{InventorySection, VulnerabilitySection, format_count};
pub use tables::{CompanyRef, CompanyTables};
pub use top::{TopEntry, TopVulnerabilities, top_vulnerabilities};
pub use trend::{OpenTrend, TrendDay, TrendPanel, TrendTarget, open_trend};
pub use wire::{
    AgentRow, AssetRow, AssetSort, AssetTable, CompanyDetail, CompanyRow, CompanySort,
    CompanyTable, Counts, FindingRow, FindingSort, FindingTable, IssuedToken, KeysetPage, Posture,
    Removed, TokenRow, TokenState,
};

/// Rows per page of the companies, assets and findings tables.
pub const PER_PAGE: u64 = 25;

/// Where the MSP's companies are.
pub const COMPANIES_PATH: &str = "/msp/companies";

pub fn company_path(id: i64) -> String {
    format!("{COMPANIES_PATH}/{id}")
}

/// MSP: its own posture, for the home page.
#[server(prefix = "/rpc", endpoint = "my_posture")]
pub async fn my_posture() -> Result<Posture, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::msp().await?;
        let posture = domain::inventory::own_posture(&state.db.scoped(&scope)).await?;
        Ok(ssr::posture(posture))
    })
    .await
}

/// MSP: its companies, searched, sorted and paginated on the server.
#[server(prefix = "/rpc", endpoint = "list_companies")]
pub async fn list_companies(
    search: String,
    sort: CompanySort,
    descending: bool,
    page: u64,
) -> Result<CompanyTable, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::msp().await?;
        let query = ssr::list_query(search, sort, descending, page);
        let found = domain::companies::page(&state.db.scoped(&scope), &query).await;
        ssr::company_table(found)
    })
    .await
}

/// MSSP: the companies of an MSP that has approved it, as [`list_companies`] lists an MSP's
/// own. Any other MSP is "not found".
#[server(prefix = "/rpc", endpoint = "msp_companies")]
pub async fn msp_companies(
    msp: i64,
    search: String,
    sort: CompanySort,
    descending: bool,
    page: u64,
) -> Result<CompanyTable, AppError> {
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(Some(portal_types::TenantKind::Mssp))?;
        let state = crate::ssr::state()?;
        let query = ssr::list_query(search, sort, descending, page);
        let msp = portal_types::TenantId(msp);
        let found = domain::companies::msp_page(&state.db.scoped(&scope), msp, &query).await;
        ssr::company_table(found)
    })
    .await
}

/// MSP: adds a company; returns its id.
#[server(prefix = "/rpc", endpoint = "create_company")]
pub async fn create_company(name: String) -> Result<i64, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::msp().await?;
        let name = portal_types::CompanyName::parse(&name)?;
        Ok(domain::companies::create(&state.db.scoped(&scope), &name)
            .await?
            .id)
    })
    .await
}

/// MSP: renames one of its companies.
#[server(prefix = "/rpc", endpoint = "rename_company")]
pub async fn rename_company(id: i64, name: String) -> Result<(), AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::msp().await?;
        let name = portal_types::CompanyName::parse(&name)?;
        Ok(domain::companies::rename(&state.db.scoped(&scope), id, &name).await?)
    })
    .await
}

/// MSP: deletes one of its companies with everything under it; says what went with it.
#[server(prefix = "/rpc", endpoint = "delete_company")]
pub async fn delete_company(id: i64) -> Result<Removed, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::msp().await?;
        let deleted = domain::companies::delete(&state.db.scoped(&scope), id).await?;
        Ok(Removed {
            agents: deleted.agents,
            assets: deleted.assets,
            open_findings: deleted.open_findings,
        })
    })
    .await
}

/// MSP: one of its companies with its counters, agents and enrollment tokens.
#[server(prefix = "/rpc", endpoint = "load_company")]
pub async fn load_company(id: i64) -> Result<CompanyDetail, AppError> {
    crate::ssr::respond(ssr::company_detail(id)).await
}

/// MSP: issues an enrollment token for one of its companies, valid for `days`.
#[server(prefix = "/rpc", endpoint = "issue_enrollment_token")]
pub async fn issue_enrollment_token(company_id: i64, days: u32) -> Result<IssuedToken, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::msp().await?;
        let valid = domain::agents::ValidDays::new(days)?;
        let issued =
            domain::agents::issue_token(&state.db.scoped(&scope), company_id, valid).await?;
        Ok(IssuedToken {
            secret: issued.secret.expose().to_owned(),
            expires_at: issued.token.expires_at,
        })
    })
    .await
}

/// MSP: revokes an enrollment token (agents it enrolled keep working).
#[server(prefix = "/rpc", endpoint = "revoke_enrollment_token")]
pub async fn revoke_enrollment_token(id: i64) -> Result<(), AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::msp().await?;
        Ok(domain::agents::revoke_token(&state.db.scoped(&scope), id).await?)
    })
    .await
}

/// A page of a company's assets: the MSP's own company (`msp` absent), or a company of an MSP
/// that has approved the caller (an MSSP). Any other is "not found".
#[server(prefix = "/rpc", endpoint = "company_assets")]
pub async fn company_assets(
    msp: Option<i64>,
    company_id: i64,
    search: String,
    sort: AssetSort,
    descending: bool,
    after: Option<i64>,
    before: Option<i64>,
) -> Result<AssetTable, AppError> {
    crate::ssr::respond(async {
        let (state, scope, owner) = ssr::owner(msp).await?;
        let query = domain::inventory::TableQuery {
            search: Some(search),
            sort: ssr::asset_sort(sort),
            descending,
            cursor: ssr::cursor(after, before)?,
            per_page: PER_PAGE,
        };
        let found = domain::inventory::assets(&state.db.scoped(&scope), owner, company_id, &query)
            .await
            .map_err(|e| AppError::from(e).in_query())?;
        Ok(ssr::keyset_page(found, ssr::asset_row))
    })
    .await
}

/// A page of a company's open findings, as [`company_assets`] pages its assets.
#[server(prefix = "/rpc", endpoint = "company_findings")]
pub async fn company_findings(
    msp: Option<i64>,
    company_id: i64,
    search: String,
    sort: FindingSort,
    descending: bool,
    after: Option<i64>,
    before: Option<i64>,
) -> Result<FindingTable, AppError> {
    crate::ssr::respond(async {
        let (state, scope, owner) = ssr::owner(msp).await?;
        let query = domain::inventory::TableQuery {
            search: Some(search),
            sort: ssr::finding_sort(sort),
            descending,
            cursor: ssr::cursor(after, before)?,
            per_page: PER_PAGE,
        };
        let found =
            domain::inventory::open_findings(&state.db.scoped(&scope), owner, company_id, &query)
                .await
                .map_err(|e| AppError::from(e).in_query())?;
        Ok(ssr::keyset_page(found, ssr::finding_row))
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Scope resolution and row → wire conversions (rows never cross the wire).
    use super::*;
    use crate::ssr::AppState;
    use domain::Scope;
    use portal_types::TenantKind;

    /// The state, the scope and whose data: the caller's own (an MSP user, `msp` absent), or an
    /// MSP's (an MSSP user; the domain checks the MSP has approved it).
    pub async fn owner(msp: Option<i64>) -> Result<(AppState, Scope, domain::Owner), AppError> {
        let scope = crate::ssr::scope_of(None)?;
        let owner = match msp {
            None => domain::Owner::Own,
            Some(id) => domain::Owner::Msp(portal_types::TenantId(id)),
        };
        Ok((crate::ssr::state()?, scope, owner))
    }

    /// Where a keyset page starts: after one row, before one, or at the first.
    pub fn cursor(
        after: Option<i64>,
        before: Option<i64>,
    ) -> Result<domain::inventory::Cursor, AppError> {
        use domain::inventory::Cursor;
        match (after, before) {
            (None, None) => Ok(Cursor::First),
            (Some(id), None) => Ok(Cursor::After(id)),
            (None, Some(id)) => Ok(Cursor::Before(id)),
            (Some(_), Some(_)) => Err(AppError::BadRequest(
                "A page starts after a row or ends before one, not both.".to_owned(),
            )),
        }
    }

    pub fn keyset_page<R, W>(
        page: domain::inventory::Page<R>,
        row: impl Fn(R) -> W,
    ) -> KeysetPage<W> {
        KeysetPage {
            rows: page.rows.into_iter().map(row).collect(),
            total: page.total,
            has_previous: page.has_previous,
            has_next: page.has_next,
        }
    }

    /// The state and the scope of a signed-in MSP user.
    pub async fn msp() -> Result<(AppState, Scope), AppError> {
        let scope = crate::ssr::scope_of(Some(TenantKind::Msp))?;
        Ok((crate::ssr::state()?, scope))
    }

    pub fn counts(r: &entity::company_rollup::Model) -> Counts {
        Counts {
            probe_agents: r.probe_agents,
            lightweight_agents: r.lightweight_agents,
            probe_discovered_assets: r.probe_discovered_assets,
            external_assets: r.external_assets,
            total_assets: r.total_assets,
            open_findings: r.open_findings,
            critical: r.open_critical,
            high: r.open_high,
            medium: r.open_medium,
            low: r.open_low,
        }
    }

    pub(crate) fn posture(p: domain::inventory::Posture) -> Posture {
        Posture {
            companies: p.companies,
            counts: Counts {
                probe_agents: p.probe_agents,
                lightweight_agents: p.lightweight_agents,
                probe_discovered_assets: p.probe_discovered_assets,
                external_assets: p.external_assets,
                total_assets: p.total_assets,
                open_findings: p.open_findings,
                critical: p.open_critical,
                high: p.open_high,
                medium: p.open_medium,
                low: p.open_low,
            },
        }
    }

    pub fn list_query(
        search: String,
        sort: CompanySort,
        descending: bool,
        page: u64,
    ) -> domain::companies::ListQuery {
        domain::companies::ListQuery {
            search: Some(search),
            sort: self::sort(sort),
            descending,
            page,
            per_page: PER_PAGE,
        }
    }

    /// A page of companies as the table shows it; a bad search or page is the query's fault.
    pub fn company_table(
        found: domain::Result<domain::companies::CompanyPage>,
    ) -> Result<CompanyTable, AppError> {
        let found = found.map_err(|e| AppError::from(e).in_query())?;
        Ok(CompanyTable {
            rows: found.rows.into_iter().map(company_row).collect(),
            total: found.total,
        })
    }

    pub fn sort(sort: CompanySort) -> domain::companies::SortBy {
        use domain::companies::SortBy;
        match sort {
            CompanySort::Name => SortBy::Name,
            CompanySort::ProbeAgents => SortBy::ProbeAgents,
            CompanySort::LightweightAgents => SortBy::LightweightAgents,
            CompanySort::ProbeDiscoveredAssets => SortBy::ProbeDiscoveredAssets,
            CompanySort::ExternalAssets => SortBy::ExternalAssets,
            CompanySort::OpenFindings => SortBy::OpenFindings,
            CompanySort::Critical => SortBy::Critical,
            CompanySort::High => SortBy::High,
            CompanySort::Medium => SortBy::Medium,
            CompanySort::Low => SortBy::Low,
        }
    }

    pub fn asset_sort(sort: AssetSort) -> domain::inventory::AssetSort {
        match sort {
            AssetSort::Name => domain::inventory::AssetSort::Name,
            AssetSort::LastSeen => domain::inventory::AssetSort::LastSeen,
        }
    }

    pub fn finding_sort(sort: FindingSort) -> domain::inventory::FindingSort {
        match sort {
            FindingSort::Severity => domain::inventory::FindingSort::Severity,
            FindingSort::FirstSeen => domain::inventory::FindingSort::FirstSeen,
        }
    }

    pub fn company_row(row: domain::companies::CompanyRow) -> CompanyRow {
        CompanyRow {
            id: row.id,
            counts: counts(&row.rollup),
            name: row.name,
        }
    }

    pub fn asset_row(row: domain::inventory::AssetRow) -> AssetRow {
        AssetRow {
            id: row.id,
            source: row.source,
            hostname: row.hostname,
            ip: row.ip,
            os: row.os,
            last_seen_at: row.last_seen_at,
            critical: row.open.critical,
            high: row.open.high,
            medium: row.open.medium,
            low: row.open.low,
        }
    }

    pub fn finding_row(row: domain::inventory::FindingRow) -> FindingRow {
        FindingRow {
            id: row.id,
            vulnerability: row.vuln_key,
            title: row.title,
            severity: row.severity,
            cvss_tenths: row.cvss_tenths,
            asset: row.asset,
            first_seen_at: row.first_seen_at,
        }
    }

    pub async fn company_detail(id: i64) -> Result<CompanyDetail, AppError> {
        let (state, scope) = msp().await?;
        let scoped = state.db.scoped(&scope);
        let company = domain::companies::visible_company(&scoped, id).await?;
        let rollup = domain::companies::rollup_of(&scoped, id).await?;
        let now = chrono::Utc::now();
        let agents = domain::agents::list(&scoped, id)
            .await?
            .into_iter()
            .map(|a| {
                Ok(AgentRow {
                    online: domain::agents::is_online(&a, now),
                    kind: a.kind.parse().map_err(domain::Error::Internal)?,
                    id: a.id,
                    hostname: a.hostname,
                    version: a.version,
                    last_seen_at: a.last_seen_at,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let tokens = domain::agents::tokens(&scoped, id)
            .await?
            .into_iter()
            .map(|t| TokenRow {
                state: match domain::agents::token_state(&t, now) {
                    domain::agents::TokenState::Active => TokenState::Active,
                    domain::agents::TokenState::Expired => TokenState::Expired,
                    domain::agents::TokenState::Revoked => TokenState::Revoked,
                },
                id: t.id,
                created_at: t.created_at,
                expires_at: t.expires_at,
                uses: t.uses,
            })
            .collect();
        Ok(CompanyDetail {
            id: company.id,
            name: company.name,
            counts: counts(&rollup),
            agents,
            tokens,
        })
    }
}
