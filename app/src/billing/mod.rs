//! The MSSP's Billing page (owners and admins): the running month's estimate, or a closed
//! month's frozen statement, with the calculation line by line, each MSP's share, the tier
//! table, the daily usage and the list of past statements. CSV downloads are the server's
//! (`/mssp/billing/statement.csv`, `/mssp/billing/msps.csv`).
//!
//! Every rule is the domain's (`domain::billing::ledger`): MSSP owners and admins only, their
//! own tenant's statements only. Prices come from the operator's pricing file; nothing here
//! can change them.

mod breakdown;
mod chart;
mod statement;

use crate::components::{EmptyState, ErrorNotice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use portal_types::{AppError, Period, Statement, StatementSummary};
use serde::{Deserialize, Serialize};

/// Where the Billing page lives.
pub const PAGE_PATH: &str = "/mssp/billing";

/// A statement, and the closed months to pick from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingView {
    pub statement: Statement,
    pub past: Vec<StatementSummary>,
}

/// The statement of `period` ("YYYY-MM"; none, or the running month: the estimate so far)
/// and the list of closed months.
#[server(prefix = "/rpc", endpoint = "billing_statement")]
pub async fn billing_statement(period: Option<String>) -> Result<BillingView, AppError> {
    use crate::ssr;
    use domain::billing::ledger;
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(Some(portal_types::TenantKind::Mssp))?;
        let scoped = state.db.scoped(&scope);
        let now = chrono::Utc::now();
        let period = period
            .as_deref()
            .map(Period::parse)
            .transpose()
            .map_err(|e| AppError::from(e).in_query())?;
        Ok(BillingView {
            statement: ledger::statement(&scoped, &state.pricing, period, now).await?,
            past: ledger::past(&scoped).await?,
        })
    })
    .await
}

/// The address of the Billing page showing `period` (the running month: none).
pub fn period_href(period: Option<Period>) -> String {
    match period {
        Some(period) => format!("{PAGE_PATH}?period={period}"),
        None => PAGE_PATH.to_owned(),
    }
}

#[component]
pub fn BillingPage() -> impl IntoView {
    let query = use_query_map();
    let period = Memo::new(move |_| query.read().get("period"));
    let view = Resource::new(move || period.get(), billing_statement);
    view! {
        <Title text="Billing"/>
        <h1>"Billing"</h1>
        <Transition fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading the statement…"</div> }>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(BillingView { statement, past }) => view! {
                        <statement::StatementView statement past/>
                    }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <EmptyState title="No such statement">
                            "That month has no closed statement. "
                            <a href=PAGE_PATH>"See the current period"</a>
                        </EmptyState>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Settings' way to Billing: the link for owners and admins, a word for viewers.
#[component]
pub fn BillingLinkPanel() -> impl IntoView {
    let can_see = use_context::<portal_types::CurrentUser>().is_some_and(|u| u.role.can_write());
    view! {
        <crate::components::Panel id="billing" title="Billing">
            {if can_see {
                view! {
                    <p>"The current period's estimate, each MSP's share, past statements and your pricing tiers."</p>
                    <p><a class="button" href=PAGE_PATH>"Open Billing"</a></p>
                }.into_any()
            } else {
                view! { <p class="muted">"Billing is shown to owners and admins."</p> }.into_any()
            }}
        </crate::components::Panel>
    }
}
