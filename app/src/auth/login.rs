//! The sign-in page: step one asks for the tenant name (a plain GET form, so the name lands in
//! the URL and survives a reload); step two asks for email and password.

use super::{SignIn, use_session};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let tenant = move || {
        query
            .read()
            .get("tenant")
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let next = move || query.read().get("next");
    let signed_in = matches!(use_session(), Ok(Some(_)));

    view! {
        <Title text="Sign in"/>
        {signed_in.then(|| view! { <Redirect path="/"/> })}
        <main class="auth-page">
            <section class="auth-card" aria-labelledby="sign-in-heading">
                <img class="auth-logo logo-light" src="/logo-light.svg" alt="" width="40" height="40"/>
                <img class="auth-logo logo-dark" src="/logo-dark.svg" alt="" width="40" height="40"/>
                <h1 id="sign-in-heading">"Sign in"</h1>
                {move || match tenant() {
                    None => view! { <TenantStep next=next()/> }.into_any(),
                    Some(tenant) => view! { <CredentialsStep tenant next=next()/> }.into_any(),
                }}
            </section>
        </main>
    }
}

/// Step one: which tenant.
#[component]
fn TenantStep(next: Option<String>) -> impl IntoView {
    view! {
        <form method="get" action="/login" class="stack">
            <p class="muted">"Enter your tenant name to continue."</p>
            <label for="tenant">"Tenant Name"</label>
            <input id="tenant" name="tenant" required maxlength="100" autocomplete="organization" autofocus/>
            {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
            <button type="submit" class="button primary">"Continue"</button>
        </form>
    }
}

/// Step two: who, and the password. The form posts to the sign-in function, which answers
/// with the next page, or with this one and the error (read back from the address).
#[component]
fn CredentialsStep(tenant: String, next: Option<String>) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = move || action.value().get().and_then(Result::err);
    let change_href = match &next {
        Some(next) => format!("/login?next={}", crate::util::encode_query_value(next)),
        None => "/login".to_owned(),
    };
    view! {
        <ActionForm action=action attr:class="stack">
            <p class="tenant-chosen">
                <span class="muted">"Tenant "</span>
                <strong data-testid="chosen-tenant">{tenant.clone()}</strong>
                " " <a href=change_href>"Change"</a>
            </p>
            <input type="hidden" name="tenant_name" value=tenant/>
            {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
            <label for="email">"Email"</label>
            <input id="email" type="email" name="email" required maxlength="254" autocomplete="username" autofocus/>
            <label for="password">"Password"</label>
            <input id="password" type="password" name="password" required maxlength="128" autocomplete="current-password"/>
            {move || error().map(|error| view! { <p class="form-error" role="alert">{error.to_string()}</p> })}
            <button type="submit" class="button primary" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
            </button>
        </ActionForm>
    }
}
