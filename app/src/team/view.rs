//! The Users and Profile panels of Settings.

use super::{
    ChangePassword, InviteUser, Member, PendingInvitation, SetUserActive, SetUserRole, TeamList,
    UpdateProfile, WithdrawInvitation, team,
};
use crate::components::{ErrorNotice, Panel, When};
use leptos::html;
use leptos::prelude::*;
use portal_types::{AppError, CurrentUser, Role};

const ROLES: [Role; 3] = [Role::Owner, Role::Admin, Role::Viewer];

/// Shows the outcome of the panel's last action: a confirmation or the error.
#[derive(Debug, Clone, Copy)]
struct Outcome(RwSignal<Option<Result<String, AppError>>>);

impl Outcome {
    fn view(self) -> impl IntoView {
        move || match self.0.get() {
            Some(Ok(text)) => {
                view! { <p class="notice success" role="status">{text}</p> }.into_any()
            }
            Some(Err(error)) => view! { <ErrorNotice error/> }.into_any(),
            None => ().into_any(),
        }
    }
}

/// Reports `action`'s answer in `outcome` as `done` (or its error), and reloads the team.
fn report<A>(action: ServerAction<A>, outcome: Outcome, version: RwSignal<u32>, done: &'static str)
where
    A: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => {
            outcome.0.set(Some(Ok(done.to_owned())));
            version.update(|v| *v += 1);
        }
        Some(Err(error)) => outcome.0.set(Some(Err(error))),
        None => {}
    });
}

