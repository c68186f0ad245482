//! The browser entry point: hydrates the islands of the server-rendered page.
//! Must stay a few lines: everything else lives in `app`.

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Server-function redirects (sign-in, sign-out) load the new page in full, so the shell
    // and its signed-in user are fetched afresh. Set before the router sets its own hook.
    let _ = server_fn::redirect::set_redirect_hook(|location: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_href(location);
        }
    });
    // Each `#[island]` then hydrates on its own; the rest of the page stays the server's HTML.
    app::hydrate_islands();
    // A performance mark and `<html data-hydrated>`: when the page became interactive, for
    // the hydration benchmark and the browser tests.
    if let Some(window) = web_sys::window() {
        if let Some(performance) = window.performance() {
            let _ = performance.mark("hydrated");
        }
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-hydrated", "");
        }
    }
}
