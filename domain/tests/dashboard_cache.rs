//! The dashboard cache on SQLite and PostgreSQL: an MSSP's sums are remembered, only for the
//! scope that computed them; an association change drops them at once on the instance that
//! made it and, on PostgreSQL, on every other instance when the notification arrives.

mod common;

use common::*;
use domain::associations::{self, Decision, ListQuery, MspPage, SortBy, Status};
use domain::db::PoolSettings;
use domain::ingest::{self, Report, ReportKind};
use domain::inventory::{Posture, global_posture, msp_posture, viewable_msps};
use domain::testing::signed_in_scope;
use domain::{Db, Engine, Error, Scope, db_test, demo, tenants};
use entity::{association, tenant};
use portal_types::{AgentKind, Email, Password, Severity, TenantId, TenantKind, TenantName};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::time::Duration;

/// Longer than any test: entries leave only when something drops them.
const LONG: Duration = Duration::from_secs(600);

async fn cached(db: &Db) -> Db {
    db.clone().with_dashboard_cache(LONG).await.expect("cache")
}

/// The MSSP's Global posture, read through `db`, with a scope resolved now.
async fn global(db: &Db, who: (&str, &str)) -> Posture {
    let scope = signed_in_scope(db, who.0, who.1).await;
    global_posture(&db.scoped(&scope)).await.expect("global")
}

const DEMO_MSSP: (&str, &str) = (demo::MSSP_NAME, "owner@demo-mssp.test");
const FABRIKAM: (&str, &str) = ("Fabrikam MSP", "admin@fabrikam-msp.test");

/// Ingests one more critical finding on a new host of `fixture`'s company.
async fn one_more_critical(db: &Db, fixture: &Fixture, host_name: &str) {
    let report = Report::new(
        ReportKind::Scan,
        AgentKind::Lightweight,
        vec![host(
            host_name,
            vec![finding("CVE-2026-1", Severity::Critical)],
        )],
    )
    .expect("report");
    ingest::ingest(db, &fixture.lightweight, &report)
        .await
        .expect("ingest");
}

db_test!(async fn sums_are_remembered_per_scope_and_dropped_when_an_association_changes(test) {
    demo::load(&test.db).await.expect("demo");
    let truth = &test.db;
    let db = cached(truth).await;
    let acme = fixture(&db, NORTHWIND, "Acme").await;
    one_more_critical(&db, &acme, "web-1").await;

    // Remembered: new findings do not move the MSSP's sums until something drops them.
    let first = global(&db, DEMO_MSSP).await;
    assert_eq!(first, global(truth, DEMO_MSSP).await);
    one_more_critical(&db, &acme, "web-2").await;
    assert_eq!(global(&db, DEMO_MSSP).await, first, "served from memory");
    let now_true = global(truth, DEMO_MSSP).await;
    assert_eq!(now_true.open_critical, first.open_critical + 1);

    // Contoso declines the demo's pending request: the approved set is unchanged, but the
    // MSSP's association changed, so its entries go at once.
    let contoso = signed_in_scope(&db, CONTOSO.0, CONTOSO.1).await;
    let pending = association_of(test.conn(), &contoso).await;
    associations::decide(&db, &contoso, pending, Decision::Reject, "Not now", chrono::Utc::now()).await.expect("decline");
    assert_eq!(global(&db, DEMO_MSSP).await, now_true, "dropped on the change");

    // A second MSSP, approved by Fabrikam, never gets the first one's numbers.
    other_mssp(&db).await;
    let other_scope = signed_in_scope(&db, "Other MSSP", "owner@other-mssp.test").await;
    let id = associations::request(&db, &other_scope, FABRIKAM.0, FABRIKAM.1, chrono::Utc::now()).await.expect("request");
    let fabrikam = signed_in_scope(&db, FABRIKAM.0, FABRIKAM.1).await;
    associations::decide(&db, &fabrikam, id, Decision::Approve, "Yes", chrono::Utc::now()).await.expect("approve");
    let fabrikam_company = fixture(&db, FABRIKAM, "Umbrella").await;
    one_more_critical(&db, &fabrikam_company, "lab-1").await;
    let seen_by_other = global(&db, ("Other MSSP", "owner@other-mssp.test")).await;
    assert_eq!(seen_by_other, global(truth, ("Other MSSP", "owner@other-mssp.test")).await);
    assert_eq!(seen_by_other.open_critical, 1, "Fabrikam's one finding, not Northwind's");
    assert_ne!(seen_by_other, global(&db, DEMO_MSSP).await);

    // Northwind revokes: its numbers, its view and its name are gone from the next request.
    let northwind = signed_in_scope(&db, NORTHWIND.0, NORTHWIND.1).await;
    let approved = association_of(test.conn(), &northwind).await;
    let mssp = signed_in_scope(&db, DEMO_MSSP.0, DEMO_MSSP.1).await;
    assert!(msp_posture(&db.scoped(&mssp), northwind.tenant_id()).await.is_ok());
    assert_eq!(viewable_msps(&db.scoped(&mssp)).await.expect("msps").len(), 1);
    associations::revoke(&db, &northwind, approved, "Contract ended", chrono::Utc::now()).await.expect("revoke");
    let mssp = signed_in_scope(&db, DEMO_MSSP.0, DEMO_MSSP.1).await;
    assert_eq!(global(&db, DEMO_MSSP).await, Posture::default());
    assert!(matches!(msp_posture(&db.scoped(&mssp), northwind.tenant_id()).await, Err(Error::NotFound)));
    assert!(viewable_msps(&db.scoped(&mssp)).await.expect("msps").is_empty());
});

