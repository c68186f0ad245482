//! Tenants, users, sign-in, sessions and the tenant scope, on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
use domain::signin::{self, Credentials};
use domain::{Error, Scope, db_test, demo, sessions, tenants, users};
use portal_types::{Email, Password, Role, TenantKind, TenantName, UserId};

fn creds<'a>(tenant: &'a str, email: &'a str, password: &'a str) -> Credentials<'a> {
    Credentials {
        tenant_name: tenant,
        email,
        password,
    }
}

async fn new_tenant(
    db: &domain::Db,
    kind: TenantKind,
    name: &str,
    email: &str,
) -> (portal_types::TenantId, UserId) {
    tenants::create(
        db,
        tenants::NewTenant {
            kind,
            name: TenantName::parse(name).expect("name"),
            owner_email: Email::parse(email).expect("email"),
            owner_name: "Owner".into(),
            owner_password: Password::parse_new("long-password-1").expect("password"),
        },
    )
    .await
    .expect("create tenant")
}

db_test!(async fn migrations_apply_and_the_demo_loads(test) {
    let sign_ins = demo::load(&test.db).await.expect("demo");
    assert_eq!(sign_ins.len(), 5);
    // Northwind approved, Contoso pending, Fabrikam not associated.
    let (_, owner) = signin::sign_in(&test.db, creds(demo::MSSP_NAME, "owner@demo-mssp.test", demo::PASSWORD), "c", Utc::now())
        .await
        .expect("sign in");
    let scope = Scope::resolve(&test.db, owner).await.expect("scope");
    let northwind = tenants::find_by_name(&test.db, &TenantName::parse("Northwind MSP").expect("name")).await.expect("find").expect("northwind");
    assert_eq!(scope.approved_msps(), &[portal_types::TenantId(northwind.id)]);
    assert_eq!(tenants::count(&test.db).await.expect("count"), 4);
    // A second load refuses rather than duplicating.
    assert!(matches!(demo::load(&test.db).await, Err(Error::Conflict(_))));
    demo::wipe(&test.db).await.expect("wipe");
    assert_eq!(tenants::count(&test.db).await.expect("count"), 0);
    demo::load(&test.db).await.expect("reload after wipe");
});

db_test!(async fn tenant_names_are_unique_in_any_letter_case(test) {
    new_tenant(&test.db, TenantKind::Msp, "Northwind MSP", "a@northwind.test").await;
    let again = tenants::create(
        &test.db,
        tenants::NewTenant {
            kind: TenantKind::Mssp,
            name: TenantName::parse("  NORTHWIND msp ").expect("name"),
            owner_email: Email::parse("b@x.test").expect("email"),
            owner_name: "Other".into(),
            owner_password: Password::parse_new("long-password-1").expect("password"),
        },
    )
    .await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    // Nothing half-written: still one tenant.
    assert_eq!(tenants::count(&test.db).await.expect("count"), 1);
});

db_test!(async fn sign_in_succeeds_and_fails_alike_for_every_wrong_part(test) {
    let db = &test.db;
    new_tenant(db, TenantKind::Mssp, "Acme MSSP", "owner@acme.test").await;
    let now = Utc::now();
    let (token, principal) = signin::sign_in(db, creds("acme mssp", "OWNER@acme.test", "long-password-1"), "10.0.0.1", now)
        .await
        .expect("sign in");
    assert_eq!(principal.tenant_kind, TenantKind::Mssp);
    assert_eq!(principal.role, Role::Owner);
    assert_eq!(principal.tenant_name.as_str(), "Acme MSSP");
    let resolved = sessions::resolve(db, &token, now).await.expect("resolve").expect("live session");
    assert_eq!(resolved, principal);

    for (tenant, email, password) in [
        ("Nope MSSP", "owner@acme.test", "long-password-1"),
        ("Acme MSSP", "nobody@acme.test", "long-password-1"),
        ("Acme MSSP", "owner@acme.test", "wrong-password"),
    ] {
        let result = signin::sign_in(db, creds(tenant, email, password), "10.0.0.2", now).await;
        assert!(matches!(result, Err(Error::SignInFailed)), "{tenant}/{email}: {result:?}");
    }
    let empty = signin::sign_in(db, creds("", "owner@acme.test", "x"), "10.0.0.2", now).await;
    assert!(matches!(empty, Err(Error::Invalid(_))), "{empty:?}");
});

