//! Shared by the HTTP tests: the real router over a fresh database, and actors that sign in
//! through the real sign-in server function.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use domain::testing::TestDb;
use http_body_util::BodyExt;
use server::config::Config;
use tower::ServiceExt;

/// How long one request may take in a test before it counts as hung.
pub const RESPONSE_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

pub struct TestApp {
    pub router: Router,
    pub test_db: TestDb,
    /// The database handle the router serves from (with the dashboard cache, when on).
    pub db: domain::Db,
}

/// One response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as it came (for files that are not text).
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value our session cookie is set to, if this response sets it.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("mssp_session="))
            .map(|c| {
                c["mssp_session=".len()..]
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
    }

    pub fn set_cookie_line(&self) -> String {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("mssp_session="))
            .unwrap_or_default()
            .to_owned()
    }
}

impl TestApp {
    /// The app over `test_db`, with the demo data loaded.
    pub async fn new(test_db: TestDb) -> Self {
        domain::demo::load(&test_db.db).await.expect("demo data");
        let db = test_db.db.clone();
        Self::with_db(test_db, db)
    }

    /// The app over `db` (another handle on `test_db`'s database, say through a proxy).
    pub fn with_db(test_db: TestDb, db: domain::Db) -> Self {
        let config = Config::default();
        let state = server::serve::app_state(&config, db.clone()).expect("state");
        let router = server::router::build(state, server::serve::same_origin(&config));
        Self {
            router,
            test_db,
            db,
        }
    }

    /// The same app with the dashboard cache on, as `serve` runs it (entries live a minute).
    pub async fn remembering_dashboards(self) -> Self {
        let db = self
            .test_db
            .db
            .clone()
            .with_dashboard_cache(std::time::Duration::from_secs(60))
            .await
            .expect("dashboard cache");
        Self::with_db(self.test_db, db)
    }

    /// Sends one request through the router and reads the whole response. A response that
    /// does not finish within [`RESPONSE_LIMIT`] fails the test (a render that never completes
    /// would otherwise hang the suite).
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let what = format!("{} {}", request.method(), request.uri());
        let exchange = async {
            let response: Response<Body> = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("infallible");
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            Reply {
                status,
                headers,
                body: String::from_utf8_lossy(&bytes).into_owned(),
                bytes: bytes.to_vec(),
            }
        };
        tokio::time::timeout(RESPONSE_LIMIT, exchange)
            .await
            .unwrap_or_else(|_| panic!("{what}: no complete response within {RESPONSE_LIMIT:?}"))
    }

    pub async fn get(&self, path: &str, session: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(session) = session {
            request = request.header(header::COOKIE, format!("mssp_session={session}"));
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    /// Calls a server function as the browser's JavaScript does (form-encoded, JSON back).
    pub async fn call(
        &self,
        function: &str,
        form: &[(&str, &str)],
        session: Option<&str>,
    ) -> Reply {
        let mut request = Request::post(format!("/rpc/{function}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header("sec-fetch-site", "same-origin");
        if let Some(session) = session {
            request = request.header(header::COOKIE, format!("mssp_session={session}"));
        }
        let body = encode(form);
        request = request.header(header::CONTENT_LENGTH, body.len());
        self.send(request.body(Body::from(body)).expect("request"))
            .await
    }

    /// Posts raw bytes (a file upload) as the browser's `fetch` does.
    pub async fn post_bytes(&self, path: &str, bytes: Vec<u8>, session: Option<&str>) -> Reply {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::ACCEPT, "application/json")
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_LENGTH, bytes.len());
        if let Some(session) = session {
            request = request.header(header::COOKIE, format!("mssp_session={session}"));
        }
        self.send(request.body(Body::from(bytes)).expect("request"))
            .await
    }

    /// Signs in through the real server function; returns the session token.
    pub async fn sign_in(&self, tenant: &str, email: &str) -> String {
        let reply = self
            .call(
                "sign_in",
                &[
                    ("tenant_name", tenant),
                    ("email", email),
                    ("password", domain::demo::PASSWORD),
                ],
                None,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "sign-in failed: {}",
            reply.body
        );
        reply.session_cookie().expect("a session cookie")
    }

    pub async fn mssp_owner(&self) -> String {
        self.sign_in("Demo MSSP", "owner@demo-mssp.test").await
    }

    pub async fn mssp_viewer(&self) -> String {
        self.sign_in("Demo MSSP", "viewer@demo-mssp.test").await
    }

    /// Adds an admin to the demo MSSP (the demo has an owner and a viewer) and signs them in.
    pub async fn mssp_admin(&self) -> String {
        use portal_types::{Email, Password, Role, TenantName};
        domain::users::add(
            &self.test_db.db,
            domain::users::NewUser {
                tenant: TenantName::parse("Demo MSSP").expect("name"),
                email: Email::parse("admin@demo-mssp.test").expect("email"),
                display_name: "Demo Admin".into(),
                role: Role::Admin,
                password: Password::parse_new(domain::demo::PASSWORD).expect("password"),
            },
        )
        .await
        .expect("admin");
        self.sign_in("Demo MSSP", "admin@demo-mssp.test").await
    }

    /// Creates a second MSSP, "Other MSSP", which no MSP has approved, and signs its owner in.
    pub async fn other_mssp_owner(&self) -> String {
        use portal_types::{Email, Password, TenantKind, TenantName};
        domain::tenants::create(
            &self.test_db.db,
            domain::tenants::NewTenant {
                kind: TenantKind::Mssp,
                name: TenantName::parse("Other MSSP").expect("name"),
                owner_email: Email::parse("owner@other-mssp.test").expect("email"),
                owner_name: "Other Owner".into(),
                owner_password: Password::parse_new(domain::demo::PASSWORD).expect("password"),
            },
        )
        .await
        .expect("tenant");
        self.sign_in("Other MSSP", "owner@other-mssp.test").await
    }

    pub async fn msp_admin(&self) -> String {
        self.sign_in("Northwind MSP", "admin@northwind-msp.test")
            .await
    }
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Declares an HTTP test that runs on SQLite and on PostgreSQL with a fresh app.
#[macro_export]
macro_rules! http_test {
    (async fn $name:ident($app:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app =
                    $crate::support::TestApp::new(domain::testing::TestDb::sqlite().await).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let $app =
                    $crate::support::TestApp::new(domain::testing::TestDb::postgres().await).await;
                $body
            }
        }
    };
}
