//! The MSSP's Global sections, one MSP's view, and the company selector.

use super::{GlobalSummary, global_view, msp_path, msp_view, riskiest_msps, viewable_msps};
use crate::components::{EmptyState, ErrorNotice, Panel};
use crate::inventory::{
    InventorySection, TopVulnerabilities, TrendPanel, TrendTarget, VulnerabilitySection,
    format_count,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_query_map};

/// Where the selector sends a browser without JavaScript (`?view=global` or `?view=<id>`).
pub const SELECT_PATH: &str = "/mssp/select";

/// Global: Inventory and Vulnerabilities summed over the MSPs that have approved this MSSP.
#[component]
pub fn GlobalSections() -> impl IntoView {
    let global = Resource::new(|| (), |_| global_view());
    view! {
        <Transition fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading inventory…"</div> }>
            {move || Suspend::new(async move {
                match global.await {
                    Ok(GlobalSummary { msps: 0, .. }) => view! {
                        <Panel id="inventory" title="Inventory">
                            <EmptyState title="No inventory yet">"Inventory appears here once an MSP approves your request. Add MSPs in the table below."</EmptyState>
                        </Panel>
                    }.into_any(),
                    Ok(view) => view! {
                        <InventorySection counts=view.posture.counts msps=Some(view.msps) companies=Some(view.posture.companies) companies_href=None/>
                        <VulnerabilitySection counts=view.posture.counts/>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
        // Beside the Transition, not inside it: a resource created inside a Suspense's
        // closure can hydrate out of order.
        <TrendPanel target=Memo::new(|_| TrendTarget { global: true, ..TrendTarget::default() })/>
        <div class="panel-pair">
            <TopVulnerabilities global=true msp=Signal::stored(None)/>
            <RiskiestMsps/>
        </div>
    }
}

/// The approved MSPs with the most critical open findings, each a link to its view.
#[component]
fn RiskiestMsps() -> impl IntoView {
    let risky = Resource::new(|| (), |_| riskiest_msps());
    view! {
        <Panel id="riskiest-msps" title="Riskiest MSPs">
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match risky.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <EmptyState title="No open findings">"Open findings of the MSPs that have approved you are ranked here."</EmptyState>
                        }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-scroll">
                                <table class="table">
                                    <caption class="visually-hidden">"Riskiest MSPs, most critical open findings first"</caption>
                                    <thead><tr>
                                        <th scope="col">"MSP"</th>
                                        <th scope="col" class="num">"Critical"</th>
                                        <th scope="col" class="num">"High"</th>
                                        <th scope="col" class="num">"Medium"</th>
                                        <th scope="col" class="num">"Low"</th>
                                        <th scope="col" class="num">"Total Vulnerabilities"</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|m| view! {
                                            <tr>
                                                <th scope="row"><a href=msp_path(m.id)>{m.name}</a></th>
                                                <td class="num">{format_count(m.critical)}</td>
                                                <td class="num">{format_count(m.high)}</td>
                                                <td class="num">{format_count(m.medium)}</td>
                                                <td class="num">{format_count(m.low)}</td>
                                                <td class="num">{format_count(m.open_findings)}</td>
                                            </tr>
                                        }.into_any()).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </Panel>
    }
}

/// `/mssp/msps/:id`: one approved MSP's Inventory and Vulnerabilities, as its own home page
/// shows them.
#[component]
pub fn MspViewPage() -> impl IntoView {
    let id = crate::util::use_id_param();
    let msp = Resource::new(move || id.get(), msp_view);
    view! {
        <Transition fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading…"</div> }>
            {move || Suspend::new(async move {
                match msp.await {
                    Ok(msp) => view! {
                        <Title text=msp.name.clone()/>
                        <h1>{msp.name.clone()}</h1>
                        {if msp.posture.companies == 0 {
                            view! {
                                <Panel id="inventory" title="Inventory">
                                    <EmptyState title="No companies yet">"This MSP has not added any client companies."</EmptyState>
                                </Panel>
                            }.into_any()
                        } else {
                            view! {
                                <InventorySection counts=msp.posture.counts companies=Some(msp.posture.companies) companies_href=Some(format!("{}/companies", msp_path(msp.id)))/>
                                <VulnerabilitySection counts=msp.posture.counts/>
                            }.into_any()
                        }}
                    }.into_any(),
                    Err(error) => {
                        #[cfg(feature = "ssr")]
                        crate::ssr::set_error_status(&error);
                        view! { <Title text="Not found"/><ErrorNotice error/> }.into_any()
                    }
                }
            })}
        </Transition>
        <TrendPanel target=Memo::new(move |_| TrendTarget { msp: Some(id.get()), ..TrendTarget::default() })/>
        <TopVulnerabilities global=false msp=Signal::derive(move || Some(id.get()))/>
    }
}

/// The view the address shows: `None` for Global, or one MSP's id.
fn selected_msp(path: &str) -> Option<i64> {
    path.strip_prefix("/mssp/msps/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|id| id.parse().ok())
}

/// Switches between the Global view and one MSP's view. Lists the MSPs that have approved this
/// MSSP. A native select: keyboard and screen-reader
/// users get the platform's own control, with type-ahead search over the names. Choosing loads
/// the view; without JavaScript, the Go button submits the choice.
#[component]
pub fn CompanySelector() -> impl IntoView {
    let msps = Resource::new(|| (), |_| viewable_msps());
    let location = use_location();
    let selected = Memo::new(move |_| selected_msp(&location.pathname.get()));
    view! {
        <SelectorForm>
            <label for="company-selector" class="visually-hidden">"Company selector"</label>
            <select id="company-selector" name="view" aria-label="Company selector">
                <option value="global" selected=move || selected.get().is_none()>"Global"</option>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        msps.await.unwrap_or_default().into_iter().map(|msp| {
                            let id = msp.id;
                            view! { <option value=id.to_string() selected=move || selected.get() == Some(id)>{msp.name}</option> }
                        }).collect_view()
                    })}
                </Transition>
            </select>
            <noscript><button type="submit" class="button">"Go"</button></noscript>
        </SelectorForm>
    }
}

/// The selector's form: an island that loads the chosen view as soon as the choice changes
/// (the select inside it is the server's HTML).
#[island]
fn SelectorForm(children: Children) -> impl IntoView {
    crate::hydration::island_ready();
    let on_change = move |event: leptos::ev::Event| {
        let path = match event_target_value(&event).parse::<i64>() {
            Ok(id) => msp_path(id),
            Err(_) => "/mssp".to_owned(),
        };
        let _ = window().location().set_href(&path);
    };
    view! {
        <form class="company-selector" method="get" action=SELECT_PATH on:change=on_change>
            {children()}
        </form>
    }
}

/// `/mssp/select?view=…`: where the selector's form lands without JavaScript.
#[component]
pub fn SelectView() -> impl IntoView {
    let query = use_query_map();
    let path = query.with_untracked(
        |q| match q.get("view").and_then(|v| v.parse::<i64>().ok()) {
            Some(id) => msp_path(id),
            None => "/mssp".to_owned(),
        },
    );
    view! { <Redirect path/> }
}

#[cfg(test)]
mod tests {
    use super::selected_msp;

    #[test]
    fn the_address_says_which_view() {
        assert_eq!(selected_msp("/mssp"), None);
        assert_eq!(selected_msp("/mssp/audit"), None);
        assert_eq!(selected_msp("/mssp/msps/12"), Some(12));
        assert_eq!(selected_msp("/mssp/msps/12/companies"), Some(12));
        assert_eq!(selected_msp("/mssp/msps/x"), None);
    }
}