db_test!(async fn each_sign_in_issues_a_new_session(test) {
    let db = &test.db;
    new_tenant(db, TenantKind::Msp, "Beta MSP", "admin@beta.test").await;
    let now = Utc::now();
    let (first, _) = signin::sign_in(db, creds("Beta MSP", "admin@beta.test", "long-password-1"), "c", now).await.expect("first");
    let (second, _) = signin::sign_in(db, creds("Beta MSP", "admin@beta.test", "long-password-1"), "c", now).await.expect("second");
    assert_ne!(first, second);
    signin::sign_out(db, &first, None).await.expect("sign out");
    assert!(sessions::resolve(db, &first, now).await.expect("resolve").is_none());
    assert!(sessions::resolve(db, &second, now).await.expect("resolve").is_some());
});

db_test!(async fn sessions_expire_when_idle_and_absolutely(test) {
    let db = &test.db;
    new_tenant(db, TenantKind::Msp, "Gamma MSP", "admin@gamma.test").await;
    let t0 = Utc::now();
    let (token, _) = signin::sign_in(db, creds("Gamma MSP", "admin@gamma.test", "long-password-1"), "c", t0).await.expect("sign in");
    // Activity every 29 minutes keeps it alive…
    let mut now = t0;
    for _ in 0..20 {
        now += Duration::minutes(29);
        if now >= t0 + Duration::hours(12) {
            break;
        }
        assert!(sessions::resolve(db, &token, now).await.expect("resolve").is_some(), "alive at {now}");
    }
    // …but not past 12 hours after sign-in.
    assert!(sessions::resolve(db, &token, t0 + Duration::hours(12)).await.expect("resolve").is_none());

    let (idle, _) = signin::sign_in(db, creds("Gamma MSP", "admin@gamma.test", "long-password-1"), "c", t0).await.expect("sign in");
    assert!(sessions::resolve(db, &idle, t0 + Duration::minutes(31)).await.expect("resolve").is_none());
    // An expired session is gone for good, even if the clock were turned back.
    assert!(sessions::resolve(db, &idle, t0).await.expect("resolve").is_none());
    assert_eq!(sessions::purge_expired(db, t0 + Duration::hours(13)).await.expect("purge"), 0);
});

db_test!(async fn account_attempts_are_limited(test) {
    let db = &test.db;
    new_tenant(db, TenantKind::Msp, "Delta MSP", "admin@delta.test").await;
    let now = Utc::now();
    for i in 0..signin::PER_ACCOUNT.max {
        let result = signin::sign_in(db, creds("Delta MSP", "admin@delta.test", "wrong-password"), &format!("ip{i}"), now).await;
        assert!(matches!(result, Err(Error::SignInFailed)), "attempt {i}: {result:?}");
    }
    // From any address, the account is now locked for the window — even with the right password.
    let locked = signin::sign_in(db, creds("Delta MSP", "admin@delta.test", "long-password-1"), "ip-new", now).await;
    assert!(matches!(locked, Err(Error::RateLimited(_))), "{locked:?}");
    let later = now + Duration::minutes(16);
    signin::sign_in(db, creds("Delta MSP", "admin@delta.test", "long-password-1"), "ip-new", later).await.expect("window passed");
});

db_test!(async fn client_attempts_are_limited(test) {
    let db = &test.db;
    let now = Utc::now();
    for i in 0..signin::PER_CLIENT.max {
        let result = signin::sign_in(db, creds("Nobody MSP", &format!("u{i}@x.test"), "pw"), "203.0.113.9", now).await;
        assert!(matches!(result, Err(Error::SignInFailed)), "attempt {i}: {result:?}");
    }
    let refused = signin::sign_in(db, creds("Nobody MSP", "u@x.test", "pw"), "203.0.113.9", now).await;
    assert!(matches!(refused, Err(Error::RateLimited(_))), "{refused:?}");
});

