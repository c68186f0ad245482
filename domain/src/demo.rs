//! Demo data: one MSSP and three MSPs with their sign-ins, for trying the portal.
//! Later features add companies, agents, findings and associations here.

use crate::{Db, Error, Result, tenants, users};
use entity::{association, audit_event, auth_throttle, session, tenant, user};
use portal_types::{Email, Password, Role, TenantKind, TenantName};
use sea_orm::EntityTrait;

/// Every demo account's password.
pub const PASSWORD: &str = "portal-demo-1";
pub const MSSP_NAME: &str = "Demo MSSP";
pub const MSP_NAMES: [&str; 3] = ["Northwind MSP", "Contoso MSP", "Fabrikam MSP"];

/// One demo sign-in, as the README and the start-up banner list them.
#[derive(Debug, Clone)]
pub struct DemoSignIn {
    pub tenant: String,
    pub email: String,
    pub role: Role,
}

/// The sign-ins [`load`] creates.
pub fn sign_ins() -> Vec<DemoSignIn> {
    let mut list = vec![
        DemoSignIn {
            tenant: MSSP_NAME.into(),
            email: "owner@demo-mssp.test".into(),
            role: Role::Owner,
        },
        DemoSignIn {
            tenant: MSSP_NAME.into(),
            email: "viewer@demo-mssp.test".into(),
            role: Role::Viewer,
        },
    ];
    list.extend(MSP_NAMES.iter().map(|name| DemoSignIn {
        tenant: (*name).into(),
        email: format!("admin@{}.test", name.to_lowercase().replace(' ', "-")),
        role: Role::Owner,
    }));
    list
}

/// Loads the demo data into an empty database. Refuses a database that holds tenants.
pub async fn load(db: &Db) -> Result<Vec<DemoSignIn>> {
    if tenants::count(db).await? > 0 {
        return Err(Error::Conflict(
            "The database already holds tenants; use --reset to wipe it first.".into(),
        ));
    }
    let invalid =
        |e: portal_types::ParseError| Error::Internal(format!("demo data is invalid: {e}"));
    let password = Password::parse_new(PASSWORD).map_err(invalid)?;
    let sign_ins = sign_ins();
    for owner in sign_ins.iter().filter(|s| s.role == Role::Owner) {
        let kind = if owner.tenant == MSSP_NAME {
            TenantKind::Mssp
        } else {
            TenantKind::Msp
        };
        tenants::create(
            db,
            tenants::NewTenant {
                kind,
                name: TenantName::parse(&owner.tenant).map_err(invalid)?,
                owner_email: Email::parse(&owner.email).map_err(invalid)?,
                owner_name: format!("{} Admin", owner.tenant),
                owner_password: password.clone(),
            },
        )
        .await?;
    }
    for other in sign_ins.iter().filter(|s| s.role != Role::Owner) {
        users::add(
            db,
            users::NewUser {
                tenant: TenantName::parse(&other.tenant).map_err(invalid)?,
                email: Email::parse(&other.email).map_err(invalid)?,
                display_name: "Demo Viewer".into(),
                role: other.role,
                password: password.clone(),
            },
        )
        .await?;
    }
    associate(db).await?;
    Ok(sign_ins)
}

/// Northwind approved (with a reason), Contoso pending, Fabrikam not associated.
async fn associate(db: &Db) -> Result<()> {
    use crate::associations::{self, Decision};
    let now = chrono::Utc::now();
    let mssp = demo_scope(db, MSSP_NAME, "owner@demo-mssp.test").await?;
    let northwind =
        associations::request(db, &mssp, MSP_NAMES[0], "admin@northwind-msp.test", now).await?;
    let northwind_admin = demo_scope(db, MSP_NAMES[0], "admin@northwind-msp.test").await?;
    associations::decide(
        db,
        &northwind_admin,
        northwind,
        Decision::Approve,
        "Managed security partner since 2024",
        now,
    )
    .await?;
    associations::request(db, &mssp, MSP_NAMES[1], "admin@contoso-msp.test", now).await?;
    Ok(())
}

/// The scope of a demo user, found directly (no sign-in, so no session or audit event).
async fn demo_scope(db: &Db, tenant: &str, email: &str) -> Result<crate::Scope> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let missing = || Error::Internal(format!("demo user {email} of {tenant} is missing"));
    let name = TenantName::parse(tenant).map_err(|e| Error::Internal(e.to_string()))?;
    let tenant_row = tenants::find_by_name(db, &name)
        .await?
        .ok_or_else(missing)?;
    let user_row = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant_row.id))
        .filter(user::Column::Email.eq(email))
        .one(db.conn())
        .await?
        .ok_or_else(missing)?;
    let principal = crate::Principal {
        user_id: portal_types::UserId(user_row.id),
        tenant_id: portal_types::TenantId(tenant_row.id),
        tenant_kind: tenant_row.kind.parse().map_err(Error::Internal)?,
        tenant_name: name,
        email: Email::parse(email).map_err(|e| Error::Internal(e.to_string()))?,
        display_name: user_row.display_name,
        role: user_row.role.parse().map_err(Error::Internal)?,
    };
    crate::Scope::resolve(db, principal).await
}

/// Deletes every row of every table, in one transaction (children first).
pub async fn wipe(db: &Db) -> Result<()> {
    let txn = db.begin_write().await?;
    session::Entity::delete_many().exec(&txn).await?;
    association::Entity::delete_many().exec(&txn).await?;
    audit_event::Entity::delete_many().exec(&txn).await?;
    auth_throttle::Entity::delete_many().exec(&txn).await?;
    user::Entity::delete_many().exec(&txn).await?;
    tenant::Entity::delete_many().exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}
