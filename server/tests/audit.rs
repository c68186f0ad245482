//! The audit log over HTTP, on SQLite and PostgreSQL: the page's server functions and the CSV
//! download each return the caller's own tenant's events only, refuse anonymous callers, filter
//! and paginate, answer bad input with 400 and a clear message, and neutralise CSV formulas.

mod support;

use axum::http::StatusCode;
use domain::audit::{self, Actor};
use portal_types::{TenantName, UserId};
use serde_json::Value;
use support::{Reply, TestApp};

/// Appends an event to the named tenant's trail through the real `audit::record`.
async fn record(app: &TestApp, tenant: &str, actor: &Actor, action: &str, target: &str) {
    let name = TenantName::parse(tenant).expect("tenant name");
    let found = domain::tenants::find_by_name(&app.test_db.db, &name)
        .await
        .expect("lookup")
        .expect("tenant");
    let conn = sea_orm::Database::connect(app.test_db.url())
        .await
        .expect("connect");
    audit::record(
        &conn,
        portal_types::TenantId(found.id),
        actor,
        action,
        target,
        serde_json::json!({}),
    )
    .await
    .expect("record");
    conn.close().await.expect("close");
}

async fn log(app: &TestApp, session: Option<&str>, filter: &[(&str, &str)], page: &str) -> Reply {
    let mut form: Vec<(String, &str)> = filter
        .iter()
        .map(|(k, v)| (format!("filter[{k}]"), *v))
        .collect();
    form.push(("page".into(), page));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    app.call("audit_log", &form, session).await
}

/// A filter as `(field, value)` pairs.
type Filter<'a> = &'a [(&'a str, &'a str)];

fn json(reply: &Reply) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("json")
}

