//! Which plan prices an MSSP: the default, unless the operator put it on a named plan of the
//! pricing file (`mssp-portal billing set-plan`). Nothing a user of the portal sends reaches
//! this: only the operator's command line writes it.

use super::pricing::{DEFAULT_PLAN, Plan, Pricing};
use crate::{Db, Error, Result};
use chrono::{DateTime, Utc};
use entity::{billing_plan, tenant};
use portal_types::{TenantId, TenantKind, TenantName};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::HashMap;

/// The plan `mssp` is billed on, with its name.
pub async fn plan_of<'p>(
    conn: &impl ConnectionTrait,
    pricing: &'p Pricing,
    mssp: TenantId,
) -> Result<(&'p str, &'p Plan)> {
    let row = billing_plan::Entity::find_by_id(mssp.0).one(conn).await?;
    let name = row.map_or_else(|| DEFAULT_PLAN.to_owned(), |row| row.plan);
    pricing
        .plan_names()
        .find(|known| *known == name)
        .and_then(|known| Some((known, pricing.plan(known)?)))
        .ok_or_else(|| {
            Error::Internal(format!(
                "MSSP {mssp} is on plan {name:?}, which the pricing file does not define"
            ))
        })
}

/// Puts the MSSP called `name` on `plan` ("default": back on the default plan).
pub async fn assign(
    db: &Db,
    pricing: &Pricing,
    name: &TenantName,
    plan: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if pricing.plan(plan).is_none() {
        return Err(Error::Conflict(format!(
            "the pricing file has no plan {plan:?}; its plans: {}",
            pricing.plan_names().collect::<Vec<_>>().join(", ")
        )));
    }
    let mssp = crate::tenants::find_by_name(db, name)
        .await?
        .filter(|tenant| tenant.kind == TenantKind::Mssp.as_str())
        .ok_or_else(|| Error::Conflict(format!("there is no MSSP called {:?}", name.as_str())))?;
    if plan == DEFAULT_PLAN {
        billing_plan::Entity::delete_by_id(mssp.id)
            .exec(db.conn())
            .await?;
        return Ok(());
    }
    billing_plan::Entity::insert(billing_plan::ActiveModel {
        mssp_tenant_id: Set(mssp.id),
        plan: Set(plan.to_owned()),
        assigned_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(billing_plan::Column::MsspTenantId)
            .update_columns([billing_plan::Column::Plan, billing_plan::Column::AssignedAt])
            .to_owned(),
    )
    .exec_without_returning(db.conn())
    .await?;
    Ok(())
}

/// Every MSSP not on the default plan, by name, with its plan.
pub async fn assignments(db: &Db) -> Result<Vec<(String, String)>> {
    let plans = billing_plan::Entity::find().all(db.conn()).await?;
    let names: HashMap<i64, String> = tenant::Entity::find()
        .select_only()
        .columns([tenant::Column::Id, tenant::Column::Name])
        .filter(tenant::Column::Id.is_in(plans.iter().map(|row| row.mssp_tenant_id)))
        .into_tuple::<(i64, String)>()
        .all(db.conn())
        .await?
        .into_iter()
        .collect();
    let mut list: Vec<(String, String)> = plans
        .into_iter()
        .map(|row| {
            let name = names.get(&row.mssp_tenant_id).cloned().unwrap_or_default();
            (name, row.plan)
        })
        .collect();
    list.sort_by_key(|(name, _)| name.to_lowercase());
    Ok(list)
}

/// Refuses to start when an MSSP is on a plan the pricing file no longer defines: its bill
/// would otherwise be priced by a plan nobody can see.
pub async fn check_assignments(db: &Db, pricing: &Pricing) -> std::result::Result<(), String> {
    let assigned = assignments(db)
        .await
        .map_err(|e| format!("cannot read the MSSPs' billing plans: {e}"))?;
    match assigned
        .iter()
        .find(|(_, plan)| pricing.plan(plan).is_none())
    {
        Some((mssp, plan)) => Err(format!(
            "the MSSP {mssp:?} is on the billing plan {plan:?}, which the pricing file does not \
             define; define it again, or move the MSSP with `mssp-portal billing set-plan`"
        )),
        None => Ok(()),
    }
}
