//! `GET /events`: the signed-in user's live update stream (server-sent events).
//!
//! It carries only changes of the user's own tenant, and only their topic (`associations`,
//! `notifications`): the page refetches through its scoped server functions. The stream ends
//! after [`MAX_STREAM`], and the browser reconnects, authenticating again, so a signed-out or
//! deactivated user stops receiving events within that time.

use crate::signed_in::{ErrorResponse, SignedIn};
use app::ssr::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use domain::live::Topic;
use futures_util::{Stream, StreamExt, stream};
use std::convert::Infallible;
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::watch;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

/// How long one stream lives before the browser must reconnect.
pub const MAX_STREAM: Duration = Duration::from_secs(5 * 60);

/// Set when the process begins to shut down: open streams end, so that graceful shutdown
/// does not wait for them (browsers reconnect to another instance, or when this one is back).
static STOPPING: LazyLock<watch::Sender<bool>> = LazyLock::new(|| watch::channel(false).0);

/// Ends every open stream of this process.
pub fn end_streams() {
    STOPPING.send_replace(true);
}

async fn stopping() {
    let mut stopping = STOPPING.subscribe();
    let _ = stopping.wait_for(|stop| *stop).await;
}

pub async fn events(
    State(state): State<AppState>,
    SignedIn(scope): SignedIn,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ErrorResponse> {
    let tenant = scope.tenant_id();
    let changes = BroadcastStream::new(state.db.subscribe().await?);
    let topics = changes.filter_map(move |received| async move {
        match received {
            Ok(change) if change.tenant == tenant => Some(vec![change.topic]),
            Ok(_) => None,
            // Fell behind: some changes were dropped, so every topic may be stale.
            Err(BroadcastStreamRecvError::Lagged(_)) => {
                Some(vec![Topic::Associations, Topic::Notifications])
            }
        }
    });
    let events = topics
        .flat_map(stream::iter)
        .map(|topic| Ok(Event::default().event(topic.as_str()).data("changed")));
    // A first event tells the client (and tests) the subscription is in place.
    let ready = stream::once(async { Ok(Event::default().event("ready").data("ok")) });
    let stream = ready.chain(events).take_until(async {
        tokio::select! {
            () = tokio::time::sleep(MAX_STREAM) => {}
            () = stopping() => {}
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
