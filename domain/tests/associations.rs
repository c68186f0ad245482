//! The association lifecycle on SQLite and PostgreSQL: each transition, who may make it, the
//! guide's error messages, expiry, and the one-active-per-MSP invariant under concurrency.

mod common;

use chrono::{Duration, Utc};
use domain::associations::{
    self, ALREADY_ASSOCIATED, Decision, ListQuery, NOT_FOUND, SortBy, Status,
};
use domain::live::{Change, Topic};
use domain::notifications;
use domain::sessions;
use domain::testing::{signed_in, signed_in_scope};
use domain::{Error, Scope, db_test, demo};

struct Actors {
    mssp_owner: Scope,
    mssp_viewer: Scope,
    northwind: Scope,
    contoso: Scope,
}

async fn actors(test: &domain::testing::TestDb) -> Actors {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    // The demo associates Northwind (approved) and Contoso (pending); start from none.
    {
        use sea_orm::{ConnectionTrait, Statement};
        let conn = sea_orm::Database::connect(test.url())
            .await
            .expect("connect");
        conn.execute_raw(Statement::from_string(
            conn.get_database_backend(),
            "DELETE FROM associations",
        ))
        .await
        .expect("clear");
    }
    Actors {
        mssp_owner: signed_in_scope(db, "Demo MSSP", "owner@demo-mssp.test").await,
        mssp_viewer: signed_in_scope(db, "Demo MSSP", "viewer@demo-mssp.test").await,
        northwind: signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await,
        contoso: signed_in_scope(db, "Contoso MSP", "admin@contoso-msp.test").await,
    }
}

fn message(error: Error) -> String {
    error.into_app_error().to_string()
}

db_test!(async fn request_approve_and_revoke(test) {
    let db = &test.db;
    let a = actors(&test).await;
    let now = Utc::now();
    // A request's scope comes with its session, in one statement; it must agree with the
    // scope resolved on its own at every step.
    let session = signed_in(db, "Demo MSSP", "owner@demo-mssp.test").await;
    let session_scope = async || {
        let scope = sessions::resolve_scope(db, &session, Utc::now()).await.expect("resolve").expect("live session");
        scope.approved_msps().to_vec()
    };
    let id = associations::request(db, &a.mssp_owner, "northwind msp", "ADMIN@northwind-msp.test", now).await.expect("request");

    // Only the addressed MSP decides; another MSP gets "not found"; a reason is required.
    assert!(matches!(associations::decide(db, &a.contoso, id, Decision::Approve, "ok", now).await, Err(Error::NotFound)));
    assert!(matches!(associations::decide(db, &a.mssp_owner, id, Decision::Approve, "ok", now).await, Err(Error::NotFound)));
    assert!(matches!(associations::decide(db, &a.northwind, id, Decision::Approve, "   ", now).await, Err(Error::Invalid(_))));
    let before = Scope::resolve(db, a.mssp_owner.principal().clone()).await.expect("scope");
    assert!(before.approved_msps().is_empty(), "pending grants nothing");
    assert!(session_scope().await.is_empty());

    associations::decide(db, &a.northwind, id, Decision::Approve, "Trusted partner", now).await.expect("approve");
    let after = Scope::resolve(db, a.mssp_owner.principal().clone()).await.expect("scope");
    assert_eq!(after.approved_msps(), &[a.northwind.tenant_id()]);
    assert_eq!(session_scope().await, [a.northwind.tenant_id()]);
    assert!(after.visible_tenants().contains(&a.northwind.tenant_id()));

    // A replayed decision changes nothing.
    let replay = associations::decide(db, &a.northwind, id, Decision::Reject, "changed my mind", now).await;
    assert!(matches!(replay, Err(Error::Conflict(_))), "{replay:?}");

    // Revoking needs a reason; afterwards the MSSP's scope loses the MSP at once.
    assert!(matches!(associations::revoke(db, &a.northwind, id, "", now).await, Err(Error::Invalid(_))));
    associations::revoke(db, &a.northwind, id, "Contract ended", now).await.expect("revoke");
    let revoked = Scope::resolve(db, a.mssp_owner.principal().clone()).await.expect("scope");
    assert!(revoked.approved_msps().is_empty());
    assert!(session_scope().await.is_empty(), "the next request's scope has lost the MSP");

    // After revocation the MSSP may ask again.
    associations::request(db, &a.mssp_owner, "Northwind MSP", "admin@northwind-msp.test", now).await.expect("new request");
});

