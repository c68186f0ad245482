//! Start-up and shutdown: connect and migrate, build the state, listen, stop gracefully.

use crate::config::{Config, redact_url};
use crate::middleware::SameOrigin;
use app::ssr::{AppState, PortalSettings};
use domain::Db;
use domain::db::PoolSettings;
use leptos::config::{Env, LeptosOptions};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Connects to the configured database and applies pending migrations.
pub async fn open_database(config: &Config) -> Result<Db, String> {
    let url = config.database_url();
    let pool = PoolSettings {
        max_connections: config.database_max_connections,
        ..PoolSettings::default()
    };
    let db = Db::connect(&url, &pool).await.map_err(|e| {
        format!(
            "cannot connect to the database at {}: {e}",
            redact_url(&url)
        )
    })?;
    db.migrate()
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    Ok(db.with_request_expiry_days(config.association_expiry_days))
}

/// Leptos settings: the `LEPTOS_*` variables cargo-leptos sets, with defaults that work for a
/// binary started on its own from the project folder.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let var = |key: &str, default: &str| std::env::var(key).unwrap_or_else(|_| default.to_owned());
    let env = match var("LEPTOS_ENV", "PROD").to_ascii_lowercase().as_str() {
        "dev" | "development" => Env::DEV,
        _ => Env::PROD,
    };
    LeptosOptions::builder()
        .output_name(var("LEPTOS_OUTPUT_NAME", "mssp-portal"))
        .site_root(var("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(var("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(config.site_addr)
        .reload_port(var("LEPTOS_RELOAD_PORT", "3001").parse().unwrap_or(3001))
        .env(env)
        .build()
}

/// The state every request shares; fails only on a pricing file that does not read.
pub fn app_state(config: &Config, db: Db) -> Result<AppState, String> {
    Ok(AppState {
        leptos_options: leptos_options(config),
        db,
        settings: Arc::new(PortalSettings {
            support_email: config.support_email.clone(),
            secure_cookies: config.secure_cookies,
            trust_forwarded_for: config.trust_forwarded_for,
        }),
        pricing: Arc::new(config.pricing()?),
    })
}

pub fn same_origin(config: &Config) -> SameOrigin {
    SameOrigin {
        public_origin: config
            .public_origin
            .as_deref()
            .map(|o| o.trim_end_matches('/').into()),
    }
}

/// Runs the portal until SIGINT or SIGTERM, then gives in-flight requests
/// `shutdown_grace_secs` to finish.
pub async fn run(config: Config, db: Db, banner: impl FnOnce(&str)) -> Result<(), String> {
    let db = match config.dashboard_cache_secs {
        0 => db,
        secs => db
            .with_dashboard_cache(Duration::from_secs(secs))
            .await
            .map_err(|e| format!("cannot listen for association changes: {e}"))?,
    };
    let state = app_state(&config, db.clone())?;
    let pricing = state.pricing.clone();
    domain::billing::plans::check_assignments(&db, &pricing).await?;
    let mailer = crate::mailer::Mailer::from_config(&config)?;
    let router = crate::router::build(state, same_origin(&config));
    let listener = TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site_addr))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    banner(&format!("http://{address}"));
    let jobs = [
        crate::jobs::spawn_session_purge(db.clone()),
        crate::jobs::spawn_association_expiry(db.clone()),
        crate::jobs::spawn_rollup_snapshots(db.clone()),
        crate::jobs::spawn_billing(db.clone(), pricing),
        crate::jobs::spawn_idempotency_purge(db.clone()),
    ];
    let mailer = mailer.spawn(db.clone());

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        crate::live::end_streams();
        let _ = stop_tx.send(true);
    });
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    let deadline = async move {
        let mut stop_rx = stop_rx;
        let _ = stop_rx.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = server => result.map_err(|e| format!("server error: {e}"))?,
        () = deadline => tracing::warn!("shutdown deadline passed; dropping remaining connections"),
    }
    for job in jobs {
        job.abort();
    }
    mailer.stop(grace).await;
    let _ = db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
