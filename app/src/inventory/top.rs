//! The top vulnerabilities panel: the catalogue entries with the most open findings, of the
//! Global view (each with its MSP), of one MSP, or of the MSP's own tenant.

use super::summary::format_count;
use crate::components::{EmptyState, ErrorNotice, Panel};
use leptos::prelude::*;
use portal_types::{AppError, Severity};
use serde::{Deserialize, Serialize};

/// A catalogue entry and its open findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopEntry {
    /// Its MSP (id, name), on the Global list.
    pub msp: Option<(i64, String)>,
    pub vulnerability: String,
    pub title: String,
    pub severity: Severity,
    pub cvss_tenths: Option<i16>,
    pub open_findings: i64,
}

/// The top entries of the Global view (`global`), of an approved MSP (`msp`), or of the
/// caller's own tenant (neither). Anything out of the caller's reach is "not found".
#[server(prefix = "/rpc", endpoint = "top_vulnerabilities")]
pub async fn top_vulnerabilities(
    global: bool,
    msp: Option<i64>,
) -> Result<Vec<TopEntry>, AppError> {
    use domain::inventory::TopOf;
    /// How many entries the panel lists.
    const TOP: u64 = 10;
    crate::ssr::respond(async {
        let (state, scope, owner) = super::ssr::owner(msp).await?;
        let of = match (global, msp) {
            (true, None) => TopOf::Global,
            (true, Some(_)) => {
                return Err(AppError::BadRequest(
                    "The Global list is of no one MSP.".to_owned(),
                ));
            }
            (false, _) => TopOf::Tenant(owner),
        };
        let top = domain::inventory::top_vulnerabilities(&state.db.scoped(&scope), of, TOP).await?;
        Ok(top
            .into_iter()
            .map(|v| TopEntry {
                msp: v.msp.map(|m| (m.id.0, m.name)),
                vulnerability: v.vuln_key,
                title: v.title,
                severity: v.severity,
                cvss_tenths: v.cvss_tenths,
                open_findings: v.open_findings,
            })
            .collect())
    })
    .await
}

/// The Top vulnerabilities panel.
#[component]
pub fn TopVulnerabilities(global: bool, #[prop(into)] msp: Signal<Option<i64>>) -> impl IntoView {
    let top = Resource::new(
        move || msp.get(),
        move |msp| top_vulnerabilities(global, msp),
    );
    view! {
        <Panel id="top-vulnerabilities" title="Top vulnerabilities">
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match top.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <EmptyState title="No open findings">"Vulnerabilities with the most open findings are listed here."</EmptyState>
                        }.into_any(),
                        Ok(rows) => view! { <TopTable rows global/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </Panel>
    }
}

#[component]
fn TopTable(rows: Vec<TopEntry>, global: bool) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="table">
                <caption class="visually-hidden">"Vulnerabilities with the most open findings"</caption>
                <thead><tr>
                    <th scope="col">"Vulnerability"</th>
                    <th scope="col">"Severity"</th>
                    <th scope="col" class="num">"CVSS"</th>
                    {global.then(|| view! { <th scope="col">"MSP"</th> })}
                    <th scope="col" class="num">"Open findings"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|v| {
                        let class = format!("badge sev-{}", v.severity.as_str());
                        let cvss = v.cvss_tenths.map(|t| format!("{:.1}", f64::from(t) / 10.0)).unwrap_or_default();
                        let key = v.vulnerability.clone();
                        let msp = v.msp.map(|(id, name)| view! { <td><a href=crate::mssp_view::msp_path(id)>{name}</a></td> });
                        view! {
                            <tr data-vulnerability=key>
                                <th scope="row"><code>{v.vulnerability}</code>" "<span class="muted">{v.title}</span></th>
                                <td><span class=class>{v.severity.label()}</span></td>
                                <td class="num">{cvss}</td>
                                {msp}
                                <td class="num">{format_count(v.open_findings)}</td>
                            </tr>
                        }.into_any()
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
