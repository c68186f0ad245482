//! The dashboard pages as rendered, remembered by the dashboard cache, through the real router
//! on SQLite and PostgreSQL: a page is reused only for the same reader, scope, address and
//! theme, with a fresh script nonce each time, and association changes drop it.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::inventory::PageKey;
use domain::sessions::{self, SessionToken};
use portal_types::TenantName;
use support::{Reply, TestApp};

/// The script nonce the page carries, and the one its policy allows.
fn nonces(reply: &Reply) -> (String, String) {
    let between = |text: &str, start: &str, end: char| {
        text.split(start)
            .nth(1)
            .and_then(|rest| rest.split(end).next())
            .map(str::to_owned)
    };
    let page = between(&reply.body, "nonce=\"", '"').expect("a nonce in the page");
    let policy = reply.header("content-security-policy").expect("a policy");
    (
        page,
        between(policy, "'nonce-", '\'').expect("a nonce in the policy"),
    )
}

/// What the dashboard cache holds for `session`'s reader at `address` (no theme cookie).
async fn remembered(app: &TestApp, session: &str, address: &str) -> bool {
    let token = SessionToken::parse(session).expect("token");
    let scope = sessions::resolve_scope(&app.db, &token, chrono::Utc::now())
        .await
        .expect("resolve")
        .expect("live session");
    let key = PageKey {
        principal: scope.principal().clone(),
        address: address.to_owned(),
        theme: None,
    };
    app.db.rendered_page(&scope, &key).await.is_some()
}

async fn northwind_id(app: &TestApp) -> i64 {
    let name = TenantName::parse("Northwind MSP").expect("name");
    domain::tenants::find_by_name(&app.db, &name)
        .await
        .expect("lookup")
        .expect("tenant")
        .id
}

http_test!(
    async fn dashboard_pages_are_remembered_for_their_reader_only(app) {
        let app = app.remembering_dashboards().await;
        let owner = app.mssp_owner().await;
        let viewer = app.mssp_viewer().await;
        let other = app.other_mssp_owner().await;
        let northwind = format!("<option value=\"{}\"", northwind_id(&app).await);

        // Rendered, remembered, and served again with a nonce of its own.
        let first = app.get("/mssp", Some(&owner)).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert!(remembered(&app, &owner, "/mssp").await, "the page is remembered");
        assert!(!remembered(&app, &viewer, "/mssp").await, "for its reader only");
        let second = app.get("/mssp", Some(&owner)).await;
        assert_eq!(second.status, StatusCode::OK);
        let ((first_page, first_policy), (second_page, second_policy)) = (nonces(&first), nonces(&second));
        assert_eq!(first_page, first_policy);
        assert_eq!(second_page, second_policy, "the remembered page carries this response's nonce");
        assert_ne!(first_page, second_page);
        assert!(!second.body.contains(&first_page), "no trace of the first response's nonce");
        assert_eq!(first.body.replace(&first_page, &second_page), second.body);
        assert!(second.body.contains(&northwind) && second.body.contains("Add MSP</button>"));

        // A colleague with another role, another MSSP, another theme: each their own page.
        let viewers = app.get("/mssp", Some(&viewer)).await;
        assert!(viewers.body.contains(&northwind) && !viewers.body.contains("Add MSP</button>"), "a viewer adds nothing");
        let others = app.get("/mssp", Some(&other)).await;
        assert!(!others.body.contains("Northwind"), "another MSSP sees none of this one's MSPs");
        let dark = Request::get("/mssp")
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, format!("mssp_session={owner}; mssp_theme=dark"))
            .body(Body::empty())
            .expect("request");
        assert!(app.send(dark).await.body.contains("data-theme=\"dark\""));
        assert!(app.get("/mssp", Some(&owner)).await.body.contains("data-theme=\"system\""));

        // A new request changes the MSPs table without changing what the MSSP may see: the
        // change drops the page.
        let reply = app.call("add_msp", &[("email", "admin@fabrikam-msp.test"), ("tenant_name", "Fabrikam MSP")], Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        // Readers arriving together while the page is not remembered share one render; each
        // still gets the page with its own nonce.
        let together = futures_util::future::join_all((0..8).map(|_| app.get("/mssp", Some(&owner)))).await;
        let (first_nonce, _) = nonces(&together[0]);
        for reply in &together {
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let (page, policy) = nonces(reply);
            assert_eq!(page, policy);
            assert!(reply.body.contains("admin@fabrikam-msp.test"), "the new request is in the table");
            assert_eq!(reply.body.replace(&page, &first_nonce), together[0].body);
        }

        // Northwind revokes: its remembered view is gone with the very next request.
        let view = format!("/mssp/msps/{}", northwind_id(&app).await);
        assert_eq!(app.get(&view, Some(&owner)).await.status, StatusCode::OK);
        assert!(remembered(&app, &owner, &view).await);
        let msp = domain::testing::signed_in_scope(&app.db, "Northwind MSP", "admin@northwind-msp.test").await;
        let access = domain::associations::latest_for_msp(&app.db.scoped(&msp)).await.expect("access").expect("association");
        domain::associations::revoke(&app.db, &msp, access.id, "Contract ended", chrono::Utc::now()).await.expect("revoke");
        assert_eq!(app.get(&view, Some(&owner)).await.status, StatusCode::NOT_FOUND);
        assert!(!app.get("/mssp", Some(&owner)).await.body.contains(&northwind));

        // Signed out, the same cookie reaches no remembered page.
        assert_eq!(app.get("/mssp", Some(&viewer)).await.status, StatusCode::OK);
        assert!(remembered(&app, &viewer, "/mssp").await);
        assert_eq!(app.call("sign_out", &[], Some(&viewer)).await.status, StatusCode::OK);
        let after = app.get("/mssp", Some(&viewer)).await;
        assert_eq!(after.status, StatusCode::FOUND, "{}", after.body);
    }
);

http_test!(
    async fn without_the_dashboard_cache_nothing_is_remembered(app) {
        let owner = app.mssp_owner().await;
        assert_eq!(app.get("/mssp", Some(&owner)).await.status, StatusCode::OK);
        assert!(!remembered(&app, &owner, "/mssp").await);
    }
);
