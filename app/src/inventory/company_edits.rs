//! The MSP's own edits on its companies table: add, rename, and delete with a confirmation
//! that says what goes with the company. Each reports through the table's `version` (which
//! reloads it) and `notice`.

use super::summary::format_count;
use super::{CreateCompany, DeleteCompany, RenameCompany};
use crate::components::{ErrorNotice, close_dialog};
use leptos::html;
use leptos::prelude::*;
use portal_types::AppError;

/// A company about to be deleted, with what goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Doomed {
    pub id: i64,
    pub name: String,
    pub agents: i64,
    pub assets: i64,
    pub open_findings: i64,
}

/// Name field and Add button.
#[component]
pub(super) fn AddCompany(
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let create = ServerAction::<CreateCompany>::new();
    let error = RwSignal::new(None::<AppError>);
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            notice.set(Some("Company added.".to_owned()));
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <ActionForm action=create node_ref=form attr:class="filters add-company" attr:aria-label="Add a company">
            <label class="field grow">
                <span>"New company"</span>
                <input type="text" name="name" required maxlength="100" placeholder="Company name" autocomplete="off"/>
            </label>
            <div class="filter-actions">
                <button type="submit" class="button primary" disabled=move || create.pending().get()>"Add company"</button>
            </div>
        </ActionForm>
        {move || error.get().map(|error| view! { <ErrorNotice error/> })}
    }
}

/// Rename, folded away until asked for.
#[component]
pub(super) fn RenameCompanyForm(id: i64, name: String, version: RwSignal<u32>) -> impl IntoView {
    let rename = ServerAction::<RenameCompany>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match rename.value().get() {
        Some(Ok(())) => {
            error.set(None);
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let label = format!("Rename {name}");
    view! {
        <details class="menu rename">
            <summary class="button small" aria-label=label>"Rename"</summary>
            <div class="menu-panel">
                <ActionForm action=rename attr:class="stack">
                    <input type="hidden" name="id" value=id/>
                    <label class="field">
                        <span>"New name"</span>
                        <input type="text" name="name" required maxlength="100" value=name/>
                    </label>
                    <button type="submit" class="button primary" disabled=move || rename.pending().get()>"Save"</button>
                </ActionForm>
                {move || error.get().map(|error| view! { <ErrorNotice error/> })}
            </div>
        </details>
    }
}

/// "Delete Acme? This also deletes its 3 agents, 40 assets and 212 open findings."
#[component]
pub(super) fn DeleteDialog(
    dialog: NodeRef<html::Dialog>,
    doomed: RwSignal<Option<Doomed>>,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let delete = ServerAction::<DeleteCompany>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(removed)) => {
            error.set(None);
            close_dialog(dialog);
            let name = doomed.get_untracked().map(|d| d.name).unwrap_or_default();
            notice.set(Some(format!(
                "Deleted {name} with {} agents, {} assets and {} open findings.",
                format_count(removed.agents),
                format_count(removed.assets),
                format_count(removed.open_findings)
            )));
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="delete-company-title">
            {move || doomed.get().map(|d| view! {
                <h2 id="delete-company-title">{format!("Delete {}?", d.name)}</h2>
                <p>{format!(
                    "This also deletes its {} agents, {} assets and {} open findings, and its enrollment tokens. It cannot be undone.",
                    format_count(d.agents), format_count(d.assets), format_count(d.open_findings)
                )}</p>
                {move || error.get().map(|error| view! { <ErrorNotice error/> })}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| close_dialog(dialog)>"Cancel"</button>
                    <button type="button" class="button danger" disabled=move || delete.pending().get()
                        on:click=move |_| { delete.dispatch(DeleteCompany { id: d.id }); }>"Delete company"</button>
                </div>
            })}
        </dialog>
    }
}
