//! Panels that show a [`TenantOverview`](super::TenantOverview).

use super::{Activity, TeamMember};
use crate::components::Panel;
use crate::util::when;
use leptos::prelude::*;
use portal_types::CurrentUser;

#[component]
pub fn TeamPanel(team: Vec<TeamMember>) -> impl IntoView {
    view! {
        <Panel id="team" title="Team">
            <table class="table">
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Last sign-in"</th></tr></thead>
                <tbody>
                    {team.into_iter().map(|m| view! {
                        <tr class:inactive=!m.active>
                            <td>{m.display_name}</td>
                            <td>{m.email}</td>
                            <td>{m.role.as_str()}{(!m.active).then_some(" (deactivated)")}</td>
                            <td>{m.last_sign_in_at.as_ref().map_or_else(|| "never".to_owned(), when)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Panel>
    }
}

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