db_test!(async fn add_msp_errors_use_the_guides_words(test) {
    let db = &test.db;
    let a = actors(&test).await;
    let now = Utc::now();
    for (name, email) in [
        ("No Such MSP", "admin@northwind-msp.test"),
        ("Northwind MSP", "someone@northwind-msp.test"),
        ("Demo MSSP", "owner@demo-mssp.test"),
    ] {
        let error = associations::request(db, &a.mssp_owner, name, email, now).await.expect_err("refused");
        assert_eq!(message(error), NOT_FOUND, "{name} / {email}");
    }
    associations::request(db, &a.mssp_owner, "Northwind MSP", "admin@northwind-msp.test", now).await.expect("first");
    let again = associations::request(db, &a.mssp_owner, "Northwind MSP", "admin@northwind-msp.test", now).await.expect_err("refused");
    assert_eq!(message(again), ALREADY_ASSOCIATED);
    // Viewers change nothing; MSP users cannot request.
    assert!(matches!(associations::request(db, &a.mssp_viewer, "Contoso MSP", "admin@contoso-msp.test", now).await, Err(Error::Forbidden)));
    assert!(matches!(associations::request(db, &a.contoso, "Northwind MSP", "admin@northwind-msp.test", now).await, Err(Error::NotFound)));
    // Bad input is a clear error.
    assert!(matches!(associations::request(db, &a.mssp_owner, &"x".repeat(10_000), "a@b.test", now).await, Err(Error::Invalid(_))));
    assert!(matches!(associations::request(db, &a.mssp_owner, "Contoso MSP", "not-an-email", now).await, Err(Error::Invalid(_))));
});

db_test!(async fn cancel_reject_and_expiry(test) {
    let db = &test.db;
    let a = actors(&test).await;
    let now = Utc::now();
    let id = associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect("request");
    assert!(matches!(associations::cancel(db, &a.contoso, id, now).await, Err(Error::NotFound)), "only the MSSP cancels");
    associations::cancel(db, &a.mssp_owner, id, now).await.expect("cancel");
    assert!(matches!(associations::cancel(db, &a.mssp_owner, id, now).await, Err(Error::Conflict(_))));

    let id = associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect("again");
    associations::decide(db, &a.contoso, id, Decision::Reject, "Not now", now).await.expect("reject");

    let id = associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect("third");
    let late = now + Duration::days(associations::DEFAULT_EXPIRY_DAYS) + Duration::seconds(1);
    let expired = associations::decide(db, &a.contoso, id, Decision::Approve, "Too late", late).await;
    assert!(matches!(expired, Err(Error::Conflict(_))), "{expired:?}");
    assert_eq!(associations::expire_due(db, late).await.expect("expire"), 1);
    assert_eq!(associations::expire_due(db, late).await.expect("expire again"), 0);
    associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", late).await.expect("after expiry");
});

db_test!(async fn fifty_concurrent_requests_leave_one_active(test) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = test.db.clone();
    let a = actors(&test).await;
    let now = Utc::now();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (db, scope) = (db.clone(), a.mssp_owner.clone());
            tokio::spawn(async move { associations::request(&db, &scope, "Fabrikam MSP", "admin@fabrikam-msp.test", now).await })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        match task.await.expect("join") {
            Ok(_) => created += 1,
            Err(Error::Conflict(message)) => assert_eq!(message, ALREADY_ASSOCIATED),
            Err(other) => panic!("a request failed other than as a conflict: {other:?}"),
        }
    }
    assert_eq!(created, 1);
    let conn = sea_orm::Database::connect(test.url()).await.expect("connect");
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), "SELECT COUNT(*) AS n FROM associations"))
        .await
        .expect("count")
        .expect("row");
    assert_eq!(row.try_get::<i64>("", "n").expect("n"), 1);
});

