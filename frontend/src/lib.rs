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
    // The last island to hydrate marks the page (`app::hydration`).
    app::hydrate_islands();
    app::hydration::islands_started();
}
