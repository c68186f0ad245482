//! The MSSP's views of its MSPs through the real router, on SQLite and PostgreSQL: the Global
//! view sums approved MSPs only, and one MSP's view, its server function and the company
//! selector reach an MSP only while its association is APPROVED. Pending, never-asked and
//! revoked MSPs, another MSSP's MSP, MSP users and visitors get nothing.
//!
//! The demo data has Northwind approved, Contoso pending and Fabrikam never asked.

mod support;

use axum::http::StatusCode;
use portal_types::{CompanyName, Email, Password, TenantKind, TenantName};
use serde_json::Value;
use support::TestApp;

async fn tenant_id(app: &TestApp, name: &str) -> i64 {
    let name = TenantName::parse(name).expect("name");
    domain::tenants::find_by_name(&app.test_db.db, &name)
        .await
        .expect("lookup")
        .expect("tenant")
        .id
}

/// Northwind gets a company, so its view has something to show.
async fn northwind_company(app: &TestApp) {
    let db = &app.test_db.db;
    let scope =
        domain::testing::signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await;
    domain::companies::create(
        &db.scoped(&scope),
        &CompanyName::parse("Acme Dental").expect("name"),
    )
    .await
    .expect("company");
}

/// A second MSSP, which no MSP has approved.
async fn other_mssp(app: &TestApp) -> String {
    let new = domain::tenants::NewTenant {
        kind: TenantKind::Mssp,
        name: TenantName::parse("Other MSSP").expect("name"),
        owner_email: Email::parse("owner@other-mssp.test").expect("email"),
        owner_name: "Other Owner".into(),
        owner_password: Password::parse_new(domain::demo::PASSWORD).expect("password"),
    };
    domain::tenants::create(&app.test_db.db, new)
        .await
        .expect("tenant");
    app.sign_in("Other MSSP", "owner@other-mssp.test").await
}

fn json(reply: &support::Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("json: {}", reply.body))
}

