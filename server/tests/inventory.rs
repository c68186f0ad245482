//! The MSP's inventory pages and server functions through the real router, on SQLite and
//! PostgreSQL: they work for the company's own MSP, and every one refuses another MSP, an MSSP
//! and a visitor who is not signed in; viewers read but do not change.

mod support;

use axum::http::StatusCode;
use domain::agents::ValidDays;
use portal_types::CompanyName;
use serde_json::Value;
use support::TestApp;

/// A company of Northwind with an enrollment token issued.
async fn northwind_company(app: &TestApp) -> i64 {
    let db = &app.test_db.db;
    let scope =
        domain::testing::signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await;
    let scoped = db.scoped(&scope);
    let company =
        domain::companies::create(&scoped, &CompanyName::parse("Acme Dental").expect("name"))
            .await
            .expect("company");
    domain::agents::issue_token(&scoped, company.id, ValidDays::DEFAULT)
        .await
        .expect("token");
    company.id
}

/// Every server function of the inventory, with arguments aimed at `company` (and its token).
fn calls(company: i64, token: i64) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let id = company.to_string();
    vec![
        ("load_company", vec![("id", id.clone())]),
        (
            "company_assets",
            vec![
                ("company_id", id.clone()),
                ("search", String::new()),
                ("sort", "name".into()),
                ("descending", "false".into()),
            ],
        ),
        (
            "company_findings",
            vec![
                ("company_id", id.clone()),
                ("search", String::new()),
                ("sort", "severity".into()),
                ("descending", "false".into()),
            ],
        ),
        (
            "issue_enrollment_token",
            vec![("company_id", id.clone()), ("days", "7".into())],
        ),
        ("revoke_enrollment_token", vec![("id", token.to_string())]),
        (
            "rename_company",
            vec![("id", id.clone()), ("name", "Mine now".into())],
        ),
        ("delete_company", vec![("id", id)]),
    ]
}

async fn call(
    app: &TestApp,
    function: &str,
    args: &[(&'static str, String)],
    session: Option<&str>,
) -> support::Reply {
    let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(function, &form, session).await
}

async fn token_of(app: &TestApp, company: i64) -> i64 {
    let db = &app.test_db.db;
    let scope =
        domain::testing::signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await;
    domain::agents::tokens(&db.scoped(&scope), company)
        .await
        .expect("tokens")[0]
        .id
}

http_test!(
    async fn other_tenants_and_visitors_reach_nothing(app) {
        let company = northwind_company(&app).await;
        let token = token_of(&app, company).await;
        let contoso = app.sign_in("Contoso MSP", "admin@contoso-msp.test").await;
        let mssp = app.mssp_owner().await;

        for (function, args) in calls(company, token) {
            let reply = call(&app, function, &args, Some(&contoso)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{function} as another MSP: {}", reply.body);
            let reply = call(&app, function, &args, Some(&mssp)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{function} as an MSSP: {}", reply.body);
            let reply = call(&app, function, &args, None).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{function} signed out: {}", reply.body);
        }
        for function in ["my_posture", "list_companies"] {
            let args = [("search", String::new()), ("sort", "name".into()), ("descending", "false".into()), ("page", "1".into())];
            let args: &[(&str, String)] = if function == "my_posture" { &[] } else { &args };
            let reply = call(&app, function, args, Some(&mssp)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{function} as an MSSP: {}", reply.body);
            let reply = call(&app, function, args, Some(&contoso)).await;
            assert_eq!(reply.status, StatusCode::OK, "{function} as another MSP: {}", reply.body);
            assert!(!reply.body.contains("Acme Dental"), "{function} shows nothing of Northwind's");
        }
        // Everything is still there, unchanged.
        let admin = app.msp_admin().await;
        let reply = call(&app, "load_company", &[("id", company.to_string())], Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let detail: Value = serde_json::from_str(&reply.body).expect("json");
        assert_eq!(detail["name"], "Acme Dental");
        assert_eq!(detail["tokens"][0]["state"], "Active");

        // The pages: another MSP gets "not found" inside its own shell; an MSSP the not-found page.
        let page = app.get(&format!("/msp/companies/{company}"), Some(&contoso)).await;
        assert!(page.body.contains("Page not found") && !page.body.contains("Acme Dental"));
        let page = app.get(&format!("/msp/companies/{company}"), Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Acme Dental"));
    }
);

http_test!(
    async fn the_msp_manages_its_companies_and_viewers_only_read(app) {
        let admin = app.msp_admin().await;
        let reply = app.call("create_company", &[("name", "Globex")], Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let id: i64 = serde_json::from_str(&reply.body).expect("id");
        let reply = app.call("create_company", &[("name", "  ")], Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        let reply = app.call("create_company", &[("name", "GLOBEX")], Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);

        let reply = app.call("list_companies", &[("search", "glo"), ("sort", "critical"), ("descending", "true"), ("page", "1")], Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let table: Value = serde_json::from_str(&reply.body).expect("json");
        assert_eq!((table["total"].as_u64(), table["rows"][0]["name"].as_str()), (Some(1), Some("Globex")));
        let reply = app.call("list_companies", &[("search", ""), ("sort", "name"), ("descending", "false"), ("page", "0")], Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "page 0: {}", reply.body);

        let issued = app.call("issue_enrollment_token", &[("company_id", &id.to_string()), ("days", "400")], Some(&admin)).await;
        assert_eq!(issued.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", issued.body);
        let issued = app.call("issue_enrollment_token", &[("company_id", &id.to_string()), ("days", "30")], Some(&admin)).await;
        assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
        let secret = serde_json::from_str::<Value>(&issued.body).expect("json")["secret"].as_str().expect("secret").to_owned();
        assert_eq!(secret.len(), 43);

        let page = app.get("/msp/companies?q=glo&sort=critical&dir=desc", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Globex") && page.body.contains("aria-sort=\"descending\""));
        let home = app.get("/msp", Some(&admin)).await;
        assert!(home.body.contains("Total Companies") && home.body.contains("Total Vulnerabilities"));

        // A viewer reads, and is refused every change.
        let db = &app.test_db.db;
        let viewer = domain::users::NewUser {
            tenant: portal_types::TenantName::parse("Northwind MSP").expect("name"),
            email: portal_types::Email::parse("viewer@northwind-msp.test").expect("email"),
            display_name: "Viewer".into(),
            role: portal_types::Role::Viewer,
            password: portal_types::Password::parse_new(domain::demo::PASSWORD).expect("password"),
        };
        domain::users::add(db, viewer).await.expect("viewer");
        let viewer = app.sign_in("Northwind MSP", "viewer@northwind-msp.test").await;
        let reply = app.call("load_company", &[("id", &id.to_string())], Some(&viewer)).await;
        assert_eq!(reply.status, StatusCode::OK);
        for (function, args) in [
            ("create_company", vec![("name", "X".to_owned())]),
            ("rename_company", vec![("id", id.to_string()), ("name", "X".into())]),
            ("delete_company", vec![("id", id.to_string())]),
            ("issue_enrollment_token", vec![("company_id", id.to_string()), ("days", "7".into())]),
        ] {
            let reply = call(&app, function, &args, Some(&viewer)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{function} as a viewer: {}", reply.body);
        }

        let reply = app.call("delete_company", &[("id", &id.to_string())], Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let removed: Value = serde_json::from_str(&reply.body).expect("json");
        assert_eq!(removed["agents"], 0);
    }
);
