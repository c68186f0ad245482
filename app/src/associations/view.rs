//! The MSSP's MSPs panel: the table with its counters, Add MSP, and the row actions.
//! Decisions and cancellations go through [`super::reason`].

use super::reason::{Choice, PendingChoice, ReasonDialog, close_dialog, open_dialog};
use super::*;
use crate::components::{EmptyState, ErrorNotice};
use crate::inventory::format_count;
use crate::live::use_live;
use crate::util::when;
use leptos::either::{Either, EitherOf3, EitherOf4};
use leptos::html;

/// The Request Status badge, with the guide's labels.
#[component]
pub fn StatusBadge(status: AssociationStatus) -> impl IntoView {
    let class = format!(
        "badge status-{}",
        status.as_str().to_ascii_lowercase().replace('_', "-")
    );
    view! { <span class=class>{status.label()}</span> }
}

/// The MSPs table's counter columns, each sortable; blank until the MSP approves.
const COUNTER_COLUMNS: [(MspSort, &str); 8] = [
    (MspSort::Companies, "Companies"),
    (MspSort::Agents, "Agents"),
    (MspSort::Assets, "Assets"),
    (MspSort::OpenFindings, "Open Findings"),
    (MspSort::Critical, "Critical"),
    (MspSort::High, "High"),
    (MspSort::Medium, "Medium"),
    (MspSort::Low, "Low"),
];

