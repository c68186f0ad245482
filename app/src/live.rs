//! Live updates in the browser: one `EventSource` per page on `/events`, which the server
//! feeds with "something changed in your tenant" per topic. Components read the counters
//! here as resource sources, so a change refetches exactly what shows that topic.

use leptos::prelude::*;

/// Counters that move on every change of their topic. One per page in the browser, shared by
/// every component (and every island) that reads it; on the server they never move.
#[derive(Debug, Clone)]
pub struct LiveUpdates {
    associations: ArcRwSignal<u64>,
    notifications: ArcRwSignal<u64>,
}

impl LiveUpdates {
    fn new() -> Self {
        Self {
            associations: ArcRwSignal::new(0),
            notifications: ArcRwSignal::new(0),
        }
    }

    /// Tracks association changes (for use in a resource's source).
    pub fn associations(&self) -> u64 {
        self.associations.get()
    }

    /// Tracks notification changes.
    pub fn notifications(&self) -> u64 {
        self.notifications.get()
    }

    /// Refetches association views now, without waiting for the server's event (after the
    /// user's own action, say).
    pub fn refresh_associations(&self) {
        self.associations.update(|n| *n += 1);
        self.notifications.update(|n| *n += 1);
    }
}

/// The page's [`LiveUpdates`]. In the browser the first call connects to the event stream and
/// later calls share that one connection; the counters live as long as the page, outside any
/// component, so islands that hydrate apart still see the same changes.
pub fn use_live() -> LiveUpdates {
    #[cfg(feature = "hydrate")]
    {
        browser::PAGE.with(|page| {
            page.get_or_init(|| {
                let live = LiveUpdates::new();
                browser::connect(live.clone());
                live
            })
            .clone()
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        LiveUpdates::new()
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::LiveUpdates;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    type Listener = Closure<dyn Fn(web_sys::Event)>;

    thread_local! {
        pub(super) static PAGE: std::cell::OnceCell<LiveUpdates> = const { std::cell::OnceCell::new() };
    }

    /// Opens the page's one event stream; it stays open until the page unloads.
    pub(super) fn connect(live: LiveUpdates) {
        let Ok(source) = web_sys::EventSource::new("/events") else {
            return;
        };
        let bump = |signal: ArcRwSignal<u64>| -> Listener {
            Closure::new(move |_: web_sys::Event| signal.update(|n| *n += 1))
        };
        let mut listeners = vec![
            ("associations", bump(live.associations.clone())),
            ("notifications", bump(live.notifications.clone())),
        ];
        // After a reconnect, changes may have been missed meanwhile: refetch everything.
        let opened_before = std::cell::Cell::new(false);
        listeners.push((
            "open",
            Closure::new(move |_: web_sys::Event| {
                if opened_before.replace(true) {
                    live.refresh_associations();
                }
                mark_document("open");
            }),
        ));
        listeners.push((
            "error",
            Closure::new(|_: web_sys::Event| mark_document("retrying")),
        ));
        for (name, listener) in &listeners {
            let _ =
                source.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
        }
        // The listeners must outlive this call, as the stream does.
        std::mem::forget((source, listeners));
    }

    /// `data-live` on `<html>` says whether the stream is open (for styling and tests).
    fn mark_document(state: &str) {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-live", state);
        }
    }
}
