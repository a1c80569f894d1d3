//! Reading proposals and agreements back: filtered, in the order they last changed, a page at a
//! time behind an opaque cursor, with `updated_since` for incremental sync.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::placement::parse_reference;
use super::{rfc3339, ApiError, FieldProblem};
use crate::model::{AgreementStatus, ProposalStatus};
use crate::server::db::Db;
use crate::server::store::lender_sync::{self, Position, SyncFilter, SyncedAgreement, SyncedProposal};
use crate::server::Viewer;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// The list filters as they arrive in the query string (checked all at once).
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only items in this status. Proposals: pending, auto_approved, approved, rejected, countered,
    /// superseded. Agreements: active, completed, broken, superseded.
    pub status: Option<String>,
    /// Only items of the account with this lender reference.
    pub account: Option<String>,
    /// Only items changed at or after this instant (RFC 3339, e.g. 2026-12-01T00:00:00Z).
    pub updated_since: Option<String>,
    /// Items per page, 1 to 200 (50 when absent).
    pub limit: Option<String>,
    /// `next_cursor` of the previous page, to read the next one with the same filters.
    pub cursor: Option<String>,
}

/// A plan proposal as the lender sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProposalResource {
    pub id: i64,
    pub account_ref: String,
    /// pending, auto_approved, approved, rejected, countered or superseded.
    pub status: String,
    pub currency: String,
    /// The balance the plan covers, in minor units.
    pub balance_minor: i64,
    pub down_payment_minor: i64,
    pub installments: u32,
    /// weekly, biweekly or monthly.
    pub frequency: String,
    #[schema(format = Date)]
    pub first_payment_date: String,
    /// Why the borrower fell behind, when they said.
    pub hardship_reason: Option<String>,
    pub policy_version: String,
    /// The agreement the proposal became, if it did.
    pub agreement_ref: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InstallmentResource {
    /// 0 is the down payment; 1.. the installments.
    pub number: u32,
    #[schema(format = Date)]
    pub due_date: String,
    pub amount_minor: i64,
    pub paid_minor: i64,
}

/// An agreement: terms and schedule never change; status and what is paid do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgreementResource {
    pub reference: String,
    pub account_ref: String,
    pub proposal_id: i64,
    /// active, completed, broken or superseded.
    pub status: String,
    /// self_service, collector_approval or counter_offer.
    pub origin: String,
    pub currency: String,
    pub total_minor: i64,
    pub paid_minor: i64,
    pub down_payment_minor: i64,
    pub installments: u32,
    pub frequency: String,
    #[schema(format = Date)]
    pub first_payment_date: String,
    pub policy_version: String,
    #[schema(format = DateTime)]
    pub accepted_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    pub schedule: Vec<InstallmentResource>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProposalPage {
    pub items: Vec<ProposalResource>,
    /// Pass as `cursor` to read on; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgreementPage {
    pub items: Vec<AgreementResource>,
    pub next_cursor: Option<String>,
}

/// The cursor is the position of the last item returned; clients must treat it as opaque.
fn encode_cursor(position: Position) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{}:{}", position.updated_at, position.id))
}

fn decode_cursor(text: &str) -> Option<Position> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.strip_prefix("v1:")?.split(':');
    let (Some(at), Some(id), None) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    Some(Position {
        updated_at: at.parse().ok()?,
        id: id.parse().ok()?,
    })
}

/// An optional parameter, parsed; one that is present but does not parse adds its problem.
fn optional<T>(
    text: Option<&str>,
    parse: impl FnOnce(&str) -> Option<T>,
    problem: (&str, &str, &str),
    problems: &mut Vec<FieldProblem>,
) -> Option<T> {
    let parsed = parse(text?);
    if parsed.is_none() {
        let (field, code, message) = problem;
        problems.push(FieldProblem::new(field, code, message));
    }
    parsed
}

/// Parses the query, every problem at once; `parse_status` gives the stored status code.
fn filter_of(query: &ListQuery, parse_status: impl Fn(&str) -> Option<&'static str>) -> Result<SyncFilter, ApiError> {
    let mut problems = Vec::new();
    let status = optional(
        query.status.as_deref(),
        parse_status,
        ("status", "status_unknown", "This status does not exist."),
        &mut problems,
    );
    let account_reference = optional(
        query.account.as_deref(),
        parse_reference,
        (
            "account",
            "reference_invalid",
            "An account reference is 1 to 64 upper-case letters, digits, '-', '_' or '.'.",
        ),
        &mut problems,
    );
    let updated_since = optional(
        query.updated_since.as_deref(),
        |text| {
            chrono::DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.timestamp_millis())
        },
        (
            "updated_since",
            "timestamp_invalid",
            "Give an RFC 3339 instant such as 2026-12-01T00:00:00Z.",
        ),
        &mut problems,
    );
    let limit_message = format!("The limit is a whole number from 1 to {MAX_LIMIT}.");
    let limit = optional(
        query.limit.as_deref(),
        |text| text.parse::<u32>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)),
        ("limit", "limit_invalid", &limit_message),
        &mut problems,
    );
    let after = optional(
        query.cursor.as_deref(),
        decode_cursor,
        (
            "cursor",
            "cursor_invalid",
            "Pass back the next_cursor of a previous page unchanged.",
        ),
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    Ok(SyncFilter {
        status,
        account_reference,
        updated_since,
        after,
        limit: limit.unwrap_or(DEFAULT_LIMIT),
    })
}