fn column(value: &Value, key: &str) -> Vec<String> {
    value["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e[key].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The CSV body's records (header first).
fn csv_records(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

http_test!(async fn each_tenant_reads_only_its_own_log(app) {
    record(&app, "Contoso MSP", &Actor::System, "secret.contoso", "contoso-only").await;
    let mssp = app.mssp_owner().await;
    let msp = app.msp_admin().await;

    let own = json(&log(&app, Some(&mssp), &[], "1").await);
    let targets = column(&own, "target");
    assert!(targets.iter().any(|t| t == "Demo MSSP"), "{targets:?}");
    assert!(!targets.iter().any(|t| t == "contoso-only" || t == "Fabrikam MSP"), "{targets:?}");
    let approval = own["entries"].as_array().expect("entries").iter().find(|e| e["action"] == "association.approve").expect("the approval");
    assert_eq!(approval["reason"], "Managed security partner since 2024");

    let northwind = json(&log(&app, Some(&msp), &[], "1").await);
    let targets = column(&northwind, "target");
    assert!(targets.iter().any(|t| t == "Northwind MSP"), "{targets:?}");
    for theirs in ["contoso-only", "Contoso MSP", "Demo MSSP", "owner@demo-mssp.test"] {
        assert!(!targets.iter().any(|t| t == theirs), "{theirs} leaked into Northwind's log: {targets:?}");
    }
    // A viewer reads the log too.
    let viewer = app.mssp_viewer().await;
    assert_eq!(log(&app, Some(&viewer), &[], "1").await.status, StatusCode::OK);

    let actions: Vec<String> = serde_json::from_str(&app.call("audit_actions", &[], Some(&msp)).await.body).expect("actions");
    assert!(actions.contains(&"association.approve".to_owned()), "{actions:?}");
    assert!(!actions.contains(&"secret.contoso".to_owned()), "{actions:?}");
});

http_test!(async fn anonymous_callers_are_refused(app) {
    assert_eq!(log(&app, None, &[], "1").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(log(&app, None, &[("q", &"x".repeat(10_000))], "0").await.status, StatusCode::UNAUTHORIZED, "sign-in is checked first");
    assert_eq!(app.call("audit_actions", &[], None).await.status, StatusCode::UNAUTHORIZED);
    let csv = app.get("/audit.csv", None).await;
    assert_eq!(csv.status, StatusCode::UNAUTHORIZED);
    assert!(csv.body.contains("Unauthenticated"), "{}", csv.body);
    for page in ["/mssp/audit", "/msp/audit"] {
        let reply = app.get(page, None).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{page}");
    }
});

http_test!(async fn filters_and_pages(app) {
    let mssp = app.mssp_owner().await;
    let approvals = json(&log(&app, Some(&mssp), &[("action", "association.approve")], "1").await);
    assert_eq!(approvals["total"], 1);
    let associations = json(&log(&app, Some(&mssp), &[("action", "association.")], "1").await);
    assert_eq!(associations["total"], 3, "two requests and an approval");
    let contoso = json(&log(&app, Some(&mssp), &[("q", "CONTOSO")], "1").await);
    assert_eq!(column(&contoso, "target"), ["Contoso MSP"]);
    let day = |offset: i64| (chrono::Utc::now() + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string();
    let dated = json(&log(&app, Some(&mssp), &[("action", "association."), ("from", &day(-1)), ("to", &day(1))], "1").await);
    assert_eq!(dated["total"], 3);
    let before = json(&log(&app, Some(&mssp), &[("to", "2020-01-01")], "1").await);
    assert_eq!(before["total"], 0);

    for i in 0..30 {
        record(&app, "Demo MSSP", &Actor::System, "test.bulk", &format!("item {i:02}")).await;
    }
    let first = json(&log(&app, Some(&mssp), &[("action", "test.bulk")], "1").await);
    assert_eq!((first["total"].as_i64(), first["page"].as_i64(), first["per_page"].as_i64()), (Some(30), Some(1), Some(25)));
    assert_eq!(column(&first, "target").first().map(String::as_str), Some("item 29"), "newest first");
    let second = json(&log(&app, Some(&mssp), &[("action", "test.bulk")], "2").await);
    assert_eq!(column(&second, "target").len(), 5);
    assert_eq!(second["total"], 30);
});

http_test!(async fn bad_input_is_a_400_with_a_clear_message(app) {
    let mssp = app.mssp_owner().await;
    let long = "x".repeat(10_000);
    let cases: [(Filter, &str, &str); 5] = [
        (&[("q", long.as_str())], "1", "Search text has at most 200 characters."),
        (&[("from", "2026-11-02"), ("to", "2026-11-01")], "1", "The start date must be on or before the end date."),
        (&[], "0", "Page numbers start at 1."),
        (&[("from", "last tuesday")], "1", "Enter the start date as YYYY-MM-DD."),
        (&[("action", "<script>")], "1", "Choose an action from the list"),
    ];
    for (filter, page, message) in cases {
        let reply = log(&app, Some(&mssp), filter, page).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{filter:?} page {page}: {}", reply.body);
        assert!(reply.body.contains(message), "{}", reply.body);
    }
    let not_a_number = log(&app, Some(&mssp), &[], "two").await;
    assert_eq!(not_a_number.status, StatusCode::BAD_REQUEST, "{}", not_a_number.body);

    for (query, message) in [
        (format!("q={long}"), "Search text has at most 200 characters."),
        ("from=2026-11-02&to=2026-11-01".to_owned(), "The start date must be on or before the end date."),
        ("to=soon".to_owned(), "Enter the end date as YYYY-MM-DD."),
        ("q=a&q=b".to_owned(), "malformed"),
    ] {
        let reply = app.get(&format!("/audit.csv?{query}"), Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}: {}", reply.body);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert!(reply.body.contains(message), "{}", reply.body);
    }
    // The page itself answers 400 too, showing the message beside the form that can fix it.
    let page = app.get("/mssp/audit?from=2026-11-02&to=2026-11-01", Some(&mssp)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("name=\"q\""), "the filter form is still there");
    assert!(page.body.contains("The start date must be on or before the end date."), "{}", page.body);
});

http_test!(async fn the_csv_download_is_own_rows_with_formulas_neutralised(app) {
    let formula = Actor::User { id: UserId(0), email: "-2+3".into() };
    record(&app, "Northwind MSP", &formula, "test.csv", "=HYPERLINK(\"http://evil.test\",\"x\")").await;
    record(&app, "Contoso MSP", &formula, "test.csv", "contoso-only").await;
    let msp = app.msp_admin().await;

    let reply = app.get("/audit.csv", Some(&msp)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("text/csv; charset=utf-8"));
    let today = chrono::Utc::now().format("%Y-%m-%d");
    assert_eq!(reply.header("content-disposition").map(str::to_owned), Some(format!("attachment; filename=\"audit-log-{today}.csv\"")));
    assert_eq!(reply.header("cache-control"), Some("no-store"));

    let records = csv_records(&reply.body);
    assert_eq!(records[0], ["time", "actor", "action", "target", "reason", "details"]);
    let rows = &records[1..];
    assert!(rows.iter().all(|r| r.len() == 6));
    assert!(rows.iter().any(|r| r[3] == "Northwind MSP"), "{rows:?}");
    assert!(!rows.iter().any(|r| r[3] == "contoso-only" || r[3] == "Demo MSSP"), "only Northwind's rows: {rows:?}");
    let injected = rows.iter().find(|r| r[2] == "test.csv").expect("the injected row");
    assert_eq!(injected[1], "'-2+3");
    assert_eq!(injected[3], "'=HYPERLINK(\"http://evil.test\",\"x\")");
    let approval = rows.iter().find(|r| r[2] == "association.approve").expect("the approval");
    assert_eq!(approval[4], "Managed security partner since 2024");
    assert!(approval[5].contains("\"reason\""), "details as recorded: {:?}", approval[5]);

    // The same filter as the page.
    let filtered = app.get("/audit.csv?action=association.approve&q=northwind", Some(&msp)).await;
    let records = csv_records(&filtered.body);
    assert_eq!(records.len(), 2, "header and one row: {records:?}");
});

http_test!(async fn the_page_renders_for_each_kind(app) {
    let mssp = app.mssp_owner().await;
    let msp = app.msp_admin().await;
    for (session, own, other) in [(&mssp, "/mssp/audit", "/msp/audit"), (&msp, "/msp/audit", "/mssp/audit")] {
        let page = app.get(own, Some(session)).await;
        assert_eq!(page.status, StatusCode::OK, "{own}");
        for text in ["<h1>Audit log</h1>", "Download CSV", "<th scope=\"col\">Reason</th>", "Showing 1–", "name=\"q\""] {
            assert!(page.body.contains(text), "{own} lacks {text}");
        }
        assert_eq!(app.get(other, Some(session)).await.status, StatusCode::NOT_FOUND, "{other}");
    }
    let filtered = app.get("/mssp/audit?q=contoso&action=association.", Some(&mssp)).await;
    assert!(filtered.body.contains("href=\"/audit.csv?action=association.&amp;q=contoso\""), "the download carries the filter");
    assert!(filtered.body.contains("Contoso MSP"));
    let none = app.get("/mssp/audit?q=no-such-thing", Some(&mssp)).await;
    assert!(none.body.contains("No events match these filters"));
    // The user menu links to the page.
    assert!(app.get("/mssp", Some(&mssp)).await.body.contains("href=\"/mssp/audit\""));
});
