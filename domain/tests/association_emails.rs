//! "Add MSP" writes the approval request email into the outbox in the same transaction, on
//! SQLite and PostgreSQL: one email per request, none for a refused one.

use chrono::Utc;
use domain::email::Message;
use domain::testing::signed_in_scope;
use domain::{Scope, associations, db_test, demo};
use entity::email_outbox;
use sea_orm::{EntityTrait, QueryOrder};

async fn mssp_owner(db: &domain::Db) -> Scope {
    signed_in_scope(db, demo::MSSP_NAME, "owner@demo-mssp.test").await
}

async fn outbox(test: &domain::testing::TestDb) -> Vec<email_outbox::Model> {
    let conn = sea_orm::Database::connect(test.url())
        .await
        .expect("connect");
    let rows = email_outbox::Entity::find()
        .order_by_asc(email_outbox::Column::Id)
        .all(&conn)
        .await
        .expect("outbox");
    let _ = conn.close().await;
    rows
}

db_test!(async fn a_request_enqueues_one_email_to_the_admin_and_a_refusal_none(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let owner = mssp_owner(db).await;
    let before = outbox(&test).await.len();
    let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 0);

    let id = associations::request(db, &owner, "Fabrikam MSP", "ADMIN@fabrikam-msp.test", now)
        .await
        .expect("request");
    let after = outbox(&test).await;
    assert_eq!(after.len(), before + 1, "exactly one email");
    let row = after.last().expect("row");
    assert_eq!(row.recipient, "admin@fabrikam-msp.test");
    assert_eq!(row.kind, "association_request");
    assert_eq!((row.attempts, row.sent_at, row.next_attempt_at), (0, None, now));
    let message: Message = serde_json::from_str(&row.payload).expect("payload");
    assert_eq!(
        message,
        Message::AssociationRequest {
            mssp_name: "Demo MSSP".into(),
            msp_name: "Fabrikam MSP".into(),
            association_id: id,
            logo: None,
        }
    );

    // Refused requests (already associated; unknown admin) leave no email behind.
    associations::request(db, &owner, "Fabrikam MSP", "admin@fabrikam-msp.test", now)
        .await
        .expect_err("already associated");
    associations::cancel(db, &owner, id, now).await.expect("cancel");
    associations::request(db, &owner, "Fabrikam MSP", "nobody@fabrikam-msp.test", now)
        .await
        .expect_err("not an admin");
    assert_eq!(outbox(&test).await.len(), before + 1);
});

db_test!(async fn resend_enqueues_the_same_email_again(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let owner = mssp_owner(db).await;
    let now = Utc::now();
    let id = associations::request(db, &owner, "Fabrikam MSP", "admin@fabrikam-msp.test", now)
        .await
        .expect("request");
    let before = outbox(&test).await;
    associations::resend(db, &owner, id, now).await.expect("resend");
    let after = outbox(&test).await;
    assert_eq!(after.len(), before.len() + 1);
    let (first, again) = (&before[before.len() - 1], &after[after.len() - 1]);
    assert_eq!((&again.recipient, &again.payload), (&first.recipient, &first.payload));
    // Not once the request is no longer pending.
    associations::cancel(db, &owner, id, now).await.expect("cancel");
    associations::resend(db, &owner, id, now).await.expect_err("cancelled");
    assert_eq!(outbox(&test).await.len(), after.len());
});

db_test!(async fn an_mssp_with_a_logo_sends_it_in_its_request(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let owner = mssp_owner(db).await;
    let now = Utc::now();
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgba8(16, 16)
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("png");
    let logo = domain::branding::upload(&db.scoped(&owner), png.into_inner(), now)
        .await
        .expect("upload");
    let branding = portal_types::Branding {
        logo_light: Some(logo.id.clone()),
        ..Default::default()
    };
    domain::branding::save(&db.scoped(&owner), branding, now)
        .await
        .expect("save");

    // The next sign-in carries the branding, as a request's session does.
    let owner = mssp_owner(db).await;
    associations::request(db, &owner, "Fabrikam MSP", "admin@fabrikam-msp.test", now)
        .await
        .expect("request");
    let row = outbox(&test).await.pop().expect("row");
    let message: Message = serde_json::from_str(&row.payload).expect("payload");
    assert!(
        matches!(&message, Message::AssociationRequest { logo: Some(id), .. } if *id == logo.id),
        "{message:?}"
    );
    let html = message.render("https://portal.test").html;
    assert!(html.contains(&format!("https://portal.test/branding/logos/{}", logo.id.as_str())));
});
