//! The browser entry point: hydrates the islands of the server-rendered page.
//! Must stay a few lines: everything else lives in `app`.

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A server function that answers with a redirect loads that page in full.
    let _ = server_fn::redirect::set_redirect_hook(|location: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_href(location);
        }
    });
    // Each `#[island]` then hydrates on its own; the rest of the page stays the server's HTML.
    app::hydrate_islands();
    // The islands hydrate right after this returns, in the same task; a zero timeout runs
    // after them.
    leptos::prelude::set_timeout(mark_hydrated, std::time::Duration::ZERO);
}

/// A performance mark and `<html data-hydrated>`: when the page became interactive, for the
/// hydration benchmark and the browser tests.
#[cfg(feature = "hydrate")]
fn mark_hydrated() {
    if let Some(window) = web_sys::window() {
        if let Some(performance) = window.performance() {
            let _ = performance.mark("hydrated");
        }
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-hydrated", "");
        }
    }
}
