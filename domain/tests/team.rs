//! Teams on SQLite and PostgreSQL: invitations from email to first session, roles and
//! deactivation under the "at least one active owner" invariant (also when two owners demote
//! each other at the same moment), and each user's own name and password.

use chrono::{Duration, Utc};
use domain::email::Message;
use domain::sessions::{self, SessionToken};
use domain::testing::{TestDb, signed_in_scope};
use domain::users::{invitations, team};
use domain::{Error, Scope, db_test, demo, signin, users};
use entity::email_outbox;
use portal_types::{Email, Password, PersonName, Role, UserId};
use sea_orm::{EntityTrait, QueryOrder};

async fn owner(db: &domain::Db) -> Scope {
    signed_in_scope(db, demo::MSSP_NAME, "owner@demo-mssp.test").await
}

fn email(raw: &str) -> Email {
    Email::parse(raw).expect("email")
}

fn password(raw: &str) -> Password {
    Password::parse_new(raw).expect("password")
}

/// The link secret of the newest invitation email.
async fn last_invitation_token(test: &TestDb) -> SessionToken {
    let conn = sea_orm::Database::connect(test.url())
        .await
        .expect("connect");
    let row = email_outbox::Entity::find()
        .order_by_desc(email_outbox::Column::Id)
        .one(&conn)
        .await
        .expect("outbox")
        .expect("an email");
    let _ = conn.close().await;
    match serde_json::from_str(&row.payload).expect("payload") {
        Message::Invitation { token, .. } => SessionToken::parse(&token).expect("a token"),
        other => panic!("not an invitation: {other:?}"),
    }
}

async fn user_id(scoped_owner: &Scope, db: &domain::Db, address: &str) -> UserId {
    users::list(&db.scoped(scoped_owner))
        .await
        .expect("list")
        .into_iter()
        .find(|u| u.email == address)
        .expect("user")
        .id
}

db_test!(async fn an_invitation_becomes_a_signed_in_user_once(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let owner = owner(db).await;
    let now = Utc::now();
    invitations::invite(&db.scoped(&owner), &email("Ana@Demo-MSSP.test"), Role::Admin, now)
        .await
        .expect("invite");
    let token = last_invitation_token(&test).await;
    let offer = invitations::offer(db, &token, now).await.expect("offer");
    assert_eq!(offer.email.as_str(), "ana@demo-mssp.test");
    assert_eq!(offer.role, Role::Admin);
    assert_eq!(offer.tenant_name.as_str(), demo::MSSP_NAME);
    let open = invitations::open(&db.scoped(&owner), now).await.expect("open");
    assert_eq!(open.len(), 1);

    let name = PersonName::parse("Ana Analyst").expect("name");
    let (session, principal) = invitations::accept(db, &token, &name, &password("a-long-password"), now)
        .await
        .expect("accept");
    assert_eq!((principal.role, principal.display_name.as_str()), (Role::Admin, "Ana Analyst"));
    assert!(sessions::resolve(db, &session, now).await.expect("resolve").is_some());
    // The link is used up; the invitation is no longer open; signing in works.
    let again = invitations::accept(db, &token, &name, &password("another-password"), now).await;
    assert!(matches!(again, Err(Error::NotFound)), "{again:?}");
    assert!(invitations::open(&db.scoped(&owner), now).await.expect("open").is_empty());
    let credentials = signin::Credentials {
        tenant_name: demo::MSSP_NAME,
        email: "ana@demo-mssp.test",
        password: "a-long-password",
    };
    signin::sign_in(db, credentials, "test", now).await.expect("sign in");
    // Inviting an existing user is a conflict.
    let twice = invitations::invite(&db.scoped(&owner), &email("ana@demo-mssp.test"), Role::Viewer, now).await;
    assert!(matches!(twice, Err(Error::Conflict(_))), "{twice:?}");
});

db_test!(async fn links_stop_working_when_replaced_withdrawn_or_expired(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let owner = owner(db).await;
    let scoped = db.scoped(&owner);
    let now = Utc::now();
    invitations::invite(&scoped, &email("bo@x.test"), Role::Viewer, now).await.expect("invite");
    let first = last_invitation_token(&test).await;
    invitations::invite(&scoped, &email("bo@x.test"), Role::Admin, now).await.expect("again");
    let second = last_invitation_token(&test).await;
    assert!(matches!(invitations::offer(db, &first, now).await, Err(Error::NotFound)));
    assert_eq!(invitations::offer(db, &second, now).await.expect("offer").role, Role::Admin);
    let later = now + invitations::LIFETIME + Duration::seconds(1);
    assert!(matches!(invitations::offer(db, &second, later).await, Err(Error::NotFound)));

    // Another MSP's owner cannot withdraw it; this MSSP's owner can.
    let id = invitations::open(&scoped, now).await.expect("open")[0].id;
    let msp = signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await;
    let theirs = invitations::withdraw(&db.scoped(&msp), id, now).await;
    assert!(matches!(theirs, Err(Error::NotFound)), "{theirs:?}");
    invitations::withdraw(&scoped, id, now).await.expect("withdraw");
    assert!(matches!(invitations::offer(db, &second, now).await, Err(Error::NotFound)));

    // Only owners invite.
    let viewer = signed_in_scope(db, demo::MSSP_NAME, "viewer@demo-mssp.test").await;
    let refused = invitations::invite(&db.scoped(&viewer), &email("cy@x.test"), Role::Viewer, now).await;
    assert!(matches!(refused, Err(Error::Forbidden)), "{refused:?}");
});

