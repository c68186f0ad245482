//! The team's server functions through the real router, on SQLite and PostgreSQL, against each
//! kind of principal: owners manage, admins and viewers look, other tenants find nothing,
//! visitors must sign in. And an invitation from the owner's form to the invited person's
//! first page.

mod support;

use axum::http::StatusCode;
use domain::email::Message;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::Value;
use support::TestApp;

fn json(reply: &support::Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("json: {}", reply.body))
}

/// The ids of the team's users by email, as the owner's team list has them.
async fn member_id(app: &TestApp, session: &str, email: &str) -> i64 {
    let team = json(&app.call("team", &[], Some(session)).await);
    team["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["email"] == email)
        .and_then(|m| m["id"].as_i64())
        .unwrap_or_else(|| panic!("{email} in {team}"))
}

async fn last_invitation_token(app: &TestApp) -> String {
    let row = entity::email_outbox::Entity::find()
        .order_by_desc(entity::email_outbox::Column::Id)
        .one(app.test_db.conn())
        .await
        .expect("outbox")
        .expect("an email");
    match serde_json::from_str(&row.payload).expect("payload") {
        Message::Invitation { token, .. } => token,
        other => panic!("not an invitation: {other:?}"),
    }
}

http_test!(
    async fn only_owners_manage_the_team_and_only_their_own(app) {
        let owner = app.mssp_owner().await;
        let viewer = app.mssp_viewer().await;
        let admin = app.mssp_admin().await;
        let msp = app.msp_admin().await;
        let viewer_id = member_id(&app, &owner, "viewer@demo-mssp.test").await.to_string();
        let msp_owner_id = member_id(&app, &msp, "admin@northwind-msp.test").await.to_string();

        // Everyone signed in sees their own team; visitors do not.
        let seen = json(&app.call("team", &[], Some(&viewer)).await);
        assert_eq!(seen["members"].as_array().expect("members").len(), 3);
        assert!(!seen.to_string().contains("northwind"), "{seen}");
        assert_eq!(app.call("team", &[], None).await.status, StatusCode::UNAUTHORIZED);

        // Owners only: admins and viewers are forbidden, visitors must sign in.
        let calls: [(&str, Vec<(&str, &str)>); 3] = [
            ("invite_user", vec![("email", "new@demo-mssp.test"), ("role", "viewer")]),
            ("set_user_role", vec![("user", viewer_id.as_str()), ("role", "admin")]),
            ("set_user_active", vec![("user", viewer_id.as_str()), ("active", "false")]),
        ];
        for (function, form) in &calls {
            for (session, status) in [
                (Some(admin.as_str()), StatusCode::FORBIDDEN),
                (Some(viewer.as_str()), StatusCode::FORBIDDEN),
                (None, StatusCode::UNAUTHORIZED),
            ] {
                let reply = app.call(function, form, session).await;
                assert_eq!(reply.status, status, "{function} {session:?}: {}", reply.body);
            }
        }
        // Another tenant's user is not found, even by an owner: an MSP's by the MSSP's owner,
        // and the MSSP's viewer by another MSSP's owner.
        let other_mssp = app.other_mssp_owner().await;
        for (session, target) in [(&owner, &msp_owner_id), (&other_mssp, &viewer_id)] {
            for (function, form) in [
                ("set_user_role", vec![("user", target.as_str()), ("role", "viewer")]),
                ("set_user_active", vec![("user", target.as_str()), ("active", "false")]),
            ] {
                let reply = app.call(function, &form, Some(session)).await;
                assert_eq!(reply.status, StatusCode::NOT_FOUND, "{function}: {}", reply.body);
            }
        }
        let theirs = json(&app.call("team", &[], Some(&other_mssp)).await);
        assert_eq!(theirs["members"].as_array().expect("members").len(), 1, "{theirs}");

        // The owner changes a role, deactivates a user (whose session ends at once), and
        // cannot demote the last owner.
        let reply = app.call("set_user_role", &[("user", &viewer_id), ("role", "admin")], Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let reply = app.call("set_user_active", &[("user", &viewer_id), ("active", "false")], Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(app.call("team", &[], Some(&viewer)).await.status, StatusCode::UNAUTHORIZED);
        let me = member_id(&app, &owner, "owner@demo-mssp.test").await.to_string();
        let last = app.call("set_user_role", &[("user", &me), ("role", "viewer")], Some(&owner)).await;
        assert_eq!(last.status, StatusCode::CONFLICT, "{}", last.body);
        assert!(last.body.contains("at least one active owner"), "{}", last.body);
        let bad_role = app.call("set_user_role", &[("user", &viewer_id), ("role", "root")], Some(&owner)).await;
        assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_role.body);

        // An MSP owner manages their own team the same way.
        let reply = app.call("invite_user", &[("email", "tech@northwind-msp.test"), ("role", "viewer")], Some(&msp)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let invitations = json(&app.call("team", &[], Some(&msp)).await)["invitations"].clone();
        assert_eq!(invitations[0]["email"], "tech@northwind-msp.test");
        let id = invitations[0]["id"].as_i64().expect("id").to_string();
        let theirs = app.call("withdraw_invitation", &[("id", &id)], Some(&owner)).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.body);
        let withdrawn = app.call("withdraw_invitation", &[("id", &id)], Some(&msp)).await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    }
);

http_test!(
    async fn an_invited_person_joins_through_the_link_once(app) {
        let owner = app.mssp_owner().await;
        let reply = app.call("invite_user", &[("email", "Ana@Demo-MSSP.test"), ("role", "admin")], Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let token = last_invitation_token(&app).await;

        let page = app.get(&format!("/invite/{token}"), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("ana@demo-mssp.test"), "{}", page.body);
        let offer = app.call("invitation_offer", &[("token", &token)], None).await;
        assert_eq!(json(&offer)["role"], "admin");

        let mismatch = [("token", token.as_str()), ("display_name", "Ana"), ("password", "a-long-password"), ("confirm_password", "another-one")];
        let reply = app.call("accept_invitation", &mismatch, None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        let form = [("token", token.as_str()), ("display_name", "Ana Analyst"), ("password", "a-long-password"), ("confirm_password", "a-long-password")];
        let joined = app.call("accept_invitation", &form, None).await;
        assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
        assert_eq!(json(&joined), "/mssp");
        let session = joined.session_cookie().expect("signed in");
        let me = json(&app.call("signed_in_user", &[], Some(&session)).await);
        assert_eq!((me["display_name"].as_str(), me["role"].as_str()), (Some("Ana Analyst"), Some("admin")));

        // The link is used up; a made-up one never worked.
        let again = app.call("accept_invitation", &form, None).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
        let page = app.get(&format!("/invite/{token}"), None).await;
        assert!(page.body.contains("no longer works"), "{}", page.body);
        let forged = app.call("invitation_offer", &[("token", "x".repeat(43).as_str())], None).await;
        assert_eq!(forged.status, StatusCode::NOT_FOUND);
    }
);

http_test!(
    async fn users_change_their_own_name_and_password(app) {
        let viewer = app.mssp_viewer().await;
        let other = app.mssp_viewer().await;
        let reply = app.call("update_profile", &[("display_name", "  Vera Viewer ")], Some(&viewer)).await;
        assert_eq!((reply.status, json(&reply)), (StatusCode::OK, Value::from("Vera Viewer")));
        assert_eq!(app.call("update_profile", &[("display_name", "")], Some(&viewer)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.call("update_profile", &[("display_name", "X")], None).await.status, StatusCode::UNAUTHORIZED);

        let wrong = [("current_password", "not-the-password"), ("new_password", "brand-new-secret"), ("confirm_password", "brand-new-secret")];
        let reply = app.call("change_password", &wrong, Some(&viewer)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        assert!(reply.body.contains("current password is not right"), "{}", reply.body);
        let right = [("current_password", domain::demo::PASSWORD), ("new_password", "brand-new-secret"), ("confirm_password", "brand-new-secret")];
        let reply = app.call("change_password", &right, Some(&viewer)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        // This session stays; the other one ended.
        assert_eq!(app.call("team", &[], Some(&viewer)).await.status, StatusCode::OK);
        assert_eq!(app.call("team", &[], Some(&other)).await.status, StatusCode::UNAUTHORIZED);
    }
);
