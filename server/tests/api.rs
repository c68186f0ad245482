//! The ingest API through the real router, on SQLite and PostgreSQL: enrollment, heartbeat and
//! reports, every error path as an RFC 9457 problem naming the offending value, idempotent
//! retries, the body limit, and agents that reach only their own company.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::agents::{self, ValidDays};
use entity::company_rollup;
use portal_types::CompanyName;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use support::{Reply, TestApp};

const NORTHWIND: (&str, &str) = ("Northwind MSP", "admin@northwind-msp.test");
const CONTOSO: (&str, &str) = ("Contoso MSP", "admin@contoso-msp.test");

/// A company of `msp` and a fresh enrollment token for it.
async fn company_with_token(app: &TestApp, msp: (&str, &str), name: &str) -> (i64, String) {
    let db = &app.test_db.db;
    let scope = domain::testing::signed_in_scope(db, msp.0, msp.1).await;
    let scoped = db.scoped(&scope);
    let company = domain::companies::create(&scoped, &CompanyName::parse(name).expect("name"))
        .await
        .expect("company");
    let token = agents::issue_token(&scoped, company.id, ValidDays::DEFAULT)
        .await
        .expect("token");
    (company.id, token.secret.expose().to_owned())
}

async fn post(
    app: &TestApp,
    path: &str,
    secret: Option<&str>,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Reply {
    let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(secret) = secret {
        request = request.header(header::AUTHORIZATION, format!("Bearer {secret}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(body.into()).expect("request")).await
}

async fn enroll(app: &TestApp, token: &str, kind: &str) -> (i64, String) {
    let body = json!({ "token": token, "kind": kind, "hostname": "probe-1", "version": "2.3.1" });
    let reply = post(app, "/api/v1/enroll", None, &[], body.to_string()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let enrolled: Value = serde_json::from_str(&reply.body).expect("json");
    (
        enrolled["agent_id"].as_i64().expect("id"),
        enrolled["secret"].as_str().expect("secret").to_owned(),
    )
}

fn json_of(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", reply.body))
}

/// Asserts `reply` is a problem of `kind` (its type's anchor) and returns its first pointer or header.
fn problem(reply: &Reply, status: u16, kind: &str) -> String {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    let problem = json_of(reply);
    assert_eq!(problem["type"], format!("/api/v1/docs#{kind}"), "{problem}");
    assert_eq!(problem["status"], status);
    assert!(!problem["title"].as_str().unwrap_or("").is_empty());
    let first = &problem["errors"][0];
    first["pointer"]
        .as_str()
        .or(first["header"].as_str())
        .unwrap_or("")
        .to_owned()
}

fn report(findings: Value) -> String {
    json!({ "assets": [{ "hostname": "web-01", "ip": "10.0.0.5", "os": "Ubuntu 22.04", "findings": findings }] }).to_string()
}

async fn rollup(app: &TestApp, company: i64) -> company_rollup::Model {
    company_rollup::Entity::find_by_id(company)
        .one(app.test_db.conn())
        .await
        .expect("read")
        .expect("row")
}

http_test!(
    async fn an_agent_enrolls_reports_and_its_counts_move(app) {
        let (company, token) = company_with_token(&app, NORTHWIND, "Acme").await;
        let (_, secret) = enroll(&app, &token, "probe").await;

        let heartbeat = post(&app, "/api/v1/heartbeat", Some(&secret), &[], "").await;
        assert_eq!(heartbeat.status, StatusCode::OK, "{}", heartbeat.body);

        let findings = json!([
            { "id": "CVE-2024-3094", "title": "xz backdoor", "severity": "critical", "cvss": 10.0 },
            { "id": "CVE-2023-4863", "title": "libwebp overflow", "severity": "high", "cvss": 8.8 },
        ]);
        let landed = post(&app, "/api/v1/reports", Some(&secret), &[], report(findings)).await;
        assert_eq!(landed.status, StatusCode::OK, "{}", landed.body);
        let summary = json_of(&landed);
        assert_eq!((summary["assets_created"].as_u64(), summary["findings_opened"].as_u64()), (Some(1), Some(2)));
        let counts = rollup(&app, company).await;
        assert_eq!((counts.probe_agents, counts.probe_discovered_assets, counts.open_critical, counts.open_high), (1, 1, 1, 1));

        let external = json!({ "assets": [{ "ip": "203.0.113.9", "findings": [{ "id": "SSL-WEAK", "title": "Weak TLS", "severity": "medium" }] }] });
        let landed = post(&app, "/api/v1/external-reports", Some(&secret), &[], external.to_string()).await;
        assert_eq!(landed.status, StatusCode::OK, "{}", landed.body);
        let counts = rollup(&app, company).await;
        assert_eq!((counts.external_assets, counts.total_assets, counts.open_findings), (1, 2, 3));
    }
);

http_test!(
    async fn credentials_are_refused_with_their_reason(app) {
        let (company, token) = company_with_token(&app, NORTHWIND, "Acme").await;
        let body = |token: &str| json!({ "token": token, "kind": "probe", "hostname": "p", "version": "1" }).to_string();

        let reply = post(&app, "/api/v1/enroll", None, &[], body("nope")).await;
        assert_eq!(problem(&reply, 401, "unauthenticated"), "/token");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));

        let db = &app.test_db.db;
        let scope = domain::testing::signed_in_scope(db, NORTHWIND.0, NORTHWIND.1).await;
        let token_id = agents::tokens(&db.scoped(&scope), company).await.expect("tokens")[0].id;
        agents::revoke_token(&db.scoped(&scope), token_id).await.expect("revoke");
        let reply = post(&app, "/api/v1/enroll", None, &[], body(&token)).await;
        problem(&reply, 401, "unauthenticated");
        assert!(json_of(&reply)["detail"].as_str().unwrap_or("").contains("revoked"));

        let fresh = agents::issue_token(&db.scoped(&scope), company, ValidDays::DEFAULT).await.expect("token");
        app.test_db.expire_token(fresh.token.id).await;
        let reply = post(&app, "/api/v1/enroll", None, &[], body(fresh.secret.expose())).await;
        assert!(json_of(&reply)["detail"].as_str().unwrap_or("").contains("expired"), "{}", reply.body);

        for secret in [None, Some("wrong"), Some(token.as_str())] {
            let reply = post(&app, "/api/v1/reports", secret, &[], report(json!([]))).await;
            assert_eq!(problem(&reply, 401, "unauthenticated"), "Authorization", "{secret:?}");
        }
        assert_eq!(rollup(&app, company).await.probe_agents, 0, "nothing enrolled");
    }
);

http_test!(
    async fn bad_bodies_are_problems_naming_the_offending_value(app) {
        let (company, token) = company_with_token(&app, NORTHWIND, "Acme").await;
        let (_, secret) = enroll(&app, &token, "probe").await;
        let send = |body: String| {
            let app = &app;
            let secret = secret.clone();
            async move { post(app, "/api/v1/reports", Some(&secret), &[], body).await }
        };

        let reply = send("{\"assets\": [".into()).await;
        problem(&reply, 400, "malformed-body");
        let reply = send(report(json!([{ "id": "CVE-1", "title": "t", "severity": "high", "cvss": "9.8" }]))).await;
        assert_eq!(problem(&reply, 400, "malformed-body"), "/assets/0/findings/0/cvss", "wrong type");
        let reply = send(report(json!([{ "id": "CVE-1", "title": "t", "severity": "severe" }]))).await;
        assert_eq!(problem(&reply, 400, "malformed-body"), "/assets/0/findings/0/severity", "unknown severity");
        assert!(json_of(&reply)["detail"].as_str().unwrap_or("").contains("critical"), "says what it expected");
        let reply = send(report(json!([{ "title": "t", "severity": "low" }]))).await;
        assert_eq!(problem(&reply, 400, "malformed-body"), "/assets/0/findings/0", "missing id");
        let reply = send(json!({ "assets": [], "extra": 1 }).to_string()).await;
        problem(&reply, 400, "malformed-body");

        let reply = send(report(json!([{ "id": "CVE-1", "title": "t", "severity": "low", "cvss": 11 }]))).await;
        assert_eq!(problem(&reply, 422, "invalid-value"), "/assets/0/findings/0/cvss");
        let reply = send(json!({ "assets": [{ "hostname": "a b" }] }).to_string()).await;
        assert_eq!(problem(&reply, 422, "invalid-value"), "/assets/0/hostname");
        let reply = send(json!({ "assets": [{ "ip": "10.0.0.300" }] }).to_string()).await;
        assert_eq!(problem(&reply, 422, "invalid-value"), "/assets/0/ip");
        let reply = send(json!({ "assets": [{ "os": "Linux" }] }).to_string()).await;
        assert_eq!(problem(&reply, 422, "invalid-value"), "/assets/0/hostname", "needs a hostname or an IP");
        let reply = send(json!({ "assets": [{ "hostname": "a" }, { "hostname": "A" }] }).to_string()).await;
        assert_eq!(problem(&reply, 422, "invalid-value"), "/assets/1");
        // A report whose last finding is bad lands nothing, not even its first asset.
        let half = json!({ "assets": [
            { "hostname": "good", "findings": [{ "id": "CVE-1", "title": "t", "severity": "low" }] },
            { "hostname": "bad", "findings": [{ "id": "CVE-2", "title": "", "severity": "low" }] },
        ] });
        let reply = send(half.to_string()).await;
        assert_eq!(problem(&reply, 422, "invalid-value"), "/assets/1/findings/0/title");

        let wrong_type = Request::post("/api/v1/reports")
            .header(header::CONTENT_TYPE, "text/plain")
            .header(header::AUTHORIZATION, format!("Bearer {secret}"))
            .body(Body::from(report(json!([]))))
            .expect("request");
        let reply = app.send(wrong_type).await;
        assert_eq!(problem(&reply, 415, "unsupported-media-type"), "Content-Type");

        let huge = format!("{{\"assets\": [{}]}}", vec!["{\"hostname\": \"h\"}"; 1_200_000].join(","));
        assert!(huge.len() > server::api::BODY_LIMIT_BYTES);
        let reply = send(huge).await;
        problem(&reply, 413, "body-too-large");

        let counts = rollup(&app, company).await;
        assert_eq!((counts.total_assets, counts.open_findings), (0, 0), "no refused report left anything");
    }
);

http_test!(
    async fn a_repeated_idempotency_key_replays_and_changes_nothing(app) {
        let (company, token) = company_with_token(&app, NORTHWIND, "Acme").await;
        let (_, secret) = enroll(&app, &token, "probe").await;
        let key = [("idempotency-key", "report-2026-11-28-0001")];
        let first_body = report(json!([{ "id": "CVE-1", "title": "t", "severity": "high" }]));

        let first = post(&app, "/api/v1/reports", Some(&secret), &key, first_body.clone()).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert_eq!(first.header("idempotent-replayed"), None);
        let again = post(&app, "/api/v1/reports", Some(&secret), &key, first_body.clone()).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.body, first.body, "the first response");
        assert_eq!(again.header("idempotent-replayed"), Some("true"));

        let other_body = report(json!([]));
        let reply = post(&app, "/api/v1/reports", Some(&secret), &key, other_body).await;
        assert_eq!(problem(&reply, 422, "idempotency-key-reused"), "Idempotency-Key");
        let reply = post(&app, "/api/v1/reports", Some(&secret), &[("idempotency-key", "")], first_body).await;
        assert_eq!(problem(&reply, 422, "invalid-value"), "Idempotency-Key");

        let counts = rollup(&app, company).await;
        assert_eq!(counts.open_high, 1, "the repeat and the refused reuse changed nothing");
    }
);

http_test!(
    async fn agents_reach_only_their_own_company(app) {
        let (ours, our_token) = company_with_token(&app, NORTHWIND, "Acme").await;
        let (theirs, their_token) = company_with_token(&app, CONTOSO, "Acme").await;
        let (_, our_secret) = enroll(&app, &our_token, "probe").await;
        let (_, their_secret) = enroll(&app, &their_token, "probe").await;

        // Same hostname and CVE in both: each report lands in its agent's company only.
        let body = report(json!([{ "id": "CVE-1", "title": "t", "severity": "critical" }]));
        post(&app, "/api/v1/reports", Some(&their_secret), &[], body).await;
        let empty = post(&app, "/api/v1/reports", Some(&our_secret), &[], report(json!([]))).await;
        assert_eq!(empty.status, StatusCode::OK);
        assert_eq!(json_of(&empty)["findings_fixed"], 0, "their finding on the same hostname is out of reach");
        assert_eq!(rollup(&app, theirs).await.open_critical, 1);
        assert_eq!(rollup(&app, ours).await.open_critical, 0);

        // Reusing another agent's Idempotency-Key is a new request of one's own.
        let key = [("idempotency-key", "shared-key")];
        let mine = post(&app, "/api/v1/heartbeat", Some(&our_secret), &key, "").await;
        let yours = post(&app, "/api/v1/heartbeat", Some(&their_secret), &key, "").await;
        assert_ne!(json_of(&mine)["agent_id"], json_of(&yours)["agent_id"]);
    }
);

http_test!(
    async fn the_api_is_described_by_openapi_and_a_docs_page(app) {
        let reply = app.get("/api/v1/openapi.json", None).await;
        assert_eq!(reply.status, StatusCode::OK);
        let doc = json_of(&reply);
        assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
        for path in ["/api/v1/enroll", "/api/v1/heartbeat", "/api/v1/reports", "/api/v1/external-reports"] {
            assert!(doc["paths"][path]["post"].is_object(), "{path}");
        }
        let severities = &doc["components"]["schemas"]["Severity"]["enum"];
        assert_eq!(severities, &json!(["critical", "high", "medium", "low", "info"]));

        let page = app.get("/api/v1/docs", None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<h1>MSSP Portal ingest API</h1>"));
        assert!(page.body.contains("id=\"idempotency-key-reused\""));

        let missing = app.get("/api/v1/nothing", None).await;
        problem(&missing, 404, "not-found");
    }
);
