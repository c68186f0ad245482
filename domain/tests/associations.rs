//! The association lifecycle on SQLite and PostgreSQL: each transition, who may make it, the
//! guide's error messages, expiry, and the one-active-per-MSP invariant under concurrency.

use chrono::{Duration, Utc};
use domain::associations::{self, ALREADY_ASSOCIATED, Decision, NOT_FOUND};
use domain::signin::{self, Credentials};
use domain::{Db, Error, Scope, db_test, demo};

async fn scope_of(db: &Db, tenant: &str, email: &str) -> Scope {
    let credentials = Credentials {
        tenant_name: tenant,
        email,
        password: demo::PASSWORD,
    };
    let (_, principal) = signin::sign_in(db, credentials, "test", Utc::now())
        .await
        .expect("sign in");
    Scope::resolve(db, principal).await.expect("scope")
}

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
        mssp_owner: scope_of(db, "Demo MSSP", "owner@demo-mssp.test").await,
        mssp_viewer: scope_of(db, "Demo MSSP", "viewer@demo-mssp.test").await,
        northwind: scope_of(db, "Northwind MSP", "admin@northwind-msp.test").await,
        contoso: scope_of(db, "Contoso MSP", "admin@contoso-msp.test").await,
    }
}

fn message(error: Error) -> String {
    error.into_app_error().to_string()
}

db_test!(async fn request_approve_and_revoke(test) {
    let db = &test.db;
    let a = actors(&test).await;
    let now = Utc::now();
    let id = associations::request(db, &a.mssp_owner, "northwind msp", "ADMIN@northwind-msp.test", now).await.expect("request");

    // Only the addressed MSP decides; another MSP gets "not found"; a reason is required.
    assert!(matches!(associations::decide(db, &a.contoso, id, Decision::Approve, "ok", now).await, Err(Error::NotFound)));
    assert!(matches!(associations::decide(db, &a.mssp_owner, id, Decision::Approve, "ok", now).await, Err(Error::NotFound)));
    assert!(matches!(associations::decide(db, &a.northwind, id, Decision::Approve, "   ", now).await, Err(Error::Invalid(_))));
    let before = Scope::resolve(db, a.mssp_owner.principal().clone()).await.expect("scope");
    assert!(before.approved_msps().is_empty(), "pending grants nothing");

    associations::decide(db, &a.northwind, id, Decision::Approve, "Trusted partner", now).await.expect("approve");
    let after = Scope::resolve(db, a.mssp_owner.principal().clone()).await.expect("scope");
    assert_eq!(after.approved_msps(), &[a.northwind.tenant_id()]);
    assert!(after.visible_tenants().contains(&a.northwind.tenant_id()));

    // A replayed decision changes nothing.
    let replay = associations::decide(db, &a.northwind, id, Decision::Reject, "changed my mind", now).await;
    assert!(matches!(replay, Err(Error::Conflict(_))), "{replay:?}");

    // Revoking needs a reason; afterwards the MSSP's scope loses the MSP at once.
    assert!(matches!(associations::revoke(db, &a.northwind, id, "", now).await, Err(Error::Invalid(_))));
    associations::revoke(db, &a.northwind, id, "Contract ended", now).await.expect("revoke");
    let revoked = Scope::resolve(db, a.mssp_owner.principal().clone()).await.expect("scope");
    assert!(revoked.approved_msps().is_empty());

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
