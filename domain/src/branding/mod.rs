//! White labelling: each MSSP's page title, footer content and logos.
//!
//! Owns: reading and saving an MSSP's [`Branding`], storing uploaded logos (cleaned by
//! [`logo::clean`]) and reading them back to serve. Owners and admins of an MSSP change its
//! branding; its viewers read it; nobody else reaches it. Logos are public once stored: the
//! emails an MSSP's MSPs receive show them, and mail clients fetch them without a session;
//! their address is the SHA-256 of their bytes, which nobody can guess without the image.

pub mod logo;

use crate::audit::{self, Actor};
use crate::scope::TenantOwned;
use crate::{Db, Error, Result, Scoped};
use chrono::{DateTime, Utc};
use entity::{logo as logo_row, white_label};
use portal_types::{Branding, FooterContent, LogoId, PageTitle, TenantId, TenantKind};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};

impl TenantOwned for white_label::Entity {
    fn tenant_column() -> Self::Column {
        white_label::Column::TenantId
    }
}

impl TenantOwned for logo_row::Entity {
    fn tenant_column() -> Self::Column {
        logo_row::Column::TenantId
    }
}

/// Logos uploaded and never saved into a white label are deleted after this long.
const UNUSED_LOGO_LIFETIME: chrono::Duration = chrono::Duration::hours(24);
/// How many unsaved logos one MSSP may hold at once.
const MAX_UNUSED_LOGOS: u64 = 20;

/// The branding of `tenant` (the default when it has none), for the emails it sends.
pub async fn of_tenant(conn: &impl ConnectionTrait, tenant: TenantId) -> Result<Branding> {
    let row = white_label::Entity::find_by_id(tenant.0).one(conn).await?;
    row.map_or_else(|| Ok(Branding::default()), branding_of)
}

/// The signed-in MSSP's branding. Users of an MSP are refused as "not found".
pub async fn current(scoped: &Scoped<'_>) -> Result<Branding> {
    scoped.scope().require_kind(TenantKind::Mssp)?;
    let row = scoped
        .own::<white_label::Entity>()
        .one(scoped.conn())
        .await?;
    row.map_or_else(|| Ok(Branding::default()), branding_of)
}

