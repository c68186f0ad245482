//! What an MSSP sees of the MSPs that have approved it: the Global view (their inventory and
//! vulnerabilities summed), one MSP's view with the same sections the MSP's own home page
//! shows, and the company selector that switches between them.
//!
//! Every server function resolves the caller's scope first, and the scope holds only the MSPs
//! whose association is APPROVED at this moment: a pending, rejected or revoked MSP, or an MSP
//! of another MSSP, is "not found", from the next request after the association changes.

use crate::inventory::Posture;
use leptos::prelude::*;
use portal_types::AppError;
use serde::{Deserialize, Serialize};

mod company;
mod view;

pub use company::MspCompanyPage;
pub use view::{CompanySelector, GlobalSections, MspViewPage, SelectView};

/// Where one MSP's view is.
pub fn msp_path(id: i64) -> String {
    format!("/mssp/msps/{id}")
}

/// Where one company of an MSP is, for its MSSP.
pub fn company_path(msp: i64, company: i64) -> String {
    format!("{}/companies/{company}", msp_path(msp))
}

/// The MSSP's Global view: how many MSPs it may view, and their posture summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalSummary {
    pub msps: i64,
    pub posture: Posture,
}

/// An MSP as the company selector lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MspChoice {
    pub id: i64,
    pub name: String,
}

/// One MSP's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MspSummary {
    pub id: i64,
    pub name: String,
    pub posture: Posture,
}

/// One company of an approved MSP, for its MSSP: the MSP, and the company's counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MspCompanySummary {
    pub msp: MspChoice,
    pub id: i64,
    pub name: String,
    pub counts: crate::inventory::Counts,
}

/// An approved MSP and its open findings, in the riskiest-MSPs list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskyMsp {
    pub id: i64,
    pub name: String,
    pub open_findings: i64,
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// How many MSPs the riskiest-MSPs list shows.
pub const RISKIEST: u64 = 5;

/// MSSP: the approved MSPs with the most critical open findings (then high, medium, low).
#[server(prefix = "/rpc", endpoint = "riskiest_msps")]
pub async fn riskiest_msps() -> Result<Vec<RiskyMsp>, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::mssp().await?;
        let msps = domain::inventory::riskiest_msps(&state.db.scoped(&scope), RISKIEST).await?;
        Ok(msps
            .into_iter()
            .map(|m| RiskyMsp {
                id: m.msp.id.0,
                name: m.msp.name,
                open_findings: m.open_findings,
                critical: m.open.critical,
                high: m.open.high,
                medium: m.open.medium,
                low: m.open.low,
            })
            .collect())
    })
    .await
}

/// MSSP: the Global view, summed over approved MSPs only.
#[server(prefix = "/rpc", endpoint = "global_view")]
pub async fn global_view() -> Result<GlobalSummary, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::mssp().await?;
        let scoped = state.db.scoped(&scope);
        let posture = domain::inventory::global_posture(&scoped).await?;
        Ok(GlobalSummary {
            msps: scope.approved_msps().len() as i64,
            posture: crate::inventory::ssr::posture(posture),
        })
    })
    .await
}

/// MSSP: the MSPs it may view now, by name, for the company selector.
#[server(prefix = "/rpc", endpoint = "viewable_msps")]
pub async fn viewable_msps() -> Result<Vec<MspChoice>, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::mssp().await?;
        let msps = domain::inventory::viewable_msps(&state.db.scoped(&scope)).await?;
        Ok(msps
            .into_iter()
            .map(|m| MspChoice {
                id: m.id.0,
                name: m.name,
            })
            .collect())
    })
    .await
}

/// MSSP: one approved MSP's view. Any other MSP is "not found".
#[server(prefix = "/rpc", endpoint = "msp_view")]
pub async fn msp_view(id: i64) -> Result<MspSummary, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::mssp().await?;
        let scoped = state.db.scoped(&scope);
        let msp = portal_types::TenantId(id);
        let found = domain::inventory::viewable_msp(&scoped, msp).await?;
        let posture = domain::inventory::msp_posture(&scoped, msp).await?;
        Ok(MspSummary {
            id,
            name: found.name,
            posture: crate::inventory::ssr::posture(posture),
        })
    })
    .await
}

/// MSSP: one company of an approved MSP, with its counters. Any other is "not found".
#[server(prefix = "/rpc", endpoint = "msp_company")]
pub async fn msp_company(msp: i64, id: i64) -> Result<MspCompanySummary, AppError> {
    crate::ssr::respond(async {
        let (state, scope) = ssr::mssp().await?;
        let scoped = state.db.scoped(&scope);
        let owner = domain::Owner::Msp(portal_types::TenantId(msp));
        let company = domain::companies::company_of(&scoped, owner, id).await?;
        let rollup = domain::companies::rollup_in(&scoped, owner, id).await?;
        let found = domain::inventory::viewable_msp(&scoped, portal_types::TenantId(msp)).await?;
        Ok(MspCompanySummary {
            msp: MspChoice {
                id: msp,
                name: found.name,
            },
            id: company.id,
            name: company.name,
            counts: crate::inventory::ssr::counts(&rollup),
        })
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::ssr::AppState;
    use domain::Scope;
    use portal_types::{AppError, TenantKind};

    /// The state and the scope of a signed-in MSSP user.
    pub async fn mssp() -> Result<(AppState, Scope), AppError> {
        let scope = crate::ssr::scope_of(Some(TenantKind::Mssp))?;
        Ok((crate::ssr::state()?, scope))
    }
}
