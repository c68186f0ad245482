//! A company's tables through the real router, on SQLite and PostgreSQL: the MSSP reads an
//! approved MSP's company (summary, assets, findings, and every table as CSV) and nothing else;
//! the MSP reads its own; CSV cells cannot run as formulas.
//!
//! The demo data has Northwind approved, Contoso pending and Fabrikam never asked.

mod support;

use axum::http::StatusCode;
use domain::agents::{Enrollment, ValidDays};
use domain::ingest::{Report, ReportKind, ReportedAsset, ReportedFinding};
use portal_types::{
    AgentKind, AgentVersion, CompanyName, Hostname, Severity, TenantName, VulnKey, VulnTitle,
};
use serde_json::Value;
use support::TestApp;

async fn tenant_id(app: &TestApp, name: &str) -> String {
    let name = TenantName::parse(name).expect("name");
    domain::tenants::find_by_name(&app.test_db.db, &name)
        .await
        .expect("lookup")
        .expect("tenant")
        .id
        .to_string()
}

/// A company of `msp` whose probe reported two hosts, one with a finding titled like a formula.
async fn company_with_findings(app: &TestApp, msp: &str, email: &str, name: &str) -> String {
    let db = &app.test_db.db;
    let scope = domain::testing::signed_in_scope(db, msp, email).await;
    let scoped = db.scoped(&scope);
    let company = domain::companies::create(&scoped, &CompanyName::parse(name).expect("name"))
        .await
        .expect("company");
    let token = domain::agents::issue_token(&scoped, company.id, ValidDays::DEFAULT)
        .await
        .expect("token");
    let enrollment = Enrollment {
        kind: AgentKind::Probe,
        hostname: Hostname::parse("probe-1").expect("hostname"),
        version: AgentVersion::parse("1.0.0").expect("version"),
    };
    let probe = domain::agents::enroll(db, token.secret.expose(), &enrollment)
        .await
        .expect("enroll");
    let finding = |id: &str, title: &str, severity| ReportedFinding {
        id: VulnKey::parse(id).expect("id"),
        title: VulnTitle::parse(title).expect("title"),
        severity,
        cvss_tenths: Some(98),
    };
    let host = |name: &str, findings| ReportedAsset {
        hostname: Some(Hostname::parse(name).expect("hostname")),
        ip: None,
        os: None,
        findings,
    };
    let report = Report::new(
        ReportKind::Scan,
        AgentKind::Probe,
        vec![
            host(
                "web-01",
                vec![finding(
                    "CVE-2026-0001",
                    "=HYPERLINK(\"x\")",
                    Severity::Critical,
                )],
            ),
            host(
                "db-01",
                vec![finding("CVE-2026-0002", "Weak cipher", Severity::Low)],
            ),
        ],
    )
    .expect("report");
    domain::ingest::ingest(db, &probe.agent, &report)
        .await
        .expect("ingest");
    company.id.to_string()
}

fn json(reply: &support::Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("json: {}", reply.body))
}

fn table_args<'a>(
    msp: Option<&'a str>,
    company: &'a str,
    sort: &'a str,
) -> Vec<(&'static str, &'a str)> {
    let mut args = vec![
        ("company_id", company),
        ("search", ""),
        ("sort", sort),
        ("descending", "false"),
    ];
    if let Some(msp) = msp {
        args.insert(0, ("msp", msp));
    }
    args
}

