//! Ingest through the real API path: `POST /api/v1/reports` into the real router (body parsing,
//! agent authentication, idempotency, the domain's diff, roll-ups), on SQLite and PostgreSQL.
//!
//! A probe agent reports 500 assets × 20 findings (10,000 findings) per report. The first report
//! creates everything; each later one moves 10 % of every asset's findings (2 fixed, 2 new), as
//! a real rescan does. Prints findings per second for the first report and the median of the
//! rest, then checks the roll-up against a recount.
//!
//! `cargo bench -p server --bench ingest`

use axum::body::Body;
use axum::http::{Request, header};
use domain::agents::ValidDays;
use domain::testing::TestDb;
use http_body_util::BodyExt;
use portal_types::CompanyName;
use std::time::Instant;
use tower::ServiceExt;

const ASSETS: usize = 500;
const FINDINGS_PER_ASSET: usize = 20;
const REPORTS: usize = 12;
const CATALOGUE: usize = 2000;
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

fn report(round: usize) -> String {
    let assets: Vec<serde_json::Value> = (0..ASSETS)
        .map(|a| {
            let findings: Vec<serde_json::Value> = (0..FINDINGS_PER_ASSET)
                .map(|f| {
                    let v = (a * 7 + f + round * 2) % CATALOGUE;
                    serde_json::json!({
                        "id": format!("CVE-2025-{v:05}"),
                        "title": format!("Vulnerability {v}"),
                        "severity": SEVERITIES[v % SEVERITIES.len()],
                        "cvss": (v % 100) as f64 / 10.0,
                    })
                })
                .collect();
            serde_json::json!({ "hostname": format!("host-{a:04}.bench.local"), "ip": format!("10.1.{}.{}", a / 250, a % 250 + 1), "os": "Ubuntu 22.04", "findings": findings })
        })
        .collect();
    serde_json::json!({ "assets": assets }).to_string()
}

async fn run(engine: &str, test: TestDb, bodies: &[String]) {
    let db = test.db.clone();
    domain::demo::load(&db).await.expect("demo");
    let scope =
        domain::testing::signed_in_scope(&db, "Northwind MSP", "admin@northwind-msp.test").await;
    let scoped = db.scoped(&scope);
    let company =
        domain::companies::create(&scoped, &CompanyName::parse("Bench Co").expect("name"))
            .await
            .expect("company");
    let token = domain::agents::issue_token(&scoped, company.id, ValidDays::DEFAULT)
        .await
        .expect("token");
    let config = server::config::Config::default();
    let router = server::router::build(
        server::serve::app_state(&config, db.clone()).expect("state"),
        server::serve::same_origin(&config),
    );

    let enroll = serde_json::json!({ "token": token.secret.expose(), "kind": "probe", "hostname": "probe-bench", "version": "1.0" });
    let reply = send(&router, "/api/v1/enroll", None, enroll.to_string()).await;
    let secret = serde_json::from_str::<serde_json::Value>(&reply).expect("json")["secret"]
        .as_str()
        .expect("secret")
        .to_owned();

    let findings = (ASSETS * FINDINGS_PER_ASSET) as f64;
    let mut rates = Vec::with_capacity(REPORTS);
    for body in bodies {
        let started = Instant::now();
        let reply = send(&router, "/api/v1/reports", Some(&secret), body.clone()).await;
        let seconds = started.elapsed().as_secs_f64();
        assert!(reply.contains("findings_opened"), "{reply}");
        rates.push(findings / seconds);
    }
    let first = rates[0];
    let mut rest = rates[1..].to_vec();
    rest.sort_by(f64::total_cmp);
    let median = rest[rest.len() / 2];
    let rollup = domain::rollups::recount(test.conn(), company.id)
        .await
        .expect("recount");
    let row = <entity::company_rollup::Entity as sea_orm::EntityTrait>::find_by_id(company.id)
        .one(test.conn())
        .await
        .expect("read")
        .expect("row");
    assert_eq!(
        domain::rollups::Recount::from(&row),
        rollup,
        "roll-ups exact after {REPORTS} reports"
    );
    println!(
        "{engine:<10} first report {:>9.0} findings/s; rescans median {:>9.0} findings/s (min {:.0}, max {:.0}, n={}); roll-ups exact ({} open)",
        first,
        median,
        rest[0],
        rest[rest.len() - 1],
        rest.len(),
        rollup.open_findings
    );
}

async fn send(router: &axum::Router, path: &str, secret: Option<&str>, body: String) -> String {
    let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(secret) = secret {
        request = request.header(header::AUTHORIZATION, format!("Bearer {secret}"));
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body)).expect("request"))
        .await
        .expect("infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    assert!(status.is_success(), "{path}: {status} {text}");
    text
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let bodies: Vec<String> = (0..REPORTS).map(report).collect();
    println!(
        "{REPORTS} reports of {ASSETS} assets × {FINDINGS_PER_ASSET} findings ({} KiB each)",
        bodies[1].len() / 1024
    );
    runtime.block_on(async {
        run("SQLite", TestDb::sqlite().await, &bodies).await;
        run("PostgreSQL", TestDb::postgres().await, &bodies).await;
    });
}
