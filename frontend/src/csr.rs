//! Client-side-rendered build for `trunk serve` (see Trunk.toml): mounts the app into an empty
//! page and calls the server functions of a running portal through Trunk's proxy.

fn main() {
    console_error_panic_hook::set_once();
    let _ = server_fn::redirect::set_redirect_hook(|location: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_href(location);
        }
    });
    leptos::mount::mount_to_body(app::App);
}
