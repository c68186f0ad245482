//! Tenant scope: the one mechanism through which every query on tenant-owned data goes.
//!
//! A request resolves its signed-in [`Principal`] into a [`Scope`]: for an MSP user, its own
//! tenant; for an MSSP user, its own tenant plus the MSP tenants whose association with it is
//! APPROVED at this moment (the association issue fills that set in). Domain functions take the
//! scope, never a bare tenant id from the client. [`Scoped`] hands out queries that are already
//! filtered to the scope, so an object outside it is simply not found.

use crate::{Db, Error, Result};
use entity::association;
use portal_types::{
    AssociationStatus, Branding, Email, Role, TenantId, TenantKind, TenantName, UserId,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DeleteMany, EntityTrait,
    QueryFilter, Select, UpdateMany,
};

/// Who is signed in, as loaded from their session.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal {
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub tenant_kind: TenantKind,
    pub tenant_name: TenantName,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    /// The tenant's white label (the default for MSPs and unbranded MSSPs).
    pub branding: Branding,
}

/// What a principal may see and change.
#[derive(Debug, Clone)]
pub struct Scope {
    principal: Principal,
    /// MSP tenants an MSSP may read now (APPROVED associations). Empty for MSP users.
    approved_msps: Vec<TenantId>,
}

impl Scope {
    /// Resolves the scope of `principal` as of now.
    pub async fn resolve(db: &Db, principal: Principal) -> Result<Self> {
        let approved_msps = match principal.tenant_kind {
            TenantKind::Mssp => approved_msps(db.conn(), principal.tenant_id).await?,
            TenantKind::Msp => Vec::new(),
        };
        Ok(Self::new(principal, approved_msps))
    }

    /// The scope of `principal`, given the MSPs that approved its tenant as read with it (an
    /// MSP principal's list is ignored: MSPs read only their own tenant).
    pub(crate) fn new(principal: Principal, approved_msps: Vec<TenantId>) -> Self {
        let approved_msps = match principal.tenant_kind {
            TenantKind::Mssp => approved_msps,
            TenantKind::Msp => Vec::new(),
        };
        Self {
            principal,
            approved_msps,
        }
    }

    /// The principal, without the scope.
    pub fn into_principal(self) -> Principal {
        self.principal
    }

