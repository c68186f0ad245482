//! A month simulated day by day, on SQLite and PostgreSQL: MSPs approved and revoked, agents
//! enrolled and retired, every day sampled, the month closed; its statement (daily usage,
//! peak, charge, each MSP's share) against figures worked out by hand, and frozen.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use domain::billing::ledger::{close_finished_months, closed, past};
use domain::billing::metering::sample_day;
use domain::billing::pricing::{EXAMPLE, Pricing};
use domain::billing::statements::charge;
use domain::testing::signed_in_scope;
use domain::{db_test, demo};
use entity::{agent, association, tenant};
use portal_types::{AssociationStatus, CompanyName, PeakUsage, Period, TenantName, UsageDay};

const WEEK: Duration = Duration::days(7);
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

/// October 2026, day `d`, at `h` o'clock UTC.
fn oct(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, d, h, 0, 0)
        .single()
        .expect("a time")
}

async fn tenant_id(conn: &sea_orm::DatabaseConnection, name: &str) -> i64 {
    tenant::Entity::find()
        .filter(tenant::Column::Name.eq(name))
        .one(conn)
        .await
        .expect("query")
        .expect("tenant")
        .id
}

/// Adds a company to `msp` with one agent per `(kind, enrolled, last seen)`.
async fn agents(
    test: &domain::testing::TestDb,
    msp: &str,
    admin: &str,
    list: &[(&str, DateTime<Utc>, DateTime<Utc>)],
) {
    let db = &test.db;
    let scope = signed_in_scope(db, msp, admin).await;
    let company = domain::companies::create(
        &db.scoped(&scope),
        &CompanyName::parse("Site").expect("name"),
    )
    .await
    .expect("company");
    for (n, (kind, enrolled, seen)) in list.iter().enumerate() {
        agent::Entity::insert(agent::ActiveModel {
            tenant_id: Set(scope.tenant_id().0),
            company_id: Set(company.id),
            kind: Set((*kind).into()),
            hostname: Set(format!("host-{n}")),
            version: Set("1.0".into()),
            secret_hash: Set(format!("{:0>64}", scope.tenant_id().0 * 100 + n as i64)),
            enrollment_token_id: Set(None),
            enrolled_at: Set(*enrolled),
            last_seen_at: Set(*seen),
            ..Default::default()
        })
        .exec(test.conn())
        .await
        .expect("agent");
    }
}

