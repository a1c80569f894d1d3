//! The supervisor's audit search: filters read from the query string, one page of entries in
//! the lender's time. Reading only; the trail itself is append-only.

use chrono::{Days, NaiveDate, TimeZone};

use super::review::lender_time;
use crate::domain::proposal::parse_date;
use crate::error::AppError;
use crate::model::supervisor::{AuditLine, AuditPage, AuditQuery};
use crate::server::store::audit::{self, Search};
use crate::server::{AppState, Viewer};

pub const PER_PAGE: u32 = 50;

/// The first instant (Unix ms) of a lender-local day.
fn start_of(day: NaiveDate, zone: chrono_tz::Tz) -> Option<i64> {
    zone.from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.timestamp_millis())
}

/// A filter as typed, lower-cased; NUL characters (which PostgreSQL text cannot hold, and no
/// entry contains) are dropped.
fn optional(text: &str) -> Option<String> {
    Some(text.replace('\0', "").trim().to_lowercase()).filter(|t| !t.is_empty())
}

/// Reads the filters; a date that cannot be read is the caller's error (named by field).
fn parse(q: &AuditQuery, zone: chrono_tz::Tz) -> Result<Search, AppError> {
    let day = |field: &str, text: &str| -> Result<Option<NaiveDate>, AppError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_date(text)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, "date_invalid"))
    };
    let from = day("from", &q.from)?;
    let to = day("to", &q.to)?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(AppError::invalid("to", "date_range_inverted"));
        }
    }
    Ok(Search {
        account_reference: optional(&q.account).map(|r| r.to_uppercase()),
        actor: optional(&q.actor),
        action: optional(&q.action),
        from_ms: from.and_then(|d| start_of(d, zone)),
        until_ms: to
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .and_then(|d| start_of(d, zone)),
        text: optional(&q.text),
        oldest_first: q.order == "oldest",
    })
}

#[tracing::instrument(skip(state, viewer, q), fields(request_id = %viewer.request_id))]
pub async fn search(state: &AppState, viewer: &Viewer, q: &AuditQuery) -> Result<AuditPage, AppError> {
    let zone = state.clock.zone;
    let filter = parse(q, zone)?;
    let page = q.page.trim().parse::<u32>().unwrap_or(1).max(1);
    let offset = i64::from(page - 1) * i64::from(PER_PAGE);
    let (rows, total) = audit::search(&state.db.pool, &filter, i64::from(PER_PAGE), offset)
        .await
        .map_err(|e| viewer.internal(e))?;
    let lines = rows
        .into_iter()
        .map(|r| AuditLine {
            id: r.id,
            at: lender_time(r.at, zone),
            actor_name: r.actor_name.unwrap_or_default(),
            actor_role: r.actor_role,
            action: r.action,
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
            account_reference: r.account_reference,
            detail: r.detail,
        })
        .collect();
    Ok(AuditPage {
        lines,
        total,
        page,
        per_page: PER_PAGE,
    })
}