    /// The MSP tenants this MSSP may read now.
    pub fn approved_msps(&self) -> &[TenantId] {
        &self.approved_msps
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn tenant_id(&self) -> TenantId {
        self.principal.tenant_id
    }

    pub fn kind(&self) -> TenantKind {
        self.principal.tenant_kind
    }

    /// Every tenant whose data this scope may read: its own, plus approved MSPs.
    pub fn visible_tenants(&self) -> Vec<TenantId> {
        std::iter::once(self.tenant_id())
            .chain(self.approved_msps.iter().copied())
            .collect()
    }

    /// Refuses a principal of the other kind of tenant. It is "not found", as for a page of
    /// another tenant: an MSP user learns nothing about MSSP pages, and vice versa.
    pub fn require_kind(&self, kind: TenantKind) -> Result<()> {
        if self.kind() == kind {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    /// Refuses viewers.
    pub fn require_write(&self) -> Result<()> {
        if self.principal.role.can_write() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }
}

/// The MSP tenants whose association with `mssp` is APPROVED now (for [`Scope::resolve`]).
async fn approved_msps(conn: &impl ConnectionTrait, mssp: TenantId) -> Result<Vec<TenantId>> {
    let backend = conn.get_database_backend();
    let list = approved_msps_list(backend, Expr::val(mssp.0));
    let row = conn.query_one(&list).await?;
    let list = match row {
        Some(row) => row.try_get_by_index::<Option<String>>(0)?,
        None => None,
    };
    parse_id_list(list)
}

/// One row, one column: the ids of the MSPs whose association with `mssp` is APPROVED now,
/// as a comma-separated list (NULL when there are none).
///
/// Every signed-in MSSP request reads it, so the ids come back as one value: row by row, the
/// hundred ids of an MSSP with a hundred MSPs crossed from SQLite's thread to the request's one
/// message each. `mssp` may be a column of an outer query (see [`crate::sessions`]).
pub(crate) fn approved_msps_list(backend: DbBackend, mssp: impl Into<Expr>) -> SelectStatement {
    let list = match backend {
        DbBackend::Postgres => "string_agg(msp_tenant_id::text, ',')",
        _ => "group_concat(msp_tenant_id, ',')",
    };
    Query::select()
        .expr(Expr::cust(list))
        .from(association::Entity)
        .and_where(Expr::col((association::Entity, association::Column::MsspTenantId)).eq(mssp))
        .and_where(
            Expr::col((association::Entity, association::Column::Status))
                .eq(AssociationStatus::Approved.as_str()),
        )
        .to_owned()
}

/// The ids of [`approved_msps_list`]'s value.
pub(crate) fn parse_id_list(list: Option<String>) -> Result<Vec<TenantId>> {
    list.unwrap_or_default()
        .split(',')
        .filter(|id| !id.is_empty())
        .map(|id| {
            id.parse()
                .map(TenantId)
                .map_err(|_| Error::Internal(format!("approved MSP id {id:?} is not a number")))
        })
        .collect()
}

/// Whose data a read is about: the caller's own tenant's (an MSP's), or an MSP's that has
/// approved the caller (an MSSP's). Anyone else's is "not found".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Own,
    Msp(TenantId),
}

/// A table whose rows belong to one tenant.
pub trait TenantOwned: EntityTrait {
    /// The column holding the owning tenant's id.
    fn tenant_column() -> Self::Column;
}

impl TenantOwned for entity::user::Entity {
    fn tenant_column() -> Self::Column {
        entity::user::Column::TenantId
    }
}

impl TenantOwned for entity::notification::Entity {
    fn tenant_column() -> Self::Column {
        entity::notification::Column::TenantId
    }
}

impl TenantOwned for entity::audit_event::Entity {
    fn tenant_column() -> Self::Column {
        entity::audit_event::Column::TenantId
    }
}

/// A database handle bound to a scope. The only way to query tenant-owned tables.
pub struct Scoped<'a> {
    db: &'a Db,
    scope: &'a Scope,
}

impl Db {
    pub fn scoped<'a>(&'a self, scope: &'a Scope) -> Scoped<'a> {
        Scoped { db: self, scope }
    }
}

impl<'a> Scoped<'a> {
    pub fn scope(&self) -> &'a Scope {
        self.scope
    }

