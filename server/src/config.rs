//! Typed configuration, loaded once at start-up from the environment and an optional TOML file
//! (the environment wins). Bad configuration is a one-line error, never a panic.
//! Secrets (the database and SMTP passwords) are redacted in `Debug`.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The environment variables read, each with its config-file key (lower case).
pub const ENV_KEYS: &[&str] = &[
    "DATABASE_URL",
    "DATABASE_MAX_CONNECTIONS",
    "LEPTOS_SITE_ADDR",
    "LOG_FORMAT",
    "SUPPORT_EMAIL",
    "SECURE_COOKIES",
    "TRUST_FORWARDED_FOR",
    "PUBLIC_ORIGIN",
    "SHUTDOWN_GRACE_SECS",
    "ASSOCIATION_EXPIRY_DAYS",
    "DASHBOARD_CACHE_SECS",
    "DATA_DIR",
    "SMTP_URL",
    "MAIL_FROM",
    "PRICING_FILE",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`; default: a SQLite file in `data_dir`.
    pub database_url: Option<String>,
    pub database_max_connections: u32,
    /// Where the portal listens (the variable cargo-leptos sets too).
    #[serde(rename = "leptos_site_addr")]
    pub site_addr: SocketAddr,
    pub log_format: LogFormat,
    /// The operator's support address, behind every "Need support?" link.
    pub support_email: String,
    /// Set when the portal is served over https (adds `Secure` to cookies).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` for the client address (only behind your own proxy).
    pub trust_forwarded_for: bool,
    /// The origin browsers use to reach the portal (`https://portal.example.com`), when a
    /// proxy changes the Host header. Cross-site checks accept it besides the Host.
    pub public_origin: Option<String>,
    /// How long in-flight requests get to finish at shutdown.
    pub shutdown_grace_secs: u64,
    /// Days a pending association request waits for the MSP's decision before it expires.
    pub association_expiry_days: u32,
    /// Seconds an MSSP's dashboard aggregates are remembered (0: never). Dashboards lag new
    /// findings by at most this; association changes show at once.
    pub dashboard_cache_secs: u64,
    /// Folder for the default SQLite database and other local files.
    pub data_dir: PathBuf,
    /// The mail server: `smtp://host:port` (plain), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host` (TLS). Without it, emails are written as `.eml`
    /// files into `{data_dir}/outbox/`.
    pub smtp_url: Option<String>,
    /// The sender of every email, `Name <address>`.
    pub mail_from: String,
    /// The operator's pricing plans (TOML, see `domain::billing::pricing`); without it, the
    /// built-in example plan.
    pub pricing_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: None,
            database_max_connections: 16,
            site_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            log_format: LogFormat::Text,
            support_email: "support@mssp-portal.invalid".to_owned(),
            secure_cookies: false,
            trust_forwarded_for: false,
            public_origin: None,
            shutdown_grace_secs: 10,
            association_expiry_days: 14,
            dashboard_cache_secs: 5,
            data_dir: PathBuf::from("data"),
            smtp_url: None,
            mail_from: "MSSP Portal <no-reply@localhost>".to_owned(),
            pricing_file: None,
        }
    }
}

impl Config {
    /// Loads defaults, then `file` (if given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(format!("config file {} does not exist", file.display()));
            }
            figment = figment.merge(Toml::file(file));
        }
        figment = figment.merge(
            Env::raw()
                .only(ENV_KEYS)
                .map(|key| key.as_str().to_lowercase().into()),
        );
        let config: Config = figment.extract().map_err(|e| first_line(&e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            return Err("DATABASE_URL must start with sqlite:// or postgres://".to_owned());
        }
        if !(1..=365).contains(&self.association_expiry_days) {
            return Err("ASSOCIATION_EXPIRY_DAYS must be from 1 to 365".to_owned());
        }
        if self.dashboard_cache_secs > 300 {
            return Err("DASHBOARD_CACHE_SECS must be from 0 to 300".to_owned());
        }
        if self.database_max_connections == 0 {
            return Err("DATABASE_MAX_CONNECTIONS must be at least 1".to_owned());
        }
        portal_types::Email::parse(&self.support_email)
            .map_err(|e| format!("SUPPORT_EMAIL is not a valid address: {e}"))?;
        crate::mailer::sender(&self.mail_from)?;
        if let Some(url) = &self.smtp_url {
            crate::mailer::check_smtp_url(url)?;
        }
        self.pricing()?;
        Ok(())
    }

    /// The pricing plans in effect: `PRICING_FILE`, checked, or the built-in example.
    pub fn pricing(&self) -> Result<domain::billing::pricing::Pricing, String> {
        use domain::billing::pricing::{EXAMPLE, Pricing};
        let Some(path) = &self.pricing_file else {
            return Pricing::parse(EXAMPLE).map_err(|e| format!("built-in {e}"));
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("PRICING_FILE {} cannot be read: {e}", path.display()))?;
        Pricing::parse(&text).map_err(|e| format!("PRICING_FILE {}: {e}", path.display()))
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/mssp-portal.db", self.data_dir.display()))
    }

    /// The origin links in emails start with: `PUBLIC_ORIGIN`, else the listening address.
    pub fn public_url(&self) -> String {
        self.public_origin.as_deref().map_or_else(
            || format!("http://{}", self.site_addr),
            |origin| origin.trim_end_matches('/').to_owned(),
        )
    }
}

