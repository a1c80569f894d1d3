//! Staff accounts (collectors and supervisors): created by an operator on the command line,
//! never through a public page.

use crate::model::Role;
use crate::server::auth::password::{self, WeakPassword};
use crate::server::db::Db;
use crate::server::store::{audit, users};
use crate::server::Viewer;

/// Why a staff account was not created; each reads as one line for the operator.
#[derive(Debug, PartialEq, Eq)]
pub enum AddStaffError {
    NotStaff,
    BadUsername,
    UsernameTaken(String),
    Weak(WeakPassword),
    Storage(String),
}

impl std::fmt::Display for AddStaffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotStaff => f.write_str("only collector and supervisor accounts are created here"),
            Self::BadUsername => {
                f.write_str("the username must be 3 to 32 characters: lower-case letters, digits, '.', '-' or '_'")
            }
            Self::UsernameTaken(name) => write!(f, "a user named {name:?} already exists"),
            Self::Weak(WeakPassword::TooShort { min }) => {
                write!(f, "the password is too short: use at least {min} characters")
            }
            Self::Weak(WeakPassword::TooCommon) => f.write_str("the password is too common: choose another"),
            Self::Storage(reason) => write!(f, "the database refused the new user: {reason}"),
        }
    }
}

impl std::error::Error for AddStaffError {}

fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Creates a staff account and its audit entry; returns the new user's id.
pub async fn add(db: &Db, role: Role, username: &str, full_name: &str, secret: &str) -> Result<i64, AddStaffError> {
    if !role.is_staff() {
        return Err(AddStaffError::NotStaff);
    }
    if !valid_username(username) {
        return Err(AddStaffError::BadUsername);
    }
    password::check_strength(secret).map_err(AddStaffError::Weak)?;
    let storage = |e: sqlx::Error| AddStaffError::Storage(e.to_string());
    let hash = password::hash(secret.to_owned())
        .await
        .map_err(AddStaffError::Storage)?;
    let mut tx = db.begin_write().await.map_err(storage)?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *tx)
        .await
        .map_err(storage)?;
    if taken.is_some() {
        return Err(AddStaffError::UsernameTaken(username.to_owned()));
    }
    let full_name = match full_name.trim() {
        "" => username,
        name => name,
    };
    let user = users::NewUser {
        role,
        username: Some(username),
        full_name,
        phone: None,
        email: None,
        date_of_birth: None,
        password_hash: Some(&hash),
    };
    let id = users::insert(&mut *tx, &user).await.map_err(storage)?;
    let operator = Viewer {
        request_id: "command-line".into(),
        client_addr: "command-line".into(),
        ..Viewer::anonymous()
    };
    let entry = audit::Entry {
        action: "user.created",
        subject_kind: "user",
        subject_id: id.to_string(),
        detail: serde_json::json!({ "role": role.code(), "username": username, "via": "command line" }),
    };
    audit::append(&mut *tx, &operator, None, entry).await.map_err(storage)?;
    tx.commit().await.map_err(storage)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_short_lower_case_words() {
        assert!(valid_username("wang.fang"));
        assert!(valid_username("collector_2"));
        assert!(!valid_username("ab"));
        assert!(!valid_username("Wang Fang"));
        assert!(!valid_username("a@b.c"));
    }
}