http_test!(
    async fn the_mssp_reads_an_approved_msps_company_and_its_csv(app) {
        let company = company_with_findings(&app, "Northwind MSP", "admin@northwind-msp.test", "Acme Dental").await;
        let northwind = tenant_id(&app, "Northwind MSP").await;
        let mssp = app.mssp_owner().await;

        let reply = app.call("msp_company", &[("msp", &northwind), ("id", &company)], Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!((json(&reply)["name"].as_str(), json(&reply)["msp"]["name"].as_str()), (Some("Acme Dental"), Some("Northwind MSP")));
        assert_eq!(json(&reply)["counts"]["critical"], 1);

        let reply = app.call("company_assets", &table_args(Some(&northwind), &company, "name"), Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let body = json(&reply);
        let hosts: Vec<&str> = body["rows"].as_array().expect("rows").iter().map(|r| r["hostname"].as_str().unwrap_or_default()).collect();
        assert_eq!(hosts, ["db-01", "web-01"]);
        assert_eq!((body["total"].as_u64(), body["has_next"].as_bool()), (Some(2), Some(false)));
        let reply = app.call("company_findings", &table_args(Some(&northwind), &company, "severity"), Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(json(&reply)["rows"][0]["vulnerability"], "CVE-2026-0001", "worst first");
        let reply = app.call("company_findings", &[("msp", northwind.as_str()), ("company_id", &company), ("search", ""), ("sort", "severity"), ("descending", "false"), ("after", "1"), ("before", "2")], Some(&mssp)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "after and before: {}", reply.body);

        let page = app.get(&format!("/mssp/msps/{northwind}/companies/{company}?assets_sort=last_seen&assets_dir=desc"), Some(&mssp)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Acme Dental") && page.body.contains("web-01") && page.body.contains("CVE-2026-0002"));
        assert!(!page.body.contains("Enrollment tokens"), "agents and tokens are the MSP's business");
        let table = app.get(&format!("/mssp/msps/{northwind}/companies"), Some(&mssp)).await;
        assert!(table.body.contains(&format!("/mssp/msps/{northwind}/companies/{company}")), "rows link to the company");

        // CSV: header, rows in the table's order, formulas neutralised; the companies table too.
        let csv = app.get(&format!("/mssp/msps/{northwind}/companies/{company}/findings.csv?sort=severity"), Some(&mssp)).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(lines[0], "vulnerability,title,severity,cvss,asset,first_seen");
        assert!(lines[1].starts_with("CVE-2026-0001,\"'=HYPERLINK(\"\"x\"\")\",critical,9.8,web-01,"), "{}", lines[1]);
        assert_eq!(lines.len(), 3);
        let csv = app.get(&format!("/mssp/msps/{northwind}/companies/{company}/assets.csv?q=WEB"), Some(&mssp)).await;
        assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
        assert!(csv.body.lines().nth(1).unwrap_or_default().starts_with("web-01,,,probe_discovered"), "{}", csv.body);
        let csv = app.get(&format!("/mssp/msps/{northwind}/companies.csv?sort=critical&dir=desc"), Some(&mssp)).await;
        assert_eq!(csv.body.lines().nth(1), Some("Acme Dental,1,0,2,0,2,1,0,0,1"), "{}", csv.body);
        let csv = app.get(&format!("/mssp/msps/{northwind}/companies/{company}/assets.csv?sort=nope"), Some(&mssp)).await;
        assert_eq!(csv.status, StatusCode::BAD_REQUEST, "{}", csv.body);
    }
);

http_test!(
    async fn nobody_else_reaches_a_company_or_its_csv(app) {
        let company = company_with_findings(&app, "Northwind MSP", "admin@northwind-msp.test", "Acme Dental").await;
        let pending = company_with_findings(&app, "Contoso MSP", "admin@contoso-msp.test", "Initech").await;
        let northwind = tenant_id(&app, "Northwind MSP").await;
        let contoso = tenant_id(&app, "Contoso MSP").await;
        let mssp = app.mssp_owner().await;
        let msp_user = app.msp_admin().await;
        let contoso_user = app.sign_in("Contoso MSP", "admin@contoso-msp.test").await;

        // (session, msp, company, who): every pairing that must be "not found".
        let refused = [
            (&mssp, contoso.as_str(), pending.as_str(), "a pending MSP's company"),
            (&mssp, northwind.as_str(), pending.as_str(), "another MSP's company under an approved MSP"),
            (&msp_user, northwind.as_str(), company.as_str(), "an MSP user, as an MSSP"),
            (&contoso_user, northwind.as_str(), company.as_str(), "another MSP's user"),
        ];
        for (session, msp, id, who) in refused {
            let reply = app.call("msp_company", &[("msp", msp), ("id", id)], Some(session)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "msp_company, {who}: {}", reply.body);
            for (function, sort) in [("company_assets", "name"), ("company_findings", "severity")] {
                let reply = app.call(function, &table_args(Some(msp), id, sort), Some(session)).await;
                assert_eq!(reply.status, StatusCode::NOT_FOUND, "{function}, {who}: {}", reply.body);
            }
            for csv in ["assets.csv", "findings.csv"] {
                let reply = app.get(&format!("/mssp/msps/{msp}/companies/{id}/{csv}"), Some(session)).await;
                assert_eq!(reply.status, StatusCode::NOT_FOUND, "{csv}, {who}: {}", reply.body);
            }
            let reply = app.get(&format!("/mssp/msps/{msp}/companies.csv"), Some(session)).await;
            let expected = if msp == contoso || session == &msp_user || session == &contoso_user { StatusCode::NOT_FOUND } else { StatusCode::OK };
            assert_eq!(reply.status, expected, "companies.csv, {who}: {}", reply.body);
        }
        // An MSSP has no companies of its own; the MSP's own routes refuse it and other MSPs.
        for session in [&mssp, &contoso_user] {
            for path in [format!("/msp/companies/{company}/assets.csv"), format!("/msp/companies/{company}/findings.csv")] {
                assert_eq!(app.get(&path, Some(session)).await.status, StatusCode::NOT_FOUND, "{path}");
            }
            for (function, sort) in [("company_assets", "name"), ("company_findings", "severity")] {
                let reply = app.call(function, &table_args(None, &company, sort), Some(session)).await;
                assert_eq!(reply.status, StatusCode::NOT_FOUND, "{function} own: {}", reply.body);
            }
        }
        assert_eq!(app.get("/msp/companies.csv", Some(&mssp)).await.status, StatusCode::NOT_FOUND);
        let own = app.get("/msp/companies.csv", Some(&contoso_user)).await;
        assert!(own.status == StatusCode::OK && own.body.contains("Initech") && !own.body.contains("Acme"), "{}", own.body);
        // Visitors are asked to sign in.
        assert_eq!(app.get(&format!("/mssp/msps/{northwind}/companies/{company}/assets.csv"), None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.call("msp_company", &[("msp", &northwind), ("id", &company)], None).await.status, StatusCode::UNAUTHORIZED);
        let page = app.get(&format!("/mssp/msps/{contoso}/companies/{pending}"), Some(&mssp)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(!page.body.contains("Initech") && !page.body.contains("CVE-2026"), "nothing of the pending MSP's");

        // Trends: the Global one for the MSSP, an approved MSP's and its companies'; no other.
        let trend = |msp: Option<&str>, company: Option<&str>, global: &str| {
            let mut form = vec![("global", global.to_owned()), ("days", "30".to_owned())];
            form.extend(msp.map(|m| ("msp", m.to_owned())));
            form.extend(company.map(|c| ("company", c.to_owned())));
            form
        };
        let call = |form: Vec<(&'static str, String)>, session: Option<String>| {
            let app = &app;
            async move {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.call("open_trend", &form, session.as_deref()).await.status
            }
        };
        for (form, session, expected, what) in [
            (trend(None, None, "true"), Some(mssp.clone()), StatusCode::OK, "Global"),
            (trend(Some(&northwind), None, "false"), Some(mssp.clone()), StatusCode::OK, "approved MSP"),
            (trend(Some(&northwind), Some(&company), "false"), Some(mssp.clone()), StatusCode::OK, "approved MSP's company"),
            (trend(Some(&contoso), None, "false"), Some(mssp.clone()), StatusCode::NOT_FOUND, "pending MSP"),
            (trend(Some(&northwind), Some(&pending), "false"), Some(mssp.clone()), StatusCode::NOT_FOUND, "another MSP's company"),
            (trend(Some(&northwind), None, "true"), Some(mssp.clone()), StatusCode::BAD_REQUEST, "Global of one MSP"),
            (trend(None, None, "false"), Some(mssp.clone()), StatusCode::NOT_FOUND, "an MSSP's own"),
            (trend(None, None, "true"), Some(msp_user.clone()), StatusCode::NOT_FOUND, "Global for an MSP"),
            (trend(None, Some(&company), "false"), Some(contoso_user.clone()), StatusCode::NOT_FOUND, "another MSP's company, own"),
            (trend(None, Some(&company), "false"), Some(msp_user.clone()), StatusCode::OK, "its own company"),
            (trend(None, None, "true"), None, StatusCode::UNAUTHORIZED, "signed out"),
        ] {
            assert_eq!(call(form, session).await, expected, "open_trend: {what}");
        }

        // Top vulnerabilities: Global and an approved MSP's for the MSSP, its own for an MSP.
        let top = |global: &str, msp: Option<&str>| {
            let mut form = vec![("global", global.to_owned())];
            form.extend(msp.map(|m| ("msp", m.to_owned())));
            form
        };
        let call_top = |form: Vec<(&'static str, String)>, session: Option<String>| {
            let app = &app;
            async move {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let reply = app.call("top_vulnerabilities", &form, session.as_deref()).await;
                (reply.status, reply.body)
            }
        };
        let (status, body) = call_top(top("true", None), Some(mssp.clone())).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("CVE-2026-0001") && body.contains("Northwind MSP") && !body.contains("Initech"), "{body}");
        for (form, session, expected, what) in [
            (top("false", Some(&northwind)), Some(mssp.clone()), StatusCode::OK, "approved MSP"),
            (top("false", Some(&contoso)), Some(mssp.clone()), StatusCode::NOT_FOUND, "pending MSP"),
            (top("true", Some(&northwind)), Some(mssp.clone()), StatusCode::BAD_REQUEST, "Global of one MSP"),
            (top("false", None), Some(mssp.clone()), StatusCode::NOT_FOUND, "an MSSP's own"),
            (top("true", None), Some(msp_user.clone()), StatusCode::NOT_FOUND, "Global for an MSP"),
            (top("false", Some(&northwind)), Some(contoso_user.clone()), StatusCode::NOT_FOUND, "another MSP's, by an MSP"),
            (top("false", None), Some(msp_user.clone()), StatusCode::OK, "its own"),
            (top("true", None), None, StatusCode::UNAUTHORIZED, "signed out"),
        ] {
            assert_eq!(call_top(form, session).await.0, expected, "top_vulnerabilities: {what}");
        }

        // Northwind revokes: the very next requests refuse.
        assert_eq!(app.get(&format!("/mssp/msps/{northwind}/companies/{company}/assets.csv"), Some(&mssp)).await.status, StatusCode::OK);
        let db = &app.test_db.db;
        let scope = domain::testing::signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await;
        let access = domain::associations::latest_for_msp(&db.scoped(&scope)).await.expect("access").expect("association");
        domain::associations::revoke(db, &scope, access.id, "Contract ended", chrono::Utc::now()).await.expect("revoke");
        assert_eq!(app.get(&format!("/mssp/msps/{northwind}/companies/{company}/assets.csv"), Some(&mssp)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.call("company_findings", &table_args(Some(&northwind), &company, "severity"), Some(&mssp)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.call("msp_company", &[("msp", &northwind), ("id", &company)], Some(&mssp)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(call(trend(Some(&northwind), None, "false"), Some(mssp.clone())).await, StatusCode::NOT_FOUND, "trend after revoke");
        assert_eq!(call_top(top("false", Some(&northwind)), Some(mssp.clone())).await.0, StatusCode::NOT_FOUND, "top after revoke");
        let (_, body) = call_top(top("true", None), Some(mssp.clone())).await;
        assert_eq!(body, "[]", "Global lists nothing of a revoked MSP");
    }
);
