//! Usage metering on SQLite and PostgreSQL: a day is sampled once however often the sampler
//! runs; an MSP counts while approved and stops the day it is revoked; only agents seen
//! recently count as deployed; days missed are filled in.

use chrono::{DateTime, Days, Duration, Utc};
use domain::billing::metering::{sample_day, sample_finished_days, sampled_days};
use domain::testing::{TestDb, signed_in_scope};
use domain::{associations, db_test, demo};
use entity::{association, usage_sample};
use portal_types::CompanyName;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// The default window: an agent counts when seen within a week of the day's end.
const WEEK: Duration = Duration::days(7);

/// Northwind (approved in the demo) gets a company with a probe seen `now` and a lightweight
/// agent last seen ten days before (retired, with the default window).
async fn northwind_agents(test: &TestDb, now: DateTime<Utc>) -> domain::Scope {
    let db = &test.db;
    let northwind = signed_in_scope(db, "Northwind MSP", "admin@northwind-msp.test").await;
    let company = domain::companies::create(
        &db.scoped(&northwind),
        &CompanyName::parse("Acme").expect("name"),
    )
    .await
    .expect("company");
    for (kind, seen) in [("probe", now), ("lightweight", now - Duration::days(10))] {
        entity::agent::Entity::insert(entity::agent::ActiveModel {
            tenant_id: Set(northwind.tenant_id().0),
            company_id: Set(company.id),
            kind: Set(kind.into()),
            hostname: Set(format!("{kind}-1")),
            version: Set("1.0".into()),
            secret_hash: Set(format!("{kind:0>64}")),
            enrollment_token_id: Set(None),
            enrolled_at: Set(now - Duration::days(20)),
            last_seen_at: Set(seen),
            ..Default::default()
        })
        .exec(test.conn())
        .await
        .expect("agent");
    }
    northwind
}

async fn samples(test: &TestDb) -> Vec<usage_sample::Model> {
    usage_sample::Entity::find()
        .order_by_asc(usage_sample::Column::Day)
        .order_by_asc(usage_sample::Column::MspTenantId)
        .all(test.conn())
        .await
        .expect("samples")
}

db_test!(async fn days_are_sampled_once_and_count_approved_msps_and_deployed_agents(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let now = Utc::now();
    let today = now.date_naive();

    let northwind = northwind_agents(&test, now).await;

    assert!(sample_day(db, today, now, WEEK).await.expect("sample"));
    assert!(!sample_day(db, today, now, WEEK).await.expect("again"), "a second run does nothing");
    let rows = samples(&test).await;
    assert_eq!(rows.len(), 1, "only the approved MSP: {rows:?}");
    assert_eq!((rows[0].msp_tenant_id, rows[0].probe_agents, rows[0].lightweight_agents), (northwind.tenant_id().0, 1, 0));

    // Revoked now: it still counted today (sampled before), and no longer from tomorrow.
    let id = association::Entity::find()
        .filter(association::Column::MspTenantId.eq(northwind.tenant_id().0))
        .one(test.conn())
        .await
        .expect("query")
        .expect("association")
        .id;
    associations::revoke(db, &northwind, id, "Contract ended", now).await.expect("revoke");
    let tomorrow = today.checked_add_days(Days::new(1)).expect("date");
    assert!(sample_day(db, tomorrow, now, WEEK).await.expect("sample"));
    assert_eq!(samples(&test).await.len(), 1, "nothing for the day after the revocation");
});

db_test!(async fn missed_days_are_filled_in_once(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let now = Utc::now();
    let today = now.date_naive();
    let later = now + chrono::Duration::days(3);

    // Three days later: every finished day of the last 62 is sampled, today's approval
    // counting from today on.
    let sampled = sample_finished_days(db, later, WEEK).await.expect("backfill");
    assert_eq!(sampled, 62);
    let days = sampled_days(db, today).await.expect("days");
    assert_eq!(days, (0..3).map(|d| today.checked_add_days(Days::new(d)).expect("date")).collect::<Vec<_>>());
    let rows = samples(&test).await;
    assert_eq!(rows.iter().map(|r| r.day).collect::<Vec<_>>(), days, "one approved MSP on each day since the approval");
    // Run again (another instance, say): nothing new.
    assert_eq!(sample_finished_days(db, later, WEEK).await.expect("again"), 0);
    assert_eq!(samples(&test).await.len(), 3);
});

db_test!(async fn the_deployed_window_is_the_operators(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let now = Utc::now();
    northwind_agents(&test, now).await;
    // With a fortnight's window, the agent last seen ten days ago is still deployed.
    assert!(sample_day(db, now.date_naive(), now, Duration::days(14)).await.expect("sample"));
    let rows = samples(&test).await;
    assert_eq!((rows[0].probe_agents, rows[0].lightweight_agents), (1, 1));
});
