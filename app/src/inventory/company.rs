//! `/msp/companies/:id`: one company — its counters, agents (online or not), enrollment tokens
//! (issue one, shown once; revoke), assets and open findings (the tables in `tables`).

use super::summary::{InventorySection, VulnerabilitySection};
use super::tables::{CompanyRef, CompanyTables};
use super::trend::{TrendPanel, TrendTarget};
use super::{
    AgentRow, COMPANIES_PATH, CompanyDetail, IssueEnrollmentToken, RevokeEnrollmentToken, TokenRow,
    TokenState, load_company,
};
use crate::components::{EmptyState, ErrorNotice, NotFound, Panel, When};
use leptos::prelude::*;
use leptos_meta::Title;
use portal_types::{AppError, CurrentUser};

#[component]
pub fn CompanyPage() -> impl IntoView {
    let id = crate::util::use_id_param();
    let detail = Resource::new(move || id.get(), load_company);
    let company = Memo::new(move |_| CompanyRef {
        msp: None,
        id: id.get(),
    });

    view! {
        <Transition fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading the company…"</div> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Overview detail/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
        <TrendPanel target=Memo::new(move |_| TrendTarget { global: false, msp: None, company: Some(company.get().id) })/>
        <CompanyTables company/>
    }
}

#[component]
fn Overview(detail: CompanyDetail) -> impl IntoView {
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
            <TokenPanel company_id=detail.id can_write tokens=detail.tokens/>
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

/// Issue a token (shown this once) and the company's tokens, with Revoke. An island: the list
/// reloads in place after each change, and the token just issued stays on screen.
#[island(lazy)]
fn TokenPanel(company_id: i64, can_write: bool, tokens: Vec<TokenRow>) -> impl IntoView {
    crate::hydration::island_ready();
    let tokens = RwSignal::new(tokens);
    let issue = ServerAction::<IssueEnrollmentToken>::new();
    let revoke = ServerAction::<RevokeEnrollmentToken>::new();
    let error = RwSignal::new(None::<AppError>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match load_company(company_id).await {
                Ok(detail) => tokens.set(detail.tokens),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = issue.value().get() {
            reload();
        }
    });
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => reload(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        {can_write.then(|| view! { <IssueToken company_id issue/> })}
        {move || error.get().map(|error| view! { <ErrorNotice error/> })}
        {move || view! { <Tokens tokens=tokens.get() can_write revoke/> }}
    }
}

/// Issue a token: how many days it stays valid, then the token itself, shown this once.
#[component]
fn IssueToken(company_id: i64, issue: ServerAction<IssueEnrollmentToken>) -> impl IntoView {
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
        {move || issue.value().get().map(|result| match result {
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
fn Tokens(
    tokens: Vec<TokenRow>,
    can_write: bool,
    revoke: ServerAction<RevokeEnrollmentToken>,
) -> AnyView {
    if tokens.is_empty() {
        return view! { <p class="muted">"No enrollment tokens issued for this company."</p> }
            .into_any();
    }
    view! {
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
