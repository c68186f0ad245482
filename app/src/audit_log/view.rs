//! The audit log page: a filter form (a GET form, so it works before the WASM loads and the
//! URL is shareable), the table, pagination, and the CSV download carrying the same filter.

use super::{AuditEntry, AuditPage, audit_actions, audit_log, query_string};
use crate::components::{EmptyState, ErrorNotice, Pagination};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use portal_types::{AppError, AuditQuery, CurrentUser};
use std::collections::BTreeMap;

/// `/mssp/audit` and `/msp/audit`: the signed-in tenant's own audit log.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let base = super::page_path(user.tenant_kind);
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| AuditQuery {
            action: p.get("action").unwrap_or_default(),
            q: p.get("q").unwrap_or_default(),
            from: p.get("from").unwrap_or_default(),
            to: p.get("to").unwrap_or_default(),
        })
    });
    // A page number that is not a number is page 0, which the server refuses with a message.
    let page = Memo::new(move |_| {
        params.with(|p| {
            p.get("page")
                .map_or(1, |raw| raw.trim().parse().unwrap_or(0))
        })
    });
    // The page comes back with the filter it answers, so links on it always match it.
    let log = Resource::new(
        move || (query.get(), page.get()),
        |(query, page)| async move { audit_log(query.clone(), page).await.map(|log| (log, query)) },
    );
    let actions = Resource::new(|| (), |_| audit_actions());
    let (pending, set_pending) = crate::components::transition_pending();
    let csv_href = move || {
        let query = query_string(&query.get(), None);
        if query.is_empty() {
            "/audit.csv".to_owned()
        } else {
            format!("/audit.csv?{query}")
        }
    };

    view! {
        <Title text="Audit log"/>
        <div class="page-heading">
            <h1>"Audit log"</h1>
            <a class="button" href=csv_href download rel="external">"Download CSV"</a>
        </div>
        <Suspense fallback=|| view! { <div class="filters skeleton" aria-busy="true">"Loading filters…"</div> }>
            {move || {
                let current = query.get();
                Suspend::new(async move {
                    // Without the list the form still works: it offers the current choice only.
                    let actions = actions.await.unwrap_or_default();
                    view! { <FilterForm base current actions/> }
                })
            }}
        </Suspense>
        <Transition
            fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading the audit log…"</div> }
            set_pending=set_pending
        >
            <div class="audit-results" class:pending=move || pending.get() aria-busy=move || pending.get().to_string()>
                {move || Suspend::new(async move {
                    match log.await {
                        Ok((log, query)) => view! { <Results log base query/> }.into_any(),
                        Err(error) => view! { <FilterError error/> }.into_any(),
                    }
                })}
            </div>
        </Transition>
    }
}

/// The filter: action, search text, dates. Submitting it navigates to the same page with the
/// filter in the query (and so back to page 1).
#[component]
fn FilterForm(base: &'static str, current: AuditQuery, actions: Vec<String>) -> impl IntoView {
    let filtered = !current.is_empty();
    let choices = action_choices(actions, &current.action);
    let selected = current.action.clone();
    view! {
        <Form method="GET" action=base attr:class="filters" attr:role="search" attr:aria-label="Filter the audit log">
            <label class="field">
                <span>"Action"</span>
                <select name="action">
                    <option value="" selected=selected.is_empty()>"All actions"</option>
                    {choices.into_iter().map(|choice| match choice {
                        Choice::One(action) => {
                            let is = action == selected;
                            view! { <option value=action.clone() selected=is>{action.clone()}</option> }.into_any()
                        }
                        Choice::Group(prefix, members) => {
                            let label = prefix.trim_end_matches('.').to_owned();
                            let all = format!("All {label} events");
                            let is = prefix == selected;
                            view! {
                                <optgroup label=label>
                                    <option value=prefix.clone() selected=is>{all}</option>
                                    {members.into_iter().map(|action| {
                                        let is = action == selected;
                                        view! { <option value=action.clone() selected=is>{action.clone()}</option> }
                                    }).collect_view()}
                                </optgroup>
                            }.into_any()
                        }
                    }).collect_view()}
                </select>
            </label>
            <label class="field grow">
                <span>"Search"</span>
                <input type="search" name="q" value=current.q.clone() maxlength="200" placeholder="Actor or target" autocomplete="off"/>
            </label>
            <label class="field">
                <span>"From"</span>
                <input type="date" name="from" value=current.from.clone()/>
            </label>
            <label class="field">
                <span>"To"</span>
                <input type="date" name="to" value=current.to.clone()/>
            </label>
            <div class="filter-actions">
                <button type="submit" class="button primary">"Apply"</button>
                {filtered.then(|| view! { <a class="button ghost" href=base>"Clear filters"</a> })}
            </div>
        </Form>
    }
}

