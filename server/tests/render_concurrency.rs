//! Page renders must finish while other routers are being built in the same process.
//!
//! Listing the app's routes renders it with resource loading switched off by a flag global
//! to the process; a page whose data load started inside that window waited forever. The
//! in-process tests build a router per test, so roughly one render in five thousand hung.

mod support;

use std::sync::Arc;
use std::time::Duration;

/// Pages that load their data through resources inside Suspense.
const PAGES: [&str; 3] = ["/mssp", "/mssp/audit", "/mssp/settings"];

/// Routers built while the pages render: each build lists the routes again unless the
/// list is made once per process.
const ROUTER_BUILDS: usize = 40;

/// Far above a normal render, far below the suite's own limit.
const RENDER_LIMIT: Duration = Duration::from_secs(10);

http_test!(
    async fn renders_finish_while_routers_are_built(app) {
        let app = Arc::new(app);
        let session = app.mssp_owner().await;

        let builder = tokio::task::spawn_blocking({
            let app = Arc::clone(&app);
            move || {
                for _ in 0..ROUTER_BUILDS {
                    let config = server::config::Config::default();
                    let state = server::serve::app_state(&config, app.test_db.db.clone()).expect("state");
                    drop(server::router::build(state, server::serve::same_origin(&config)));
                }
            }
        });

        let mut renders = 0;
        while !builder.is_finished() || renders < PAGES.len() {
            let page = PAGES[renders % PAGES.len()];
            let reply = tokio::time::timeout(RENDER_LIMIT, app.get(page, Some(&session)))
                .await
                .unwrap_or_else(|_| panic!("{page} did not finish rendering within {RENDER_LIMIT:?}"));
            assert_eq!(reply.status, 200, "{page}");
            renders += 1;
        }
        builder.await.expect("router builds");
    }
);

/// Pages whose tables dim while a `Transition` refreshes them.
const DIMMING_PAGES: [(&str, Role); 2] =
    [("/mssp/audit", Role::Mssp), ("/msp/companies", Role::Msp)];

/// Renders per page: the race below lost about one render in two hundred.
const DIMMING_RENDERS: usize = 300;

#[derive(Clone, Copy)]
enum Role {
    Mssp,
    Msp,
}

// The Transition's effect set its "pending" signal from another thread while the page read
// it, and the reader, finding the signal locked, panicked ("already disposed"): the browser
// got an empty reply and the page never hydrated.
http_test!(
    async fn pages_that_dim_while_refreshing_render_every_time(app) {
        let mssp = app.mssp_owner().await;
        let msp = app.msp_admin().await;
        for (page, role) in DIMMING_PAGES {
            let session = match role {
                Role::Mssp => &mssp,
                Role::Msp => &msp,
            };
            for render in 0..DIMMING_RENDERS {
                let reply = tokio::time::timeout(RENDER_LIMIT, app.get(page, Some(session)))
                    .await
                    .unwrap_or_else(|_| panic!("{page} did not finish rendering"));
                assert_eq!(reply.status, 200, "{page}, render {render}");
            }
        }
    }
);
