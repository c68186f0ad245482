//! The command line: `serve` (default), `migrate`, `tenant create`, `user add`,
//! `enroll-token create`, `billing`, `demo`.
//! Every failure is one line on stderr and a non-zero exit.

mod billing;

use crate::config::Config;
use crate::serve;
use clap::{Args, Parser, Subcommand};
use domain::demo;
use domain::generate::Scale;
use portal_types::{CompanyName, Email, Password, Role, TenantKind, TenantName};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "mssp-portal", version, about = "A self-hosted MSSP portal")]
pub struct Cli {
    /// A TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = "MSSP_PORTAL_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the portal (the default).
    Serve {
        /// Load the demo data first, if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage agents' enrollment tokens.
    #[command(subcommand)]
    EnrollToken(EnrollTokenCommand),
    /// Show the billing plans and put MSSPs on them.
    #[command(subcommand)]
    Billing(billing::BillingCommand),
    /// Load the demo tenants and sign-ins into an empty database, with a generated inventory
    /// (the first three MSPs are the demo MSPs; further ones are created).
    Demo {
        /// Wipe every row first.
        #[arg(long)]
        reset: bool,
        #[arg(long, default_value_t = Scale::default().msps)]
        msps: u32,
        #[arg(long, default_value_t = Scale::default().companies_per_msp)]
        companies_per_msp: u32,
        #[arg(long, default_value_t = Scale::default().assets_per_company)]
        assets_per_company: u32,
        #[arg(long, default_value_t = Scale::default().findings_per_asset)]
        findings_per_asset: u32,
        /// The same seed gives the same data.
        #[arg(long, default_value_t = Scale::default().seed)]
        seed: u64,
    },
}

#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// Create a tenant and its first user (an owner).
    Create {
        #[arg(long, value_parser = parse_kind)]
        kind: TenantKind,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        /// The admin's display name (default: "<tenant> Admin").
        #[arg(long)]
        admin_name: Option<String>,
        #[command(flatten)]
        password: PasswordSource,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user to a tenant.
    Add {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role, default_value = "viewer")]
        role: Role,
        /// Display name (default: the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        password: PasswordSource,
    },
}

#[derive(Subcommand, Debug)]
pub enum EnrollTokenCommand {
    /// Issue an enrollment token for a company of an MSP. The token alone goes to standard
    /// output (it is shown only once); what it is for goes to standard error.
    Create {
        /// The MSP tenant's name.
        #[arg(long)]
        tenant: String,
        /// The company's name.
        #[arg(long)]
        company: String,
        /// How long the token stays valid (1 to 365 days).
        #[arg(long, default_value_t = 7)]
        expires_in_days: u32,
    },
}

#[derive(Args, Debug)]
pub struct PasswordSource {
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    password_stdin: bool,
}

fn parse_kind(value: &str) -> Result<TenantKind, String> {
    value.parse()
}

