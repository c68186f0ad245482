//! Reusable widgets: error notices, empty states, the not-found page.

use leptos::prelude::*;
use leptos_meta::Title;
use portal_types::AppError;

/// An error as a user should see it; internal errors show their reference id.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    view! { <div class="notice error" role="alert">{error.to_string()}</div> }
}

/// What to show where there is nothing yet, and what to do next.
#[component]
pub fn EmptyState(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="empty-state">
            <p class="empty-title">{title}</p>
            <div class="muted">{children()}</div>
        </div>
    }
}

/// The 404 page (also used for pages of the other kind of tenant: they are "not found").
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    view! {
        <Title text="Not found"/>
        <main class="center-page">
            <h1>"Page not found"</h1>
            <p class="muted">"The page you asked for does not exist, or you do not have access to it."</p>
            <a class="button" href="/">"Go to your portal"</a>
        </main>
    }
}

/// A titled section of a page, labelled by its heading for screen readers.
/// `id` must be unique on the page; the heading's id is derived from it.
#[component]
pub fn Panel(id: &'static str, title: &'static str, children: Children) -> impl IntoView {
    let heading = format!("{id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            {children()}
        </section>
    }
}

/// Whether a `Transition`'s content is being refreshed (to dim it meanwhile): the signal to
/// read, and the setter to give the Transition as `set_pending`.
///
/// The setter reaches the signal in the browser only. On the server the Transition's effect
/// sets it from another thread while the page renders, and a render that reads the signal at
/// that instant panics, dropping the connection (Leptos reads signals with `try_read`, which
/// fails while a writer holds the lock). A server render is never pending anyway.
pub fn transition_pending() -> (ReadSignal<bool>, SignalSetter<bool>) {
    let (pending, set_pending) = signal(false);
    let setter = SignalSetter::map(move |value: bool| {
        if cfg!(feature = "hydrate") {
            set_pending.set(value);
        }
    });
    (pending, setter)
}

/// Opens a `<dialog>` as a modal (focus moves into it; Escape closes it).
pub fn open_dialog(dialog: NodeRef<leptos::html::Dialog>) {
    if let Some(dialog) = dialog.get_untracked() {
        let _ = dialog.show_modal();
    }
}

pub fn close_dialog(dialog: NodeRef<leptos::html::Dialog>) {
    if let Some(dialog) = dialog.get_untracked() {
        dialog.close();
    }
}

/// "Showing 26–50 of 140" with Previous and Next links (absent pages are disabled look-alikes).
#[component]
pub fn Pagination(
    label: &'static str,
    summary: String,
    previous: Option<String>,
    next: Option<String>,
) -> impl IntoView {
    view! {
        <nav class="pagination" aria-label=label>
            <span class="muted" aria-live="polite">{summary}</span>
            <span class="pager">
                <PageLink href=previous label="Previous"/>
                <PageLink href=next label="Next"/>
            </span>
        </nav>
    }
}

/// A pagination link, or a disabled look-alike where there is no such page.
#[component]
pub fn PageLink(href: Option<String>, label: &'static str) -> impl IntoView {
    match href {
        Some(href) => view! { <a class="button" href=href>{label}</a> }.into_any(),
        None => {
            view! { <span class="button disabled" aria-disabled="true">{label}</span> }.into_any()
        }
    }
}

/// A date and time as people read it, with the exact instant for machines.
#[component]
pub fn When(at: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let machine = at.to_rfc3339();
    let human = crate::util::when(&at);
    view! { <time datetime=machine>{human}</time> }
}