http_test!(
    async fn the_global_view_sums_approved_msps_only(app) {
        northwind_company(&app).await;
        let mssp = app.mssp_owner().await;

        let reply = app.call("global_view", &[], Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let global = json(&reply);
        assert_eq!((global["msps"].as_i64(), global["posture"]["companies"].as_i64()), (Some(1), Some(1)));

        let reply = app.call("viewable_msps", &[], Some(&mssp)).await;
        let names: Vec<String> = json(&reply).as_array().expect("list").iter().map(|m| m["name"].as_str().expect("name").to_owned()).collect();
        assert_eq!(names, ["Northwind MSP"], "pending and never-asked MSPs are not offered");

        let northwind = tenant_id(&app, "Northwind MSP").await.to_string();
        let reply = app.call("msp_view", &[("id", &northwind)], Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(json(&reply)["name"], "Northwind MSP");
        assert_eq!(json(&reply)["posture"]["companies"], 1);

        let page = app.get(&format!("/mssp/msps/{northwind}"), Some(&mssp)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Northwind MSP") && page.body.contains("Total Companies"));
        let home = app.get("/mssp", Some(&mssp)).await;
        assert!(home.body.contains("MSPs") && home.body.contains("Total Vulnerabilities"));

        // Its Total Companies tile opens its companies table, read-only.
        let form = [("msp", northwind.as_str()), ("search", "acme"), ("sort", "critical"), ("descending", "true"), ("page", "1")];
        let reply = app.call("msp_companies", &form, Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!((json(&reply)["total"].as_u64(), json(&reply)["rows"][0]["name"].as_str()), (Some(1), Some("Acme Dental")));
        assert!(page.body.contains(&format!("/mssp/msps/{northwind}/companies")), "the tile links to the table");
        let table = app.get(&format!("/mssp/msps/{northwind}/companies?q=acme"), Some(&mssp)).await;
        assert_eq!(table.status, StatusCode::OK);
        assert!(table.body.contains("Acme Dental") && table.body.contains("Total Vulnerabilities"));
        assert!(!table.body.contains("Add company") && !table.body.contains(">Delete<"), "read-only for the MSSP");

        // The selector's form, without JavaScript, lands on the chosen view.
        let reply = app.get(&format!("/mssp/select?view={northwind}"), Some(&mssp)).await;
        assert_eq!(reply.header("location"), Some(format!("/mssp/msps/{northwind}").as_str()), "{}", reply.status);
        let reply = app.get("/mssp/select?view=global", Some(&mssp)).await;
        assert_eq!(reply.header("location"), Some("/mssp"));
    }
);

http_test!(
    async fn an_msp_is_out_of_reach_unless_it_has_approved_this_mssp(app) {
        northwind_company(&app).await;
        let mssp = app.mssp_owner().await;
        let other = other_mssp(&app).await;
        let msp_user = app.msp_admin().await;
        let northwind = tenant_id(&app, "Northwind MSP").await.to_string();
        let contoso = tenant_id(&app, "Contoso MSP").await.to_string();
        let fabrikam = tenant_id(&app, "Fabrikam MSP").await.to_string();
        let own = tenant_id(&app, "Demo MSSP").await.to_string();

        for (id, what) in [(&contoso, "pending"), (&fabrikam, "never asked"), (&own, "the MSSP itself"), (&"0".to_owned(), "no tenant")] {
            let reply = app.call("msp_view", &[("id", id)], Some(&mssp)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{what}: {}", reply.body);
            let page = app.get(&format!("/mssp/msps/{id}"), Some(&mssp)).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{what}");
            let reply = app.call("msp_companies", &companies_of(id), Some(&mssp)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{what}: {}", reply.body);
            let page = app.get(&format!("/mssp/msps/{id}/companies"), Some(&mssp)).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{what}");
        }
        assert_eq!(app.call("msp_companies", &companies_of(&northwind), Some(&other)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.call("msp_companies", &companies_of(&northwind), Some(&msp_user)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.call("msp_companies", &companies_of(&northwind), None).await.status, StatusCode::UNAUTHORIZED);
        // Another MSSP, an MSP user and a visitor reach nothing of Northwind.
        let reply = app.call("msp_view", &[("id", &northwind)], Some(&other)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
        let reply = app.call("global_view", &[], Some(&other)).await;
        assert_eq!(json(&reply)["msps"], 0);
        assert_eq!(json(&app.call("viewable_msps", &[], Some(&other)).await), serde_json::json!([]));
        for function in ["global_view", "viewable_msps"] {
            assert_eq!(app.call(function, &[], Some(&msp_user)).await.status, StatusCode::NOT_FOUND, "{function} as an MSP");
            assert_eq!(app.call(function, &[], None).await.status, StatusCode::UNAUTHORIZED, "{function} signed out");
        }
        assert_eq!(app.call("msp_view", &[("id", &northwind)], Some(&msp_user)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.call("msp_view", &[("id", &northwind)], None).await.status, StatusCode::UNAUTHORIZED);

        // Northwind revokes: the very next request refuses.
        assert_eq!(app.call("msp_view", &[("id", &northwind)], Some(&mssp)).await.status, StatusCode::OK);
        let db = &app.test_db.db;
        let scope = domain::testing::signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await;
        let access = domain::associations::latest_for_msp(&db.scoped(&scope)).await.expect("access").expect("association");
        domain::associations::revoke(db, &scope, access.id, "Contract ended", chrono::Utc::now()).await.expect("revoke");
        let reply = app.call("msp_view", &[("id", &northwind)], Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
        let global = json(&app.call("global_view", &[], Some(&mssp)).await);
        assert_eq!((global["msps"].as_i64(), global["posture"]["companies"].as_i64()), (Some(0), Some(0)));
        assert_eq!(json(&app.call("viewable_msps", &[], Some(&mssp)).await), serde_json::json!([]));
        assert_eq!(app.call("msp_companies", &companies_of(&northwind), Some(&mssp)).await.status, StatusCode::NOT_FOUND);
    }
);

/// `msp_companies` arguments for MSP `msp`'s first page.
fn companies_of(msp: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("msp", msp),
        ("search", ""),
        ("sort", "name"),
        ("descending", "false"),
        ("page", "1"),
    ]
}

/// Sets a company's open-finding counters, as ingest would have left them.
async fn set_open(app: &TestApp, tenant: &str, company: &str, critical: i64, high: i64) {
    use sea_orm::ConnectionTrait;
    let conn = app.test_db.conn();
    let sql = "UPDATE company_rollups SET open_critical = $1, open_high = $2, open_findings = $1 + $2 \
               WHERE company_id = (SELECT c.id FROM companies c JOIN tenants t ON t.id = c.tenant_id \
               WHERE t.name = $3 AND c.name = $4)";
    let statement = sea_orm::Statement::from_sql_and_values(
        conn.get_database_backend(),
        sql,
        [critical.into(), high.into(), tenant.into(), company.into()],
    );
    let done = conn.execute_raw(statement).await.expect("update");
    assert_eq!(done.rows_affected(), 1, "{tenant} / {company}");
    // And the tenant's kept sums, as the same delta would have moved them.
    let sums = "UPDATE tenant_rollups SET \
                open_critical = (SELECT SUM(r.open_critical) FROM company_rollups r WHERE r.tenant_id = tenant_rollups.tenant_id), \
                open_high = (SELECT SUM(r.open_high) FROM company_rollups r WHERE r.tenant_id = tenant_rollups.tenant_id), \
                open_findings = (SELECT SUM(r.open_findings) FROM company_rollups r WHERE r.tenant_id = tenant_rollups.tenant_id) \
                WHERE tenant_id = (SELECT id FROM tenants WHERE name = $1)";
    let statement =
        sea_orm::Statement::from_sql_and_values(conn.get_database_backend(), sums, [tenant.into()]);
    let done = conn.execute_raw(statement).await.expect("update sums");
    assert_eq!(done.rows_affected(), 1, "{tenant}'s sums");
}

http_test!(
    async fn the_riskiest_msps_are_approved_ones_worst_first(app) {
        northwind_company(&app).await;
        let mssp = app.mssp_owner().await;
        let names = |reply: &support::Reply| -> Vec<String> {
            json(reply).as_array().expect("list").iter().map(|m| m["name"].as_str().expect("name").to_owned()).collect()
        };
        // No open findings anywhere: an empty list.
        assert_eq!(names(&app.call("riskiest_msps", &[], Some(&mssp)).await), Vec::<String>::new());

        // Contoso (pending) is riskier than Northwind, and is still not listed.
        set_open(&app, "Northwind MSP", "Acme Dental", 2, 5).await;
        let db = &app.test_db.db;
        let contoso = domain::testing::signed_in_scope(db, "Contoso MSP", "admin@contoso-msp.test").await;
        domain::companies::create(&db.scoped(&contoso), &CompanyName::parse("Risky Co").expect("name")).await.expect("company");
        set_open(&app, "Contoso MSP", "Risky Co", 50, 0).await;
        let reply = app.call("riskiest_msps", &[], Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(names(&reply), ["Northwind MSP"]);
        assert_eq!((json(&reply)[0]["critical"].as_i64(), json(&reply)[0]["open_findings"].as_i64()), (Some(2), Some(7)));
        let home = app.get("/mssp", Some(&mssp)).await;
        assert!(home.body.contains("Riskiest MSPs") && !home.body.contains("Risky Co"));

        // Once Contoso approves, it leads: more critical findings.
        let access = domain::associations::latest_for_msp(&db.scoped(&contoso)).await.expect("access").expect("association");
        domain::associations::decide(db, &contoso, access.id, domain::associations::Decision::Approve, "Go ahead", chrono::Utc::now()).await.expect("approve");
        assert_eq!(names(&app.call("riskiest_msps", &[], Some(&mssp)).await), ["Contoso MSP", "Northwind MSP"]);

        // Nobody else reaches the list.
        assert_eq!(app.call("riskiest_msps", &[], Some(&app.msp_admin().await)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.call("riskiest_msps", &[], None).await.status, StatusCode::UNAUTHORIZED);
        let other = other_mssp(&app).await;
        assert_eq!(names(&app.call("riskiest_msps", &[], Some(&other)).await), Vec::<String>::new());
    }
);

http_test!(
    async fn the_msps_table_counts_approved_msps_only_and_sorts_by_them(app) {
        northwind_company(&app).await;
        let mssp = app.mssp_owner().await;
        set_open(&app, "Northwind MSP", "Acme Dental", 2, 5).await;
        let db = &app.test_db.db;
        let contoso = domain::testing::signed_in_scope(db, "Contoso MSP", "admin@contoso-msp.test").await;
        domain::companies::create(&db.scoped(&contoso), &CompanyName::parse("Risky Co").expect("name")).await.expect("company");
        set_open(&app, "Contoso MSP", "Risky Co", 50, 0).await;
        let list = |sort: &'static str, descending: &'static str| {
            let app = &app;
            let mssp = mssp.clone();
            async move {
                let form = [("search", ""), ("sort", sort), ("descending", descending), ("page", "1")];
                let reply = app.call("list_msps", &form, Some(&mssp)).await;
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
                json(&reply)["rows"].as_array().expect("rows").iter()
                    .map(|r| (r["msp_name"].as_str().expect("name").to_owned(), r["counts"]["critical"].as_i64()))
                    .collect::<Vec<_>>()
            }
        };
        // Contoso is pending: no counters, whatever it holds, and last whichever way.
        let by_critical = list("critical", "true").await;
        assert_eq!(by_critical, [("Northwind MSP".to_owned(), Some(2)), ("Contoso MSP".to_owned(), None)]);
        assert_eq!(list("critical", "false").await, by_critical);
        let reply = app.call("list_msps", &[("search", ""), ("sort", "requested"), ("descending", "true"), ("page", "1")], Some(&mssp)).await;
        let northwind = json(&reply)["rows"].as_array().expect("rows").iter().find(|r| r["msp_name"] == "Northwind MSP").cloned().expect("row");
        assert_eq!((northwind["counts"]["companies"].as_i64(), northwind["counts"]["open_findings"].as_i64()), (Some(1), Some(7)));
        let page = app.get("/mssp", Some(&mssp)).await;
        assert!(page.body.contains("awaiting approval"), "the pending MSP's counters are blank");

        // Contoso approves: its counters show, and it leads by critical findings.
        let access = domain::associations::latest_for_msp(&db.scoped(&contoso)).await.expect("access").expect("association");
        domain::associations::decide(db, &contoso, access.id, domain::associations::Decision::Approve, "Go ahead", chrono::Utc::now()).await.expect("approve");
        assert_eq!(list("critical", "true").await, [("Contoso MSP".to_owned(), Some(50)), ("Northwind MSP".to_owned(), Some(2))]);
        assert_eq!(list("high", "true").await, [("Northwind MSP".to_owned(), Some(2)), ("Contoso MSP".to_owned(), Some(50))]);
        assert_eq!(list("companies", "false").await.len(), 2);
    }
);

http_test!(
    async fn the_msps_table_downloads_as_csv_with_counters_only_for_approved_msps(app) {
        northwind_company(&app).await;
        set_open(&app, "Northwind MSP", "Acme Dental", 2, 5).await;
        let mssp = app.mssp_owner().await;
        let csv = app.get("/mssp/msps.csv?sort=critical&dir=desc", Some(&mssp)).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(lines[0], "msp,admin_email,request_status,companies,agents,assets,open_findings,critical,high,medium,low,requested,decided_or_ended,reason");
        assert!(lines[1].starts_with("Northwind MSP,admin@northwind-msp.test,APPROVED,1,0,0,7,2,5,0,0,"), "{}", lines[1]);
        assert!(lines[2].starts_with("Contoso MSP,admin@contoso-msp.test,PENDING_APPROVAL,,,,,,,,,"), "{}", lines[2]);
        assert_eq!(lines.len(), 3);
        let filtered = app.get("/mssp/msps.csv?status=APPROVED&q=north", Some(&mssp)).await;
        assert_eq!(filtered.body.lines().count(), 2, "{}", filtered.body);
        assert_eq!(app.get("/mssp/msps.csv?status=nope", Some(&mssp)).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(app.get("/mssp/msps.csv?sort=nope", Some(&mssp)).await.status, StatusCode::BAD_REQUEST);
        // An MSP user, another MSSP and a visitor get nothing of this MSSP's table.
        assert_eq!(app.get("/mssp/msps.csv", Some(&app.msp_admin().await)).await.status, StatusCode::NOT_FOUND);
        let other = other_mssp(&app).await;
        let theirs = app.get("/mssp/msps.csv", Some(&other)).await;
        assert_eq!((theirs.status, theirs.body.lines().count()), (StatusCode::OK, 1), "{}", theirs.body);
        assert_eq!(app.get("/mssp/msps.csv", None).await.status, StatusCode::UNAUTHORIZED);
    }
);
