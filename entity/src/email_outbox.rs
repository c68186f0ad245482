use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The one address the message goes to.
    pub recipient: String,
    /// The message's kind (its serde tag), for operators reading the table.
    pub kind: String,
    /// The message as JSON: `domain::email::Message`, rendered only when it is sent.
    pub payload: String,
    pub created_at: DateTimeUtc,
    /// Delivery attempts that failed so far.
    pub attempts: i32,
    /// Not to be tried before then (moves back after each failure).
    pub next_attempt_at: DateTimeUtc,
    /// A worker holds the row until then; after it, any worker may claim it again.
    pub claimed_until: Option<DateTimeUtc>,
    /// The claiming worker's random token; updates after the claim are conditional on it.
    pub claim_token: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    /// Set when delivery was given up after too many attempts.
    pub failed_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
