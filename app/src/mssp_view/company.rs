//! `/mssp/msps/:id/companies/:company`: one company of an approved MSP, for its MSSP — its
//! counters, then its assets and open findings tables (the same tables the MSP's own company
//! page shows). Read-only: agents and enrollment tokens stay the MSP's business.

use super::{MspCompanySummary, msp_company, msp_path};
use crate::components::ErrorNotice;
use crate::inventory::{
    CompanyRef, CompanyTables, InventorySection, TrendPanel, TrendTarget, VulnerabilitySection,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MspCompanyPage() -> impl IntoView {
    let msp = crate::util::use_id_param();
    let id = crate::util::use_number_param("company");
    let company = Memo::new(move |_| CompanyRef {
        msp: Some(msp.get()),
        id: id.get(),
    });
    let summary = Resource::new(
        move || company.get(),
        |c| msp_company(c.msp.unwrap_or_default(), c.id),
    );
    view! {
        <Transition fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading the company…"</div> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => view! { <Overview summary/> }.into_any(),
                    Err(error) => {
                        #[cfg(feature = "ssr")]
                        crate::ssr::set_error_status(&error);
                        view! { <Title text="Not found"/><ErrorNotice error/> }.into_any()
                    }
                }
            })}
        </Transition>
        <TrendPanel target=Memo::new(move |_| TrendTarget { global: false, msp: company.get().msp, company: Some(company.get().id) })/>
        <CompanyTables company/>
    }
}

#[component]
fn Overview(summary: MspCompanySummary) -> impl IntoView {
    let msp_href = msp_path(summary.msp.id);
    let companies_href = format!("{msp_href}/companies");
    view! {
        <Title text=summary.name.clone()/>
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href=msp_href>{summary.msp.name.clone()}</a>" / "
            <a href=companies_href>"Companies"</a>" / "
        </nav>
        <h1>{summary.name.clone()}</h1>
        <InventorySection counts=summary.counts/>
        <VulnerabilitySection counts=summary.counts/>
    }
}