db_test!(async fn a_simulated_month_is_billed_at_its_peak(test) {
    let db = &test.db;
    demo::load(db).await.expect("demo");
    let conn = test.conn();
    let now = Utc::now();
    let mssp = tenant_id(conn, demo::MSSP_NAME).await;
    // The MSSP has been a customer since September (only MSSPs that existed by a month's end
    // get its statement).
    tenant::Entity::update_many()
        .col_expr(tenant::Column::CreatedAt, Expr::value(Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).single().expect("time")))
        .exec(conn)
        .await
        .expect("backdate");
    let [northwind, contoso, fabrikam] = [
        tenant_id(conn, "Northwind MSP").await,
        tenant_id(conn, "Contoso MSP").await,
        tenant_id(conn, "Fabrikam MSP").await,
    ];

    // Northwind approved on the 1st; Contoso approved on the 5th and revoked on the 20th;
    // Fabrikam approved on the 10th.
    let set = |msp: i64, status: AssociationStatus, decided: DateTime<Utc>, ended: Option<DateTime<Utc>>| {
        association::Entity::update_many()
            .col_expr(association::Column::Status, Expr::value(status.as_str()))
            .col_expr(association::Column::DecidedAt, Expr::value(decided))
            .col_expr(association::Column::EndedAt, Expr::value(ended))
            .filter(association::Column::MspTenantId.eq(msp))
            .exec(conn)
    };
    set(northwind, AssociationStatus::Approved, oct(1, 10), None).await.expect("northwind");
    set(contoso, AssociationStatus::Revoked, oct(5, 10), Some(oct(20, 10))).await.expect("contoso");
    association::Entity::insert(association::ActiveModel {
        mssp_tenant_id: Set(mssp),
        msp_tenant_id: Set(fabrikam),
        status: Set(AssociationStatus::Approved.as_str().into()),
        requested_email: Set("admin@fabrikam-msp.test".into()),
        requested_at: Set(oct(9, 10)),
        expires_at: Set(oct(23, 10)),
        decided_at: Set(Some(oct(10, 10))),
        ..Default::default()
    })
    .exec(conn)
    .await
    .expect("fabrikam");

    // Northwind: two probes all month; a lightweight agent last seen on the 8th (retired: it
    // counts through the 14th, seven days on) and another enrolled on the 15th.
    agents(&test, "Northwind MSP", "admin@northwind-msp.test", &[
        ("probe", oct(1, 9), now),
        ("probe", oct(1, 9), now),
        ("lightweight", oct(1, 9), oct(8, 12)),
        ("lightweight", oct(15, 9), now),
    ]).await;
    // Contoso: one probe, counted only while Contoso is. Fabrikam: three probes from the 12th.
    agents(&test, "Contoso MSP", "admin@contoso-msp.test", &[("probe", oct(1, 9), now)]).await;
    agents(&test, "Fabrikam MSP", "admin@fabrikam-msp.test", &[
        ("probe", oct(12, 9), now),
        ("probe", oct(12, 9), now),
        ("probe", oct(12, 9), now),
    ]).await;

    let first = NaiveDate::from_ymd_opt(2026, 10, 1).expect("date");
    let last = NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    for day in first.iter_days().take_while(|d| *d <= last) {
        assert!(sample_day(db, day, now, WEEK).await.expect("sample"));
    }

    // The month closes once its last day is sampled (here on November 2nd).
    let pricing = Pricing::parse(EXAMPLE).expect("pricing");
    let closing = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().expect("time");
    assert_eq!(close_finished_months(db, &pricing, closing).await.expect("close"), 1, "one MSSP, one month");
    let owner = signed_in_scope(db, demo::MSSP_NAME, "owner@demo-mssp.test").await;
    let october = Period::parse("2026-10").expect("period");
    let statement = closed(&db.scoped(&owner), october).await.expect("statement");

    // By hand: tenants 1 (1st–4th), 2 (5th–9th), 3 (10th–19th), 2 (20th–31st); probes 2, 3
    // (5th–11th), 6 (12th–19th), 5 (20th–31st); one lightweight agent every day.
    let usage = &statement.daily;
    assert_eq!(usage.len(), 31);
    let on = |d: u32| usage[d as usize - 1];
    let day = |d: u32, msp_tenants, probe_agents| UsageDay {
        day: NaiveDate::from_ymd_opt(2026, 10, d).expect("date"),
        msp_tenants,
        probe_agents,
        lightweight_agents: 1,
        provisional: false,
    };
    for (d, tenants, probes) in [(1, 1, 2), (4, 1, 2), (5, 2, 3), (9, 2, 3), (10, 3, 3), (11, 3, 3), (12, 3, 6), (14, 3, 6), (15, 3, 6), (19, 3, 6), (20, 2, 5), (31, 2, 5)] {
        assert_eq!(on(d), day(d, tenants, probes), "October {d}");
    }
    assert_eq!(statement.peak, PeakUsage { msp_tenants: 3, probe_agents: 6, lightweight_agents: 1, agents: 7 });
    assert_eq!((statement.days_elapsed, statement.closed_at), (31, Some(closing)));

    // Priced by the default plan (graduated, agents together): 3 × 50.00 + 7 × 3.00 = 171.00.
    assert_eq!(statement.plan.name, "default");
    assert_eq!(statement.plan.currency.code, "USD");
    assert_eq!(statement.charges.iter().map(|m| (m.meter.as_str(), m.units, m.amount)).collect::<Vec<_>>(),
        [("MSP tenants", 3, 15_000), ("Agents", 7, 2_100)]);
    assert_eq!(statement.charges[0].tier_reached.as_ref().map(|t| t.range()).as_deref(), Some("1–10"));
    assert_eq!(statement.total, 17_100);

    // Shares. Tenant-days: Northwind 31, Contoso 15 (5th–19th), Fabrikam 22 (10th–31st), of
    // 68: 15,000 splits 6,838.2 / 3,308.8 / 4,852.9, the two units left going to Fabrikam and
    // Contoso. Agent-days: Northwind 62 probe + 14 + 17 lightweight = 93, Contoso 15,
    // Fabrikam 60, of 168: 2,100 splits 1,162.5 / 187.5 / 750, the unit left to Northwind
    // (the tie goes to the earlier MSP).
    let shares: Vec<_> = statement.msps.iter()
        .map(|m| (m.name.as_str(), m.days_counted, m.peak_probe_agents, m.peak_lightweight_agents, m.peak_agents, m.share))
        .collect();
    assert_eq!(shares, [
        ("Contoso MSP", 15, 1, 0, 1, 3_309 + 187),
        ("Fabrikam MSP", 22, 3, 0, 3, 4_853 + 750),
        ("Northwind MSP", 31, 2, 1, 3, 6_838 + 1_163),
    ]);
    assert_eq!(statement.msps.iter().map(|m| m.share).sum::<i64>(), statement.total);

    // Frozen: Northwind revoked, agents gone, the MSSP moved to the volume plan and the month
    // closed again change nothing.
    set(northwind, AssociationStatus::Revoked, oct(1, 10), Some(oct(2, 10))).await.expect("revoke");
    agent::Entity::delete_many().exec(conn).await.expect("agents gone");
    domain::billing::plans::assign(db, &pricing, &TenantName::parse(demo::MSSP_NAME).expect("name"), "volume", closing)
        .await
        .expect("plan");
    assert_eq!(close_finished_months(db, &pricing, closing + chrono::Duration::days(1)).await.expect("close"), 0);
    assert_eq!(closed(&db.scoped(&owner), october).await.expect("statement"), statement);
    let past = past(&db.scoped(&owner)).await.expect("past");
    assert_eq!(past.iter().map(|p| (p.period, p.total)).collect::<Vec<_>>(), [(october, 17_100)]);
});

#[test]
fn the_volume_plan_prices_agents_apart() {
    // 3 × 45.00 + 6 × 3.50 + 1 × 1.00 = 157.00, every unit at the tier reached.
    let pricing = Pricing::parse(EXAMPLE).expect("pricing");
    let peak = PeakUsage {
        msp_tenants: 3,
        probe_agents: 6,
        lightweight_agents: 1,
        agents: 7,
    };
    let (charges, total) = charge(&pricing.plans["volume"], &peak).expect("charge");
    assert_eq!(
        charges
            .iter()
            .map(|m| (m.meter.as_str(), m.amount))
            .collect::<Vec<_>>(),
        [
            ("MSP tenants", 13_500),
            ("Probe agents", 2_100),
            ("Lightweight agents", 100)
        ]
    );
    assert_eq!(total, 15_700);
}
