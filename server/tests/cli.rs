//! The `mssp-portal` binary as an operator runs it: commands, bad configuration, a database
//! that is not there. Each database case runs on SQLite and PostgreSQL.

use domain::testing::TestDb;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn portal(database_url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mssp-portal"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env_remove("MSSP_PORTAL_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mssp-portal");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

macro_rules! cli_test {
    (async fn $name:ident($url:ident) $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let test = TestDb::sqlite().await;
                let $url = test.url();
                $body
            }
            #[tokio::test]
            async fn postgres() {
                let test = TestDb::postgres().await;
                let $url = test.url();
                $body
            }
        }
    };
}

cli_test!(async fn tenants_and_users_are_created_from_the_command_line(url) {
    let created = portal(&url, &["tenant", "create", "--kind", "msp", "--name", "Acme MSP", "--admin-email", "Admin@Acme.test", "--password-stdin"], "a-long-password\n");
    assert!(created.status.success(), "{}", text(&created.stderr));
    assert!(text(&created.stdout).contains("created MSP tenant \"Acme MSP\""));

    let again = portal(&url, &["tenant", "create", "--kind", "mssp", "--name", "ACME msp", "--admin-email", "x@y.test", "--password-stdin"], "a-long-password\n");
    assert!(!again.status.success());
    assert_eq!(text(&again.stderr).trim(), "error: A tenant named \"ACME msp\" already exists.");

    let added = portal(&url, &["user", "add", "--tenant", "acme msp", "--email", "tech@acme.test", "--role", "admin", "--password-stdin"], "another-long-one\n");
    assert!(added.status.success(), "{}", text(&added.stderr));
    let unknown = portal(&url, &["user", "add", "--tenant", "Nope", "--email", "t@a.test", "--password-stdin"], "another-long-one\n");
    assert_eq!(text(&unknown.stderr).trim(), "error: no tenant named \"Nope\"");
    let short = portal(&url, &["user", "add", "--tenant", "Acme MSP", "--email", "u@a.test", "--password-stdin"], "short\n");
    assert!(text(&short.stderr).contains("at least 10 characters"));
    let bad_role = portal(&url, &["user", "add", "--tenant", "Acme MSP", "--email", "u@a.test", "--role", "god", "--password-stdin"], "another-long-one\n");
    assert!(!bad_role.status.success());
    let no_tty = portal(&url, &["user", "add", "--tenant", "Acme MSP", "--email", "u@a.test"], "");
    assert!(text(&no_tty.stderr).contains("--password-stdin"), "{}", text(&no_tty.stderr));
});

cli_test!(async fn demo_loads_once_and_reset_reloads(url) {
    let first = portal(&url, &["demo"], "");
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    for line in ["owner@demo-mssp.test", "viewer@demo-mssp.test", "admin@northwind-msp.test", "admin@contoso-msp.test", "admin@fabrikam-msp.test", "portal-demo-1"] {
        assert!(out.contains(line), "{line} missing from {out}");
    }
    let second = portal(&url, &["demo"], "");
    assert!(!second.status.success());
    assert!(text(&second.stderr).contains("--reset"));
    let reset = portal(&url, &["demo", "--reset"], "");
    assert!(reset.status.success(), "{}", text(&reset.stderr));
});

#[test]
fn a_database_that_is_not_there_is_a_clear_error() {
    for url in [
        "postgres://postgres:secret@127.0.0.1:1/none",
        "sqlite:///proc/no-such-dir/portal.db",
    ] {
        let out = portal(url, &["migrate"], "");
        assert_eq!(out.status.code(), Some(1), "{url}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("error: cannot connect to the database at "),
            "{stderr}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(
            !stderr.contains("secret"),
            "the password is never printed: {stderr}"
        );
    }
}

#[test]
fn bad_configuration_is_one_line_and_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_mssp-portal"))
        .args(["migrate"])
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
}

#[tokio::test]
async fn sigterm_stops_the_server_gracefully() {
    let test = TestDb::sqlite().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mssp-portal"))
        .args(["serve"])
        .env("DATABASE_URL", test.url())
        // The test database's folder, removed with it: the email worker writes there.
        .env(
            "DATA_DIR",
            domain::db::sqlite_path(&test.url())
                .and_then(|db| db.parent().map(std::path::Path::to_path_buf))
                .expect("the test database's folder"),
        )
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("SHUTDOWN_GRACE_SECS", "5")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let stopping = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            stopping.elapsed() < std::time::Duration::from_secs(8),
            "did not stop in time"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let output = child.wait_with_output().expect("output");
    assert!(
        status.success(),
        "exit {status:?}: {}",
        text(&output.stderr)
    );
    assert!(text(&output.stdout).contains(&format!("running at http://127.0.0.1:{port}")));
    assert!(
        text(&output.stderr).contains("shutting down"),
        "{}",
        text(&output.stderr)
    );
}

