//! The HTTP router: one function builds it, for the server and for in-process tests alike.

use crate::{
    api, audit_csv, billing_csv, branding, health, inventory_csv, live, middleware, page_cache,
};
use app::ssr::AppState;
use app::{App, shell};
use axum::Router;
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::sync::OnceLock;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Largest request body the portal's pages and server functions accept.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// The app's routes, listed once per process.
///
/// Listing them renders the app with resource loading switched off through a flag that
/// is global to the process. Any page rendering at that moment (in another router of the
/// same process, as in-process tests build many) would wait forever for its data, so the
/// list is made before the first router exists and never again.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole application router.
pub fn build(state: AppState, same_origin: middleware::SameOrigin) -> Router {
    // Logo uploads: signed-in, same-origin, and larger than the portal's other bodies (the
    // handler reads at most the largest logo).
    let uploads = Router::new()
        .route(app::branding::LOGO_UPLOAD_PATH, post(branding::upload))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            same_origin.clone(),
            middleware::refuse_cross_site,
        ));

    let routes = routes();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            middleware::request_nonce();
        }
    };
    let render_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };

    // The portal's pages, server functions and downloads: signed-in sessions, same-origin
    // writes, small bodies.
    let portal = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/events", get(live::events))
        .route("/audit.csv", get(audit_csv::download))
        .route("/mssp/msps.csv", get(inventory_csv::msps))
        .route("/mssp/billing/statement.csv", get(billing_csv::statement))
        .route("/mssp/billing/msps.csv", get(billing_csv::msps))
        .route("/msp/companies.csv", get(inventory_csv::own_companies))
        .route(
            "/msp/companies/{id}/assets.csv",
            get(inventory_csv::own_assets),
        )
        .route(
            "/msp/companies/{id}/findings.csv",
            get(inventory_csv::own_findings),
        )
        .route(
            "/mssp/msps/{msp}/companies.csv",
            get(inventory_csv::msp_companies),
        )
        .route(
            "/mssp/msps/{msp}/companies/{id}/assets.csv",
            get(inventory_csv::msp_assets),
        )
        .route(
            "/mssp/msps/{msp}/companies/{id}/findings.csv",
            get(inventory_csv::msp_findings),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), render_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .route_layer(axum::middleware::from_fn(middleware::server_fn_status))
        // Inside the session (it keys pages by their reader's scope), inside the security
        // headers (each response's nonce).
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page_cache::remember_dashboards,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            same_origin,
            middleware::refuse_cross_site,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES));

    // Logos are public (emails show them) and need no session.
    let logos = Router::new().route("/branding/logos/{id}", get(branding::serve));

    portal
        .merge(uploads)
        .merge(logos)
        .nest(api::PREFIX, api::router())
        .layer(axum::middleware::from_fn_with_state(
            middleware::DevSocket(state.leptos_options.env == leptos::config::Env::DEV),
            middleware::security_headers,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
