//! `/invite/:token`: the page an invitation email links to. It says which team and role the
//! link offers; the invited person chooses their name and password and is signed in.

use crate::auth::load_page_after;
use crate::components::ErrorNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use portal_types::{AppError, Password, Role};
use serde::{Deserialize, Serialize};

/// What an invitation link offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub tenant_name: String,
    pub email: String,
    pub role: Role,
}

/// The open invitation behind `token`; a used, withdrawn, expired or unknown link is "not
/// found".
#[server(prefix = "/rpc", endpoint = "invitation_offer")]
pub async fn invitation_offer(token: String) -> Result<Offer, AppError> {
    use crate::ssr;
    ssr::respond(async {
        let state = ssr::state()?;
        let token = domain::sessions::SessionToken::parse(&token).ok_or(AppError::NotFound)?;
        let offer =
            domain::users::invitations::offer(&state.db, &token, chrono::Utc::now()).await?;
        Ok(Offer {
            tenant_name: offer.tenant_name.to_string(),
            email: offer.email.to_string(),
            role: offer.role,
        })
    })
    .await
}

/// Accepts an invitation: creates the user, signs them in, and answers their portal's path.
#[server(prefix = "/rpc", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    display_name: String,
    password: String,
    confirm_password: String,
) -> Result<String, AppError> {
    use crate::ssr;
    use portal_types::{ParseError, PersonName};
    ssr::respond(async {
        let state = ssr::state()?;
        let token = domain::sessions::SessionToken::parse(&token).ok_or(AppError::NotFound)?;
        let name = PersonName::parse(&display_name)?;
        let password = Password::parse_new(&password)?;
        if password.expose() != confirm_password {
            return Err(ParseError::new("confirm_password", "The two passwords differ.").into());
        }
        let now = chrono::Utc::now();
        let (session, principal) =
            domain::users::invitations::accept(&state.db, &token, &name, &password, now).await?;
        ssr::set_cookie(
            ssr::SESSION_COOKIE,
            session.expose(),
            domain::sessions::ABSOLUTE.as_secs(),
            true,
        );
        let home = match principal.tenant_kind {
            portal_types::TenantKind::Mssp => "/mssp",
            portal_types::TenantKind::Msp => "/msp",
        };
        if ssr::is_plain_form_post() {
            leptos_axum::redirect(home);
        }
        Ok(home.to_owned())
    })
    .await
}

#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let offer = Resource::new_blocking(token, invitation_offer);
    view! {
        <Title text="Accept invitation"/>
        <main class="auth-page">
            <section class="auth-card" aria-labelledby="invite-heading">
                <h1 id="invite-heading">"Join your team"</h1>
                <Suspense fallback=|| view! { <p class="muted" aria-busy="true">"Checking the invitation…"</p> }>
                    {move || Suspend::new(async move {
                        match offer.await {
                            Ok(offer) => view! { <AcceptForm offer token=token()/> }.into_any(),
                            Err(AppError::NotFound) => view! {
                                <p class="notice error" role="alert">"This invitation link no longer works: it was used, withdrawn or has expired. Ask your team's owner for a new one."</p>
                                <p><a href="/login">"Go to sign-in"</a></p>
                            }.into_any(),
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

/// An island: the answer (or the error) comes back in place.
#[island(lazy)]
fn AcceptForm(offer: Offer, token: String) -> impl IntoView {
    crate::hydration::island_ready();
    let action = ServerAction::<AcceptInvitation>::new();
    load_page_after(action);
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <p>
            "You are invited to join "<strong>{offer.tenant_name}</strong>" as "{offer.role.as_str()}
            ". You will sign in as "<strong>{offer.email}</strong>"."
        </p>
        <ActionForm action=action attr:class="stack">
            <input type="hidden" name="token" value=token/>
            <label for="display_name">"Your name"</label>
            <input id="display_name" name="display_name" required maxlength="100" autocomplete="name" autofocus/>
            <label for="password">"Password"</label>
            <input id="password" type="password" name="password" required minlength=Password::MIN_NEW_CHARS maxlength="128" autocomplete="new-password"/>
            <label for="confirm_password">"Password again"</label>
            <input id="confirm_password" type="password" name="confirm_password" required maxlength="128" autocomplete="new-password"/>
            {move || error().map(|error| view! { <p class="form-error" role="alert">{error.to_string()}</p> })}
            <button type="submit" class="button primary" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "Joining…" } else { "Join and sign in" }}
            </button>
        </ActionForm>
    }
}
