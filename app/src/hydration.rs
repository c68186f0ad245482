//! When the page has become interactive: `<html data-hydrated>` and a `hydrated` performance
//! mark, for the browser tests and the hydration benchmark.
//!
//! Islands hydrate one by one, and a lazy island only once its own WASM file has arrived, so
//! the page counts them: every island reports from an effect (which runs once it has
//! hydrated), and the last one marks the page. A page without islands is marked at once.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// Reports that the island calling it has hydrated. Every `#[island]` calls it first.
pub fn island_ready() {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| browser::one_more());
}

/// Marks a page that has no islands (they would mark it themselves). `frontend` calls it
/// once the islands have started.
#[cfg(feature = "hydrate")]
pub fn islands_started() {
    if browser::islands_on_page() == 0 {
        browser::mark();
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;

    thread_local! {
        static READY: Cell<u32> = const { Cell::new(0) };
    }

    pub fn islands_on_page() -> u32 {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector_all("leptos-island").ok())
            .map_or(0, |islands| islands.length())
    }

    pub fn one_more() {
        let ready = READY.with(|ready| {
            ready.set(ready.get() + 1);
            ready.get()
        });
        if ready == islands_on_page() {
            mark();
        }
    }

    pub fn mark() {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(performance) = window.performance() {
            let _ = performance.mark("hydrated");
        }
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-hydrated", "");
        }
    }
}