/// Users: the team, and for owners invitations, roles and deactivation. An island; `me` is
/// the signed-in user (whose own row offers no actions), `owner` whether they manage the team
/// (the server functions check both again).
#[island(lazy)]
pub fn UsersPanel(owner: bool, me: portal_types::UserId) -> impl IntoView {
    crate::hydration::island_ready();
    let version = RwSignal::new(0u32);
    let loaded = Resource::new(move || version.get(), |_| team());
    let outcome = Outcome(RwSignal::new(None));
    let set_role = ServerAction::<SetUserRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let withdraw = ServerAction::<WithdrawInvitation>::new();
    report(set_role, outcome, version, "Role changed.");
    report(set_active, outcome, version, "User updated.");
    report(withdraw, outcome, version, "Invitation withdrawn.");
    let actions = Actions {
        set_role,
        set_active,
        withdraw,
        me,
    };
    view! {
        <Panel id="users" title="Users">
            {outcome.view()}
            {owner.then(|| view! { <InviteForm outcome version/> })}
            {(!owner).then(|| view! { <p class="muted">"Only owners can invite and manage users."</p> })}
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading the team…"</p> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(team) => view! { <TeamTable team owner actions/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </Panel>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    set_role: ServerAction<SetUserRole>,
    set_active: ServerAction<SetUserActive>,
    withdraw: ServerAction<WithdrawInvitation>,
    me: portal_types::UserId,
}

#[component]
fn TeamTable(team: TeamList, owner: bool, actions: Actions) -> impl IntoView {
    let invitations = team.invitations;
    view! {
        <table class="table team-table">
            <caption class="visually-hidden">"Users of your team"</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th>
                    <th scope="col">"Status"</th><th scope="col">"Last sign-in"</th>
                    {owner.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                </tr>
            </thead>
            <tbody>
                {team.members.into_iter().map(|member| view! { <MemberRow member owner actions/> }.into_any()).collect_view()}
            </tbody>
        </table>
        {(!invitations.is_empty()).then(|| view! { <Invitations invitations actions/> })}
    }
}

#[component]
fn MemberRow(member: Member, owner: bool, actions: Actions) -> impl IntoView {
    let id = member.id.0;
    let name = member.display_name.clone();
    let you = (member.id == actions.me).then_some(" (you)");
    let role_cell = if owner {
        let label = format!("Role of {name}");
        let current = member.role;
        view! {
            <select aria-label=label disabled=move || actions.set_role.pending().get()
                on:change=move |ev| { actions.set_role.dispatch(SetUserRole { user: id, role: event_target_value(&ev) }); }>
                {ROLES.map(|role| view! { <option value=role.as_str() selected=role == current>{role.as_str()}</option> })}
            </select>
        }
        .into_any()
    } else {
        member.role.as_str().into_any()
    };
    let toggle = owner.then(|| {
        let active = member.active;
        let (label, aria) = if active {
            ("Deactivate", format!("Deactivate {name}"))
        } else {
            ("Reactivate", format!("Reactivate {name}"))
        };
        view! {
            <td>
                <button type="button" class="button small" aria-label=aria disabled=move || actions.set_active.pending().get()
                    on:click=move |_| { actions.set_active.dispatch(SetUserActive { user: id, active: !active }); }>{label}</button>
            </td>
        }
    });
    view! {
        <tr class:inactive=!member.active>
            <td>{member.display_name.clone()}{you}</td>
            <td>{member.email}</td>
            <td>{role_cell}</td>
            <td>{if member.active { "Active" } else { "Deactivated" }}</td>
            <td>{match member.last_sign_in_at {
                Some(at) => view! { <When at/> }.into_any(),
                None => view! { <span class="muted">"Never"</span> }.into_any(),
            }}</td>
            {toggle}
        </tr>
    }
}

#[component]
fn Invitations(invitations: Vec<PendingInvitation>, actions: Actions) -> impl IntoView {
    view! {
        <h3 class="subheading">"Invitations"</h3>
        <table class="table">
            <thead><tr><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Link expires"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                {invitations.into_iter().map(|invitation| {
                    let id = invitation.id;
                    let label = format!("Withdraw the invitation to {}", invitation.email);
                    view! {
                        <tr>
                            <td>{invitation.email}</td>
                            <td>{invitation.role.as_str()}</td>
                            <td><When at=invitation.expires_at/></td>
                            <td><button type="button" class="button small" aria-label=label
                                on:click=move |_| { actions.withdraw.dispatch(WithdrawInvitation { id }); }>"Withdraw"</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Owners invite someone by email.
#[component]
fn InviteForm(outcome: Outcome, version: RwSignal<u32>) -> impl IntoView {
    let invite = ServerAction::<InviteUser>::new();
    let form = NodeRef::<html::Form>::new();
    report(invite, outcome, version, "Invitation sent.");
    Effect::new(move |_| {
        if let Some(Ok(())) = invite.value().get()
            && let Some(form) = form.get_untracked()
        {
            form.reset();
        }
    });
    view! {
        <ActionForm action=invite node_ref=form attr:class="filters" attr:aria-label="Invite a user">
            <div class="field grow">
                <label for="invite-email">"Email"</label>
                <input id="invite-email" type="email" name="email" required maxlength="254" autocomplete="off" placeholder="name@example.com"/>
            </div>
            <div class="field">
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role">
                    {ROLES.map(|role| view! { <option value=role.as_str() selected=role == Role::Viewer>{role.as_str()}</option> })}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary" disabled=move || invite.pending().get()>"Send invitation"</button>
            </div>
        </ActionForm>
    }
}

/// Your account: your name and password. An island, given the signed-in `user`.
#[island(lazy)]
pub fn ProfilePanel(user: CurrentUser) -> impl IntoView {
    crate::hydration::island_ready();
    let rename = ServerAction::<UpdateProfile>::new();
    let password = ServerAction::<ChangePassword>::new();
    let password_form = NodeRef::<html::Form>::new();
    let outcome = Outcome(RwSignal::new(None));
    Effect::new(move |_| match rename.value().get() {
        Some(Ok(_)) => outcome.0.set(Some(Ok("Name saved.".to_owned()))),
        Some(Err(error)) => outcome.0.set(Some(Err(error))),
        None => {}
    });
    Effect::new(move |_| match password.value().get() {
        Some(Ok(())) => {
            outcome.0.set(Some(Ok(
                "Password changed. Your other sessions have been signed out.".to_owned(),
            )));
            if let Some(form) = password_form.get_untracked() {
                form.reset();
            }
        }
        Some(Err(error)) => outcome.0.set(Some(Err(error))),
        None => {}
    });
    view! {
        <Panel id="account" title="Your account">
            {outcome.view()}
            <dl class="facts">
                <dt>"Tenant"</dt><dd>{user.tenant_name.to_string()}</dd>
                <dt>"Email"</dt><dd>{user.email.to_string()}</dd>
                <dt>"Role"</dt><dd>{user.role.as_str()}</dd>
            </dl>
            <ActionForm action=rename attr:class="filters" attr:aria-label="Your name">
                <label class="field grow">
                    <span>"Name"</span>
                    <input name="display_name" required maxlength="100" autocomplete="name" value=user.display_name.clone()/>
                </label>
                <div class="filter-actions">
                    <button type="submit" class="button" disabled=move || rename.pending().get()>"Save name"</button>
                </div>
            </ActionForm>
            <ActionForm action=password node_ref=password_form attr:class="filters" attr:aria-label="Change password">
                <label class="field">
                    <span>"Current password"</span>
                    <input type="password" name="current_password" required maxlength="128" autocomplete="current-password"/>
                </label>
                <label class="field">
                    <span>"New password"</span>
                    <input type="password" name="new_password" required minlength=portal_types::Password::MIN_NEW_CHARS maxlength="128" autocomplete="new-password"/>
                </label>
                <label class="field">
                    <span>"New password again"</span>
                    <input type="password" name="confirm_password" required maxlength="128" autocomplete="new-password"/>
                </label>
                <div class="filter-actions">
                    <button type="submit" class="button" disabled=move || password.pending().get()>"Change password"</button>
                </div>
            </ActionForm>
        </Panel>
    }
}