/// A URL with any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).to_owned()
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url()))
            .field("database_max_connections", &self.database_max_connections)
            .field("site_addr", &self.site_addr)
            .field("log_format", &self.log_format)
            .field("support_email", &self.support_email)
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("public_origin", &self.public_origin)
            .field("shutdown_grace_secs", &self.shutdown_grace_secs)
            .field("association_expiry_days", &self.association_expiry_days)
            .field("dashboard_cache_secs", &self.dashboard_cache_secs)
            .field("data_dir", &self.data_dir)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("pricing_file", &self.pricing_file)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/portal"),
            "postgres://app:***@db:5432/portal"
        );
        assert_eq!(
            redact_url("postgres://app@db/portal"),
            "postgres://app@db/portal"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
        let config = Config {
            database_url: Some("postgres://u:hunter2@h/db".into()),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
        let config = Config {
            smtp_url: Some("smtps://mailer:hunter3@smtp.example.com".into()),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("hunter3"));
    }

    #[test]
    fn email_links_use_the_public_origin_else_the_listening_address() {
        assert_eq!(Config::default().public_url(), "http://127.0.0.1:3000");
        let config = Config {
            public_origin: Some("https://portal.example.com/".into()),
            ..Config::default()
        };
        assert_eq!(config.public_url(), "https://portal.example.com");
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail fixes the closure's error type"
    )]
    fn files_and_environment_layer_over_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "portal.toml",
                "support_email = \"help@msp.test\"\nlog_format = \"json\"\n",
            )?;
            jail.set_env("LEPTOS_SITE_ADDR", "0.0.0.0:8080");
            let config = Config::load(Some(Path::new("portal.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(config.support_email, "help@msp.test");
            assert_eq!(config.log_format, LogFormat::Json);
            assert_eq!(config.site_addr.port(), 8080);
            assert_eq!(config.database_url(), "sqlite://data/mssp-portal.db");
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail fixes the closure's error type"
    )]
    fn bad_values_are_one_line_errors() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LEPTOS_SITE_ADDR", "not an address");
            let error = Config::load(None).expect_err("refused");
            assert!(
                !error.contains('\n') && error.contains("LEPTOS_SITE_ADDR"),
                "{error}"
            );
            jail.set_env("LEPTOS_SITE_ADDR", "127.0.0.1:3000");
            jail.set_env("DATABASE_URL", "mysql://x");
            assert!(
                Config::load(None)
                    .expect_err("refused")
                    .contains("DATABASE_URL")
            );
            jail.set_env("DATABASE_URL", "sqlite://x.db");
            jail.set_env("SUPPORT_EMAIL", "nope");
            assert!(
                Config::load(None)
                    .expect_err("refused")
                    .contains("SUPPORT_EMAIL")
            );
            assert!(Config::load(Some(Path::new("missing.toml"))).is_err());
            jail.set_env("SUPPORT_EMAIL", "help@msp.test");
            jail.set_env("SMTP_URL", "imap://mail.example.com");
            assert!(
                Config::load(None)
                    .expect_err("refused")
                    .contains("SMTP_URL")
            );
            jail.set_env("SMTP_URL", "smtp://127.0.0.1:2525");
            jail.set_env("MAIL_FROM", "not an address");
            assert!(
                Config::load(None)
                    .expect_err("refused")
                    .contains("MAIL_FROM")
            );
            jail.set_env("MAIL_FROM", "Portal <portal@example.com>");
            Config::load(None).expect("valid mail settings");
            Ok(())
        });
    }

    /// Each variable the README's configuration table names is one the portal reads (one was
    /// documented and silently ignored), apart from those Leptos reads itself.
    #[test]
    fn every_documented_variable_is_read() {
        const READ_BY_LEPTOS: [&str; 1] = ["LEPTOS_SITE_ROOT"];
        let documented: Vec<&str> = include_str!("../../README.md")
            .lines()
            .filter_map(|line| line.strip_prefix("| `")?.split('`').next())
            .filter(|name| name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect();
        assert!(documented.len() >= 10, "the README's table was found");
        for name in documented {
            assert!(
                ENV_KEYS.contains(&name) || READ_BY_LEPTOS.contains(&name),
                "{name} is documented but never read"
            );
        }
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail fixes the closure's error type"
    )]
    fn expiry_and_dashboard_cache_come_from_the_environment_within_bounds() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("ASSOCIATION_EXPIRY_DAYS", "3");
            jail.set_env("DASHBOARD_CACHE_SECS", "0");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.association_expiry_days, 3);
            assert_eq!(config.dashboard_cache_secs, 0);
            jail.set_env("DASHBOARD_CACHE_SECS", "301");
            let error = Config::load(None).expect_err("refused");
            assert!(error.contains("DASHBOARD_CACHE_SECS"), "{error}");
            Ok(())
        });
    }
}
