//! The database goes away while the portal runs: pages and server functions answer 503
//! (readiness too), and everything recovers by itself when it is back.
//!
//! PostgreSQL only: the outage is a TCP proxy between the portal and the server that the test
//! cuts and restores. An embedded SQLite file cannot go away in this sense.

mod support;

use axum::http::StatusCode;
use domain::Db;
use domain::db::PoolSettings;
use domain::testing::TestDb;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Forwards 127.0.0.1:<port> to PostgreSQL until dropped; dropping cuts every connection.
struct Proxy {
    accept: JoinHandle<()>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(listen: SocketAddr, upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind(listen).await.expect("bind proxy");
        let connections = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let tracked = connections.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let pipe = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tracked.lock().expect("lock").push(pipe);
            }
        });
        Self {
            accept,
            connections,
        }
    }

    fn cut(self) {
        self.accept.abort();
        for pipe in self.connections.lock().expect("lock").drain(..) {
            pipe.abort();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_is_503_and_recovers_by_itself() {
    let test_db = TestDb::postgres().await;
    domain::demo::load(&test_db.db).await.expect("demo");

    let upstream: SocketAddr = "127.0.0.1:5432".parse().expect("addr");
    let free = TcpListener::bind("127.0.0.1:0").await.expect("port");
    let listen = free.local_addr().expect("addr");
    drop(free);
    let proxy = Proxy::start(listen, upstream).await;
    let name = test_db
        .url()
        .rsplit('/')
        .next()
        .expect("db name")
        .to_owned();
    let via_proxy = format!("postgres://postgres@{listen}/{name}");
    let db = Db::connect(
        &via_proxy,
        &PoolSettings {
            max_connections: 4,
            acquire_timeout: Duration::from_secs(1),
        },
    )
    .await
    .expect("connect through proxy");
    let app = support::TestApp::with_db(test_db, db);

    let session = app.mssp_owner().await;
    assert_eq!(
        app.get("/mssp", Some(&session)).await.status,
        StatusCode::OK
    );

    proxy.cut();
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    let call = app.call("mssp_overview", &[], Some(&session)).await;
    assert_eq!(
        call.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        call.body
    );
    assert_eq!(call.body, r#""Unavailable""#);
    let page = app.get("/mssp", Some(&session)).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.body.contains("unavailable at the moment"),
        "{}",
        page.body
    );
    assert!(
        !page.body.to_lowercase().contains("sqlx"),
        "no database text reaches the browser"
    );

    let _proxy = Proxy::start(listen, upstream).await;
    let mut recovered = false;
    for _ in 0..20 {
        if app.get("/readyz", None).await.status == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "readiness recovers once the database is back");
    assert_eq!(
        app.get("/mssp", Some(&session)).await.status,
        StatusCode::OK
    );
}
