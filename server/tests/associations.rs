//! The association lifecycle over HTTP, on SQLite and PostgreSQL: every server function
//! against every kind of actor, the guide's messages, bad input, the rate limit, and the
//! live event stream.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use support::TestApp;

const NOT_FOUND: &str = "Email ID or Tenant Name not found";
const ALREADY: &str = "Tenant already associated to mssp";

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// The MSSP's MSPs table as `(name, status)` pairs.
async fn msps(app: &TestApp, session: &str) -> Vec<(String, String)> {
    let reply = app
        .call(
            "list_msps",
            &[
                ("search", ""),
                ("sort", "msp_name"),
                ("descending", "false"),
                ("page", "1"),
            ],
            Some(session),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    json(&reply.body)["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["msp_name"].as_str().expect("name").to_owned(),
                r["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect()
}

fn row_id(rows: &Value, msp: &str) -> String {
    rows["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["msp_name"] == msp)
        .map(|r| r["id"].to_string())
        .unwrap_or_else(|| panic!("{msp} not listed"))
}

async fn list(app: &TestApp, session: &str) -> Value {
    let reply = app
        .call(
            "list_msps",
            &[
                ("search", ""),
                ("sort", "requested"),
                ("descending", "true"),
                ("page", "1"),
            ],
            Some(session),
        )
        .await;
    json(&reply.body)
}

async fn contoso(app: &TestApp) -> String {
    app.sign_in("Contoso MSP", "admin@contoso-msp.test").await
}

async fn fabrikam(app: &TestApp) -> String {
    app.sign_in("Fabrikam MSP", "admin@fabrikam-msp.test").await
}

http_test!(async fn add_msp_answers_with_the_guides_words(app) {
    let owner = app.mssp_owner().await;
    let add = |email: &'static str, name: &'static str| (email, name);
    for (email, name) in [add("admin@fabrikam-msp.test", "Fabrikam"), add("nobody@fabrikam-msp.test", "Fabrikam MSP")] {
        let reply = app.call("add_msp", &[("email", email), ("tenant_name", name)], Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        assert!(reply.body.contains(NOT_FOUND), "{}", reply.body);
    }
    // Contoso has a pending request (demo data), Northwind an approved one.
    for (email, name) in [add("admin@contoso-msp.test", "Contoso MSP"), add("admin@northwind-msp.test", "northwind msp")] {
        let reply = app.call("add_msp", &[("email", email), ("tenant_name", name)], Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
        assert!(reply.body.contains(ALREADY), "{}", reply.body);
    }
    let reply = app.call("add_msp", &[("email", "Admin@Fabrikam-MSP.test"), ("tenant_name", "Fabrikam MSP")], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(msps(&app, &owner).await.contains(&("Fabrikam MSP".into(), "PENDING_APPROVAL".into())));
});

http_test!(async fn add_msp_refuses_viewers_msps_anonymous_and_bad_input(app) {
    let form = [("email", "admin@fabrikam-msp.test"), ("tenant_name", "Fabrikam MSP")];
    let viewer = app.mssp_viewer().await;
    assert_eq!(app.call("add_msp", &form, Some(&viewer)).await.status, StatusCode::FORBIDDEN);
    let msp = app.msp_admin().await;
    assert_eq!(app.call("add_msp", &form, Some(&msp)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.call("add_msp", &form, None).await.status, StatusCode::UNAUTHORIZED);

    let owner = app.mssp_owner().await;
    let long = "x".repeat(10_000);
    for (email, name) in [("not-an-email", "Fabrikam MSP"), ("admin@fabrikam-msp.test", ""), ("admin@fabrikam-msp.test", long.as_str())] {
        let reply = app.call("add_msp", &[("email", email), ("tenant_name", name)], Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{email} / {} chars: {}", name.len(), reply.body);
    }
    let missing = app.call("add_msp", &[("email", "admin@fabrikam-msp.test")], Some(&owner)).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    // Nothing was written by any of it.
    assert!(!msps(&app, &owner).await.iter().any(|(name, _)| name == "Fabrikam MSP"));
    // Only MSSPs have an MSPs table.
    assert_eq!(app.call("list_msps", &[("search", ""), ("sort", "requested"), ("descending", "true"), ("page", "1")], Some(&msp)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.call("list_msps", &[("search", &long), ("sort", "requested"), ("descending", "true"), ("page", "1")], Some(&owner)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
});

http_test!(async fn the_addressed_msp_decides_with_a_required_reason(app) {
    let owner = app.mssp_owner().await;
    assert_eq!(app.call("add_msp", &[("email", "admin@fabrikam-msp.test"), ("tenant_name", "Fabrikam MSP")], Some(&owner)).await.status, StatusCode::OK);
    let id = row_id(&list(&app, &owner).await, "Fabrikam MSP");
    let fabrikam = fabrikam(&app).await;

    // The bell: one unread notification about the request, with its state.
    let inbox = json(&app.call("my_notifications", &[], Some(&fabrikam)).await.body);
    assert_eq!(inbox["unread"], 1);
    assert_eq!(inbox["items"][0]["title"], "MSSP Approval Request");
    assert_eq!(inbox["items"][0]["request"]["status"], "PENDING_APPROVAL");
    assert_eq!(inbox["items"][0]["request"]["mssp_name"], "Demo MSSP");

    let decide = |reason: &str, approve: &str| [("id", id.clone()), ("approve", approve.to_owned()), ("reason", reason.to_owned())];
    let call = |form: [(&'static str, String); 3], session: Option<String>| {
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("decide_request", &form, session.as_deref()).await
        }
    };
    // Without a reason, or with one far too long: refused, nothing changes.
    for reason in ["", "   ", &"r".repeat(10_000)] {
        let reply = call(decide(reason, "true"), Some(fabrikam.clone())).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    }
    // Another MSP's admin and the MSSP itself: not found. Anonymous: sign in.
    let northwind = app.msp_admin().await;
    assert_eq!(call(decide("ok", "true"), Some(northwind)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(call(decide("ok", "true"), Some(owner.clone())).await.status, StatusCode::NOT_FOUND);
    assert_eq!(call(decide("ok", "true"), None).await.status, StatusCode::UNAUTHORIZED);
    assert!(msps(&app, &owner).await.contains(&("Fabrikam MSP".into(), "PENDING_APPROVAL".into())));

    let reply = call(decide("Trusted partner", "true"), Some(fabrikam.clone())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(msps(&app, &owner).await.contains(&("Fabrikam MSP".into(), "APPROVED".into())));
    // A replayed decision is refused and changes nothing.
    let replay = call(decide("Changed my mind", "false"), Some(fabrikam.clone())).await;
    assert_eq!(replay.status, StatusCode::CONFLICT, "{}", replay.body);
    let access = json(&app.call("current_msp_access", &[], Some(&fabrikam)).await.body);
    assert_eq!((access["status"].as_str(), access["reason"].as_str()), (Some("APPROVED"), Some("Trusted partner")));

    // Reading the bell marks it read; only the reader's.
    assert_eq!(json(&app.call("mark_notifications_read", &[], Some(&fabrikam)).await.body), 1);
    assert_eq!(json(&app.call("my_notifications", &[], Some(&fabrikam)).await.body)["unread"], 0);
});

http_test!(async fn cancel_resend_and_revoke_check_who_and_when(app) {
    let owner = app.mssp_owner().await;
    let viewer = app.mssp_viewer().await;
    let contoso = contoso(&app).await;
    let northwind = app.msp_admin().await;
    let rows = list(&app, &owner).await;
    let (pending, approved) = (row_id(&rows, "Contoso MSP"), row_id(&rows, "Northwind MSP"));
    let id = |id: &str| vec![("id", id.to_owned())];
    let call = |function: &'static str, form: Vec<(&'static str, String)>, session: Option<&String>| {
        let app = &app;
        let session = session.cloned();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(function, &form, session.as_deref()).await.status
        }
    };

    for function in ["resend_msp_request", "cancel_msp_request"] {
        assert_eq!(call(function, id(&pending), Some(&viewer)).await, StatusCode::FORBIDDEN, "{function}");
        assert_eq!(call(function, id(&pending), Some(&contoso)).await, StatusCode::NOT_FOUND, "{function}");
        assert_eq!(call(function, id(&pending), None).await, StatusCode::UNAUTHORIZED, "{function}");
        assert_eq!(call(function, id("999999"), Some(&owner)).await, StatusCode::NOT_FOUND, "{function}");
    }
    assert_eq!(call("resend_msp_request", id(&pending), Some(&owner)).await, StatusCode::OK);
    assert_eq!(call("cancel_msp_request", id(&pending), Some(&owner)).await, StatusCode::OK);
    assert_eq!(call("cancel_msp_request", id(&pending), Some(&owner)).await, StatusCode::CONFLICT);
    assert_eq!(call("resend_msp_request", id(&pending), Some(&owner)).await, StatusCode::CONFLICT);
    assert_eq!(call("cancel_msp_request", vec![("id", "not-a-number".into())], Some(&owner)).await, StatusCode::BAD_REQUEST);

    let revoke = |reason: &str| vec![("id", approved.clone()), ("reason", reason.to_owned())];
    assert_eq!(call("revoke_association", revoke("Done"), Some(&contoso)).await, StatusCode::NOT_FOUND);
    assert_eq!(call("revoke_association", revoke("Done"), Some(&viewer)).await, StatusCode::FORBIDDEN);
    assert_eq!(call("revoke_association", revoke(""), Some(&owner)).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(call("revoke_association", revoke("Done"), None).await, StatusCode::UNAUTHORIZED);
    assert!(msps(&app, &owner).await.contains(&("Northwind MSP".into(), "APPROVED".into())));
    // The MSP side revokes too.
    assert_eq!(call("revoke_association", revoke("Contract ended"), Some(&northwind)).await, StatusCode::OK);
    assert!(msps(&app, &owner).await.contains(&("Northwind MSP".into(), "REVOKED".into())));
    assert_eq!(call("revoke_association", revoke("Again"), Some(&owner)).await, StatusCode::CONFLICT);
    // After revocation and cancellation the MSSP may ask again.
    for (email, name) in [("admin@northwind-msp.test", "Northwind MSP"), ("admin@contoso-msp.test", "Contoso MSP")] {
        let reply = app.call("add_msp", &[("email", email), ("tenant_name", name)], Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
    }
});

http_test!(async fn a_decision_on_an_expired_request_is_refused(app) {
    use sea_orm::{ConnectionTrait, Statement};
    let conn = sea_orm::Database::connect(app.test_db.url()).await.expect("connect");
    conn.execute_raw(Statement::from_string(
        conn.get_database_backend(),
        "UPDATE associations SET expires_at = requested_at WHERE status = 'PENDING_APPROVAL'",
    ))
    .await
    .expect("age the request");
    let owner = app.mssp_owner().await;
    let id = row_id(&list(&app, &owner).await, "Contoso MSP");
    let contoso = contoso(&app).await;
    let reply = app.call("decide_request", &[("id", &id), ("approve", "true"), ("reason", "Late")], Some(&contoso)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    assert!(reply.body.contains("expired"), "{}", reply.body);
    assert!(msps(&app, &owner).await.contains(&("Contoso MSP".into(), "PENDING_APPROVAL".into())), "unchanged until the expiry job runs");
});

http_test!(async fn add_msp_is_rate_limited_per_mssp(app) {
    let owner = app.mssp_owner().await;
    let limit = domain::associations::ADD_MSP_LIMIT.max;
    for attempt in 0..limit {
        let name = format!("Guess {attempt}");
        let reply = app.call("add_msp", &[("email", "a@b.test"), ("tenant_name", &name)], Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {attempt}");
    }
    let reply = app.call("add_msp", &[("email", "admin@fabrikam-msp.test"), ("tenant_name", "Fabrikam MSP")], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{}", reply.body);
    assert!(reply.header("retry-after").is_some());
    // The limit is the MSSP's, and a viewer of it shares it; MSPs are unaffected.
    let contoso = contoso(&app).await;
    assert_eq!(app.call("my_notifications", &[], Some(&contoso)).await.status, StatusCode::OK);
});

/// Reads SSE events (`event:` names) from a streaming body until `want` are seen.
async fn next_events(body: &mut Body, want: usize) -> Vec<String> {
    let mut names = Vec::new();
    let mut buffer = String::new();
    while names.len() < want {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
            .await
            .unwrap_or_else(|_| panic!("no event in time; got {names:?}"))
            .expect("stream open")
            .expect("frame");
        if let Ok(data) = frame.into_data() {
            buffer.push_str(&String::from_utf8_lossy(&data));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if let Some(name) = event.lines().find_map(|l| {
                    l.strip_prefix("event: ")
                        .or_else(|| l.strip_prefix("event:"))
                }) {
                    names.push(name.trim().to_owned());
                }
            }
        }
    }
    names
}

async fn open_stream(app: &TestApp, session: Option<&str>) -> axum::http::Response<Body> {
    use tower::ServiceExt;
    let mut request = Request::get("/events").header(header::ACCEPT, "text/event-stream");
    if let Some(session) = session {
        request = request.header(header::COOKIE, format!("mssp_session={session}"));
    }
    app.router
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("infallible")
}

http_test!(async fn each_user_hears_only_their_own_tenants_changes(app) {
    assert_eq!(open_stream(&app, None).await.status(), StatusCode::UNAUTHORIZED);

    let owner = app.mssp_owner().await;
    let fabrikam = fabrikam(&app).await;
    let contoso = contoso(&app).await;
    let mssp_stream = open_stream(&app, Some(&owner)).await;
    assert_eq!(mssp_stream.status(), StatusCode::OK);
    assert_eq!(mssp_stream.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut mssp_events = mssp_stream.into_body();
    let mut fabrikam_events = open_stream(&app, Some(&fabrikam)).await.into_body();
    let mut contoso_events = open_stream(&app, Some(&contoso)).await.into_body();
    for events in [&mut mssp_events, &mut fabrikam_events, &mut contoso_events] {
        assert_eq!(next_events(events, 1).await, ["ready"]);
    }

    let reply = app.call("add_msp", &[("email", "admin@fabrikam-msp.test"), ("tenant_name", "Fabrikam MSP")], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(next_events(&mut mssp_events, 1).await, ["associations"]);
    let mut heard = next_events(&mut fabrikam_events, 2).await;
    heard.sort();
    assert_eq!(heard, ["associations", "notifications"]);
    // Contoso's stream stays quiet: nothing of its tenant changed.
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(500), contoso_events.frame()).await;
    assert!(quiet.is_err(), "Contoso heard another tenant's change");
});