db_test!(async fn approve_racing_cancel_has_one_outcome(test) {
    let db = test.db.clone();
    let a = actors(&test).await;
    let now = Utc::now();
    for _ in 0..5 {
        let id = associations::request(&db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect("request");
        let approve = {
            let (db, scope) = (db.clone(), a.contoso.clone());
            tokio::spawn(async move { associations::decide(&db, &scope, id, Decision::Approve, "Go ahead", now).await })
        };
        let cancel = {
            let (db, scope) = (db.clone(), a.mssp_owner.clone());
            tokio::spawn(async move { associations::cancel(&db, &scope, id, now).await })
        };
        let (approved, cancelled) = (approve.await.expect("join"), cancel.await.expect("join"));
        assert!(approved.is_ok() != cancelled.is_ok(), "exactly one wins: {approved:?} / {cancelled:?}");
        let won_approval = approved.is_ok();
        let loser = approved.err().or(cancelled.err()).expect("one lost");
        assert!(matches!(loser, Error::Conflict(_)), "{loser:?}");
        let page = associations::list_for_mssp(&db.scoped(&a.mssp_owner), &first_page()).await.expect("list");
        let status = page.rows.iter().find(|r| r.id == id).expect("listed").status;
        let expected = if won_approval { Status::Approved } else { Status::Cancelled };
        assert_eq!(status, expected);
        if status == Status::Approved {
            associations::revoke(&db, &a.mssp_owner, id, "Next round", now).await.expect("revoke");
        }
    }
});

fn first_page() -> ListQuery {
    ListQuery {
        page: 1,
        per_page: 25,
        ..ListQuery::default()
    }
}

db_test!(async fn a_request_notifies_the_msp_admins_and_announces_itself(test) {
    let db = &test.db;
    let a = actors(&test).await;
    let now = Utc::now();
    let mut changes = db.subscribe().await.expect("subscribe");
    let id = associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect("request");

    let mut seen = Vec::new();
    for _ in 0..3 {
        let change = tokio::time::timeout(std::time::Duration::from_secs(5), changes.recv()).await.expect("in time").expect("change");
        seen.push(change);
    }
    for expected in [
        Change { tenant: a.mssp_owner.tenant_id(), topic: Topic::Associations },
        Change { tenant: a.contoso.tenant_id(), topic: Topic::Associations },
        Change { tenant: a.contoso.tenant_id(), topic: Topic::Notifications },
    ] {
        assert!(seen.contains(&expected), "{expected:?} in {seen:?}");
    }

    let inbox = notifications::inbox(&db.scoped(&a.contoso)).await.expect("inbox");
    assert_eq!(inbox.unread, 1);
    let item = &inbox.items[0];
    assert_eq!(item.title, "MSSP Approval Request");
    assert!(item.body.contains("Demo MSSP"), "{}", item.body);
    let about = item.association.as_ref().expect("about the request");
    assert_eq!((about.id, about.status, about.mssp_name.as_str()), (id, Status::PendingApproval, "Demo MSSP"));
    // Nobody else's bell rings: not the MSSP's, not another MSP's.
    assert_eq!(notifications::inbox(&db.scoped(&a.mssp_owner)).await.expect("inbox").unread, 0);
    assert_eq!(notifications::inbox(&db.scoped(&a.northwind)).await.expect("inbox").unread, 0);

    assert_eq!(notifications::mark_all_read(&db.scoped(&a.contoso), now).await.expect("read"), 1);
    let inbox = notifications::inbox(&db.scoped(&a.contoso)).await.expect("inbox");
    assert_eq!((inbox.unread, inbox.items.len(), inbox.items[0].read), (0, 1, true));

    // The bell shows the request as it stands now.
    associations::decide(db, &a.contoso, id, Decision::Reject, "Not now", now).await.expect("reject");
    let inbox = notifications::inbox(&db.scoped(&a.contoso)).await.expect("inbox");
    assert_eq!(inbox.items[0].association.as_ref().map(|r| r.status), Some(Status::Rejected));
});

db_test!(async fn a_refused_request_writes_nothing(test) {
    let db = &test.db;
    let a = actors(&test).await;
    let now = Utc::now();
    associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect("request");
    associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect_err("already");
    associations::request(db, &a.mssp_owner, "Nowhere MSP", "admin@contoso-msp.test", now).await.expect_err("not found");
    let inbox = notifications::inbox(&db.scoped(&a.contoso)).await.expect("inbox");
    assert_eq!(inbox.items.len(), 1, "one notification, for the one request");
    let page = associations::list_for_mssp(&db.scoped(&a.mssp_owner), &first_page()).await.expect("list");
    assert_eq!(page.total, 1);
});

db_test!(async fn the_msps_table_searches_filters_sorts_and_pages(test) {
    let db = &test.db;
    let a = actors(&test).await;
    let now = Utc::now();
    let contoso = associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect("request");
    associations::cancel(db, &a.mssp_owner, contoso, now).await.expect("cancel");
    // The latest request per MSP is listed, not the history.
    associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now + Duration::seconds(1)).await.expect("again");
    let northwind = associations::request(db, &a.mssp_owner, "Northwind MSP", "admin@northwind-msp.test", now + Duration::seconds(2)).await.expect("request");
    associations::decide(db, &a.northwind, northwind, Decision::Approve, "Yes", now).await.expect("approve");
    let scoped = db.scoped(&a.mssp_owner);

    let all = associations::list_for_mssp(&scoped, &first_page()).await.expect("list");
    assert_eq!(all.total, 2);
    let names: Vec<_> = all.rows.iter().map(|r| (r.msp_name.as_str(), r.status)).collect();
    assert_eq!(names, [("Contoso MSP", Status::PendingApproval), ("Northwind MSP", Status::Approved)]);

    let by_name_desc = ListQuery { sort: SortBy::MspName, descending: true, ..first_page() };
    let rows = associations::list_for_mssp(&scoped, &by_name_desc).await.expect("list").rows;
    assert_eq!(rows[0].msp_name, "Northwind MSP");

    let search = ListQuery { search: Some("NORTH".into()), ..first_page() };
    assert_eq!(associations::list_for_mssp(&scoped, &search).await.expect("list").total, 1);
    let by_email = ListQuery { search: Some("admin@contoso".into()), ..first_page() };
    assert_eq!(associations::list_for_mssp(&scoped, &by_email).await.expect("list").total, 1);
    let wildcard = ListQuery { search: Some("%".into()), ..first_page() };
    assert_eq!(associations::list_for_mssp(&scoped, &wildcard).await.expect("list").total, 0, "% is literal");
    let approved = ListQuery { status: Some(Status::Approved), ..first_page() };
    assert_eq!(associations::list_for_mssp(&scoped, &approved).await.expect("list").rows.len(), 1);

    let page_two = ListQuery { page: 2, per_page: 1, ..first_page() };
    let page = associations::list_for_mssp(&scoped, &page_two).await.expect("list");
    assert_eq!((page.total, page.rows.len(), page.rows[0].msp_name.as_str()), (2, 1, "Northwind MSP"));

    for bad in [
        ListQuery { search: Some("x".repeat(10_000)), ..first_page() },
        ListQuery { page: 0, ..first_page() },
        ListQuery { per_page: 10_000, ..first_page() },
    ] {
        assert!(matches!(associations::list_for_mssp(&scoped, &bad).await, Err(Error::Invalid(_))));
    }
    // MSPs have no such table; the MSP sees its own latest association instead.
    assert!(matches!(associations::list_for_mssp(&db.scoped(&a.northwind), &first_page()).await, Err(Error::NotFound)));
    let access = associations::latest_for_msp(&db.scoped(&a.northwind)).await.expect("latest").expect("some");
    assert_eq!((access.mssp_name.as_str(), access.status, access.reason.as_deref()), ("Demo MSSP", Status::Approved, Some("Yes")));
});