db_test!(async fn another_instance_drops_its_entries_when_the_notification_arrives(test) {
    if test.db.engine() != Engine::Postgres {
        // One process on SQLite: there is no other instance to tell.
        return;
    }
    demo::load(&test.db).await.expect("demo");
    let here = cached(&test.db).await;
    let separate = Db::connect(&test.url(), &PoolSettings::default()).await.expect("connect");
    let there = separate.with_dashboard_cache(LONG).await.expect("cache");
    let acme = fixture(&here, NORTHWIND, "Acme").await;
    let before = global(&there, DEMO_MSSP).await;
    one_more_critical(&here, &acme, "web-1").await;
    assert_eq!(global(&there, DEMO_MSSP).await, before, "remembered there");

    let contoso = signed_in_scope(&here, CONTOSO.0, CONTOSO.1).await;
    let pending = association_of(test.conn(), &contoso).await;
    associations::decide(&here, &contoso, pending, Decision::Reject, "Not now", chrono::Utc::now()).await.expect("decline");
    let truth = global(&test.db, DEMO_MSSP).await;
    let mssp = signed_in_scope(&there, DEMO_MSSP.0, DEMO_MSSP.1).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while global_posture(&there.scoped(&mssp)).await.expect("global") != truth {
        assert!(tokio::time::Instant::now() < deadline, "the other instance never dropped its entries");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
});

db_test!(async fn the_msps_tables_pages_are_remembered_until_an_association_changes(test) {
    demo::load(&test.db).await.expect("demo");
    let db = cached(&test.db).await;
    let by_name = ListQuery { sort: SortBy::MspName, page: 1, per_page: 25, ..ListQuery::default() };
    let page = |db: Db| {
        let query = by_name.clone();
        async move {
            let mssp = signed_in_scope(&db, DEMO_MSSP.0, DEMO_MSSP.1).await;
            associations::list_for_mssp(&db.scoped(&mssp), &query).await.expect("page")
        }
    };
    let row_of = |page: &MspPage, msp: TenantId| page.rows.iter().find(|r| r.msp_id == msp).cloned().expect("row");
    let contoso = signed_in_scope(&db, CONTOSO.0, CONTOSO.1).await;
    let first = page(db.clone()).await;
    assert_eq!(first, page(test.db.clone()).await);

    // Remembered: a renamed MSP keeps its old name here until something drops the entry.
    tenant::Entity::update_many()
        .col_expr(tenant::Column::Name, Expr::value("Contoso Renamed"))
        .filter(tenant::Column::Id.eq(contoso.tenant_id().0))
        .exec(test.conn())
        .await
        .expect("rename");
    assert_eq!(page(db.clone()).await, first, "served from memory");
    assert_eq!(row_of(&page(test.db.clone()).await, contoso.tenant_id()).msp_name, "Contoso Renamed");

    // Contoso declines the pending request: the next page shows the decision (and the name).
    let pending = association_of(test.conn(), &contoso).await;
    associations::decide(&db, &contoso, pending, Decision::Reject, "Not now", chrono::Utc::now()).await.expect("decline");
    let after = row_of(&page(db.clone()).await, contoso.tenant_id());
    assert_eq!((after.status, after.msp_name.as_str()), (Status::Rejected, "Contoso Renamed"));

    // Another MSSP's table is its own: empty, not the demo MSSP's remembered rows.
    other_mssp(&db).await;
    let other = signed_in_scope(&db, "Other MSSP", "owner@other-mssp.test").await;
    let others = associations::list_for_mssp(&db.scoped(&other), &by_name).await.expect("page");
    assert_eq!((others.total, others.rows.len()), (0, 0));
});

/// The id of the MSP's (one) association.
async fn association_of(conn: &DatabaseConnection, msp: &Scope) -> i64 {
    association::Entity::find()
        .filter(association::Column::MspTenantId.eq(msp.tenant_id().0))
        .one(conn)
        .await
        .expect("read")
        .expect("an association")
        .id
}

/// A second MSSP tenant, with its owner.
async fn other_mssp(db: &Db) {
    let new = tenants::NewTenant {
        kind: TenantKind::Mssp,
        name: TenantName::parse("Other MSSP").expect("name"),
        owner_email: Email::parse("owner@other-mssp.test").expect("email"),
        owner_name: "Other Owner".into(),
        owner_password: Password::parse_new(demo::PASSWORD).expect("password"),
    };
    tenants::create(db, new).await.expect("tenant");
}