/// The table with its pagination, or an empty state.
#[component]
fn Results(log: AuditPage, base: &'static str, query: AuditQuery) -> impl IntoView {
    let showing = log.showing();
    if showing.is_none() {
        let (title, hint) = if query.is_empty() && log.page == 1 {
            (
                "Nothing recorded yet",
                "Sign-ins, association requests and decisions appear here as they happen.",
            )
        } else if log.total > 0 {
            (
                "No events on this page",
                "The log has fewer pages than that; go back to the first page.",
            )
        } else {
            (
                "No events match these filters",
                "Try another action, other words, or a wider date range.",
            )
        };
        let reset = (!query.is_empty() || log.page != 1).then(|| {
            view! { <p><a href=base>"Show all events"</a></p> }
        });
        return view! {
            <section class="panel" aria-label="Audit log events">
                <EmptyState title=title>{hint}{reset}</EmptyState>
            </section>
        }
        .into_any();
    }
    let link = move |page: i64| format!("{base}?{}", query_string(&query, Some(page)));
    let previous = log.has_previous().then(|| link(log.page - 1));
    let next = log.has_next().then(|| link(log.page + 1));
    let (first, last) = showing.unwrap_or_default();
    let summary = format!("Showing {first}–{last} of {}", log.total);
    view! {
        <section class="panel">
            <div class="table-scroll">
                <table class="table audit-table">
                    <caption class="visually-hidden">"Audit log events, newest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Time"</th>
                            <th scope="col">"Actor"</th>
                            <th scope="col">"Action"</th>
                            <th scope="col">"Target"</th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {log.entries.into_iter().map(|entry| view! { <Row entry/> }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Pagination label="Pagination" summary previous next/>
        </section>
    }
    .into_any()
}

#[component]
fn Row(entry: AuditEntry) -> impl IntoView {
    let machine = entry.at.to_rfc3339();
    let human = entry.at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    view! {
        <tr>
            <td class="nowrap"><time datetime=machine>{human}</time></td>
            <td>{entry.actor}</td>
            <td><code>{entry.action}</code></td>
            <td class="wrap">{entry.target}</td>
            <td class="wrap">{entry.reason.unwrap_or_default()}</td>
        </tr>
    }
}

/// A filter the server refused shows its message plainly, next to the form that can fix it.
#[component]
fn FilterError(error: AppError) -> impl IntoView {
    match error {
        AppError::BadRequest(message) => {
            view! { <div class="notice error" role="alert">{message}</div> }.into_any()
        }
        error => view! { <ErrorNotice error/> }.into_any(),
    }
}

/// An entry of the action drop-down.
enum Choice {
    One(String),
    /// A prefix (`association.`) and its actions.
    Group(String, Vec<String>),
}

/// Actions grouped by the part before their first dot when several share it; the current
/// choice is kept even when it is not in the list (a prefix typed into the URL, say).
fn action_choices(mut actions: Vec<String>, current: &str) -> Vec<Choice> {
    if !current.is_empty() && !current.ends_with('.') && !actions.iter().any(|a| a == current) {
        actions.push(current.to_owned());
    }
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for action in actions {
        let key = action
            .split_once('.')
            .map_or_else(|| action.clone(), |(head, _)| format!("{head}."));
        groups.entry(key).or_default().push(action);
    }
    if current.ends_with('.') {
        groups.entry(current.to_owned()).or_default();
    }
    groups
        .into_iter()
        .map(|(key, mut members)| {
            members.sort();
            members.dedup();
            if key.ends_with('.') && (members.len() > 1 || members.is_empty()) {
                Choice::Group(key, members)
            } else {
                Choice::One(members.pop().unwrap_or(key))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(choices: &[Choice]) -> Vec<String> {
        choices
            .iter()
            .map(|c| match c {
                Choice::One(a) => a.clone(),
                Choice::Group(p, m) => format!("{p}[{}]", m.join(",")),
            })
            .collect()
    }

    #[test]
    fn actions_sharing_a_prefix_are_grouped() {
        let actions = [
            "association.approve",
            "association.request",
            "tenant.create",
            "user.sign_in",
            "user.sign_out",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            names(&action_choices(actions, "")),
            [
                "association.[association.approve,association.request]",
                "tenant.create",
                "user.[user.sign_in,user.sign_out]",
            ]
        );
    }

    #[test]
    fn the_current_choice_is_always_offered() {
        assert_eq!(names(&action_choices(vec![], "billing.")), ["billing.[]"]);
        assert_eq!(names(&action_choices(vec![], "old.action")), ["old.action"]);
    }
}
