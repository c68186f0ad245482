//! The outbox worker on SQLite and PostgreSQL, delivering to a real SMTP server
//! (mailin-embedded, listening on a loopback port of the test's own): the association request
//! email arrives as the guide names it; a message survives a crashed worker and is delivered
//! exactly once though two workers run; deliveries to a server that is down back off and go
//! through when it is up; without SMTP, each message is a `.eml` file.

use chrono::Utc;
use domain::email::Message;
use domain::outbox::{self, RetryPolicy};
use domain::testing::TestDb;
use domain::testing::signed_in_scope;
use domain::{Db, Scope, associations, db_test, demo};
use entity::email_outbox;
use mailin_embedded::{Handler, Response, Server, response};
use portal_types::Email;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use server::mailer::{Delivery, Mailer, Running, Settings};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const FROM: &str = "MSSP Portal <no-reply@portal.test>";
const PUBLIC_URL: &str = "https://portal.example.com/";

/// One message as the SMTP server received it: the envelope recipients and the raw data.
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    data: Vec<u8>,
}

impl Received {
    fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// Collects each message into the shared inbox (the server clones it per connection).
#[derive(Clone)]
struct Collect {
    inbox: Inbox,
    current: Option<Received>,
}

impl Handler for Collect {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Received {
            to: to.to_vec(),
            data: Vec::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(current) = &mut self.current {
            current.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(current) = self.current.take() {
            self.inbox.lock().expect("inbox").push(current);
        }
        response::OK
    }
}

/// Starts an SMTP server on `listener`, on threads of its own, for the rest of the test
/// process; returns what it receives.
fn start_smtp_server(listener: TcpListener) -> Inbox {
    let inbox = Inbox::default();
    let mut server = Server::new(Collect {
        inbox: inbox.clone(),
        current: None,
    });
    server
        .with_name("receiver.test")
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        if let Err(error) = server.serve() {
            panic!("the SMTP server stopped: {error}");
        }
    });
    inbox
}

fn free_loopback_listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").expect("bind a loopback port")
}

fn received(inbox: &Inbox) -> Vec<Received> {
    inbox.lock().expect("inbox").clone()
}

/// Quick polling and a short backoff, so that each test takes seconds.
fn fast() -> Settings {
    Settings {
        poll_every: Duration::from_millis(50),
        batch: 10,
        send_timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_millis(400),
            max_attempts: 100,
        },
    }
}

fn smtp_worker(port: u16, db: &Db) -> Running {
    Mailer::new(
        &Delivery::Smtp(format!("smtp://127.0.0.1:{port}")),
        FROM,
        PUBLIC_URL,
        fast(),
    )
    .expect("mailer")
    .spawn(db.clone())
}

/// Polls `check` every 50 ms until it holds; fails the test after `limit`.
async fn eventually<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn connect(test: &TestDb) -> DatabaseConnection {
    sea_orm::Database::connect(test.url())
        .await
        .expect("connect")
}

async fn rows(conn: &DatabaseConnection) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find()
        .order_by_asc(email_outbox::Column::Id)
        .all(conn)
        .await
        .expect("outbox rows")
}

async fn enqueue(db: &Db, to: &str, n: i64) -> i64 {
    let txn = db.begin_write().await.expect("begin");
    let id = outbox::enqueue(
        &txn,
        &Email::parse(to).expect("email"),
        &Message::AssociationRequest {
            mssp_name: "Demo MSSP".into(),
            msp_name: format!("MSP {n}"),
            association_id: n,
            logo: None,
        },
        Utc::now(),
    )
    .await
    .expect("enqueue");
    txn.commit().await.expect("commit");
    id
}

async fn mssp_owner(db: &Db) -> Scope {
    signed_in_scope(db, demo::MSSP_NAME, "owner@demo-mssp.test").await
}

db_test!(async fn the_association_request_email_arrives_by_smtp(test) {
    let db = &test.db;
    // The demo asks Northwind and Contoso; ask Fabrikam here, as "Add MSP" does.
    demo::load(db).await.expect("demo");
    let owner = mssp_owner(db).await;
    associations::request(db, &owner, "Fabrikam MSP", "admin@fabrikam-msp.test", Utc::now())
        .await
        .expect("request");

    let listener = free_loopback_listener();
    let port = listener.local_addr().expect("addr").port();
    let inbox = start_smtp_server(listener);
    let worker = smtp_worker(port, db);
    let shared = &inbox;
    eventually("three emails", Duration::from_secs(15), move || async move { received(shared).len() >= 3 }).await;
    worker.stop(Duration::from_secs(5)).await;

    let all = received(&inbox);
    assert_eq!(all.len(), 3, "one email per request");
    let mut recipients: Vec<_> = all.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    assert_eq!(recipients, ["admin@contoso-msp.test", "admin@fabrikam-msp.test", "admin@northwind-msp.test"]);

    let fabrikam = all.iter().find(|m| m.to == ["admin@fabrikam-msp.test"]).expect("Fabrikam's email");
    let email = fabrikam.parsed();
    assert_eq!(email.subject(), Some("MSSP Approval Request"));
    let to = email.to().and_then(|to| to.first()).and_then(|a| a.address());
    assert_eq!(to, Some("admin@fabrikam-msp.test"));
    let from = email.from().and_then(|from| from.first()).and_then(|a| a.address());
    assert_eq!(from, Some("no-reply@portal.test"));
    let text = email.body_text(0).expect("a text part");
    assert!(text.contains("Demo MSSP has asked for access to Fabrikam MSP's inventory and vulnerability data."), "{text}");
    assert!(text.contains("https://portal.example.com/msp"), "{text}");
    let html = email.body_html(0).expect("an HTML part");
    assert!(html.contains("href=\"https://portal.example.com/msp\""), "{html}");
    let message_id = email.message_id().expect("a Message-ID");
    assert!(message_id.starts_with("outbox.") && message_id.ends_with("@portal.test"), "{message_id}");

    let conn = connect(&test).await;
    for row in rows(&conn).await {
        assert!(row.sent_at.is_some(), "row {} marked sent", row.id);
        assert_eq!((row.attempts, row.claim_token), (0, None));
    }
});

