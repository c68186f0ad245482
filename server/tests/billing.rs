//! Billing through the real router, on SQLite and PostgreSQL: the running estimate and a
//! closed month's statement, as the page's server function and as CSV, for owners and admins;
//! refused for viewers, MSP users and visitors; another MSSP sees only its own.

mod support;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::billing::{ledger, metering, pricing};
use entity::{association, tenant};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use support::TestApp;

fn json(reply: &support::Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("json: {}", reply.body))
}

/// The demo MSSP, a customer since February 2025, with Northwind approved on February 20th
/// and every day of March 2025 sampled and the month closed.
async fn close_march_2025(app: &TestApp) {
    let db = &app.test_db.db;
    let conn = app.test_db.conn();
    let at = |m, d| {
        Utc.with_ymd_and_hms(2025, m, d, 12, 0, 0)
            .single()
            .expect("time")
    };
    tenant::Entity::update_many()
        .col_expr(tenant::Column::CreatedAt, Expr::value(at(2, 1)))
        .filter(tenant::Column::Name.eq(domain::demo::MSSP_NAME))
        .exec(conn)
        .await
        .expect("backdate the MSSP");
    association::Entity::update_many()
        .col_expr(association::Column::DecidedAt, Expr::value(at(2, 20)))
        .filter(association::Column::Status.eq(portal_types::AssociationStatus::Approved.as_str()))
        .exec(conn)
        .await
        .expect("backdate the approval");
    let first = NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
    for day in first.iter_days().take(31) {
        metering::sample_day(db, day, Utc::now(), Duration::days(7))
            .await
            .expect("sample");
    }
    let pricing = pricing::Pricing::parse(pricing::EXAMPLE).expect("pricing");
    assert_eq!(
        ledger::close_finished_months(db, &pricing, at(4, 2))
            .await
            .expect("close"),
        1,
        "the demo MSSP's March (the other tenants are MSPs)"
    );
}

http_test!(
    async fn owners_and_admins_see_the_estimate_and_closed_months(app) {
        close_march_2025(&app).await;
        for session in [app.mssp_owner().await, app.mssp_admin().await] {
            // The running month: Northwind counted today, so far: 1 × 50.00.
            let current = json(&app.call("billing_statement", &[], Some(&session)).await);
            let statement = &current["statement"];
            assert_eq!(statement["total"], 5000, "{current}");
            assert_eq!(statement["closed_at"], Value::Null);
            assert_eq!(statement["peak"]["msp_tenants"], 1);
            assert_eq!(statement["msps"][0]["name"], "Northwind MSP");
            assert_eq!(statement["charges"][0]["tier_reached"]["from"], 1);
            let today = statement["daily"].as_array().expect("days").last().cloned().expect("today");
            assert_eq!(today["provisional"], true);
            assert_eq!(current["past"][0]["period"], "2025-03");
            assert_eq!(current["past"][0]["total"], 5000);

            // March 2025, closed: 31 days of one MSP.
            let march = json(&app.call("billing_statement", &[("period", "2025-03")], Some(&session)).await);
            assert_eq!(march["statement"]["days_elapsed"], 31, "{march}");
            assert_eq!(march["statement"]["msps"][0]["days_counted"], 31);
            assert_ne!(march["statement"]["closed_at"], Value::Null);

            let csv = app.get("/mssp/billing/statement.csv?period=2025-03", Some(&session)).await;
            assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
            assert!(csv.header("content-disposition").is_some_and(|h| h.contains("billing-statement-2025-03.csv")));
            assert_eq!(csv.body, "period,meter,tier,units,unit_price,flat_fee,amount,currency\n\
                2025-03,MSP tenants,1–10,1,50.00,0.00,50.00,USD\n\
                2025-03,Total,,,,,50.00,USD\n");
            let csv = app.get("/mssp/billing/msps.csv?period=2025-03", Some(&session)).await;
            assert_eq!(csv.body, "period,msp,days_counted,peak_probe_agents,peak_lightweight_agents,peak_agents,share,currency\n\
                2025-03,Northwind MSP,31,0,0,0,50.00,USD\n");
            let csv = app.get("/mssp/billing/msps.csv", Some(&session)).await;
            assert!(csv.header("content-disposition").is_some_and(|h| h.contains("-estimate.csv")));
            assert!(csv.body.contains(",Northwind MSP,1,0,0,0,50.00,USD"), "{}", csv.body);
        }

        // The page itself renders the estimate.
        let page = app.get("/mssp/billing", Some(&app.mssp_owner().await)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("USD 50.00"), "the estimate on the page");
    }
);

http_test!(
    async fn viewers_msp_users_visitors_and_other_mssps_are_refused(app) {
        close_march_2025(&app).await;
        let viewer = app.mssp_viewer().await;
        let msp = app.msp_admin().await;
        let other = app.other_mssp_owner().await;
        let downloads = ["/mssp/billing/statement.csv", "/mssp/billing/msps.csv?period=2025-03"];

        for (session, status) in [
            (Some(&viewer), StatusCode::FORBIDDEN),
            (Some(&msp), StatusCode::NOT_FOUND),
            (None, StatusCode::UNAUTHORIZED),
        ] {
            let reply = app.call("billing_statement", &[], session.map(String::as_str)).await;
            assert_eq!(reply.status, status, "{}", reply.body);
            for path in downloads {
                let reply = app.get(path, session.map(String::as_str)).await;
                assert_eq!(reply.status, status, "{path}: {}", reply.body);
                assert!(!reply.body.contains("Northwind"), "{path}");
            }
        }

        // Another MSSP: its own, empty estimate; the demo MSSP's March is not found.
        let own = json(&app.call("billing_statement", &[], Some(&other)).await);
        assert_eq!(own["statement"]["total"], 0, "{own}");
        assert_eq!(own["statement"]["msps"], serde_json::json!([]));
        assert_eq!(own["past"], serde_json::json!([]));
        let march = app.call("billing_statement", &[("period", "2025-03")], Some(&other)).await;
        assert_eq!(march.status, StatusCode::NOT_FOUND, "{}", march.body);
        let csv = app.get("/mssp/billing/statement.csv?period=2025-03", Some(&other)).await;
        assert_eq!(csv.status, StatusCode::NOT_FOUND);

        // A malformed period is a clear error, not a crash.
        let owner = app.mssp_owner().await;
        for bad in ["2025-13", "March", "2025-03-01'--"] {
            let reply = app.call("billing_statement", &[("period", bad)], Some(&owner)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}: {}", reply.body);
            let reply = app.get(&format!("/mssp/billing/msps.csv?period={}", support::encode(&[("p", bad)]).trim_start_matches("p=")), Some(&owner)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}: {}", reply.body);
        }
    }
);
