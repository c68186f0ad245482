//! Value and wire types shared by the browser (WASM) and the server.
//!
//! Owns: parsed inputs (`TenantName`, `Email`, `Password`, the audit log's filter), newtype ids,
//! enums of the domain (`TenantKind`, `Role`, the inventory's `Severity` and kin), the wire types server functions exchange, and the
//! one user-facing error type, [`AppError`].
//! Must not: depend on anything server-only (no database, no tokio) — it compiles to WASM.

mod audit;
mod billing;
mod branding;
mod error;
mod ids;
mod inputs;
mod inventory;
mod wire;

pub use audit::{AuditFilter, AuditQuery};
pub use billing::{
    ChargeLine, Currency, MeterCharge, MeterTiers, Money, MspShare, PeakUsage, Period, PlanTiers,
    PriceTier, Statement, StatementSummary, TierMode, UsageDay, group_thousands,
};
pub use branding::{
    Branding, DEFAULT_MSSP_TITLE, FooterContent, FooterPart, LogoId, PageTitle, UploadedLogo,
    footer_parts,
};
pub use error::AppError;
pub use ids::{TenantId, UserId};
pub use inputs::{
    AgentVersion, CompanyName, Email, Hostname, OsName, ParseError, Password, PersonName, Reason,
    TenantName, VulnKey, VulnTitle,
};
pub use inventory::{AgentKind, AssetSource, FindingStatus, Severity};
pub use wire::{AssociationStatus, CurrentUser, Role, TenantKind, Theme};