db_test!(async fn inactive_users_cannot_sign_in(test) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &test.db;
    new_tenant(db, TenantKind::Msp, "Eps MSP", "admin@eps.test").await;
    let now = Utc::now();
    let (token, _) = signin::sign_in(db, creds("Eps MSP", "admin@eps.test", "long-password-1"), "c", now).await.expect("sign in");
    let conn = sea_orm::Database::connect(test.url()).await.expect("connect");
    conn.execute_raw(Statement::from_string(conn.get_database_backend(), "UPDATE users SET active = false"))
        .await
        .expect("deactivate");
    assert!(sessions::resolve(db, &token, now).await.expect("resolve").is_none(), "session ends with the user");
    let result = signin::sign_in(db, creds("Eps MSP", "admin@eps.test", "long-password-1"), "c", now).await;
    assert!(matches!(result, Err(Error::SignInFailed)), "{result:?}");
});

db_test!(async fn the_scope_never_reaches_another_tenant(test) {
    let db = &test.db;
    let (_, mssp_owner) = new_tenant(db, TenantKind::Mssp, "Scope MSSP", "owner@scope.test").await;
    let (_, msp_owner) = new_tenant(db, TenantKind::Msp, "Other MSP", "admin@other.test").await;
    let now = Utc::now();
    let (_, principal) = signin::sign_in(db, creds("Scope MSSP", "owner@scope.test", "long-password-1"), "c", now).await.expect("sign in");
    let scope = Scope::resolve(db, principal).await.expect("scope");
    let scoped = db.scoped(&scope);
    assert_eq!(users::me(&scoped).await.expect("me").id, mssp_owner.0);
    assert_eq!(users::get(&scoped, mssp_owner).await.expect("own user").email, "owner@scope.test");
    assert!(matches!(users::get(&scoped, msp_owner).await, Err(Error::NotFound)));
    // An MSSP sees only its own tenant while no association is approved.
    assert_eq!(scope.visible_tenants(), vec![scope.tenant_id()]);
    assert!(scope.require_kind(TenantKind::Mssp).is_ok());
    assert!(matches!(scope.require_kind(TenantKind::Msp), Err(Error::NotFound)));
    // The audit trail is scoped too: the MSP's tenant.create event is not visible.
    let trail = domain::audit::recent(&scoped, 50).await.expect("trail");
    assert!(trail.iter().all(|e| e.tenant == scope.tenant_id()));
    assert!(trail.iter().any(|e| e.action == "user.sign_in"));
});

db_test!(async fn viewers_cannot_write(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let (_, principal) = signin::sign_in(db, creds(demo::MSSP_NAME, "viewer@demo-mssp.test", demo::PASSWORD), "c", Utc::now()).await.expect("sign in");
    let scope = Scope::resolve(db, principal).await.expect("scope");
    assert!(matches!(scope.require_write(), Err(Error::Forbidden)));
});

db_test!(async fn adding_a_user_twice_is_a_conflict(test) {
    let db = &test.db;
    new_tenant(db, TenantKind::Msp, "Zeta MSP", "admin@zeta.test").await;
    let add = || users::add(db, users::NewUser {
        tenant: TenantName::parse("zeta msp").expect("name"),
        email: Email::parse("tech@zeta.test").expect("email"),
        display_name: "Tech".into(),
        role: Role::Viewer,
        password: Password::parse_new("long-password-2").expect("password"),
    });
    add().await.expect("first add");
    assert!(matches!(add().await, Err(Error::Conflict(_))));
    let unknown = users::add(db, users::NewUser {
        tenant: TenantName::parse("No Such MSP").expect("name"),
        email: Email::parse("tech@zeta.test").expect("email"),
        display_name: "Tech".into(),
        role: Role::Viewer,
        password: Password::parse_new("long-password-2").expect("password"),
    }).await;
    assert!(matches!(unknown, Err(Error::NotFound)));
});
