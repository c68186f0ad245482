//! The reason dialog every decision goes through (approve, reject, revoke): one per component
//! that decides (the bell, the access panel, the MSPs table), opened by setting its
//! [`PendingChoice`].

use super::*;
use crate::components::ErrorNotice;
use crate::live::use_live;
use leptos::html;

pub(super) use crate::components::{close_dialog, open_dialog};

/// What a reason dialog is about to do, once the user says Yes.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChoice {
    pub id: i64,
    pub kind: Choice,
    /// Whom it concerns, for the dialog's question.
    pub party: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Approve,
    Reject,
    Revoke,
}

impl Choice {
    fn title(self) -> &'static str {
        match self {
            Self::Approve => "Approve request",
            Self::Reject => "Reject request",
            Self::Revoke => "Revoke access",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Approve => "Approval reason",
            Self::Reject => "Rejection reason",
            Self::Revoke => "Revocation reason",
        }
    }

    fn question(self, party: &str) -> String {
        match self {
            Self::Approve => {
                format!("Give {party} access to your inventory and vulnerability data?")
            }
            Self::Reject => format!("Refuse {party}'s request?"),
            Self::Revoke => {
                format!("End {party}'s access now? Its data disappears from their views at once.")
            }
        }
    }
}

/// Asks for the reason a decision needs. The reason is required: Yes does nothing without it.
/// Cancel (or Escape) closes the dialog and changes nothing. It opens when `choice` is set;
/// `id` keeps its element ids apart from another dialog's on the same page.
#[component]
pub fn ReasonDialog(choice: RwSignal<Option<PendingChoice>>, id: &'static str) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let reason = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let decide = ServerAction::<DecideRequest>::new();
    let revoke = ServerAction::<RevokeAssociation>::new();
    let live = use_live();
    let error = RwSignal::new(None::<AppError>);
    let pending = Signal::derive(move || decide.pending().get() || revoke.pending().get());

    // Open whenever a choice is made; reset the form for each.
    Effect::new(move |_| {
        if choice.get().is_some() {
            reason.set(String::new());
            missing.set(false);
            error.set(None);
            open_dialog(dialog);
        }
    });
    let finish = move |result: Option<Result<(), AppError>>| match result {
        Some(Ok(())) => {
            close_dialog(dialog);
            choice.set(None);
            live.refresh_associations();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    };
    let finish_revoke = finish.clone();
    Effect::new(move |_| finish(decide.value().get()));
    Effect::new(move |_| finish_revoke(revoke.value().get()));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked();
        if text.trim().is_empty() {
            missing.set(true);
            return;
        }
        let Some(current) = choice.get_untracked() else {
            return;
        };
        error.set(None);
        match current.kind {
            Choice::Approve | Choice::Reject => {
                decide.dispatch(DecideRequest {
                    id: current.id,
                    approve: current.kind == Choice::Approve,
                    reason: text,
                });
            }
            Choice::Revoke => {
                revoke.dispatch(RevokeAssociation {
                    id: current.id,
                    reason: text,
                });
            }
        }
    };
    let cancel = move |_| {
        close_dialog(dialog);
        choice.set(None);
    };
    let on_close = move |_| choice.set(None);
    let current = move || choice.get();
    // Each id is used twice (element and reference), and the view takes its values by move.
    let title_id = format!("{id}-reason-title");
    let labelled_by = title_id.clone();
    let field_id = format!("{id}-reason");
    let label_for = field_id.clone();
    let hint_id = format!("{id}-reason-hint");
    let described_by = hint_id.clone();
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby=labelled_by on:close=on_close>
            <form class="form" on:submit=submit novalidate>
                <h2 id=title_id>{move || current().map(|c| c.kind.title())}</h2>
                <p>{move || current().map(|c| c.kind.question(&c.party))}</p>
                <label for=label_for>{move || current().map(|c| c.kind.label())}" (required)"</label>
                <textarea
                    id=field_id
                    name="reason"
                    rows="3"
                    maxlength="1000"
                    required
                    aria-required="true"
                    aria-invalid=move || missing.get().to_string()
                    aria-describedby=described_by
                    prop:value=move || reason.get()
                    on:input=move |ev| {
                        reason.set(event_target_value(&ev));
                        missing.set(false);
                    }
                ></textarea>
                <p id=hint_id class=move || if missing.get() { "field-error" } else { "muted" }>
                    {move || if missing.get() { "A reason is required." } else { "A reason is required; both sides see it in the audit log." }}
                </p>
                {move || error.get().map(|error| view! { <ErrorNotice error/> })}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=cancel>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Saving…" } else { "Yes" }}
                    </button>
                </div>
            </form>
        </dialog>
    }
}