fn parse_role(value: &str) -> Result<Role, String> {
    value.parse()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: invalid configuration: {error}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(
        cli.command.unwrap_or(Command::Serve { demo: false }),
        config,
    )) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    let db = serve::open_database(&config).await?;
    match command {
        Command::Serve { demo } => {
            let sign_ins = if demo {
                load_demo_if_empty(&db).await?
            } else {
                None
            };
            serve::run(config, db, |url| print_banner(url, sign_ins.as_deref())).await
        }
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::Tenant(TenantCommand::Create {
            kind,
            name,
            admin_email,
            admin_name,
            password,
        }) => {
            let name = TenantName::parse(&name).map_err(|e| e.to_string())?;
            let owner_email = Email::parse(&admin_email).map_err(|e| e.to_string())?;
            let owner_password = read_password(&password)?;
            let owner_name = admin_name.unwrap_or_else(|| format!("{name} Admin"));
            let new = domain::tenants::NewTenant {
                kind,
                name: name.clone(),
                owner_email,
                owner_name,
                owner_password,
            };
            let (tenant, _) = domain::tenants::create(&db, new).await.map_err(describe)?;
            println!(
                "created {} tenant \"{name}\" (id {tenant}) with owner {admin_email}",
                kind.label()
            );
            Ok(())
        }
        Command::User(UserCommand::Add {
            tenant,
            email,
            role,
            name,
            password,
        }) => {
            let tenant = TenantName::parse(&tenant).map_err(|e| e.to_string())?;
            let email = Email::parse(&email).map_err(|e| e.to_string())?;
            let password = read_password(&password)?;
            let display_name = name.unwrap_or_else(|| {
                email
                    .as_str()
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
            let new = domain::users::NewUser {
                tenant: tenant.clone(),
                email: email.clone(),
                display_name,
                role,
                password,
            };
            domain::users::add(&db, new).await.map_err(|e| match e {
                domain::Error::NotFound => format!("no tenant named \"{tenant}\""),
                other => describe(other),
            })?;
            println!("added {email} to \"{tenant}\" as {role}");
            Ok(())
        }
        Command::EnrollToken(EnrollTokenCommand::Create {
            tenant,
            company,
            expires_in_days,
        }) => {
            let tenant = TenantName::parse(&tenant).map_err(|e| e.to_string())?;
            let company = CompanyName::parse(&company).map_err(|e| e.to_string())?;
            let valid = domain::agents::ValidDays::new(expires_in_days).map_err(describe)?;
            let issued = domain::agents::issue_token_as_operator(&db, &tenant, &company, valid)
                .await
                .map_err(|e| match e {
                    domain::Error::NotFound => {
                        format!("no company \"{company}\" in an MSP tenant named \"{tenant}\"")
                    }
                    other => describe(other),
                })?;
            eprintln!(
                "enrollment token for \"{company}\" of \"{tenant}\", valid until {}:",
                issued.token.expires_at.format("%Y-%m-%d %H:%M UTC")
            );
            println!("{}", issued.secret.expose());
            Ok(())
        }
        Command::Billing(command) => billing::run(command, &db, &config.pricing()?).await,
        Command::Demo {
            reset,
            msps,
            companies_per_msp,
            assets_per_company,
            findings_per_asset,
            seed,
        } => {
            let scale = Scale {
                msps,
                companies_per_msp,
                assets_per_company,
                findings_per_asset,
                seed,
            };
            scale.check().map_err(describe)?;
            if reset {
                demo::wipe(&db).await.map_err(describe)?;
            }
            let sign_ins = demo::load(&db).await.map_err(describe)?;
            let started = std::time::Instant::now();
            let bar = indicatif::ProgressBar::new(scale.total_findings()).with_style(
                indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} findings ({per_sec}, {eta} left)",
                )
                .map_err(|e| e.to_string())?,
            );
            let progress = |done: u64, _total: u64| bar.set_position(done);
            let generated = domain::generate::generate(&db, &scale, &progress)
                .await
                .map_err(describe)?;
            bar.finish_and_clear();
            println!(
                "generated {} MSPs, {} companies, {} agents, {} assets and {} findings in {:.1} s",
                generated.msps,
                generated.companies,
                generated.agents,
                generated.assets,
                generated.findings,
                started.elapsed().as_secs_f64()
            );
            print_sign_ins(&sign_ins);
            Ok(())
        }
    }
}

async fn load_demo_if_empty(db: &domain::Db) -> Result<Option<Vec<demo::DemoSignIn>>, String> {
    if domain::tenants::count(db).await.map_err(describe)? > 0 {
        tracing::info!("the database already holds tenants; demo data not loaded");
        return Ok(Some(demo::sign_ins()));
    }
    let sign_ins = demo::load(db).await.map_err(describe)?;
    domain::generate::generate(db, &Scale::default(), &|_, _| {})
        .await
        .map_err(describe)?;
    Ok(Some(sign_ins))
}

fn print_banner(url: &str, sign_ins: Option<&[demo::DemoSignIn]>) {
    println!("\nMSSP Portal is running at {url}");
    if let Some(sign_ins) = sign_ins {
        print_sign_ins(sign_ins);
    }
    println!();
}

fn print_sign_ins(sign_ins: &[demo::DemoSignIn]) {
    println!("Demo sign-ins (password for all: {}):", demo::PASSWORD);
    for s in sign_ins {
        println!(
            "  tenant {:<16} email {:<28} role {}",
            format!("\"{}\"", s.tenant),
            s.email,
            s.role
        );
    }
}

/// One line for an operator.
fn describe(error: domain::Error) -> String {
    match error {
        domain::Error::Conflict(message) => message,
        domain::Error::Invalid(e) => e.to_string(),
        other => other.to_string(),
    }
}

fn read_password(source: &PasswordSource) -> Result<Password, String> {
    let raw = if source.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password: {e}"))?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let again = rpassword::prompt_password("Password again: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        if first != again {
            return Err("the passwords do not match".to_owned());
        }
        first
    } else {
        return Err("no terminal to prompt for a password: use --password-stdin".to_owned());
    };
    Password::parse_new(&raw).map_err(|e| e.to_string())
}