/// The MSSP's MSPs: Add MSP, and every MSP asked with its Request Status, live. An island:
/// its search, filter, order, pages and actions run in the browser. `can_write` hides the
/// actions from viewers (the server functions refuse them anyway); `support_email` is the
/// operator's address that "not found" points to.
#[island]
pub fn MspsPanel(can_write: bool, support_email: String) -> impl IntoView {
    crate::hydration::island_ready();
    let live = use_live();
    // The Inventory and Vulnerabilities above are the server's, as of this page's load: once
    // an association changes, say so (this table itself follows the change).
    let loaded_at = untrack(|| live.associations());
    let live_now = live.clone();
    let changed = move || live_now.associations() != loaded_at;
    let search = RwSignal::new(String::new());
    let status = RwSignal::new(None::<AssociationStatus>);
    let sort = RwSignal::new(MspSort::Requested);
    let descending = RwSignal::new(true);
    let page = RwSignal::new(1_u64);
    let table = Resource::new(
        move || {
            (
                live.associations(),
                search.get(),
                status.get(),
                sort.get(),
                descending.get(),
                page.get(),
            )
        },
        |(_, search, status, sort, descending, page)| {
            list_msps(search, status, sort, descending, page)
        },
    );
    let choice = RwSignal::new(None::<PendingChoice>);
    let add_dialog = NodeRef::<html::Dialog>::new();
    let prefill = RwSignal::new((String::new(), String::new()));

    let sort_by = move |column: MspSort| {
        if sort.get_untracked() == column {
            descending.update(|d| *d = !*d);
        } else {
            sort.set(column);
            // Dates and counters read best largest first.
            descending.set(!matches!(column, MspSort::MspName | MspSort::Status));
        }
        page.set(1);
    };
    let aria_sort = move |column: MspSort| {
        move || {
            if sort.get() != column {
                "none"
            } else if descending.get() {
                "descending"
            } else {
                "ascending"
            }
        }
    };
    // The CSV of every page, with the table's search, status filter and order.
    let csv_href = move || {
        let mut query = vec![format!("sort={}", sort.get_untracked().as_str())];
        let q = search.get_untracked();
        if !q.trim().is_empty() {
            query.push(format!("q={}", crate::util::encode_query_value(q.trim())));
        }
        if let Some(status) = status.get_untracked() {
            query.push(format!("status={}", status.as_str()));
        }
        if descending.get_untracked() {
            query.push("dir=desc".to_owned());
        }
        format!("/mssp/msps.csv?{}", query.join("&"))
    };
    let header = move |column: MspSort, label: &'static str| {
        let numeric = !matches!(
            column,
            MspSort::MspName | MspSort::Status | MspSort::Requested
        );
        view! {
            <th scope="col" class:num=numeric aria-sort=aria_sort(column)>
                <button type="button" class="sort" on:click=move |_| sort_by(column)>{label}</button>
            </th>
        }
    };

    view! {
        <section class="panel" aria-labelledby="msps-heading">
            <div class="panel-head">
                <h2 id="msps-heading">"MSPs"</h2>
                {can_write.then(|| view! {
                    <button type="button" class="button primary" on:click=move |_| {
                        prefill.set((String::new(), String::new()));
                        open_dialog(add_dialog);
                    }>"Add MSP"</button>
                })}
            </div>
            {move || changed().then(|| view! {
                <p class="notice" role="status">
                    "The MSPs changed since this page loaded. "<a href="/mssp">"Reload"</a>" for current inventory figures."
                </p>
            })}
            <div class="toolbar" role="search">
                <label class="visually-hidden" for="msp-search">"Search MSPs"</label>
                <input id="msp-search" type="search" placeholder="Search by MSP or email" maxlength="200"
                    prop:value=move || search.get()
                    on:input=move |ev| { search.set(event_target_value(&ev)); page.set(1); }/>
                <label class="visually-hidden" for="msp-status">"Request Status"</label>
                <select id="msp-status" on:change=move |ev| {
                    status.set(event_target_value(&ev).parse().ok());
                    page.set(1);
                }>
                    <option value="">"All statuses"</option>
                    {AssociationStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <Transition fallback=|| view! { <p class="muted" aria-busy="true">"Loading MSPs…"</p> }>
                {move || Suspend::new(async move {
                    match table.await {
                        Err(error) => EitherOf4::A(view! { <ErrorNotice error/> }),
                        Ok(t) if t.total == 0 && search.get_untracked().trim().is_empty() && status.get_untracked().is_none() => EitherOf4::B(view! {
                            <EmptyState title="No MSPs yet">"Add an MSP by its tenant name and an admin's email; its data appears here once they approve."</EmptyState>
                        }),
                        Ok(t) if t.total == 0 => EitherOf4::C(view! {
                            <EmptyState title="No MSPs match">"Try another search or status."</EmptyState>
                        }),
                        Ok(t) => {
                            let first = (page.get_untracked() - 1) * PER_PAGE + 1;
                            let last = first + t.rows.len() as u64 - 1;
                            let total = t.total;
                            EitherOf4::D(view! {
                                <div class="table-scroll">
                                    <table class="table" aria-label="MSPs">
                                        <thead><tr>
                                            {header(MspSort::MspName, "MSP Name")}
                                            <th scope="col">"Admin Email"</th>
                                            {header(MspSort::Status, "Request Status")}
                                            {COUNTER_COLUMNS.into_iter().map(|(sort, label)| header(sort, label)).collect_view()}
                                            {header(MspSort::Requested, "Requested")}
                                            <th scope="col">"Reason"</th>
                                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {t.rows.into_iter().map(|row| view! {
                                                <MspTableRow row choice prefill add_dialog can_write/>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <nav class="table-pager" aria-label="MSPs pages">
                                    <span class="muted">{format!("Showing {first}–{last} of {total}")}</span>
                                    <button type="button" class="button" disabled=move || { page.get() <= 1 }
                                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"Previous"</button>
                                    <button type="button" class="button" disabled={ last >= total }
                                        on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                                </nav>
                                <p class="table-actions"><a class="button small" href=csv_href() download rel="external">"Download CSV"</a></p>
                            })
                        }
                    }
                })}
            </Transition>
            <AddMspDialog dialog=add_dialog prefill support_email/>
            <ReasonDialog choice id="msps"/>
        </section>
    }
}

#[component]
fn MspTableRow(
    row: MspRow,
    choice: RwSignal<Option<PendingChoice>>,
    prefill: RwSignal<(String, String)>,
    add_dialog: NodeRef<html::Dialog>,
    can_write: bool,
) -> impl IntoView {
    let live = use_live();
    let cancel = ServerAction::<CancelMspRequest>::new();
    let resend = ServerAction::<ResendMspRequest>::new();
    let notice = RwSignal::new(None::<Result<&'static str, AppError>>);
    Effect::new(move |_| match cancel.value().get() {
        Some(Ok(())) => live.refresh_associations(),
        Some(Err(e)) => notice.set(Some(Err(e))),
        None => {}
    });
    Effect::new(move |_| match resend.value().get() {
        Some(Ok(())) => notice.set(Some(Ok("Email sent again."))),
        Some(Err(e)) => notice.set(Some(Err(e))),
        None => {}
    });
    let id = row.id;
    let (name, email) = (row.msp_name.clone(), row.admin_email.clone());
    let when_text = match (row.status, row.closed_at) {
        (AssociationStatus::PendingApproval, _) => format!(
            "{} · expires {}",
            when(&row.requested_at),
            when(&row.expires_at)
        ),
        (_, Some(closed)) => format!(
            "{} · {} {}",
            when(&row.requested_at),
            row.status.label().to_ascii_lowercase(),
            when(&closed)
        ),
        _ => when(&row.requested_at),
    };
    // "requested · expires …" on two lines.
    let (requested, then) = match when_text.split_once(" · ") {
        Some((requested, then)) => (requested.to_owned(), Some(then.to_owned())),
        None => (when_text, None),
    };
    let actions = can_write.then(|| match row.status {
        AssociationStatus::PendingApproval => EitherOf3::A(view! {
            <button type="button" class="button small" disabled=move || resend.pending().get()
                on:click=move |_| { resend.dispatch(ResendMspRequest { id }); }>"Resend email"</button>
            <button type="button" class="button small" disabled=move || cancel.pending().get()
                on:click=move |_| { cancel.dispatch(CancelMspRequest { id }); }>"Cancel request"</button>
        }),
        AssociationStatus::Approved => {
            let party = name.clone();
            EitherOf3::B(view! {
                <button type="button" class="button small danger" on:click=move |_| {
                    choice.set(Some(PendingChoice { id, kind: Choice::Revoke, party: party.clone() }));
                }>"Revoke"</button>
            })
        }
        _ => EitherOf3::C(view! {
            <button type="button" class="button small" on:click=move |_| {
                prefill.set((email.clone(), name.clone()));
                open_dialog(add_dialog);
            }>"Request again"</button>
        }),
    });
    let counters = match row.counts {
        Some(c) => Either::Left(
            [
                c.companies,
                c.agents,
                c.assets,
                c.open_findings,
                c.critical,
                c.high,
                c.medium,
                c.low,
            ]
            .into_iter()
            .map(|n| view! { <td class="num">{format_count(n)}</td> })
            .collect_view(),
        ),
        None => {
            let text = if row.status == AssociationStatus::PendingApproval {
                "awaiting approval"
            } else {
                "no access"
            };
            Either::Right(
                view! { <td class="muted no-counts" colspan=COUNTER_COLUMNS.len()>{text}</td> },
            )
        }
    };
    let msp_name = match row.counts {
        Some(_) => Either::Left(
            view! { <a href=crate::mssp_view::msp_path(row.msp_id)>{row.msp_name.clone()}</a> },
        ),
        None => Either::Right(row.msp_name.clone()),
    };
    view! {
        <tr data-msp=row.msp_name.clone()>
            <th scope="row">{msp_name}</th>
            <td>{row.admin_email.clone()}</td>
            <td><StatusBadge status=row.status/></td>
            {counters}
            <td class="when">{requested}{then.map(|then| view! { <span class="muted">{then}</span> })}</td>
            <td class="reason">{row.reason.clone().unwrap_or_default()}</td>
            <td class="actions">
                {actions}
                {move || notice.get().map(|n| match n {
                    Ok(text) => Either::Left(view! { <span class="muted" role="status">{text}</span> }),
                    Err(error) => Either::Right(view! { <ErrorNotice error/> }),
                })}
            </td>
        </tr>
    }
}

/// Add MSP: Email and Tenant Name, Save. Shows the guide's two refusals, and the operator's
/// support address with "not found".
#[component]
fn AddMspDialog(
    dialog: NodeRef<html::Dialog>,
    prefill: RwSignal<(String, String)>,
    support_email: String,
) -> impl IntoView {
    let add = ServerAction::<AddMsp>::new();
    let live = use_live();
    let email = RwSignal::new(String::new());
    let tenant_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let (e, t) = prefill.get();
        email.set(e);
        tenant_name.set(t);
        error.set(None);
    });
    Effect::new(move |_| match add.value().get() {
        Some(Ok(_)) => {
            close_dialog(dialog);
            email.set(String::new());
            tenant_name.set(String::new());
            live.refresh_associations();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        add.dispatch(AddMsp {
            email: email.get_untracked(),
            tenant_name: tenant_name.get_untracked(),
        });
    };
    let support = format!("mailto:{support_email}");
    let message = move || {
        error.get().map(|e| {
            let not_found = e.to_string() == NOT_FOUND_MESSAGE;
            let support = support.clone();
            let support_email = support_email.clone();
            view! {
                <div class="notice error" role="alert">
                    <p>{e.to_string()}</p>
                    {not_found.then(|| view! {
                        <p class="muted">"Check the spelling with the MSP, or ask "<a href=support>{support_email}</a>" for help."</p>
                    })}
                </div>
            }
        })
    };
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="add-msp-title" on:close=move |_| error.set(None)>
            <form class="form" on:submit=submit>
                <h2 id="add-msp-title">"Add MSP"</h2>
                <p class="muted">"The MSP's admin approves the request from their portal; until then you see none of its data."</p>
                <label for="add-msp-email">"Email"</label>
                <input id="add-msp-email" name="email" type="email" required maxlength="254" autocomplete="off"
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                <label for="add-msp-tenant">"Tenant Name"</label>
                <input id="add-msp-tenant" name="tenant_name" type="text" required maxlength="100" autocomplete="off"
                    prop:value=move || tenant_name.get() on:input=move |ev| tenant_name.set(event_target_value(&ev))/>
                {message}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| close_dialog(dialog)>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || add.pending().get()>
                        {move || if add.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            </form>
        </dialog>
    }
}

/// The product guide's "not found" message (the domain's `NOT_FOUND`, which cannot be
/// imported in the browser bundle).
const NOT_FOUND_MESSAGE: &str = "Email ID or Tenant Name not found";
