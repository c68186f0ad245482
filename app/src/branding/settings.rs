//! The White Labelling panel of the MSSP's Settings: the saved branding, and an editor with a
//! live preview of the header and footer in both themes.

use super::{BrandedFooter, SaveWhiteLabel, white_label};
use crate::components::{ErrorNotice, Panel};
use leptos::prelude::*;
use portal_types::{AppError, Branding, DEFAULT_MSSP_TITLE, FooterContent, LogoId, PageTitle};

/// Where the browser uploads a logo (the server cleans and stores it, answering its id).
pub const LOGO_UPLOAD_PATH: &str = "/mssp/settings/logos";

/// The address parameter that says the white label was just saved (the page that follows a
/// save, in islands mode).
pub const SAVED_KEY: &str = "saved";

/// White Labelling: what is saved, and for owners and admins an Edit button. An island;
/// `just_saved` shows the confirmation (after the reload that follows a save).
#[island(lazy)]
pub fn WhiteLabelPanel(can_write: bool, just_saved: bool) -> impl IntoView {
    crate::hydration::island_ready();
    let saved = Resource::new(|| (), |_| white_label());
    let editing = RwSignal::new(false);
    let notice = RwSignal::new(just_saved.then_some(SAVED_NOTICE));
    view! {
        <Panel id="white-labelling" title="White Labelling">
            {move || notice.get().map(|text| view! { <p class="notice success" role="status">{text}</p> })}
            <Suspense fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading the white label…"</p> }>
                {move || Suspend::new(async move {
                    match saved.await {
                        Ok(branding) if editing.get() => view! {
                            <Editor branding editing/>
                        }.into_any(),
                        Ok(branding) => view! {
                            <Saved branding/>
                            {if can_write {
                                view! {
                                    <div class="panel-actions">
                                        <button type="button" class="button primary" on:click=move |_| { notice.set(None); editing.set(true); }>"Edit"</button>
                                    </div>
                                }.into_any()
                            } else {
                                view! { <p class="muted">"Owners and admins can change the white label."</p> }.into_any()
                            }}
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </Panel>
    }
}

const SAVED_NOTICE: &str = "White label saved.";

/// The saved white label, read-only.
#[component]
fn Saved(branding: Branding) -> impl IntoView {
    let default = |text: &str| view! { <span class="muted">{format!("Default ({text})")}</span> };
    let logo = |logo: Option<LogoId>, alt: &'static str| match logo {
        Some(logo) => view! { <img class="logo-thumb" src=logo.url() alt=alt/> }.into_any(),
        None => default("the portal's logo").into_any(),
    };
    view! {
        <dl class="facts white-label-facts">
            <dt>"Page Title"</dt>
            <dd>{match branding.page_title {
                Some(title) => title.to_string().into_any(),
                None => default(DEFAULT_MSSP_TITLE).into_any(),
            }}</dd>
            <dt>"Footer Content"</dt>
            <dd class="pre-line">{match branding.footer_content {
                Some(footer) => footer.to_string().into_any(),
                None => default("the portal's footer").into_any(),
            }}</dd>
            <dt>"Logo (light mode)"</dt>
            <dd>{logo(branding.logo_light, "Logo (light mode)")}</dd>
            <dt>"Logo (dark mode)"</dt>
            <dd>{logo(branding.logo_dark, "Logo (dark mode)")}</dd>
        </dl>
    }
}

/// The editor: the four fields, a live preview, Save, Cancel and Restore defaults.
#[component]
fn Editor(branding: Branding, editing: RwSignal<bool>) -> impl IntoView {
    let text_of = |text: Option<&str>| text.unwrap_or_default().to_owned();
    let title = RwSignal::new(text_of(branding.page_title.as_ref().map(PageTitle::as_str)));
    let footer = RwSignal::new(text_of(
        branding.footer_content.as_ref().map(FooterContent::as_str),
    ));
    let light = RwSignal::new(branding.logo_light.clone());
    let dark = RwSignal::new(branding.logo_dark.clone());
    let title_error = Memo::new(move |_| PageTitle::parse_optional(&title.read()).err());
    let footer_error = Memo::new(move |_| FooterContent::parse_optional(&footer.read()).err());
    // What the pages would show with these fields; a field being typed that is not valid yet
    // shows as the default.
    let preview = Memo::new(move |_| Branding {
        page_title: PageTitle::parse_optional(&title.read()).ok().flatten(),
        footer_content: FooterContent::parse_optional(&footer.read()).ok().flatten(),
        logo_light: light.get(),
        logo_dark: dark.get(),
    });

    let save = ServerAction::<SaveWhiteLabel>::new();
    let save_error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match save.value().get() {
        // The shell around this island is the server's HTML: load the page again, which
        // carries the new label everywhere (and says it was saved).
        Some(Ok(_)) => {
            #[cfg(feature = "hydrate")]
            let _ = window()
                .location()
                .assign(&format!("/mssp/settings?{SAVED_KEY}=1"));
        }
        Some(Err(error)) => save_error.set(Some(error)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if title_error.get_untracked().is_some() || footer_error.get_untracked().is_some() {
            return;
        }
        save_error.set(None);
        save.dispatch(SaveWhiteLabel {
            page_title: title.get_untracked(),
            footer_content: footer.get_untracked(),
            logo_light: light.get_untracked().map(String::from),
            logo_dark: dark.get_untracked().map(String::from),
        });
    };
    let restore_defaults = move |_| {
        title.set(String::new());
        footer.set(String::new());
        light.set(None);
        dark.set(None);
    };
    view! {
        <form class="white-label-form" on:submit=submit aria-label="Edit the white label">
            <label class="field">
                <span>"Page Title"</span>
                <input type="text" name="page_title" maxlength=PageTitle::MAX_CHARS placeholder=DEFAULT_MSSP_TITLE
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))
                    aria-invalid=move || title_error.read().is_some().then_some("true")/>
                {move || title_error.get().map(|e| view! { <span class="field-error">{e.message}</span> })}
            </label>
            <label class="field">
                <span>"Footer Content"</span>
                <textarea name="footer_content" rows="3" maxlength=FooterContent::MAX_CHARS
                    placeholder="Text at the foot of every page; web addresses become links"
                    prop:value=move || footer.get() on:input=move |ev| footer.set(event_target_value(&ev))
                    aria-invalid=move || footer_error.read().is_some().then_some("true")></textarea>
                {move || footer_error.get().map(|e| view! { <span class="field-error">{e.message}</span> })}
            </label>
            <div class="logo-fields">
                <LogoField label="Logo (light mode)" logo=light/>
                <LogoField label="Logo (dark mode)" logo=dark/>
            </div>
            <h3 class="preview-heading">"Preview"</h3>
            <div class="preview-pair">
                <Preview branding=preview theme="light"/>
                <Preview branding=preview theme="dark"/>
            </div>
            {move || save_error.get().map(|error| view! { <ErrorNotice error/> })}
            <div class="panel-actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" class="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                <button type="button" class="button ghost" on:click=restore_defaults>"Restore defaults"</button>
            </div>
        </form>
    }
}

/// The header and footer as they would look in one theme.
#[component]
fn Preview(branding: Memo<Branding>, theme: &'static str) -> impl IntoView {
    let label = format!("Preview in {theme} mode");
    let logo = move || match theme {
        "dark" => branding.read().logo_dark_url(),
        _ => branding.read().logo_light_url(),
    };
    view! {
        <figure class=format!("brand-preview {theme}") aria-label=label>
            <div class="preview-header">
                <img class="preview-logo" src=logo alt="" height="28"/>
                <span class="page-title">{move || branding.read().title().to_owned()}</span>
            </div>
            <div class="preview-body muted">"Global"</div>
            <div class="preview-footer">
                <BrandedFooter branding default_line="The portal's footer".to_owned()/>
            </div>
        </figure>
    }
}

/// One logo: its current image, a file picker that uploads at once, and Remove.
#[component]
fn LogoField(label: &'static str, logo: RwSignal<Option<LogoId>>) -> impl IntoView {
    let uploading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        error.set(None);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            uploading.set(true);
            leptos::task::spawn_local(async move {
                match upload(file).await {
                    Ok(id) => logo.set(Some(id)),
                    Err(message) => error.set(Some(message)),
                }
                uploading.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <fieldset class="logo-field">
            <legend>{label}</legend>
            <div class="logo-current">
                {move || match logo.get() {
                    Some(id) => view! { <img class="logo-thumb" src=id.url() alt=label/> }.into_any(),
                    None => view! { <span class="muted">"The portal's logo"</span> }.into_any(),
                }}
            </div>
            <input type="file" accept="image/png,image/jpeg,image/webp" aria-label=format!("Upload {label}")
                on:change=on_change disabled=move || uploading.get()/>
            <p class="muted small">"PNG, JPEG or WebP; at most 512 KB and 2048 × 2048 pixels."</p>
            {move || uploading.get().then(|| view! { <p class="muted" role="status" aria-live="polite"><progress aria-label="Uploading"></progress>" Uploading…"</p> })}
            {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <button type="button" class="button small" on:click=move |_| logo.set(None)
                disabled=move || logo.read().is_none()>"Remove"</button>
        </fieldset>
    }
}

/// Sends a chosen file to the portal, which answers the stored logo's id or why not.
#[cfg(feature = "hydrate")]
async fn upload(file: web_sys::File) -> Result<LogoId, String> {
    use portal_types::UploadedLogo;
    const MAX_BYTES: f64 = 512.0 * 1024.0;
    if file.size() > MAX_BYTES {
        return Err("The logo is larger than 512 KB.".to_owned());
    }
    let request = gloo_net::http::Request::post(LOGO_UPLOAD_PATH)
        .header("Accept", "application/json")
        .body(wasm_bindgen::JsValue::from(file))
        .map_err(|e| e.to_string())?;
    let response = request
        .send()
        .await
        .map_err(|_| "The upload did not reach the portal; check your connection.".to_owned())?;
    if response.ok() {
        let uploaded: UploadedLogo = response
            .json()
            .await
            .map_err(|_| "The portal's answer was not understood.".to_owned())?;
        Ok(uploaded.id)
    } else {
        let error: Result<AppError, _> = response.json().await;
        Err(error.map_or_else(
            |_| format!("The upload was refused ({}).", response.status()),
            |e| e.to_string(),
        ))
    }
}