/// Saves the MSSP's branding (owners and admins). Every logo must be one this MSSP uploaded.
/// The default branding is saved as no row at all.
pub async fn save(scoped: &Scoped<'_>, branding: Branding, now: DateTime<Utc>) -> Result<()> {
    let scope = scoped.scope();
    scope.require_kind(TenantKind::Mssp)?;
    scope.require_write()?;
    let tenant = scope.tenant_id();
    let txn = scoped.db().begin_write().await?;
    for logo in [&branding.logo_light, &branding.logo_dark]
        .into_iter()
        .flatten()
    {
        let stored = scoped
            .own::<logo_row::Entity>()
            .filter(logo_row::Column::Sha256.eq(logo.as_str()))
            .count(&txn)
            .await?;
        if stored == 0 {
            return Err(portal_types::ParseError::new(
                "logo",
                "That logo is not one of yours; upload it again.",
            )
            .into());
        }
    }
    if branding == Branding::default() {
        scoped
            .delete_own::<white_label::Entity>()
            .exec(&txn)
            .await?;
    } else {
        white_label::Entity::insert(white_label::ActiveModel {
            tenant_id: Set(tenant.0),
            page_title: Set(branding.page_title.as_ref().map(|t| t.as_str().to_owned())),
            footer_content: Set(branding
                .footer_content
                .as_ref()
                .map(|f| f.as_str().to_owned())),
            logo_light: Set(branding.logo_light.as_ref().map(|l| l.as_str().to_owned())),
            logo_dark: Set(branding.logo_dark.as_ref().map(|l| l.as_str().to_owned())),
            updated_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(white_label::Column::TenantId)
                .update_columns([
                    white_label::Column::PageTitle,
                    white_label::Column::FooterContent,
                    white_label::Column::LogoLight,
                    white_label::Column::LogoDark,
                    white_label::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    let details = serde_json::json!({
        "page_title": branding.page_title.as_ref().map(PageTitle::as_str),
        "footer_content": branding.footer_content.as_ref().map(FooterContent::as_str),
        "logo_light": branding.logo_light.as_ref().map(LogoId::as_str),
        "logo_dark": branding.logo_dark.as_ref().map(LogoId::as_str),
    });
    audit::record(
        &txn,
        tenant,
        &Actor::of(scope),
        "white_label.save",
        "white label",
        details,
    )
    .await?;
    delete_unused_logos(scoped, &txn, &branding, now).await?;
    txn.commit().await?;
    Ok(())
}

/// A logo as stored: its id and pixel size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLogo {
    pub id: LogoId,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Cleans and stores an uploaded logo for the MSSP (owners and admins), ready to be saved
/// into its branding. The same image uploaded twice is stored once.
pub async fn upload(scoped: &Scoped<'_>, bytes: Vec<u8>, now: DateTime<Utc>) -> Result<StoredLogo> {
    let scope = scoped.scope();
    scope.require_kind(TenantKind::Mssp)?;
    scope.require_write()?;
    let clean = tokio::task::spawn_blocking(move || logo::clean(&bytes))
        .await
        .map_err(|e| Error::Internal(format!("logo cleaning stopped: {e}")))??;
    let id = LogoId::parse(&clean.sha256)?;
    let txn = scoped.db().begin_write().await?;
    let current = of_tenant(&txn, scope.tenant_id()).await?;
    delete_unused_logos(scoped, &txn, &current, now).await?;
    let unused = scoped
        .own::<logo_row::Entity>()
        .filter(logo_row::Column::Sha256.is_not_in(used_logos(&current)))
        .count(&txn)
        .await?;
    if unused >= MAX_UNUSED_LOGOS {
        return Err(Error::Conflict(format!(
            "{MAX_UNUSED_LOGOS} logos are waiting to be saved; save or cancel your changes, \
             or try again tomorrow."
        )));
    }
    logo_row::Entity::insert(logo_row::ActiveModel {
        tenant_id: Set(scope.tenant_id().0),
        sha256: Set(clean.sha256.clone()),
        content_type: Set(clean.content_type.to_owned()),
        width: Set(i32::try_from(clean.width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(clean.height).unwrap_or(i32::MAX)),
        bytes: Set(clean.bytes),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([logo_row::Column::TenantId, logo_row::Column::Sha256])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(StoredLogo {
        id,
        content_type: clean.content_type,
        width: clean.width,
        height: clean.height,
    })
}

/// A stored logo's content type and bytes, whoever asks (see the module's note).
pub async fn read_logo(db: &Db, id: &LogoId) -> Result<Option<(String, Vec<u8>)>> {
    let row: Option<(String, Vec<u8>)> = logo_row::Entity::find()
        .select_only()
        .columns([logo_row::Column::ContentType, logo_row::Column::Bytes])
        .filter(logo_row::Column::Sha256.eq(id.as_str()))
        .limit(1)
        .into_tuple()
        .one(db.conn())
        .await?;
    Ok(row)
}

/// The ids of the logos `branding` shows.
fn used_logos(branding: &Branding) -> Vec<&str> {
    [&branding.logo_light, &branding.logo_dark]
        .into_iter()
        .flatten()
        .map(LogoId::as_str)
        .collect()
}

/// Deletes the MSSP's logos that `branding` does not use and that were uploaded long enough
/// ago that no editor can still be about to save them.
async fn delete_unused_logos(
    scoped: &Scoped<'_>,
    conn: &impl ConnectionTrait,
    branding: &Branding,
    now: DateTime<Utc>,
) -> Result<()> {
    scoped
        .delete_own::<logo_row::Entity>()
        .filter(
            Condition::all()
                .add(logo_row::Column::Sha256.is_not_in(used_logos(branding)))
                .add(logo_row::Column::CreatedAt.lt(now - UNUSED_LOGO_LIFETIME)),
        )
        .exec(conn)
        .await?;
    Ok(())
}

fn branding_of(row: white_label::Model) -> Result<Branding> {
    from_columns(
        row.page_title,
        row.footer_content,
        row.logo_light,
        row.logo_dark,
    )
}

/// A white label's stored columns (all NULL when the tenant has none) as [`Branding`].
pub(crate) fn from_columns(
    page_title: Option<String>,
    footer_content: Option<String>,
    logo_light: Option<String>,
    logo_dark: Option<String>,
) -> Result<Branding> {
    let corrupt = |what: &str| Error::Internal(format!("stored white label {what} is not valid"));
    let logo = |id: Option<String>| {
        id.map(|id| LogoId::parse(&id).map_err(|_| corrupt("logo")))
            .transpose()
    };
    Ok(Branding {
        page_title: match page_title {
            Some(title) => PageTitle::parse_optional(&title).map_err(|_| corrupt("title"))?,
            None => None,
        },
        footer_content: match footer_content {
            Some(footer) => {
                FooterContent::parse_optional(&footer).map_err(|_| corrupt("footer"))?
            }
            None => None,
        },
        logo_light: logo(logo_light)?,
        logo_dark: logo(logo_dark)?,
    })
}
