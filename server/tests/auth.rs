//! Sign-in, sessions, sign-out, rate limits and cross-site refusal, through the real router.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::encode;

http_test!(async fn sign_in_sets_a_safe_session_cookie_and_lands_in_the_portal(app) {
    let reply = app
        .call("sign_in", &[("tenant_name", "demo mssp"), ("email", "OWNER@demo-mssp.test"), ("password", "portal-demo-1")], None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let cookie = reply.set_cookie_line();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
    // The browser loads the answered page itself (a new page carries the new session).
    assert_eq!(reply.body, r#""/""#);
    assert_eq!(reply.header("location"), None);
    let session = reply.session_cookie().expect("cookie");

    let home = app.get("/mssp", Some(&session)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Global"), "{}", home.body);
    assert!(home.body.contains("Need support?"));
    assert!(home.body.contains("Company selector"));
    let me = app.call("signed_in_user", &[], Some(&session)).await;
    assert!(me.body.contains("owner@demo-mssp.test"), "{}", me.body);
});

http_test!(async fn every_wrong_part_gives_the_same_answer(app) {
    let mut bodies = Vec::new();
    for (tenant, email, password) in [
        ("No Such Tenant", "owner@demo-mssp.test", "portal-demo-1"),
        ("Demo MSSP", "nobody@demo-mssp.test", "portal-demo-1"),
        ("Demo MSSP", "owner@demo-mssp.test", "wrong-password"),
        ("Northwind MSP", "owner@demo-mssp.test", "portal-demo-1"),
    ] {
        let reply = app.call("sign_in", &[("tenant_name", tenant), ("email", email), ("password", password)], None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{tenant}/{email}");
        assert!(reply.session_cookie().is_none());
        bodies.push(reply.body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
});

http_test!(async fn bad_input_is_a_clear_error(app) {
    let long = "x".repeat(10_000);
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("tenant_name", ""), ("email", "a@b.test"), ("password", "x")], "tenant_name"),
        (&[("tenant_name", &long), ("email", "a@b.test"), ("password", "x")], "tenant_name"),
        (&[("tenant_name", "Demo MSSP"), ("email", "not-an-email"), ("password", "x")], "email"),
        (&[("tenant_name", "Demo MSSP"), ("email", "a@b.test"), ("password", &long)], "password"),
    ];
    for (form, field) in cases {
        let reply = app.call("sign_in", form, None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", reply.body);
        assert!(reply.body.contains(field), "{}", reply.body);
    }
    // Missing arguments: a 400, not a panic.
    let reply = app.call("sign_in", &[("tenant_name", "Demo MSSP")], None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    // A body over the limit: 413.
    let huge = "a".repeat(server::router::BODY_LIMIT_BYTES + 1);
    let reply = app.call("sign_in", &[("tenant_name", &huge)], None).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
});

http_test!(async fn malformed_and_forged_cookies_are_no_session(app) {
    for cookie in ["garbage", "", "%%%", &"A".repeat(43), &"é".repeat(100)] {
        let reply = app.get("/mssp", Some(cookie)).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{cookie:?}");
        assert_eq!(reply.header("location"), Some("/login?next=/mssp"));
    }
});

http_test!(async fn sign_out_ends_the_session(app) {
    let session = app.msp_admin().await;
    assert_eq!(app.get("/msp", Some(&session)).await.status, StatusCode::OK);
    let reply = app.call("sign_out", &[], Some(&session)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.set_cookie_line().contains("Max-Age=0"));
    assert_eq!(reply.body, r#""/login""#);
    let after = app.get("/msp", Some(&session)).await;
    assert_eq!(after.status, StatusCode::FOUND);
});

http_test!(async fn idle_sessions_expire(app) {
    use sea_orm::{ConnectionTrait, Statement};
    let session = app.mssp_owner().await;
    assert_eq!(app.get("/mssp", Some(&session)).await.status, StatusCode::OK);
    let conn = sea_orm::Database::connect(app.test_db.url()).await.expect("connect");
    let idle_since = chrono::Utc::now() - chrono::Duration::minutes(31);
    conn.execute_raw(Statement::from_sql_and_values(
        conn.get_database_backend(),
        match conn.get_database_backend() {
            sea_orm::DbBackend::Postgres => "UPDATE sessions SET last_seen_at = $1",
            _ => "UPDATE sessions SET last_seen_at = ?",
        },
        [idle_since.into()],
    ))
    .await
    .expect("age the session");
    let reply = app.get("/mssp", Some(&session)).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.header("location"), Some("/login?next=/mssp"));
});

http_test!(async fn sign_in_attempts_are_limited_with_retry_after(app) {
    let limit = domain::signin::PER_ACCOUNT.max;
    for _ in 0..limit {
        let reply = app.call("sign_in", &[("tenant_name", "Demo MSSP"), ("email", "owner@demo-mssp.test"), ("password", "nope")], None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = app.call("sign_in", &[("tenant_name", "Demo MSSP"), ("email", "owner@demo-mssp.test"), ("password", "portal-demo-1")], None).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{}", reply.body);
    let retry: u64 = reply.header("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((1..=900).contains(&retry), "{retry}");
    // Another account from the same client is not locked by this one.
    app.msp_admin().await;
});

http_test!(async fn cross_site_posts_are_refused(app) {
    let form = encode(&[("tenant_name", "Demo MSSP"), ("email", "owner@demo-mssp.test"), ("password", "portal-demo-1")]);
    for (name, value) in [("sec-fetch-site", "cross-site"), ("sec-fetch-site", "same-site"), ("origin", "http://evil.test")] {
        let request = Request::post("/rpc/sign_in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:3000")
            .header(name, value)
            .body(Body::from(form.clone()))
            .expect("request");
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(reply.session_cookie().is_none());
    }
    let same_origin = Request::post("/rpc/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .body(Body::from(form))
        .expect("request");
    assert_eq!(app.send(same_origin).await.status, StatusCode::OK);
});

http_test!(async fn sign_in_without_javascript_redirects(app) {
    // A plain HTML form post: success → 302 to `next`; failure → back to the form with the
    // error in the URL, which the page then shows.
    let form = |password: &str| encode(&[("tenant_name", "Demo MSSP"), ("email", "owner@demo-mssp.test"), ("password", password), ("next", "/mssp/settings")]);
    let post = |body: String| {
        Request::post("/rpc/sign_in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, "http://127.0.0.1:3000/login?tenant=Demo+MSSP")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .expect("request")
    };
    let failed = app.send(post(form("wrong"))).await;
    assert_eq!(failed.status, StatusCode::FOUND);
    let back = failed.header("location").expect("location").to_owned();
    assert!(back.contains("/login?tenant=Demo+MSSP") && back.contains("__err="), "{back}");
    let page = app.get(back.trim_start_matches("http://127.0.0.1:3000"), None).await;
    assert!(page.body.contains("The tenant name, email or password is not right."), "{}", page.body);

    let ok = app.send(post(form("portal-demo-1"))).await;
    assert_eq!(ok.status, StatusCode::FOUND);
    assert_eq!(ok.header("location"), Some("/mssp/settings"));
    assert!(ok.session_cookie().is_some());
});
