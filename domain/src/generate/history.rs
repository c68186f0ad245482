//! Demo history: snapshots of the days before today, so trends have something to show, and a
//! billing past, so the Billing page has closed months to show.

use crate::{Db, Result};

/// Days of snapshot history the demo data has, so trends have something to show.
pub const HISTORY_DAYS: u32 = 90;

/// Snapshots for the [`HISTORY_DAYS`] before `today`, derived from today's counters: open
/// findings were higher further back (the MSPs have been fixing them), with a weekly wobble.
/// A day that already has its snapshots keeps them.
pub(super) async fn history(db: &Db, today: chrono::NaiveDate) -> Result<()> {
    use sea_orm::{ConnectionTrait, Statement};
    let txn = db.begin_write().await?;
    for back in 1..=HISTORY_DAYS {
        let day = today - chrono::Days::new(u64::from(back));
        let factor = 1.0
            + 0.6 * f64::from(back) / f64::from(HISTORY_DAYS)
            + 0.05 * (f64::from(back) * std::f64::consts::TAU / 7.0).sin();
        let scaled = |column: &str| format!("CAST(ROUND({column} * $2) AS BIGINT)");
        let sql = format!(
            "INSERT INTO rollup_snapshots (company_id, tenant_id, day, probe_agents, \
             lightweight_agents, probe_discovered_assets, external_assets, agent_host_assets, \
             total_assets, open_findings, open_critical, open_high, open_medium, open_low) \
             SELECT company_id, tenant_id, $1, probe_agents, lightweight_agents, \
             probe_discovered_assets, external_assets, agent_host_assets, total_assets, \
             {} + {} + {} + {}, {}, {}, {}, {} FROM company_rollups \
             WHERE 1 = 1 ON CONFLICT (company_id, day) DO NOTHING",
            scaled("open_critical"),
            scaled("open_high"),
            scaled("open_medium"),
            scaled("open_low"),
            scaled("open_critical"),
            scaled("open_high"),
            scaled("open_medium"),
            scaled("open_low"),
        );
        let statement = Statement::from_sql_and_values(
            txn.get_database_backend(),
            sql,
            [day.into(), factor.into()],
        );
        txn.execute_raw(statement).await?;
        crate::rollups::snapshot_tenants(&txn, day).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// How long before generation the demo MSP that approved the demo MSSP did so.
pub const APPROVED_DAYS_AGO: i64 = 45;

/// The demo MSSP has been a customer for [`HISTORY_DAYS`], and the MSP that approved it did so
/// [`APPROVED_DAYS_AGO`] (its audit trail keeps the real time): the billing sampler, filling in the days
/// missed, then counts it since then, and closes last month. Dates already further back stay.
pub(super) async fn billing_history(db: &Db, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    use entity::{association, tenant};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let customer_since = now - chrono::Duration::days(i64::from(HISTORY_DAYS));
    let approved = now - chrono::Duration::days(APPROVED_DAYS_AGO);
    let txn = db.begin_write().await?;
    tenant::Entity::update_many()
        .col_expr(tenant::Column::CreatedAt, Expr::value(customer_since))
        .filter(tenant::Column::Name.eq(crate::demo::MSSP_NAME))
        .filter(tenant::Column::CreatedAt.gt(customer_since))
        .exec(&txn)
        .await?;
    let decided: Vec<association::Model> = association::Entity::find()
        .filter(association::Column::Status.eq(portal_types::AssociationStatus::Approved.as_str()))
        .filter(association::Column::DecidedAt.gt(approved))
        .all(&txn)
        .await?;
    for row in decided {
        association::Entity::update_many()
            .col_expr(
                association::Column::RequestedAt,
                Expr::value(approved - chrono::Duration::days(1)),
            )
            .col_expr(association::Column::DecidedAt, Expr::value(approved))
            .filter(association::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
