//! Users: borrowers (signed in by phone or e-mail) and staff (by username).

use sqlx::Row;

use crate::model::Role;
use crate::server::db::{now_ms, Db};

/// What sign-in needs to know about a login; the hash never leaves the server.
pub struct Credentials {
    pub user_id: i64,
    pub role: Role,
    pub password_hash: Option<String>,
}

/// Finds the user whose phone, e-mail or staff username is `login`.
pub async fn find_credentials(db: &Db, login: &str) -> Result<Option<Credentials>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, role, password_hash FROM users WHERE phone = $1 OR lower(email) = lower($1) OR username = $1",
    )
    .bind(login)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let role: String = r.try_get("role")?;
    let role = Role::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?;
    Ok(Some(Credentials {
        user_id: r.try_get("id")?,
        role,
        password_hash: r.try_get("password_hash")?,
    }))
}

pub struct NewUser<'a> {
    pub role: Role,
    pub username: Option<&'a str>,
    pub full_name: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub date_of_birth: Option<&'a str>,
    pub password_hash: Option<&'a str>,
}

pub async fn insert<'c, E>(executor: E, user: &NewUser<'_>) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar(
        "INSERT INTO users (role, username, full_name, phone, email, date_of_birth, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(user.role.code())
    .bind(user.username)
    .bind(user.full_name)
    .bind(user.phone)
    .bind(user.email)
    .bind(user.date_of_birth)
    .bind(user.password_hash)
    .bind(now_ms())
    .fetch_one(executor)
    .await
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await
}

/// A borrower as a lender knows them: what first access checks, and how to reach them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BorrowerDetails {
    pub full_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub date_of_birth: String,
}

/// A borrower with their user id.
pub struct BorrowerRow {
    pub id: i64,
    pub details: BorrowerDetails,
}

fn borrower_row(row: &sqlx::any::AnyRow) -> Result<BorrowerRow, sqlx::Error> {
    Ok(BorrowerRow {
        id: row.try_get("id")?,
        details: BorrowerDetails {
            full_name: row.try_get("full_name")?,
            phone: row.try_get::<Option<String>, _>("phone")?.unwrap_or_default(),
            email: row.try_get("email")?,
            date_of_birth: row.try_get::<Option<String>, _>("date_of_birth")?.unwrap_or_default(),
        },
    })
}

const BORROWER_COLUMNS: &str = "id, full_name, phone, email, date_of_birth";

pub async fn borrower<'c, E>(executor: E, user_id: i64) -> Result<Option<BorrowerRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {BORROWER_COLUMNS} FROM users WHERE id = $1 AND role = 'borrower'"
    ))
    .bind(user_id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(borrower_row).transpose()
}

/// The user who signs in with `login` (as phone, e-mail or staff username, as sign-in reads
/// it), of any role: `Some` means the login is taken (by a borrower when `role` says so).
pub async fn by_login<'c, E>(executor: E, login: &str) -> Result<Option<(i64, Role)>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT id, role FROM users WHERE phone = $1 OR lower(email) = lower($1) OR username = $1")
        .bind(login)
        .fetch_optional(executor)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let role: String = r.try_get("role")?;
    let role = Role::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?;
    Ok(Some((r.try_get("id")?, role)))
}

pub async fn update_borrower<'c, E>(executor: E, user_id: i64, details: &BorrowerDetails) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query("UPDATE users SET full_name = $2, phone = $3, email = $4, date_of_birth = $5 WHERE id = $1")
        .bind(user_id)
        .bind(&details.full_name)
        .bind(&details.phone)
        .bind(&details.email)
        .bind(&details.date_of_birth)
        .execute(executor)
        .await?;
    Ok(())
}
