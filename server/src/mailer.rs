//! The outbox worker: delivers the emails that domain services wrote into the outbox
//! (`domain::outbox`), by SMTP when `SMTP_URL` is set, else as `.eml` files into
//! `{DATA_DIR}/outbox/` so that a fresh install works without a mail server.
//!
//! Every `poll_every` (and at start) the worker claims a batch of due messages, renders and
//! sends each, and marks it sent, or failed with a backoff (given up after the policy's last
//! attempt). Never logs message bodies or recipients: only outbox ids, kinds and errors.
//!
//! **Exactly once, across instances.** Every instance runs a worker. A message is sent only by
//! the worker that claimed it, and a claim is exclusive while its lease lasts (see
//! `domain::outbox`); a worker stops sending from a batch before its lease could run out
//! mid-send. The one window for a duplicate is a crash (or lost database) after the mail server
//! accepted a message and before it was marked sent: the lease then ends and another worker
//! sends it again. Each message carries a Message-ID derived from its outbox row, the same on
//! every attempt, so a receiver can drop the second copy.

use crate::config::Config;
use chrono::{DateTime, Utc};
use domain::Db;
use domain::outbox::{self, Claimed, Retry, RetryPolicy};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How the worker paces itself. The defaults suit production; tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How often the outbox is polled when idle.
    pub poll_every: Duration,
    /// Messages claimed at once.
    pub batch: u64,
    /// The longest one SMTP delivery may take.
    pub send_timeout: Duration,
    pub retry: RetryPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            poll_every: Duration::from_secs(1),
            batch: 10,
            send_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        }
    }
}

impl Settings {
    /// A claim lasts long enough for every message of a batch to time out, plus one.
    fn lease(&self) -> Duration {
        self.send_timeout.saturating_mul(
            u32::try_from(self.batch)
                .unwrap_or(u32::MAX)
                .saturating_add(1),
        )
    }
}

/// Where messages go.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// An SMTP server, as `SMTP_URL` names it.
    Smtp(String),
    /// One `.eml` file per message in this folder (created if missing).
    Files(PathBuf),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

/// The sender address of `MAIL_FROM`, or a one-line error naming the variable.
pub fn sender(mail_from: &str) -> Result<Mailbox, String> {
    mail_from
        .parse()
        .map_err(|e| format!("MAIL_FROM is not a valid sender (Name <address>): {e}"))
}

/// The SMTP transport for `url`, or a one-line error naming `SMTP_URL` (without the password).
/// Builds no connection; call it inside the Tokio runtime (the pool starts a task).
pub fn smtp_transport(
    url: &str,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|builder| builder.timeout(Some(timeout)).build())
        .map_err(|e| {
            format!(
                "SMTP_URL {} is not usable: {e}",
                crate::config::redact_url(url)
            )
        })
}

/// Checks `SMTP_URL` without building a transport (no runtime needed).
pub(crate) fn check_smtp_url(url: &str) -> Result<(), String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| {
            format!(
                "SMTP_URL {} is not usable: {e}",
                crate::config::redact_url(url)
            )
        })
}

/// The outbox worker, configured; [`Mailer::spawn`] starts it.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    public_url: String,
    settings: Settings,
}

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    pub sent: usize,
    pub failed: usize,
}

