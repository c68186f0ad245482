//! Enrollment tokens and agents on SQLite and PostgreSQL: tokens expire, can be revoked, are
//! stored hashed and stay in their tenant; viewers cannot issue them.

mod common;

use common::*;
use domain::agents::{self, Enrollment, Refused, ValidDays};
use domain::testing::signed_in_scope;
use domain::{Error, companies, db_test, demo};
use portal_types::{AgentKind, AgentVersion, CompanyName, Hostname};

db_test!(async fn enrollment_tokens_expire_can_be_revoked_and_stay_in_their_tenant(test) {
    demo::load(&test.db).await.expect("demo");
    let db = &test.db;
    let own = signed_in_scope(db, NORTHWIND.0, NORTHWIND.1).await;
    let other = signed_in_scope(db, CONTOSO.0, CONTOSO.1).await;
    let new_viewer = domain::users::NewUser {
        tenant: portal_types::TenantName::parse(NORTHWIND.0).expect("name"),
        email: portal_types::Email::parse("viewer@northwind-msp.test").expect("email"),
        display_name: "Viewer".into(),
        role: portal_types::Role::Viewer,
        password: portal_types::Password::parse_new(demo::PASSWORD).expect("password"),
    };
    domain::users::add(db, new_viewer).await.expect("viewer");
    let viewer = signed_in_scope(db, NORTHWIND.0, "viewer@northwind-msp.test").await;
    let company = companies::create(&db.scoped(&own), &CompanyName::parse("Acme").expect("name")).await.expect("company");
    let enrollment = Enrollment {
        kind: AgentKind::Probe,
        hostname: Hostname::parse("probe-1").expect("hostname"),
        version: AgentVersion::parse("1.0").expect("version"),
    };

    // Another MSP, or a viewer, cannot issue a token for this company.
    let refused = agents::issue_token(&db.scoped(&other), company.id, ValidDays::DEFAULT).await;
    assert!(matches!(refused, Err(Error::NotFound)), "{refused:?}");
    let refused = agents::issue_token(&db.scoped(&viewer), company.id, ValidDays::DEFAULT).await;
    assert!(matches!(refused, Err(Error::Forbidden)), "{refused:?}");

    let token = agents::issue_token(&db.scoped(&own), company.id, ValidDays::new(1).expect("days")).await.expect("token");
    assert_eq!(token.token.token_hash.len(), 64, "stored hashed");
    assert_ne!(token.token.token_hash, token.secret.expose());
    let enrolled = agents::enroll(db, token.secret.expose(), &enrollment).await.expect("enroll");
    assert_eq!(enrolled.agent.company_id, company.id);
    let again = agents::authenticate(db, enrolled.secret.expose()).await.expect("authenticate");
    assert_eq!(again, enrolled.agent);
    assert_eq!(rollup(&test, company.id).await.probe_agents, 1);

    // Bad, revoked and expired tokens are refused, each with its reason.
    let bad = agents::enroll(db, "not-a-token", &enrollment).await;
    assert!(matches!(bad, Err(Error::Refused(Refused::UnknownToken))), "{bad:?}");
    let listed = agents::tokens(&db.scoped(&own), company.id).await.expect("tokens");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].uses, 1);
    assert!(agents::tokens(&db.scoped(&other), company.id).await.expect("tokens").is_empty(), "not another MSP's");
    let refused = agents::revoke_token(&db.scoped(&other), token.token.id).await;
    assert!(matches!(refused, Err(Error::NotFound)), "{refused:?}");
    agents::revoke_token(&db.scoped(&own), token.token.id).await.expect("revoke");
    let revoked = agents::enroll(db, token.secret.expose(), &enrollment).await;
    assert!(matches!(revoked, Err(Error::Refused(Refused::RevokedToken))), "{revoked:?}");
    // An agent enrolled before the revocation keeps working.
    agents::heartbeat(test.conn(), &enrolled.agent, None).await.expect("heartbeat");

    let expiring = agents::issue_token(&db.scoped(&own), company.id, ValidDays::new(1).expect("days")).await.expect("token");
    test.expire_token(expiring.token.id).await;
    let expired = agents::enroll(db, expiring.secret.expose(), &enrollment).await;
    assert!(matches!(expired, Err(Error::Refused(Refused::ExpiredToken))), "{expired:?}");
    assert_eq!(rollup(&test, company.id).await.probe_agents, 1, "refusals changed nothing");

    assert!(ValidDays::new(0).is_err() && ValidDays::new(366).is_err());
    let wrong = agents::authenticate(db, token.secret.expose()).await;
    assert!(matches!(wrong, Err(Error::Refused(Refused::UnknownSecret))), "a token is not a secret");
});