db_test!(async fn there_is_always_an_active_owner(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let owner = owner(db).await;
    let scoped = db.scoped(&owner);
    let me = owner.principal().user_id;
    let demoted = team::set_role(&scoped, me, Role::Admin).await;
    assert!(matches!(demoted, Err(Error::Conflict(_))), "{demoted:?}");
    let deactivated = team::set_active(&scoped, me, false).await;
    assert!(matches!(deactivated, Err(Error::Conflict(_))), "{deactivated:?}");
    assert_eq!(users::me(&scoped).await.expect("me").role, "owner");

    // A second owner: now either may step down, and a deactivated user's sessions end.
    let viewer = user_id(&owner, db, "viewer@demo-mssp.test").await;
    let viewer_session = {
        let credentials = signin::Credentials {
            tenant_name: demo::MSSP_NAME,
            email: "viewer@demo-mssp.test",
            password: demo::PASSWORD,
        };
        signin::sign_in(db, credentials, "test", Utc::now()).await.expect("sign in").0
    };
    team::set_active(&scoped, viewer, false).await.expect("deactivate");
    assert!(sessions::resolve(db, &viewer_session, Utc::now()).await.expect("resolve").is_none());
    team::set_active(&scoped, viewer, true).await.expect("reactivate");
    team::set_role(&scoped, viewer, Role::Owner).await.expect("promote");
    team::set_role(&scoped, me, Role::Viewer).await.expect("step down");

    // Users of another tenant are not found; non-owners are forbidden.
    let msp = signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await;
    let theirs = team::set_role(&db.scoped(&msp), viewer, Role::Viewer).await;
    assert!(matches!(theirs, Err(Error::NotFound)), "{theirs:?}");
    let stepped_down = signed_in_scope(db, demo::MSSP_NAME, "owner@demo-mssp.test").await;
    let refused = team::set_active(&db.scoped(&stepped_down), viewer, false).await;
    assert!(matches!(refused, Err(Error::Forbidden)), "{refused:?}");
});

db_test!(async fn two_owners_demoting_each_other_at_once_leave_one_owner(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let first = owner(db).await;
    let second_id = user_id(&first, db, "viewer@demo-mssp.test").await;
    team::set_role(&db.scoped(&first), second_id, Role::Owner).await.expect("promote");
    let second = signed_in_scope(db, demo::MSSP_NAME, "viewer@demo-mssp.test").await;
    let first_id = first.principal().user_id;
    for _ in 0..5 {
        let (a, b) = tokio::join!(
            async { team::set_role(&db.scoped(&first), second_id, Role::Admin).await },
            async { team::set_role(&db.scoped(&second), first_id, Role::Admin).await },
        );
        let owners = users::list(&db.scoped(&first))
            .await
            .expect("list")
            .into_iter()
            .filter(|u| u.role == Role::Owner && u.active)
            .count();
        assert!(owners >= 1, "{a:?} {b:?}");
        // Put both back as owners for the next round (whoever is owner promotes the other).
        let restore = if a.is_ok() { &first } else { &second };
        team::set_role(&db.scoped(restore), first_id, Role::Owner).await.expect("restore");
        team::set_role(&db.scoped(restore), second_id, Role::Owner).await.expect("restore");
    }
});

db_test!(async fn users_change_their_own_name_and_password(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let viewer = signed_in_scope(db, demo::MSSP_NAME, "viewer@demo-mssp.test").await;
    let scoped = db.scoped(&viewer);
    let now = Utc::now();
    team::rename_self(&scoped, &PersonName::parse("Vera Viewer").expect("name")).await.expect("rename");
    assert_eq!(users::me(&scoped).await.expect("me").display_name, "Vera Viewer");

    let sign_in = |password: &'static str| async move {
        let credentials = signin::Credentials {
            tenant_name: demo::MSSP_NAME,
            email: "viewer@demo-mssp.test",
            password,
        };
        signin::sign_in(db, credentials, "test", Utc::now()).await
    };
    let kept = sign_in(demo::PASSWORD).await.expect("sign in").0;
    let other = sign_in(demo::PASSWORD).await.expect("sign in").0;
    let wrong = team::change_password(&scoped, &password("not-the-password"), &password("brand-new-secret"), Some(&kept), now).await;
    assert!(matches!(wrong, Err(Error::Invalid(ref e)) if e.field == "current_password"), "{wrong:?}");
    team::change_password(&scoped, &password(demo::PASSWORD), &password("brand-new-secret"), Some(&kept), now)
        .await
        .expect("change");
    assert!(sessions::resolve(db, &kept, now).await.expect("resolve").is_some());
    assert!(sessions::resolve(db, &other, now).await.expect("resolve").is_none());
    assert!(sign_in(demo::PASSWORD).await.is_err());
    sign_in("brand-new-secret").await.expect("the new password");
});
