//! Pages and server functions by kind of principal, security headers, errors, health.

mod support;

use axum::http::StatusCode;

http_test!(async fn anonymous_visitors_are_sent_to_sign_in(app) {
    for path in ["/", "/mssp", "/mssp/settings", "/msp", "/msp/settings"] {
        let reply = app.get(path, None).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{path}");
        let location = reply.header("location").expect("location");
        assert!(location.starts_with("/login"), "{path} → {location}");
    }
    for function in ["mssp_overview", "msp_overview"] {
        let reply = app.call(function, &[], None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{function}");
    }
    // The way back keeps the query of the page asked for.
    let reply = app.get("/mssp/audit?from=2026-11-01&q=a", None).await;
    assert_eq!(reply.header("location"), Some("/login?next=/mssp/audit%3Ffrom%3D2026-11-01%26q%3Da"));
    let login = app.get("/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains("Tenant Name"));
    let step_two = app.get("/login?tenant=Demo+MSSP", None).await;
    assert!(step_two.body.contains("Demo MSSP") && step_two.body.contains("Password"));
});

http_test!(async fn each_kind_reaches_only_its_own_portal(app) {
    let mssp = app.mssp_owner().await;
    let msp = app.msp_admin().await;

    assert_eq!(app.get("/", Some(&mssp)).await.header("location"), Some("/mssp"));
    assert_eq!(app.get("/", Some(&msp)).await.header("location"), Some("/msp"));

    for (session, own, other) in [(&mssp, "/mssp", "/msp"), (&msp, "/msp", "/mssp")] {
        for suffix in ["", "/settings"] {
            let mine = app.get(&format!("{own}{suffix}"), Some(session)).await;
            assert_eq!(mine.status, StatusCode::OK, "{own}{suffix}");
            let theirs = app.get(&format!("{other}{suffix}"), Some(session)).await;
            assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{other}{suffix}");
            assert!(theirs.body.contains("Page not found"));
        }
    }
    // Server functions refuse the other kind as "not found", and serve their own.
    assert_eq!(app.call("mssp_overview", &[], Some(&msp)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.call("msp_overview", &[], Some(&mssp)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.call("mssp_overview", &[], Some(&mssp)).await.status, StatusCode::OK);
    assert_eq!(app.call("msp_overview", &[], Some(&msp)).await.status, StatusCode::OK);
    // Each sees its own team only.
    let team_emails = |body: &str| -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(body).expect("json");
        value["members"].as_array().expect("members").iter().map(|m| m["email"].as_str().expect("email").to_owned()).collect()
    };
    let own = app.call("team", &[], Some(&mssp)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(team_emails(&own.body), ["owner@demo-mssp.test", "viewer@demo-mssp.test"], "only the MSSP's own users");
    let own = app.call("team", &[], Some(&msp)).await;
    assert_eq!(team_emails(&own.body), ["admin@northwind-msp.test"], "only the MSP's own users");
});

http_test!(async fn pages_carry_security_headers_and_a_nonce_policy(app) {
    let session = app.mssp_viewer().await;
    let page = app.get("/mssp", Some(&session)).await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.header("content-security-policy").expect("CSP");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce");
    assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "hydration scripts carry the nonce");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert!(page.header("x-request-id").is_some());
    // A second page gets a different nonce.
    let again = app.get("/mssp", Some(&session)).await;
    assert_ne!(again.header("content-security-policy"), Some(csp));
});

http_test!(async fn unknown_routes_are_a_404_page(app) {
    let reply = app.get("/no/such/page", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("Page not found"));
});

http_test!(async fn health_and_readiness(app) {
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(ready.body.contains("ready"));
});

http_test!(async fn the_theme_choice_is_remembered_and_rendered(app) {
    let reply = app.call("set_theme", &[("theme", "dark")], None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let cookie = reply.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|c| c.starts_with("mssp_theme=")).expect("theme cookie").to_owned();
    assert!(cookie.starts_with("mssp_theme=dark;"));
    let request = axum::http::Request::get("/login").header("cookie", "mssp_theme=dark").body(axum::body::Body::empty()).expect("request");
    let page = app.send(request).await;
    assert!(page.body.contains("data-theme=\"dark\""), "server renders the chosen theme");
    assert_eq!(app.call("set_theme", &[("theme", "purple")], None).await.status, StatusCode::UNPROCESSABLE_ENTITY);
});