/// Keeps the first `limit` rows (one more was read to learn whether the list goes on) and
/// gives the cursor after them, or none on the last page.
fn cut_page<T>(rows: &mut Vec<T>, limit: u32, position: impl Fn(&T) -> Position) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() <= limit {
        return None;
    }
    rows.truncate(limit);
    rows.last().map(|last| encode_cursor(position(last)))
}

/// One page of a list: the query parsed, the rows read, the cursor after them, the resources.
async fn page<R, T, Fut>(
    viewer: &Viewer,
    query: &ListQuery,
    parse_status: impl Fn(&str) -> Option<&'static str>,
    fetch: impl FnOnce(SyncFilter) -> Fut,
    position: impl Fn(&R) -> Position,
    resource: impl Fn(R) -> T,
) -> Result<(Vec<T>, Option<String>), ApiError>
where
    Fut: std::future::Future<Output = Result<Vec<R>, sqlx::Error>>,
{
    let mut filter = filter_of(query, parse_status)?;
    let limit = filter.limit;
    filter.limit = limit + 1;
    let mut rows = fetch(filter).await.map_err(|e| ApiError::internal(viewer, e))?;
    let next_cursor = cut_page(&mut rows, limit, position);
    Ok((rows.into_iter().map(resource).collect(), next_cursor))
}

fn proposal_resource(synced: SyncedProposal) -> ProposalResource {
    let p = synced.proposal;
    ProposalResource {
        id: p.id,
        account_ref: synced.account_reference,
        status: p.status.code().to_owned(),
        currency: p.balance.currency.code().to_owned(),
        balance_minor: p.balance.minor,
        down_payment_minor: p.terms.down_payment.minor,
        installments: p.terms.installments,
        frequency: p.terms.frequency.code().to_owned(),
        first_payment_date: p.terms.first_payment_date.to_string(),
        hardship_reason: p.hardship_reason.map(|h| h.code().to_owned()),
        policy_version: p.policy_version,
        agreement_ref: synced.agreement_reference,
        created_at: rfc3339(p.created_at),
        updated_at: rfc3339(synced.updated_at),
    }
}

fn agreement_resource(synced: SyncedAgreement) -> AgreementResource {
    let a = synced.agreement;
    AgreementResource {
        paid_minor: synced.installments.iter().map(|i| i.paid.minor).sum(),
        schedule: synced
            .installments
            .iter()
            .map(|i| InstallmentResource {
                number: i.number,
                due_date: i.due.to_string(),
                amount_minor: i.amount.minor,
                paid_minor: i.paid.minor,
            })
            .collect(),
        reference: a.reference,
        account_ref: synced.account_reference,
        proposal_id: a.proposal_id,
        status: a.status.code().to_owned(),
        origin: a.origin.code().to_owned(),
        currency: a.total.currency.code().to_owned(),
        total_minor: a.total.minor,
        down_payment_minor: a.terms.down_payment.minor,
        installments: a.terms.installments,
        frequency: a.terms.frequency.code().to_owned(),
        first_payment_date: a.terms.first_payment_date.to_string(),
        policy_version: a.policy_version,
        accepted_at: rfc3339(a.accepted_at),
        updated_at: rfc3339(synced.updated_at),
    }
}

pub async fn proposals(db: &Db, viewer: &Viewer, query: &ListQuery) -> Result<ProposalPage, ApiError> {
    let (items, next_cursor) = page(
        viewer,
        query,
        |s| ProposalStatus::parse(s).map(ProposalStatus::code),
        |filter| async move { lender_sync::proposals(db, &filter).await },
        |r| Position {
            updated_at: r.updated_at,
            id: r.proposal.id,
        },
        proposal_resource,
    )
    .await?;
    Ok(ProposalPage { items, next_cursor })
}

pub async fn agreements(db: &Db, viewer: &Viewer, query: &ListQuery) -> Result<AgreementPage, ApiError> {
    let (items, next_cursor) = page(
        viewer,
        query,
        |s| AgreementStatus::parse(s).map(AgreementStatus::code),
        |filter| async move { lender_sync::agreements(db, &filter).await },
        |r| Position {
            updated_at: r.updated_at,
            id: r.agreement.id,
        },
        agreement_resource,
    )
    .await?;
    Ok(AgreementPage { items, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_the_position_it_was_made_from() {
        let position = Position {
            updated_at: 1_796_000_000_123,
            id: 42,
        };
        assert_eq!(decode_cursor(&encode_cursor(position)), Some(position));
    }

    #[test]
    fn a_tampered_cursor_is_refused_rather_than_guessed() {
        assert_eq!(decode_cursor("not-a-cursor"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("v1:12")), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("v2:1:2")), None);
    }

    #[test]
    fn every_bad_filter_is_reported_at_once() {
        let query = ListQuery {
            status: Some("lost".into()),
            account: Some("lower-case".into()),
            updated_since: Some("yesterday".into()),
            limit: Some("500".into()),
            cursor: Some("???".into()),
        };
        let Err(ApiError::Invalid(problems)) =
            filter_of(&query, |s| ProposalStatus::parse(s).map(ProposalStatus::code))
        else {
            panic!("the query must be refused");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["status", "account", "updated_since", "limit", "cursor"]);
    }
}
