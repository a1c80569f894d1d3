//! The audit trail: append-only. This module offers no update and no delete, on purpose.

use sqlx::Row;

use crate::model::{AuditRecord, CurrentUser};
use crate::server::db::{now_ms, Db};
use crate::server::Viewer;

/// One state change or security event, as it will be stored.
pub struct Entry<'a> {
    pub action: &'a str,
    pub subject_kind: &'a str,
    pub subject_id: String,
    pub detail: serde_json::Value,
}

impl<'a> Entry<'a> {
    /// An event about one user account that needs no further detail (sign-in, sign-out...).
    /// A sign-in or first-access event about a login that may not exist ("unknown").
    pub fn login_event(action: &'a str, subject_id: String) -> Entry<'a> {
        Entry {
            action,
            subject_kind: "login",
            subject_id,
            detail: serde_json::json!({}),
        }
    }

    pub fn user_event(action: &'a str, user_id: i64) -> Entry<'a> {
        Entry {
            action,
            subject_kind: "user",
            subject_id: user_id.to_string(),
            detail: serde_json::json!({}),
        }
    }
}

/// Who caused an event. People are named by their user id; a lender's system by its API key's
/// name; an operator by the command they ran.
#[derive(Clone, Copy, Debug)]
pub enum Actor<'a> {
    Person(&'a CurrentUser),
    ApiKey { name: &'a str },
    Operator { command: &'a str },
    Anonymous,
}

impl Actor<'_> {
    fn role(&self) -> &'static str {
        match self {
            Actor::Person(user) => user.role.code(),
            Actor::ApiKey { .. } => "api_key",
            Actor::Operator { .. } => "operator",
            Actor::Anonymous => "anonymous",
        }
    }
}

/// Appends `entry`, the actor being `actor` or else whoever is signed in (else anonymous).
pub async fn append<'c, E>(
    executor: E,
    viewer: &Viewer,
    actor: Option<&CurrentUser>,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let actor = actor.or(viewer.user.as_ref()).map_or(Actor::Anonymous, Actor::Person);
    append_by(executor, viewer, actor, entry).await
}

pub async fn append_by<'c, E>(
    executor: E,
    viewer: &Viewer,
    actor: Actor<'_>,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let (actor_id, actor_name) = match actor {
        Actor::Person(user) => (Some(user.id), None),
        Actor::ApiKey { name } | Actor::Operator { command: name } => (None, Some(name)),
        Actor::Anonymous => (None, None),
    };
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_role, actor_name, action, subject_kind, subject_id, detail, \
         request_id, client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(now_ms())
    .bind(actor_id)
    .bind(actor.role())
    .bind(actor_name)
    .bind(entry.action)
    .bind(entry.subject_kind)
    .bind(entry.subject_id)
    .bind(entry.detail.to_string())
    .bind(&viewer.request_id)
    .bind(&viewer.client_addr)
    .execute(executor)
    .await?;
    Ok(())
}

/// The most recent entries, newest first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AuditRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, at, actor_id, actor_role, action, subject_kind, subject_id FROM audit_log \
         ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRecord {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_id: r.try_get("actor_id")?,
                actor_role: r.try_get("actor_role")?,
                action: r.try_get("action")?,
                subject_kind: r.try_get("subject_kind")?,
                subject_id: r.try_get("subject_id")?,
            })
        })
        .collect()
}
