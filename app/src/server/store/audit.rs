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

pub async fn append<'c, E>(
    executor: E,
    viewer: &Viewer,
    actor: Option<&CurrentUser>,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let actor = actor.or(viewer.user.as_ref());
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_role, action, subject_kind, subject_id, detail, request_id, client_addr) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_ms())
    .bind(actor.map(|u| u.id))
    .bind(actor.map_or("anonymous", |u| u.role.code()))
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
