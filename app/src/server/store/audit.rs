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
    /// A sign-in or first-access event about a login that may not exist ("unknown").
    pub fn login_event(action: &'a str, subject_id: String) -> Entry<'a> {
        Entry {
            action,
            subject_kind: "login",
            subject_id,
            detail: serde_json::json!({}),
        }
    }

    /// An event about one user account that needs no further detail (sign-in, sign-out...).
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

/// Appends `entry` in a write transaction of its own, the viewer being the actor.
pub async fn append_alone(db: &Db, viewer: &Viewer, entry: Entry<'_>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    append(&mut *tx, viewer, None, entry).await?;
    tx.commit().await
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
    append_all(executor, viewer, actor, &[entry]).await
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
    append_all_by(executor, viewer, actor, &[entry]).await
}

/// Appends several entries by one actor in a single statement (a write transaction holds its
/// lock for every round trip).
pub async fn append_all<'c, E>(
    executor: E,
    viewer: &Viewer,
    actor: Option<&CurrentUser>,
    entries: &[Entry<'_>],
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let actor = actor.or(viewer.user.as_ref()).map_or(Actor::Anonymous, Actor::Person);
    append_all_by(executor, viewer, actor, entries).await
}

async fn append_all_by<'c, E>(
    executor: E,
    viewer: &Viewer,
    actor: Actor<'_>,
    entries: &[Entry<'_>],
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    if entries.is_empty() {
        return Ok(());
    }
    let sql = insert_sql(1, entries.len(), str::to_owned);
    bind_entries(sqlx::query(&sql), viewer, actor, entries)
        .execute(executor)
        .await?;
    Ok(())
}

/// Parameters per entry in `insert_sql`.
pub(super) const PARAMS_PER_ENTRY: usize = 10;

/// The INSERT of `count` entries, their parameters numbered from `first` (bound in order by
/// `bind_entries`); `detail` turns the detail's parameter into the SQL stored, so a statement
/// can add what only the database knows yet.
pub(super) fn insert_sql(first: usize, count: usize, detail: impl Fn(&str) -> String) -> String {
    const DETAIL_COLUMN: usize = 7;
    let rows = (0..count)
        .map(|row| {
            let params = (0..PARAMS_PER_ENTRY).map(|col| {
                let param = format!("${}", first + row * PARAMS_PER_ENTRY + col);
                if col == DETAIL_COLUMN {
                    detail(&param)
                } else {
                    param
                }
            });
            format!("({})", params.collect::<Vec<_>>().join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO audit_log (at, actor_id, actor_role, actor_name, action, subject_kind, subject_id, detail, \
         request_id, client_addr) VALUES {rows}"
    )
}

/// Binds `entries` by `actor` as the parameters of `insert_sql`.
pub(super) fn bind_entries<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    viewer: &Viewer,
    actor: Actor<'_>,
    entries: &[Entry<'_>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let (actor_id, actor_name) = match actor {
        Actor::Person(user) => (Some(user.id), None),
        Actor::ApiKey { name } | Actor::Operator { command: name } => (None, Some(name.to_owned())),
        Actor::Anonymous => (None, None),
    };
    let at = now_ms();
    for entry in entries {
        query = query
            .bind(at)
            .bind(actor_id)
            .bind(actor.role())
            .bind(actor_name.clone())
            .bind(entry.action.to_owned())
            .bind(entry.subject_kind.to_owned())
            .bind(entry.subject_id.clone())
            .bind(entry.detail.to_string())
            .bind(viewer.request_id.clone())
            .bind(viewer.client_addr.clone());
    }
    query
}

/// The most recent entries, newest first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AuditRecord>, sqlx::Error> {
    let (rows, _) = search(&db.pool, &Search::default(), limit, 0).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditRecord {
            id: r.id,
            at: r.at,
            actor_id: r.actor_id,
            actor_role: r.actor_role,
            action: r.action,
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
        })
        .collect())
}

/// The audit search, parsed. Every field narrows the result; `None` does not filter.
#[derive(Clone, Debug, Default)]
pub struct Search {
    /// Entries about the account with this reference (upper-cased, as references are stored).
    pub account_reference: Option<String>,
    /// Lower-cased: a username or phone (exact), a role (exact) or part of a full name.
    pub actor: Option<String>,
    /// An exact action, or a family when it ends with '.'.
    pub action: Option<String>,
    /// Unix ms, from included, until excluded.
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// Lower-cased words looked for in the detail, the action and the subject.
    pub text: Option<String>,
    pub oldest_first: bool,
}

