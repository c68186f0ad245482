//! Panels that show a [`TenantOverview`](super::TenantOverview).

use super::Activity;
use crate::components::Panel;
use crate::util::when;
use leptos::prelude::*;
use portal_types::CurrentUser;

#[component]
pub fn ActivityPanel(activity: Vec<Activity>) -> impl IntoView {
    let empty = activity.is_empty();
    let audit_log =
        use_context::<CurrentUser>().map(|user| crate::audit_log::page_path(user.tenant_kind));
    view! {
        <Panel id="activity" title="Recent activity">
            {empty.then(|| view! { <p class="muted">"Nothing has happened yet."</p> })}
            <ul class="activity">
                {activity.into_iter().map(|a| view! {
                    <li><time>{when(&a.at)}</time>" "<strong>{a.actor}</strong>" "<code>{a.action}</code>" "{a.target}</li>
                }).collect_view()}
            </ul>
            {audit_log.map(|href| view! { <p class="panel-more"><a href=href>"View the full audit log"</a></p> })}
        </Panel>
    }
}