db_test!(async fn a_crashed_workers_message_is_delivered_once_by_the_next(test) {
    let db = &test.db;
    // Written while no worker runs, then claimed by a worker that dies before sending.
    let id = enqueue(db, "admin@msp.test", 1).await;
    let crashed = outbox::claim_due(db, Utc::now(), Duration::from_secs(2), 10).await.expect("claim");
    assert_eq!(crashed.len(), 1);

    let listener = free_loopback_listener();
    let port = listener.local_addr().expect("addr").port();
    let inbox = start_smtp_server(listener);
    // Two instances, each with its worker.
    let workers = [smtp_worker(port, db), smtp_worker(port, db)];
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(received(&inbox).is_empty(), "held by the dead worker's lease");

    let shared = &inbox;
    eventually("delivery after the lease", Duration::from_secs(10), move || async move { !received(shared).is_empty() }).await;
    // Both workers keep polling for a while: no second copy.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    for worker in workers {
        worker.stop(Duration::from_secs(5)).await;
    }
    let all = received(&inbox);
    assert_eq!(all.len(), 1, "delivered exactly once");
    let message_id = all[0].parsed().message_id().map(str::to_owned).expect("Message-ID");
    assert!(message_id.starts_with(&format!("outbox.{id}.")), "{message_id}");
    let conn = connect(&test).await;
    let row = &rows(&conn).await[0];
    assert!(row.sent_at.is_some());
    assert_eq!(row.attempts, 0);
    // The dead worker's claim is void.
    assert!(!outbox::mark_sent(db, id, &crashed[0].token, Utc::now()).await.expect("mark"));
});

db_test!(async fn deliveries_back_off_while_the_server_is_down_then_go_through(test) {
    let db = &test.db;
    // A port nothing listens on (yet).
    let port = {
        let listener = free_loopback_listener();
        listener.local_addr().expect("addr").port()
    };
    let id = enqueue(db, "admin@msp.test", 1).await;
    let worker = smtp_worker(port, db);
    let conn = connect(&test).await;

    // Every attempt (each distinct count) with the time of the next one.
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let row = rows(&conn).await.remove(0);
        if seen.last().is_none_or(|(attempts, _)| *attempts != row.attempts) {
            seen.push((row.attempts, row.next_attempt_at));
        }
        if row.attempts >= 3 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for three attempts: {seen:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let row = rows(&conn).await.remove(0);
    assert!(row.sent_at.is_none() && row.failed_at.is_none());
    assert!(row.last_error.is_some(), "the error is kept");
    let times: Vec<_> = seen.iter().filter(|(attempts, _)| *attempts > 0).map(|(_, at)| *at).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "next_attempt_at moves on: {seen:?}");
    assert!(row.next_attempt_at > row.created_at);

    let inbox = start_smtp_server(TcpListener::bind(("127.0.0.1", port)).expect("the same port"));
    let shared = &inbox;
    eventually("delivery once the server is up", Duration::from_secs(10), move || async move { !received(shared).is_empty() }).await;
    worker.stop(Duration::from_secs(5)).await;
    assert_eq!(received(&inbox).len(), 1);
    let row = rows(&conn).await.remove(0);
    assert_eq!(row.id, id);
    assert!(row.sent_at.is_some());
    assert!(row.attempts >= 3, "failed attempts are kept: {}", row.attempts);
});

db_test!(async fn without_smtp_each_email_is_an_eml_file(test) {
    let db = &test.db;
    let data_dir = std::env::temp_dir().join(format!("mssp-mail-{}", uuid::Uuid::new_v4().simple()));
    let config = server::config::Config {
        data_dir: data_dir.clone(),
        ..server::config::Config::default()
    };
    enqueue(db, "admin@msp.test", 1).await;
    let worker = Mailer::from_config(&config).expect("mailer").spawn(db.clone());
    let folder = data_dir.join("outbox");
    let files = || {
        std::fs::read_dir(&folder)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    eventually("an .eml file", Duration::from_secs(10), || {
        let found = !files().is_empty();
        async move { found }
    })
    .await;
    let conn = connect(&test).await;
    let shared = &conn;
    eventually("the row marked sent", Duration::from_secs(5), move || async move {
        rows(shared).await[0].sent_at.is_some()
    })
    .await;
    worker.stop(Duration::from_secs(5)).await;

    let written = files();
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let bytes = std::fs::read(&written[0]).expect("read");
    let email = mail_parser::MessageParser::default().parse(&bytes).expect("parse");
    assert_eq!(email.subject(), Some("MSSP Approval Request"));
    let to = email.to().and_then(|to| to.first()).and_then(|a| a.address());
    assert_eq!(to, Some("admin@msp.test"));
    assert!(email.body_text(0).expect("text").contains("http://127.0.0.1:3000/msp"));
    let _ = std::fs::remove_dir_all(&data_dir);
});
