//! Command-line flags, each with an environment fallback. Operators and scripts rely on these
//! names: keep them stable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "server",
    version,
    about = "RepayDesk: borrower self-service portal for overdue debt"
)]
pub struct Cli {
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Manage staff accounts (collectors and supervisors).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage the lender API's keys (shown once at creation, stored hashed).
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Import data files.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Print every route the server answers (handlers, server functions, pages) as JSON.
    Routes,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a staff account. The password is read from standard input (prompted on a terminal),
    /// never from the command line.
    Add {
        #[arg(long, value_enum)]
        role: StaffRole,
        /// Sign-in name: 3 to 32 lower-case letters, digits, '.', '-' or '_'.
        #[arg(long)]
        username: String,
        /// Name shown in the portal and the audit trail (the username when absent).
        #[arg(long, default_value = "")]
        full_name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ApiKeyCommand {
    /// Create a key for a lender's system. The key is printed once, on the last line.
    Create {
        /// A name to recognise the key by in lists and in the audit trail (e.g. huaxia-sync).
        #[arg(long)]
        name: String,
        /// Comma-separated: accounts:write, payments:write, agreements:read, proposals:read.
        #[arg(long)]
        scopes: String,
    },
    /// List every key (never the keys themselves), revoked ones included.
    List,
    /// Revoke a key, by name or by id: requests with it are refused from then on.
    Revoke {
        #[arg(long, required_unless_present = "id", conflicts_with = "id")]
        name: Option<String>,
        #[arg(long)]
        id: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Place accounts from a CSV file (the same rules as PUT /api/v1/accounts/{ref}): good rows
    /// are applied, refused rows reported with their reasons; exits non-zero if any was refused.
    Accounts {
        /// CSV with a header row: external_ref, lender_name, currency, principal_minor,
        /// interest_minor, fees_minor, oldest_unpaid_due, as_of, borrower_full_name,
        /// borrower_phone, borrower_date_of_birth, borrower_email.
        file: PathBuf,
    },
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRole {
    Collector,
    Supervisor,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "REPAYDESK_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub addr: String,
    /// sqlite:PATH (created when missing) or postgres://USER:PASSWORD@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:repaydesk.db", global = true)]
    pub database_url: String,
    /// Load the demonstration data into an empty database.
    #[arg(long, env = "REPAYDESK_DEMO", global = true)]
    pub demo: bool,
    /// Folder holding the built site (pkg/ with the wasm, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: PathBuf,
    /// Plan policy file (TOML); the built-in policy when absent.
    #[arg(long, env = "REPAYDESK_POLICY", global = true)]
    pub policy: Option<PathBuf>,
    /// The lender's time zone, in which days past due are counted.
    #[arg(long, env = "REPAYDESK_TIME_ZONE", default_value = "Asia/Shanghai", global = true)]
    pub time_zone: String,
    /// Mark the session cookie Secure: auto = yes unless listening on loopback (plain http);
    /// never = only allowed on loopback; always = behind a TLS proxy on the same host.
    #[arg(long, env = "REPAYDESK_SECURE_COOKIES", value_enum, default_value_t = SecureCookies::Auto, global = true)]
    pub secure_cookies: SecureCookies,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "REPAYDESK_SESSION_IDLE_MINUTES", default_value_t = 30, global = true)]
    pub session_idle_minutes: u64,
    /// Hours after sign-in at which a session ends whatever the activity.
    #[arg(long, env = "REPAYDESK_SESSION_MAX_HOURS", default_value_t = 12, global = true)]
    pub session_max_hours: u64,
    /// Idle timeout in seconds, overriding --session-idle-minutes (tests).
    #[arg(long, hide = true, global = true)]
    pub session_idle_seconds: Option<u64>,
    /// Absolute timeout in seconds, overriding --session-max-hours (tests).
    #[arg(long, hide = true, global = true)]
    pub session_max_seconds: Option<u64>,
    /// Failed sign-ins (or first-access attempts) per account before it is locked for a while.
    #[arg(long, env = "REPAYDESK_ATTEMPTS_PER_ACCOUNT", default_value_t = 5, global = true)]
    pub attempts_per_account: u32,
    /// Failed attempts per client address before it is locked for a while.
    #[arg(long, env = "REPAYDESK_ATTEMPTS_PER_ADDRESS", default_value_t = 20, global = true)]
    pub attempts_per_address: u32,
    /// Minutes over which failed attempts are counted, and how long a lock lasts.
    #[arg(long, env = "REPAYDESK_LOCKOUT_MINUTES", default_value_t = 15, global = true)]
    pub lockout_minutes: u64,
    /// Pin the lender's "today" (YYYY-MM-DD) for demonstrations and tests; the real date otherwise.
    #[arg(long, env = "REPAYDESK_TODAY", global = true)]
    pub today: Option<chrono::NaiveDate>,
    /// Largest database connection pool.
    #[arg(long, env = "REPAYDESK_DB_CONNECTIONS", default_value_t = 16, global = true)]
    pub db_connections: u32,
    /// Mount the load benchmark's floor endpoints (/bench/plaintext, /bench/transaction).
    #[arg(long, hide = true, global = true)]
    pub bench_endpoints: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureCookies {
    Auto,
    Always,
    Never,
}

impl ServeArgs {
    pub fn socket_addr(&self) -> Result<SocketAddr, String> {
        self.addr.parse().map_err(|_| {
            format!(
                "--addr {:?} is not HOST:PORT with a numeric IP (e.g. 127.0.0.1:3000)",
                self.addr
            )
        })
    }
}