impl Mailer {
    /// A worker delivering through `delivery`, from `from`, with links to `public_url`.
    pub fn new(
        delivery: &Delivery,
        from: &str,
        public_url: &str,
        settings: Settings,
    ) -> Result<Self, String> {
        let transport = match delivery {
            Delivery::Smtp(url) => Transport::Smtp(smtp_transport(url, settings.send_timeout)?),
            Delivery::Files(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    format!("cannot create the email folder {}: {e}", dir.display())
                })?;
                Transport::Files(AsyncFileTransport::new(dir))
            }
        };
        Ok(Self {
            transport,
            from: sender(from)?,
            public_url: public_url.trim_end_matches('/').to_owned(),
            settings,
        })
    }

    /// The worker the configuration describes: SMTP when `SMTP_URL` is set, else files.
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let delivery = match &config.smtp_url {
            Some(url) => Delivery::Smtp(url.clone()),
            None => Delivery::Files(config.data_dir.join("outbox")),
        };
        if config.public_origin.is_none() {
            tracing::warn!(
                "PUBLIC_ORIGIN is not set; links in emails use the listening address {}",
                config.public_url()
            );
        }
        Self::new(
            &delivery,
            &config.mail_from,
            &config.public_url(),
            Settings::default(),
        )
    }

    /// Claims due messages and delivers them, batch after batch while batches come back full.
    pub async fn deliver_due(&self, db: &Db) -> Result<Pass, domain::Error> {
        let mut pass = Pass::default();
        loop {
            let batch = self.deliver_batch(db).await?;
            pass.claimed += batch.claimed;
            pass.sent += batch.sent;
            pass.failed += batch.failed;
            if (batch.claimed as u64) < self.settings.batch {
                return Ok(pass);
            }
        }
    }

    async fn deliver_batch(&self, db: &Db) -> Result<Pass, domain::Error> {
        let lease = self.settings.lease();
        let claimed_at = Utc::now();
        let claimed = outbox::claim_due(db, claimed_at, lease, self.settings.batch).await?;
        // Past this, a send that runs its full timeout could outlast the claim.
        let last_start = claimed_at
            + chrono::Duration::from_std(lease.saturating_sub(self.settings.send_timeout))
                .unwrap_or_default();
        let mut pass = Pass {
            claimed: claimed.len(),
            ..Pass::default()
        };
        for message in claimed {
            if Utc::now() > last_start {
                tracing::warn!(
                    outbox.id = message.id,
                    "lease nearly over; leaving the rest of the batch to a later claim"
                );
                break;
            }
            if self.deliver(db, message).await? {
                pass.sent += 1;
            } else {
                pass.failed += 1;
            }
        }
        Ok(pass)
    }

    /// Sends one claimed message and records the outcome. True when it was sent.
    async fn deliver(&self, db: &Db, claimed: Claimed) -> Result<bool, domain::Error> {
        let kind = claimed.message.kind();
        let result = match self.build(&claimed) {
            Ok(email) => self.send(email).await,
            Err(failure) => Err(failure),
        };
        let now = Utc::now();
        match result {
            Ok(()) => {
                if outbox::mark_sent(db, claimed.id, &claimed.token, now).await? {
                    tracing::info!(outbox.id = claimed.id, kind, "email sent");
                } else {
                    tracing::warn!(
                        outbox.id = claimed.id,
                        kind,
                        "email sent after its claim passed to another worker"
                    );
                }
                Ok(true)
            }
            Err(failure) => {
                let retry = outbox::mark_retry(
                    db,
                    claimed.id,
                    &claimed.token,
                    &failure.detail,
                    &self.settings.retry,
                    now,
                )
                .await?;
                let attempts = claimed.attempts + 1;
                match retry {
                    Retry::At(at) => tracing::warn!(
                        outbox.id = claimed.id, kind, attempts, error = %failure.summary, retry_at = %at,
                        "email not delivered; will retry"
                    ),
                    Retry::GaveUp => tracing::error!(
                        outbox.id = claimed.id, kind, attempts, error = %failure.summary,
                        "email not delivered; giving up"
                    ),
                    Retry::ClaimLost => tracing::warn!(
                        outbox.id = claimed.id, kind, error = %failure.summary,
                        "email not delivered, and its claim passed to another worker"
                    ),
                }
                Ok(false)
            }
        }
    }

    fn build(&self, claimed: &Claimed) -> Result<lettre::Message, Failure> {
        let rendered = claimed.message.render(&self.public_url);
        let to: Mailbox = claimed
            .recipient
            .as_str()
            .parse()
            .map_err(|e| Failure::both(format!("recipient not accepted: {e}")))?;
        lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .message_id(Some(message_id(
                claimed.id,
                claimed.created_at,
                self.from.email.domain(),
            )))
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))
            .map_err(|e| Failure::both(format!("message not built: {e}")))
    }

    async fn send(&self, email: lettre::Message) -> Result<(), Failure> {
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(email).await.map(|_| ()).map_err(|e| {
                // A server's reply may quote the recipient: logs get the status code only.
                let summary = match e.status() {
                    Some(code) => format!("the SMTP server answered {code}"),
                    None => e.to_string(),
                };
                Failure {
                    detail: e.to_string(),
                    summary,
                }
            }),
            Transport::Files(files) => files
                .send(email)
                .await
                .map(|_| ())
                .map_err(|e| Failure::both(format!("cannot write the email file: {e}"))),
        }
    }

    /// Starts the worker on its own task. It stops when [`Running::stop`] is called or the
    /// handle is dropped, after the message in hand.
    pub fn spawn(self, db: Db) -> Running {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.run(db, stopped));
        Running { stop, task }
    }

    async fn run(self, db: Db, mut stopped: watch::Receiver<bool>) {
        let mut every = tokio::time::interval(self.settings.poll_every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = stopped.wait_for(|stop| *stop) => return,
                _ = every.tick() => {}
            }
            if let Err(error) = self.deliver_due(&db).await {
                tracing::warn!(%error, "email outbox pass failed");
            }
        }
    }
}

/// A failed delivery: the full text is stored with the row; the summary is logged.
struct Failure {
    detail: String,
    summary: String,
}

impl Failure {
    fn both(text: String) -> Self {
        Self {
            detail: text.clone(),
            summary: text,
        }
    }
}

/// The same on every attempt at one outbox row, and unlike any other row's or install's.
fn message_id(id: i64, created_at: DateTime<Utc>, domain: &str) -> String {
    format!("<outbox.{id}.{}@{domain}>", created_at.timestamp_micros())
}

/// A running worker.
pub struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    /// Asks the worker to stop, waits up to `grace` for the message in hand, then drops it
    /// (its claim lapses with the lease and another worker takes over).
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(grace, &mut task).await.is_err() {
            tracing::warn!("email worker did not stop in time; abandoning its batch");
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_stable_per_row_and_distinct_across_rows() {
        let at = DateTime::from_timestamp(1_800_000_000, 123_000).expect("time");
        assert_eq!(
            message_id(42, at, "portal.example.com"),
            "<outbox.42.1800000000000123@portal.example.com>"
        );
        assert_eq!(message_id(42, at, "d"), message_id(42, at, "d"));
        assert_ne!(message_id(42, at, "d"), message_id(43, at, "d"));
    }

    #[test]
    fn the_lease_covers_a_whole_batch_of_timeouts() {
        let settings = Settings::default();
        assert_eq!(settings.lease(), Duration::from_secs(30 * 11));
    }

    #[test]
    fn senders_and_urls_are_checked() {
        assert!(sender("MSSP Portal <no-reply@localhost>").is_ok());
        assert!(sender("nope").expect_err("refused").contains("MAIL_FROM"));
        assert!(check_smtp_url("smtp://127.0.0.1:2525").is_ok());
        assert!(check_smtp_url("smtps://u:p@mail.example.com").is_ok());
        assert!(check_smtp_url("smtp://mail.example.com:587?tls=required").is_ok());
        let error = check_smtp_url("http://u:secret@mail.example.com").expect_err("refused");
        assert!(
            error.contains("SMTP_URL") && !error.contains("secret"),
            "{error}"
        );
    }
}
