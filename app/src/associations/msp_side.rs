//! The MSP's side of the association: the notification bell (Approve and Reject on pending
//! requests) and the access panel. Decisions go through [`super::reason`].

use super::reason::{Choice, PendingChoice, ReasonDialog};
use super::view::StatusBadge;
use super::*;
use crate::components::{EmptyState, ErrorNotice};
use crate::live::use_live;
use crate::util::when;
use leptos::html;

/// The MSP's bell: unread count, the newest notifications, and Approve / Reject on pending
/// requests. Opening it marks everything read. An island, live.
#[island(lazy)]
pub fn NotificationBell() -> impl IntoView {
    crate::hydration::island_ready();
    let live = use_live();
    let inbox = Resource::new(move || live.notifications(), |_| my_notifications());
    let mark_read = ServerAction::<MarkNotificationsRead>::new();
    let choice = RwSignal::new(None::<PendingChoice>);
    let menu = NodeRef::<html::Details>::new();
    let unread = move || inbox.get().and_then(Result::ok).map_or(0, |i| i.unread);
    let on_toggle = move |_| {
        let open = menu.get_untracked().is_some_and(|m| m.open());
        if open && unread() > 0 {
            mark_read.dispatch(MarkNotificationsRead {});
        }
    };
    // The count is read inside a Transition like every other view of a resource, so the page
    // the server sends and the one the browser hydrates have the same shape.
    view! {
        <details class="menu bell" node_ref=menu on:toggle=on_toggle>
            <summary class="button ghost" aria-labelledby="bell-name">
                <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2">
                    <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/>
                    <path d="M13.73 21a2 2 0 0 1-3.46 0"/>
                </svg>
                <Transition fallback=|| view! { <span id="bell-name" class="visually-hidden">"Notifications"</span> }>
                    {move || Suspend::new(async move {
                        let count = inbox.await.map_or(0, |i| i.unread);
                        view! {
                            <span id="bell-name" class="visually-hidden">{bell_label(count)}</span>
                            {(count > 0).then(|| view! { <span class="bell-count" data-testid="bell-count" aria-hidden="true">{count}</span> })}
                        }
                    })}
                </Transition>
            </summary>
            <div class="menu-panel notifications" role="region" aria-label="Notifications">
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match inbox.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(i) if i.items.is_empty() => view! { <p class="muted">"No notifications."</p> }.into_any(),
                            Ok(i) => view! {
                                <ul class="notification-list">
                                    {i.items.into_iter().map(|n| view! { <NotificationItem n choice/> }).collect_view()}
                                </ul>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </details>
        // Outside the menu, which may be closed while the dialog is open.
        <ReasonDialog choice id="bell"/>
    }
}

/// The bell's accessible name, with the unread count.
fn bell_label(unread: u64) -> String {
    match unread {
        0 => "Notifications, none unread".to_owned(),
        1 => "Notifications, 1 unread".to_owned(),
        n => format!("Notifications, {n} unread"),
    }
}

#[component]
fn NotificationItem(n: Notification, choice: RwSignal<Option<PendingChoice>>) -> AnyView {
    let decision = n.request.clone().map(|r| {
        let pending = r.status == AssociationStatus::PendingApproval && r.expires_at > chrono::Utc::now();
        let (id, party) = (r.id, r.mssp_name.clone());
        let ask = move |kind: Choice| {
            let party = party.clone();
            move |_| choice.set(Some(PendingChoice { id, kind, party: party.clone() }))
        };
        if pending {
            view! {
                <div class="notification-actions">
                    <button type="button" class="button small primary" on:click=ask(Choice::Approve)>"Approve"</button>
                    <button type="button" class="button small" on:click=ask(Choice::Reject)>"Reject"</button>
                </div>
            }.into_any()
        } else {
            let status = if r.status == AssociationStatus::PendingApproval { AssociationStatus::Expired } else { r.status };
            view! { <StatusBadge status/> }.into_any()
        }
    });
    view! {
        <li class=if n.read { "notification" } else { "notification unread" }>
            <p class="notification-title">{n.title}</p>
            <p>{n.body}</p>
            <p class="muted small">{when(&n.created_at)}</p>
            {decision}
        </li>
    }
    .into_any()
}

/// The MSP's access panel: which MSSP asked or has access, and the decision or revocation.
/// An island, live; `can_write` shows the decisions (the server functions check anyway).
#[island(lazy)]
pub fn AccessPanel(can_write: bool) -> impl IntoView {
    crate::hydration::island_ready();
    let live = use_live();
    let access = Resource::new(move || live.associations(), |_| current_msp_access());
    let choice = RwSignal::new(None::<PendingChoice>);
    view! {
        <section class="panel" aria-labelledby="access-heading">
            <h2 id="access-heading">"MSSP access"</h2>
            <Transition fallback=|| view! { <p class="muted" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match access.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(None) => view! {
                            <EmptyState title="No MSSP has asked for access">"When an MSSP asks, the request appears under the bell and here."</EmptyState>
                        }.into_any(),
                        Ok(Some(a)) => {
                            let (id, party) = (a.id, a.mssp_name.clone());
                            let ask = move |kind: Choice| {
                                let party = party.clone();
                                move |_| choice.set(Some(PendingChoice { id, kind, party: party.clone() }))
                            };
                            let actions = can_write.then(|| match a.status {
                                AssociationStatus::PendingApproval => view! {
                                    <button type="button" class="button primary" on:click=ask(Choice::Approve)>"Approve"</button>
                                    <button type="button" class="button" on:click=ask(Choice::Reject)>"Reject"</button>
                                }.into_any(),
                                AssociationStatus::Approved => view! {
                                    <button type="button" class="button danger" on:click=ask(Choice::Revoke)>"Revoke access"</button>
                                }.into_any(),
                                _ => ().into_any(),
                            });
                            view! {
                                <dl class="facts">
                                    <dt>"MSSP"</dt><dd>{a.mssp_name.clone()}</dd>
                                    <dt>"Request Status"</dt><dd><StatusBadge status=a.status/></dd>
                                    <dt>"Requested"</dt><dd>{when(&a.requested_at)}</dd>
                                    {(a.status == AssociationStatus::PendingApproval).then(|| view! { <dt>"Expires"</dt><dd>{when(&a.expires_at)}</dd> })}
                                    {a.reason.clone().map(|r| view! { <dt>"Reason"</dt><dd>{r}</dd> })}
                                </dl>
                                <div class="panel-actions">{actions}</div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <ReasonDialog choice id="access"/>
        </section>
    }
}