    pub fn conn(&self) -> &'a DatabaseConnection {
        self.db.conn()
    }

    /// The database handle: for transactions, and work that outlives this borrow.
    pub(crate) fn db(&self) -> &'a Db {
        self.db
    }

    /// Rows of the scope's own tenant.
    pub fn own<E: TenantOwned>(&self) -> Select<E> {
        E::find().filter(E::tenant_column().eq(self.scope.tenant_id().0))
    }

    /// An update of rows of the scope's own tenant (only; never of a visible MSP's).
    pub fn update_own<E: TenantOwned>(&self) -> UpdateMany<E> {
        E::update_many().filter(E::tenant_column().eq(self.scope.tenant_id().0))
    }

    /// A delete of rows of the scope's own tenant (only; never of a visible MSP's).
    pub fn delete_own<E: TenantOwned>(&self) -> DeleteMany<E> {
        E::delete_many().filter(E::tenant_column().eq(self.scope.tenant_id().0))
    }

    /// Rows of every MSP whose association with this MSSP is APPROVED now (none for an MSP).
    pub fn approved<E: TenantOwned>(&self) -> Select<E> {
        let ids = self.scope.approved_msps.iter().map(|t| t.0);
        E::find().filter(E::tenant_column().is_in(ids))
    }

    /// [`Self::approved`], with the tenant condition written so that SQLite does not choose
    /// a per-tenant index for it: for reads served in the order of another index (the Global
    /// top list stops after ten rows of it; the Global trend sums each day as it passes),
    /// where SQLite would otherwise read every approved MSP's rows and sort them. The rows are the same; PostgreSQL plans by its statistics and
    /// gets the plain condition.
    pub fn approved_in_index_order<E: TenantOwned>(&self) -> Select<E> {
        if self.db.engine() == crate::Engine::Postgres {
            return self.approved();
        }
        let ids = self.scope.approved_msps.iter().map(|t| t.0);
        // `tenant_id + 0` reads the same value, but no index can serve it.
        use sea_orm::sea_query::{Expr, ExprTrait};
        let tenant = Expr::col(E::tenant_column()).add(0);
        E::find().filter(tenant.is_in(ids))
    }

    /// Rows of one MSP whose association with this MSSP is APPROVED now. Any other tenant
    /// (pending, rejected, revoked, another MSSP's, or an MSP's own view) is "not found".
    pub fn of_approved_msp<E: TenantOwned>(&self, msp: TenantId) -> Result<Select<E>> {
        if !self.scope.approved_msps.contains(&msp) {
            return Err(Error::NotFound);
        }
        Ok(E::find().filter(E::tenant_column().eq(msp.0)))
    }

    /// Rows of `owner`: an MSP's own, or an approved MSP's for its MSSP. Any other pairing of
    /// caller and owner is "not found".
    pub fn of<E: TenantOwned>(&self, owner: Owner) -> Result<Select<E>> {
        match owner {
            Owner::Own => {
                self.scope.require_kind(TenantKind::Msp)?;
                Ok(self.own())
            }
            Owner::Msp(msp) => {
                self.scope.require_kind(TenantKind::Mssp)?;
                self.of_approved_msp(msp)
            }
        }
    }

    /// Rows of every tenant the scope may read (its own and, for an MSSP, approved MSPs).
    pub fn visible<E: TenantOwned>(&self) -> Select<E> {
        let ids: Vec<i64> = self
            .scope
            .visible_tenants()
            .into_iter()
            .map(|t| t.0)
            .collect();
        E::find().filter(E::tenant_column().is_in(ids))
    }
}

/// An enrolled agent, as its secret identified it. Its scope is its one company: everything
/// it reports lands there, and nothing else is within its reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentScope {
    pub agent_id: i64,
    pub tenant_id: TenantId,
    pub company_id: i64,
    pub kind: portal_types::AgentKind,
}

/// A table whose rows belong to one company (and so to its tenant).
pub trait CompanyOwned: TenantOwned {
    /// The column holding the owning company's id.
    fn company_column() -> Self::Column;
}

impl AgentScope {
    /// Rows of the agent's own company.
    pub fn own<E: CompanyOwned>(&self) -> Select<E> {
        E::find()
            .filter(E::tenant_column().eq(self.tenant_id.0))
            .filter(E::company_column().eq(self.company_id))
    }

    /// An update of rows of the agent's own company.
    pub fn update_own<E: CompanyOwned>(&self) -> UpdateMany<E> {
        E::update_many()
            .filter(E::tenant_column().eq(self.tenant_id.0))
            .filter(E::company_column().eq(self.company_id))
    }

    /// Rows of the agent's tenant that all its companies share (the vulnerability catalogue).
    pub fn tenant_wide<E: TenantOwned>(&self) -> Select<E> {
        E::find().filter(E::tenant_column().eq(self.tenant_id.0))
    }
}

impl TenantOwned for entity::asset::Entity {
    fn tenant_column() -> Self::Column {
        entity::asset::Column::TenantId
    }
}

impl CompanyOwned for entity::asset::Entity {
    fn company_column() -> Self::Column {
        entity::asset::Column::CompanyId
    }
}

impl TenantOwned for entity::finding::Entity {
    fn tenant_column() -> Self::Column {
        entity::finding::Column::TenantId
    }
}

impl CompanyOwned for entity::finding::Entity {
    fn company_column() -> Self::Column {
        entity::finding::Column::CompanyId
    }
}

impl TenantOwned for entity::vulnerability::Entity {
    fn tenant_column() -> Self::Column {
        entity::vulnerability::Column::TenantId
    }
}