db_test!(async fn an_approved_msp_without_companies_sorts_as_zero(test) {
    let db = &test.db;
    let a = actors(&test).await;
    let now = Utc::now();
    for (msp, name, email) in [(&a.northwind, "Northwind MSP", "admin@northwind-msp.test"), (&a.contoso, "Contoso MSP", "admin@contoso-msp.test")] {
        let id = associations::request(db, &a.mssp_owner, name, email, now).await.expect("request");
        associations::decide(db, msp, id, Decision::Approve, "Yes", now).await.expect("approve");
    }
    // Northwind has a company; Contoso never had one, so it has no kept sums at all.
    common::fixture(db, common::NORTHWIND, "Acme").await;
    // Resolved now, after the approvals.
    let mssp = signed_in_scope(db, "Demo MSSP", "owner@demo-mssp.test").await;
    let scoped = db.scoped(&mssp);
    for (descending, expected) in [(false, ["Contoso MSP", "Northwind MSP"]), (true, ["Northwind MSP", "Contoso MSP"])] {
        let query = ListQuery { sort: SortBy::Companies, descending, ..first_page() };
        let rows = associations::list_for_mssp(&scoped, &query).await.expect("list").rows;
        let names: Vec<_> = rows.iter().map(|r| r.msp_name.as_str()).collect();
        assert_eq!(names, expected, "descending: {descending}");
    }
});