/// `enroll-token create` prints a token that enrolls an agent; mistakes are one clear line.
async fn enroll_tokens_are_issued_from_the_command_line(test: TestDb) {
    use portal_types::{AgentKind, AgentVersion, CompanyName, Hostname};
    domain::demo::load(&test.db).await.expect("demo");
    let scope =
        domain::testing::signed_in_scope(&test.db, "Northwind MSP", "admin@northwind-msp.test")
            .await;
    let acme = CompanyName::parse("Acme Dental").expect("name");
    domain::companies::create(&test.db.scoped(&scope), &acme)
        .await
        .expect("company");
    let url = test.url();

    let issued = portal(
        &url,
        &[
            "enroll-token",
            "create",
            "--tenant",
            "northwind msp",
            "--company",
            "ACME dental",
            "--expires-in-days",
            "30",
        ],
        "",
    );
    assert!(issued.status.success(), "{}", text(&issued.stderr));
    assert!(
        text(&issued.stderr).contains("enrollment token for \"ACME dental\""),
        "{}",
        text(&issued.stderr)
    );
    let token = text(&issued.stdout).trim().to_owned();
    assert_eq!(token.len(), 43, "the token alone on standard output");
    let enrollment = domain::agents::Enrollment {
        kind: AgentKind::Probe,
        hostname: Hostname::parse("probe-1").expect("hostname"),
        version: AgentVersion::parse("1.0").expect("version"),
    };
    domain::agents::enroll(&test.db, &token, &enrollment)
        .await
        .expect("the token enrolls an agent");

    let unknown = portal(
        &url,
        &[
            "enroll-token",
            "create",
            "--tenant",
            "Northwind MSP",
            "--company",
            "Globex",
        ],
        "",
    );
    assert!(!unknown.status.success());
    assert_eq!(
        text(&unknown.stderr).trim(),
        "error: no company \"Globex\" in an MSP tenant named \"Northwind MSP\""
    );
    let mssp = portal(
        &url,
        &[
            "enroll-token",
            "create",
            "--tenant",
            "Demo MSSP",
            "--company",
            "Acme Dental",
        ],
        "",
    );
    assert!(!mssp.status.success(), "an MSSP has no companies");
    let too_long = portal(
        &url,
        &[
            "enroll-token",
            "create",
            "--tenant",
            "Northwind MSP",
            "--company",
            "Acme Dental",
            "--expires-in-days",
            "400",
        ],
        "",
    );
    assert!(!too_long.status.success());
    assert_eq!(
        text(&too_long.stderr).trim(),
        "error: A token is valid for 1 to 365 days."
    );
    assert!(text(&too_long.stdout).is_empty(), "no token printed");
}

#[tokio::test]
async fn enroll_tokens_are_issued_from_the_command_line_on_sqlite() {
    enroll_tokens_are_issued_from_the_command_line(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn enroll_tokens_are_issued_from_the_command_line_on_postgres() {
    enroll_tokens_are_issued_from_the_command_line(TestDb::postgres().await).await;
}

#[test]
fn a_bad_pricing_file_stops_start_up_naming_the_line() {
    let dir = std::env::temp_dir().join(format!("pricing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("pricing.toml");
    let overlapping = domain::billing::pricing::EXAMPLE.replacen(
        "{ from = 11, up_to = 50",
        "{ from = 10, up_to = 50",
        1,
    );
    std::fs::write(&file, overlapping).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mssp-portal"))
        .args(["migrate"])
        .env("DATABASE_URL", "sqlite://unused.db")
        .env("PRICING_FILE", &file)
        .env_remove("MSSP_PORTAL_CONFIG")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("PRICING_FILE"), "{stderr}");
    assert!(
        stderr.contains("line 19: msp_tenants: the tier from 10 overlaps"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

cli_test!(async fn mssps_are_put_on_plans_of_the_pricing_file(url) {
    let mssp = portal(&url, &["tenant", "create", "--kind", "mssp", "--name", "Acme MSSP", "--admin-email", "owner@acme.test", "--password-stdin"], "a-long-password\n");
    assert!(mssp.status.success(), "{}", text(&mssp.stderr));

    let plans = portal(&url, &["billing", "plans"], "");
    assert!(plans.status.success(), "{}", text(&plans.stderr));
    let shown = text(&plans.stdout);
    assert!(shown.contains("Plan default: USD, graduated"), "{shown}");
    assert!(shown.contains("1–10               USD 50.00 each"), "{shown}");
    assert!(shown.contains("Every MSSP is on the default plan."), "{shown}");

    let set = portal(&url, &["billing", "set-plan", "--mssp", "acme mssp", "--plan", "volume"], "");
    assert!(set.status.success(), "{}", text(&set.stderr));
    assert!(text(&portal(&url, &["billing", "plans"], "").stdout).contains("MSSP \"Acme MSSP\" is on plan volume"));

    let unknown = portal(&url, &["billing", "set-plan", "--mssp", "Acme MSSP", "--plan", "gold"], "");
    assert!(!unknown.status.success());
    assert_eq!(text(&unknown.stderr).trim(), "error: the pricing file has no plan \"gold\"; its plans: default, volume");
    let not_mssp = portal(&url, &["billing", "set-plan", "--mssp", "Nobody", "--plan", "volume"], "");
    assert_eq!(text(&not_mssp.stderr).trim(), "error: there is no MSSP called \"Nobody\"");

    // A pricing file without the plan an MSSP is on: the portal does not start.
    let engine = url.split(':').next().unwrap_or("db");
    let file = std::env::temp_dir().join(format!("pricing-no-volume-{engine}-{}.toml", std::process::id()));
    let example = domain::billing::pricing::EXAMPLE;
    std::fs::write(&file, &example[..example.find("# A plan an MSSP can be put on").expect("the volume plan")]).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mssp-portal"))
        .args(["serve"])
        .env("DATABASE_URL", &url)
        .env("PRICING_FILE", &file)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env_remove("MSSP_PORTAL_CONFIG")
        .output()
        .expect("run");
    let _ = std::fs::remove_file(&file);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("the MSSP \"Acme MSSP\" is on the billing plan \"volume\", which the pricing file does not define"), "{stderr}");

    // Back on the default plan, it starts again (checked with the command that reads plans).
    let back = portal(&url, &["billing", "set-plan", "--mssp", "Acme MSSP", "--plan", "default"], "");
    assert!(back.status.success(), "{}", text(&back.stderr));
    assert!(text(&portal(&url, &["billing", "plans"], "").stdout).contains("Every MSSP is on the default plan."));
});
