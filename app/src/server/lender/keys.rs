//! API keys: created and revoked from the command line, sent as `Authorization: Bearer <key>`.
//! A key is 32 random bytes (so SHA-256 is enough to store it safely: no guessing a
//! dictionary word here, unlike passwords); only its hash and first characters are stored.

use rand::RngCore;

use super::{sha256_hex, ApiError};
use crate::server::db::Db;
use crate::server::store::api_keys::{self, ApiKeyRow, NewApiKey};
use crate::server::store::audit::{self, Actor, Entry};
use crate::server::Viewer;

/// What a key may do. Reading proposals and reading agreements are separate scopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    AccountsWrite,
    PaymentsWrite,
    AgreementsRead,
    ProposalsRead,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::AccountsWrite,
        Scope::PaymentsWrite,
        Scope::AgreementsRead,
        Scope::ProposalsRead,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Scope::AccountsWrite => "accounts:write",
            Scope::PaymentsWrite => "payments:write",
            Scope::AgreementsRead => "agreements:read",
            Scope::ProposalsRead => "proposals:read",
        }
    }

    pub fn parse(code: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    pub fn description(self) -> &'static str {
        match self {
            Scope::AccountsWrite => "place accounts and update their balances (single and batch)",
            Scope::PaymentsWrite => "record payments against agreements",
            Scope::AgreementsRead => "list agreements and their schedules",
            Scope::ProposalsRead => "list plan proposals",
        }
    }
}

/// The lender's system behind a request, once its key checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiClient {
    pub key_id: i64,
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl ApiClient {
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(ApiError::MissingScope(scope))
        }
    }

    /// How the audit trail names this client.
    pub fn actor(&self) -> Actor<'_> {
        Actor::ApiKey { name: &self.name }
    }
}

/// Every key starts with this, so a leaked one is easy to recognise (and to scan for).
const KEY_PREFIX: &str = "rdk_";
/// Characters of the key kept in clear to tell keys apart in `api-key list`.
const SHOWN_CHARS: usize = 12;

fn scopes_of(row: &ApiKeyRow) -> Vec<Scope> {
    row.scopes.split_whitespace().filter_map(Scope::parse).collect()
}

/// The client presenting `key`, or `Unauthenticated` for an unknown or revoked one.
pub async fn authenticate(db: &Db, viewer: &Viewer, key: &str) -> Result<ApiClient, ApiError> {
    if !key.starts_with(KEY_PREFIX) {
        return Err(ApiError::Unauthenticated);
    }
    let row = api_keys::active_by_hash(db, &sha256_hex(key))
        .await
        .map_err(|e| ApiError::internal(viewer, e))?;
    let row = row.ok_or(ApiError::Unauthenticated)?;
    Ok(ApiClient {
        key_id: row.id,
        scopes: scopes_of(&row),
        name: row.name,
    })
}

/// Why a key could not be created or revoked: one line for the operator.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyCommandError {
    NameInvalid,
    NameTaken(String),
    NoScopes,
    UnknownScope(String),
    NoSuchKey,
    Storage(String),
}

impl std::fmt::Display for KeyCommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NameInvalid => f.write_str("the name must be 1 to 64 letters, digits, '.', '-' or '_'"),
            Self::NameTaken(name) => write!(f, "a key named {name:?} exists already (revoked keys keep their name)"),
            Self::NoScopes => write!(f, "give at least one scope with --scopes ({})", all_scope_codes()),
            Self::UnknownScope(s) => write!(f, "unknown scope {s:?}: the scopes are {}", all_scope_codes()),
            Self::NoSuchKey => f.write_str("no active key has that name or id"),
            Self::Storage(e) => write!(f, "the database failed: {e}"),
        }
    }
}

impl std::error::Error for KeyCommandError {}

fn all_scope_codes() -> String {
    Scope::ALL.map(Scope::code).join(", ")
}

/// A key as `api-key list` shows it.
pub struct KeySummary {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// Parses a comma-separated scope list (`accounts:write,payments:write`).
pub fn parse_scopes(list: &str) -> Result<Vec<Scope>, KeyCommandError> {
    let mut scopes = Vec::new();
    for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let scope = Scope::parse(code).ok_or_else(|| KeyCommandError::UnknownScope(code.to_owned()))?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err(KeyCommandError::NoScopes);
    }
    scopes.sort();
    Ok(scopes)
}

/// Records what an operator command did to a key, the command being the actor.
async fn audit_key_command(
    tx: &mut crate::server::db::Tx,
    command: &str,
    action: &str,
    key_id: i64,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let entry = Entry {
        action,
        subject_kind: "api_key",
        subject_id: key_id.to_string(),
        detail,
    };
    let viewer = super::operator_viewer(command);
    audit::append_by(&mut **tx, &viewer, Actor::Operator { command }, entry).await
}

/// Creates a key and returns it with its id: the only time the key exists in clear.
pub async fn create(db: &Db, name: &str, scopes: &[Scope]) -> Result<(i64, String), KeyCommandError> {
    let valid_name = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !valid_name {
        return Err(KeyCommandError::NameInvalid);
    }
    if scopes.is_empty() {
        return Err(KeyCommandError::NoScopes);
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = format!("{KEY_PREFIX}{}", hex::encode(bytes));
    let codes: Vec<&str> = scopes.iter().map(|s| s.code()).collect();
    let storage = |e: sqlx::Error| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => KeyCommandError::NameTaken(name.to_owned()),
        e => KeyCommandError::Storage(e.to_string()),
    };
    let mut tx = db.begin_write().await.map_err(storage)?;
    let new_key = NewApiKey {
        name,
        key_hash: &sha256_hex(&key),
        prefix: &key[..SHOWN_CHARS],
        scopes: &codes.join(" "),
    };
    let id = api_keys::insert(&mut *tx, &new_key).await.map_err(storage)?;
    let detail = serde_json::json!({ "name": name, "scopes": codes });
    audit_key_command(&mut tx, "api-key create", "api_key.created", id, detail)
        .await
        .map_err(storage)?;
    tx.commit().await.map_err(storage)?;
    Ok((id, key))
}

/// Revokes the active key with this name or id; requests with it are refused from now on.
pub async fn revoke(db: &Db, name: Option<&str>, id: Option<i64>) -> Result<KeySummary, KeyCommandError> {
    let storage = |e: sqlx::Error| KeyCommandError::Storage(e.to_string());
    let mut tx = db.begin_write().await.map_err(storage)?;
    let row = api_keys::revoke(&mut *tx, name, id)
        .await
        .map_err(storage)?
        .ok_or(KeyCommandError::NoSuchKey)?;
    let detail = serde_json::json!({ "name": row.name });
    audit_key_command(&mut tx, "api-key revoke", "api_key.revoked", row.id, detail)
        .await
        .map_err(storage)?;
    tx.commit().await.map_err(storage)?;
    Ok(summary(row))
}

pub async fn list(db: &Db) -> Result<Vec<KeySummary>, KeyCommandError> {
    let rows = api_keys::all(db)
        .await
        .map_err(|e| KeyCommandError::Storage(e.to_string()))?;
    Ok(rows.into_iter().map(summary).collect())
}

fn summary(row: ApiKeyRow) -> KeySummary {
    KeySummary {
        id: row.id,
        scopes: scopes_of(&row),
        name: row.name,
        prefix: row.prefix,
        created_at: row.created_at,
        revoked_at: row.revoked_at,
    }
}