/// A stored row with the actor's name and, for account entries, the account's reference.
pub struct SearchRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub account_reference: Option<String>,
    pub detail: String,
}

/// `%` and `_` typed by a supervisor are literal characters, not wildcards.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn like_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text))
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind_search<'q>(mut query: AnyQuery<'q>, texts: &[String], ints: &[i64]) -> AnyQuery<'q> {
    for text in texts {
        query = query.bind(text.clone());
    }
    for int in ints {
        query = query.bind(*int);
    }
    query
}

/// One page of matching entries and how many match in all. Read-only, like everything here
/// besides `append`.
pub async fn search(
    pool: &sqlx::AnyPool,
    s: &Search,
    limit: i64,
    offset: i64,
) -> Result<(Vec<SearchRow>, i64), sqlx::Error> {
    let mut clauses: Vec<String> = vec!["1 = 1".into()];
    // Text arguments come first, integers after them; placeholders are numbered in that order.
    let mut args: Vec<String> = Vec::new();
    let mut ints: Vec<i64> = Vec::new();
    let next = |args: &Vec<String>, ints: &Vec<i64>| args.len() + ints.len() + 1;
    if let Some(reference) = &s.account_reference {
        let n = next(&args, &ints);
        clauses.push(format!("c.reference = ${n}"));
        args.push(reference.clone());
    }
    if let Some(actor) = &s.actor {
        let n = next(&args, &ints);
        clauses.push(format!(
            "(LOWER(COALESCE(u.username, '')) = ${n} OR COALESCE(u.phone, '') = ${n} OR a.actor_role = ${n} \
             OR LOWER(u.full_name) LIKE ${} ESCAPE '\\')",
            n + 1
        ));
        args.push(actor.clone());
        args.push(like_pattern(actor));
    }
    if let Some(action) = &s.action {
        let n = next(&args, &ints);
        if action.ends_with('.') {
            clauses.push(format!("a.action LIKE ${n} ESCAPE '\\'"));
            args.push(format!("{}%", escape_like(action)));
        } else {
            clauses.push(format!("a.action = ${n}"));
            args.push(action.clone());
        }
    }
    if let Some(text) = &s.text {
        let n = next(&args, &ints);
        clauses.push(format!(
            "(LOWER(a.detail) LIKE ${n} ESCAPE '\\' OR LOWER(a.action) LIKE ${n} ESCAPE '\\' OR LOWER(a.subject_id) LIKE ${n} ESCAPE '\\')"
        ));
        args.push(like_pattern(text));
    }
    for (column_op, value) in [("a.at >=", s.from_ms), ("a.at <", s.until_ms)] {
        if let Some(v) = value {
            let n = next(&args, &ints);
            clauses.push(format!("{column_op} ${n}"));
            ints.push(v);
        }
    }
    let from = "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
                LEFT JOIN accounts c ON a.subject_kind = 'account' AND CAST(c.id AS TEXT) = a.subject_id";
    let filter = clauses.join(" AND ");
    let order = if s.oldest_first { "ASC" } else { "DESC" };
    let count_sql = format!("SELECT COUNT(*) AS n {from} WHERE {filter}");
    let total: i64 = bind_search(sqlx::query(&count_sql), &args, &ints)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let n = args.len() + ints.len();
    let sql = format!(
        "SELECT a.id, a.at, a.actor_id, a.actor_role, a.action, a.subject_kind, a.subject_id, a.detail, u.full_name, \
         c.reference AS account_reference {from} WHERE {filter} ORDER BY a.id {order} LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let rows = bind_search(sqlx::query(&sql), &args, &ints)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    let rows = rows
        .iter()
        .map(|r| {
            Ok(SearchRow {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_id: r.try_get("actor_id")?,
                actor_name: r.try_get("full_name")?,
                actor_role: r.try_get("actor_role")?,
                action: r.try_get("action")?,
                subject_kind: r.try_get("subject_kind")?,
                subject_id: r.try_get("subject_id")?,
                account_reference: r.try_get("account_reference")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((rows, total))
}