db_test!(async fn resend_and_expiry_are_audited_and_bounded(test) {
    let db = &test.db;
    let a = actors(&test).await;
    let now = Utc::now();
    let id = associations::request(db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect("request");
    associations::resend(db, &a.mssp_owner, id, now).await.expect("resend");
    assert!(matches!(associations::resend(db, &a.mssp_viewer, id, now).await, Err(Error::Forbidden)));
    assert!(matches!(associations::resend(db, &a.contoso, id, now).await, Err(Error::NotFound)));
    let late = now + Duration::days(associations::DEFAULT_EXPIRY_DAYS) + Duration::seconds(1);
    assert!(matches!(associations::resend(db, &a.mssp_owner, id, late).await, Err(Error::Conflict(_))));

    let mut changes = db.subscribe().await.expect("subscribe");
    assert_eq!(associations::expire_due(db, late).await.expect("expire"), 1);
    let change = tokio::time::timeout(std::time::Duration::from_secs(5), changes.recv()).await.expect("in time").expect("change");
    assert_eq!(change.topic, Topic::Associations);
    let trail = domain::audit::recent(&db.scoped(&a.contoso), 10).await.expect("trail");
    assert_eq!(trail[0].action, "association.expire");
    assert_eq!(trail[0].actor, "system");
    let mssp_trail = domain::audit::recent(&db.scoped(&a.mssp_owner), 10).await.expect("trail");
    assert!(mssp_trail.iter().any(|e| e.action == "association.resend"));
    // An expired request cannot be resent, decided or cancelled.
    assert!(matches!(associations::resend(db, &a.mssp_owner, id, late).await, Err(Error::Conflict(_))));
    assert!(matches!(associations::cancel(db, &a.mssp_owner, id, late).await, Err(Error::Conflict(_))));
});

db_test!(async fn the_expiry_is_the_operators_choice(test) {
    let db = test.db.clone().with_request_expiry_days(3);
    let a = actors(&test).await;
    let now = Utc::now();
    associations::request(&db, &a.mssp_owner, "Contoso MSP", "admin@contoso-msp.test", now).await.expect("request");
    let page = associations::list_for_mssp(&db.scoped(&a.mssp_owner), &first_page()).await.expect("list");
    let row = page.rows.iter().find(|r| r.msp_name == "Contoso MSP").expect("listed");
    assert_eq!(row.expires_at - row.requested_at, Duration::days(3));
    assert_eq!(associations::expire_due(&db, now + Duration::days(3)).await.expect("expire"), 1);
});
