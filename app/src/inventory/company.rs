//! `/msp/companies/:id`: one company — its counters, agents (online or not), enrollment tokens
//! (issue one, shown once; revoke), assets and open findings.

use super::summary::{InventorySection, VulnerabilitySection, format_count};
use super::{
    AgentRow, AssetTable, COMPANIES_PATH, CompanyDetail, FindingTable, IssueEnrollmentToken,
    IssuedToken, PER_PAGE, RevokeEnrollmentToken, TokenRow, TokenState, company_assets,
    company_findings, load_company,
};
use crate::components::{EmptyState, ErrorNotice, NotFound, Panel, When};
use leptos::prelude::*;
use leptos_meta::Title;
use portal_types::{AppError, CurrentUser};

#[component]
pub fn CompanyPage() -> impl IntoView {
    let id = crate::util::use_id_param();
    let version = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id.get(), version.get()),
        |(id, _)| load_company(id),
    );
    let assets_page = RwSignal::new(1u64);
    let findings_page = RwSignal::new(1u64);
    let assets = Resource::new(
        move || (id.get(), assets_page.get()),
        |(id, page)| company_assets(id, page),
    );
    let findings = Resource::new(
        move || (id.get(), findings_page.get()),
        |(id, page)| company_findings(id, page),
    );

    // Outside the part that re-renders when the company reloads, so the token just issued
    // stays on screen after the tokens table refreshes.
    let issue = ServerAction::<IssueEnrollmentToken>::new();
    let issued = RwSignal::new(None::<Result<IssuedToken, AppError>>);
    Effect::new(move |_| {
        if let Some(result) = issue.value().get() {
            if result.is_ok() {
                version.update(|v| *v += 1);
            }
            issued.set(Some(result));
        }
    });

    view! {
        <Transition fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading the company…"</div> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Overview detail version issue issued/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
        <Panel id="assets" title="Assets">
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading assets…"</div> }>
                {move || Suspend::new(async move {
                    match assets.await {
                        Ok(table) => view! { <Assets table page=assets_page/> }.into_any(),
                        Err(AppError::NotFound) => ().into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </Panel>
        <Panel id="findings" title="Open findings">
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading findings…"</div> }>
                {move || Suspend::new(async move {
                    match findings.await {
                        Ok(table) => view! { <Findings table page=findings_page/> }.into_any(),
                        Err(AppError::NotFound) => ().into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </Panel>
    }
}

#[component]
fn Overview(
    detail: CompanyDetail,
    version: RwSignal<u32>,
    issue: ServerAction<IssueEnrollmentToken>,
    issued: RwSignal<Option<Result<IssuedToken, AppError>>>,
) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_write = user.role.can_write();
    let c = detail.counts;
    view! {
        <Title text=detail.name.clone()/>
        <nav class="breadcrumbs" aria-label="Breadcrumb"><a href=COMPANIES_PATH>"Companies"</a>" / "</nav>
        <h1>{detail.name.clone()}</h1>
        <InventorySection counts=c/>
        <VulnerabilitySection counts=c/>
        <Panel id="agents" title="Agents">
            <Agents agents=detail.agents/>
        </Panel>
        <Panel id="tokens" title="Enrollment tokens">
            {can_write.then(|| view! { <IssueToken company_id=detail.id issue issued/> })}
            <Tokens tokens=detail.tokens can_write version/>
        </Panel>
    }
}

#[component]
fn Agents(agents: Vec<AgentRow>) -> AnyView {
    if agents.is_empty() {
        return view! {
            <EmptyState title="No agents yet">
                "Issue an enrollment token below and give it to the agent's installer; the agent appears here once it enrolls."
            </EmptyState>
        }
        .into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="table">
                <caption class="visually-hidden">"Agents"</caption>
                <thead><tr>
                    <th scope="col">"Hostname"</th>
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Last seen"</th>
                    <th scope="col">"Status"</th>
                </tr></thead>
                <tbody>
                    {agents.into_iter().map(|a| {
                        let (status, class) = if a.online { ("Online", "badge approved") } else { ("Offline", "badge muted") };
                        let key = a.hostname.clone();
                        view! {
                            <tr data-agent=key>
                                <th scope="row">{a.hostname}</th>
                                <td>{a.kind.label()}</td>
                                <td>{a.version}</td>
                                <td class="nowrap"><When at=a.last_seen_at/></td>
                                <td><span class=class>{status}</span></td>
                            </tr>
                        }.into_any()
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Issue a token: how many days it stays valid, then the token itself, shown this once.
#[component]
fn IssueToken(
    company_id: i64,
    issue: ServerAction<IssueEnrollmentToken>,
    issued: RwSignal<Option<Result<IssuedToken, AppError>>>,
) -> impl IntoView {
    view! {
        <ActionForm action=issue attr:class="filters" attr:aria-label="Issue an enrollment token">
            <input type="hidden" name="company_id" value=company_id/>
            <label class="field">
                <span>"Valid for (days)"</span>
                <input type="number" name="days" min="1" max="365" value="7" required/>
            </label>
            <div class="filter-actions">
                <button type="submit" class="button primary" disabled=move || issue.pending().get()>"Issue token"</button>
            </div>
        </ActionForm>
        {move || issued.get().map(|result| match result {
            Ok(token) => view! {
                <div class="notice success issued-token" role="status">
                    <p>"Copy this token now: it is shown only once. Agents enroll with it until "<When at=token.expires_at/>"."</p>
                    <code class="secret" data-token>{token.secret}</code>
                </div>
            }.into_any(),
            Err(error) => view! { <ErrorNotice error/> }.into_any(),
        })}
    }
}

#[component]
fn Tokens(tokens: Vec<TokenRow>, can_write: bool, version: RwSignal<u32>) -> AnyView {
    if tokens.is_empty() {
        return view! { <p class="muted">"No enrollment tokens issued for this company."</p> }
            .into_any();
    }
    let revoke = ServerAction::<RevokeEnrollmentToken>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => version.update(|v| *v += 1),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        {move || error.get().map(|error| view! { <ErrorNotice error/> })}
        <div class="table-scroll">
            <table class="table">
                <caption class="visually-hidden">"Enrollment tokens"</caption>
                <thead><tr>
                    <th scope="col">"Issued"</th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Agents enrolled"</th>
                    {can_write.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                </tr></thead>
                <tbody>
                    {tokens.into_iter().map(|t| {
                        let id = t.id;
                        let action = (can_write && t.state == TokenState::Active).then(|| view! {
                            <button type="button" class="button small danger" disabled=move || revoke.pending().get()
                                on:click=move |_| { revoke.dispatch(RevokeEnrollmentToken { id }); }>"Revoke"</button>
                        });
                        view! {
                            <tr>
                                <td class="nowrap"><When at=t.created_at/></td>
                                <td class="nowrap"><When at=t.expires_at/></td>
                                <td>{t.state.label()}</td>
                                <td class="num">{t.uses}</td>
                                {can_write.then(|| view! { <td class="actions">{action}</td> })}
                            </tr>
                        }.into_any()
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "Showing 1–25 of 140", Previous, Next, for a table paged by a signal.
#[component]
fn Pager(label: &'static str, page: RwSignal<u64>, shown: usize, total: u64) -> impl IntoView {
    let current = page.get_untracked();
    let first = (current - 1) * PER_PAGE + 1;
    let last = first + shown as u64 - 1;
    view! {
        <nav class="pagination" aria-label=label>
            <span class="muted" aria-live="polite">{format!("Showing {first}–{last} of {}", format_count(total as i64))}</span>
            <span class="pager">
                <button type="button" class="button" disabled={ current <= 1 } on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"Previous"</button>
                <button type="button" class="button" disabled={ last >= total } on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
            </span>
        </nav>
    }
}

#[component]
fn Assets(table: AssetTable, page: RwSignal<u64>) -> AnyView {
    if table.rows.is_empty() {
        return view! { <EmptyState title="No assets yet">"Assets appear as agents and external scans report them."</EmptyState> }.into_any();
    }
    let shown = table.rows.len();
    view! {
        <div class="table-scroll">
            <table class="table">
                <caption class="visually-hidden">"Assets"</caption>
                <thead><tr>
                    <th scope="col">"Hostname"</th>
                    <th scope="col">"IP"</th>
                    <th scope="col">"OS"</th>
                    <th scope="col">"Source"</th>
                    <th scope="col">"Last seen"</th>
                    <th scope="col">"Critical"</th>
                    <th scope="col">"High"</th>
                    <th scope="col">"Medium"</th>
                    <th scope="col">"Low"</th>
                </tr></thead>
                <tbody>
                    {table.rows.into_iter().map(|a| {
                        let key = a.hostname.clone().or(a.ip.clone()).unwrap_or_default();
                        view! {
                        <tr data-asset=key>
                            <th scope="row">{a.hostname.unwrap_or_else(|| "—".to_owned())}</th>
                            <td>{a.ip.unwrap_or_default()}</td>
                            <td>{a.os.unwrap_or_default()}</td>
                            <td>{a.source.label()}</td>
                            <td class="nowrap"><When at=a.last_seen_at/></td>
                            <td class="num">{a.critical}</td>
                            <td class="num">{a.high}</td>
                            <td class="num">{a.medium}</td>
                            <td class="num">{a.low}</td>
                        </tr>
                    }.into_any()}).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager label="Assets pages" page shown total=table.total/>
    }
    .into_any()
}

#[component]
fn Findings(table: FindingTable, page: RwSignal<u64>) -> AnyView {
    if table.rows.is_empty() {
        return view! { <EmptyState title="No open findings">"Nothing reported is open on this company's assets."</EmptyState> }.into_any();
    }
    let shown = table.rows.len();
    view! {
        <div class="table-scroll">
            <table class="table">
                <caption class="visually-hidden">"Open findings, worst first"</caption>
                <thead><tr>
                    <th scope="col">"Vulnerability"</th>
                    <th scope="col">"Severity"</th>
                    <th scope="col">"CVSS"</th>
                    <th scope="col">"Asset"</th>
                    <th scope="col">"First seen"</th>
                </tr></thead>
                <tbody>
                    {table.rows.into_iter().map(|f| {
                        let class = format!("badge sev-{}", f.severity.as_str());
                        let cvss = f.cvss_tenths.map(|t| format!("{:.1}", f64::from(t) / 10.0)).unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row"><code>{f.vulnerability}</code>" "<span class="muted">{f.title}</span></th>
                                <td><span class=class>{f.severity.label()}</span></td>
                                <td class="num">{cvss}</td>
                                <td>{f.asset}</td>
                                <td class="nowrap"><When at=f.first_seen_at/></td>
                            </tr>
                        }.into_any()
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager label="Findings pages" page shown total=table.total/>
    }
    .into_any()
}
