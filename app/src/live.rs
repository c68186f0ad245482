//! Live updates in the browser: one `EventSource` per page on `/events`, which the server
//! feeds with "something changed in your tenant" per topic. Components read the counters
//! here as resource sources, so a change refetches exactly what shows that topic.

use leptos::prelude::*;

/// Counters that move on every change of their topic. Provided by the portal shell.
#[derive(Debug, Clone, Copy)]
pub struct LiveUpdates {
    associations: RwSignal<u64>,
    notifications: RwSignal<u64>,
}

impl LiveUpdates {
    /// Tracks association changes (for use in a resource's source).
    pub fn associations(self) -> u64 {
        self.associations.get()
    }

    /// Tracks notification changes.
    pub fn notifications(self) -> u64 {
        self.notifications.get()
    }

    /// Refetches association views now, without waiting for the server's event (after the
    /// user's own action, say).
    pub fn refresh_associations(self) {
        self.associations.update(|n| *n += 1);
        self.notifications.update(|n| *n += 1);
    }
}

/// Provides [`LiveUpdates`] and, in the browser, connects to the event stream.
pub fn provide_live_updates() {
    let live = LiveUpdates {
        associations: RwSignal::new(0),
        notifications: RwSignal::new(0),
    };
    provide_context(live);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::connect(live));
}

/// The shell's [`LiveUpdates`].
pub fn use_live() -> LiveUpdates {
    expect_context::<LiveUpdates>()
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::LiveUpdates;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    type Listener = Closure<dyn Fn(web_sys::Event)>;

    pub fn connect(live: LiveUpdates) {
        let Ok(source) = web_sys::EventSource::new("/events") else {
            return;
        };
        let bump = |signal: RwSignal<u64>| -> Listener {
            Closure::new(move |_: web_sys::Event| signal.update(|n| *n += 1))
        };
        let mut listeners = vec![
            ("associations", bump(live.associations)),
            ("notifications", bump(live.notifications)),
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
        let held = StoredValue::new_local((source, listeners));
        on_cleanup(move || held.with_value(|(source, _)| source.close()));
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
