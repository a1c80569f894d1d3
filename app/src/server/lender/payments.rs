//! Payments from the lender's system, idempotent by the lender's payment reference: the first
//! successful reply is stored with the payment, in the same transaction, and a replay of the
//! same request gets it back (same status, same body) without paying twice.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem::message_for;
use super::{sha256_hex, ApiClient, ApiError, FieldProblem};
use crate::domain::money::{Currency, Money};
use crate::error::AppError;
use crate::server::services::adherence::{self, PaymentAmount, PaymentInput};
use crate::server::store::api_replies::{self, StoredReply};
use crate::server::{AppState, Viewer};

const OPERATION: &str = "payment";

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// The lender's reference for this payment, unique across all payments: the idempotency key.
    #[schema(example = "PAY-2026-000123")]
    pub payment_reference: String,
    /// The agreement paid into, e.g. AG-20261201-7KQ2MX.
    #[schema(example = "AG-20261201-7KQ2MX")]
    pub agreement_reference: String,
    /// Amount received, in minor units, greater than zero.
    #[schema(example = 50_000)]
    pub amount_minor: i64,
    /// Must be the agreement's currency.
    #[schema(example = "CNY")]
    pub currency: String,
    /// The day the money was received (YYYY-MM-DD), no later than today.
    #[schema(example = "2026-12-01", format = Date)]
    pub paid_on: String,
}

/// One installment's share of a payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AppliedShare {
    /// 0 is the down payment; 1.. the installments.
    pub installment: u32,
    pub amount_minor: i64,
}

/// A recorded payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PaymentResource {
    pub payment_id: i64,
    pub payment_reference: String,
    pub agreement_reference: String,
    pub amount_minor: i64,
    pub currency: String,
    #[schema(format = Date)]
    pub paid_on: String,
    /// How the amount was spread over the schedule, oldest installment first.
    pub applied: Vec<AppliedShare>,
    /// The agreement's status after this payment: active, completed or broken.
    pub agreement_status: String,
}

/// A payment request that passed every rule the request alone can settle.
struct ParsedPayment {
    reference: String,
    amount: Money,
    paid_on: chrono::NaiveDate,
}

fn parse(request: &PaymentRequest, today: chrono::NaiveDate) -> Result<ParsedPayment, ApiError> {
    let mut problems = Vec::new();
    let reference = request.payment_reference.trim();
    let reference_ok = (1..=100).contains(&reference.chars().count()) && !reference.chars().any(char::is_control);
    if !reference_ok {
        problems.push(FieldProblem::new(
            "payment_reference",
            "reference_invalid",
            "The payment reference is 1 to 100 characters.",
        ));
    }
    if request.agreement_reference.trim().is_empty() {
        problems.push(FieldProblem::new(
            "agreement_reference",
            "required",
            "Name the agreement the payment is for.",
        ));
    }
    if request.amount_minor <= 0 || request.amount_minor > Money::MAX_TYPED_MINOR {
        problems.push(FieldProblem::new(
            "amount_minor",
            "amount_invalid",
            "The amount is a whole number of minor units, from 1 to 999,999,999,999,999.",
        ));
    }
    let currency = Currency::parse(&request.currency);
    if currency.is_none() {
        problems.push(FieldProblem::new(
            "currency",
            "currency_unknown",
            "The currency is one of CNY, USD or EUR.",
        ));
    }
    let paid_on = chrono::NaiveDate::parse_from_str(&request.paid_on, "%Y-%m-%d")
        .ok()
        .filter(|_| request.paid_on.len() == 10);
    match paid_on {
        None => problems.push(FieldProblem::new(
            "paid_on",
            "date_invalid",
            "Give the date as YYYY-MM-DD.",
        )),
        Some(d) if d > today => problems.push(FieldProblem::new(
            "paid_on",
            "date_in_future",
            "A payment cannot be received after today.",
        )),
        Some(_) => {}
    }
    match (currency, paid_on) {
        (Some(currency), Some(paid_on)) if problems.is_empty() => Ok(ParsedPayment {
            reference: reference.to_owned(),
            amount: Money::new(request.amount_minor, currency),
            paid_on,
        }),
        _ => Err(ApiError::Invalid(problems)),
    }
}

/// The shared payment service names fields as the collector's form does; the API's differ.
fn api_field(field: &str) -> String {
    match field {
        "amount" => "amount_minor",
        "external_ref" => "payment_reference",
        other => other,
    }
    .to_owned()
}

/// A refusal from the shared payment service, in API terms. Its conflicts name no field: here
/// they are about the payment's reference or the agreement.
fn refusal(error: AppError, request_id: &str) -> ApiError {
    match error {
        AppError::Conflict { code } => {
            let field = match code.as_str() {
                "duplicate_payment" => "payment_reference",
                _ => "agreement_reference",
            };
            ApiError::conflict(field, &code, message_for(&code))
        }
        AppError::NotFound => ApiError::invalid(
            "agreement_reference",
            "agreement_unknown",
            "No agreement has this reference.",
        ),
        other => ApiError::from_app(other, request_id, api_field),
    }
}

/// What to answer: a status and a JSON body, the same on every replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// Records a payment, or answers a replay with the first reply.
#[tracing::instrument(skip_all, fields(request_id = %viewer.request_id, key = %client.name))]
pub async fn record(
    state: &AppState,
    viewer: &Viewer,
    client: &ApiClient,
    request: &PaymentRequest,
) -> Result<Reply, ApiError> {
    let parsed = parse(request, state.clock.today())?;
    // The hash covers what the payment means, so a replay must carry the same values.
    let request_hash = sha256_hex(&format!(
        "{}|{}|{}|{}",
        request.agreement_reference.trim(),
        parsed.amount.minor,
        parsed.amount.currency.code(),
        parsed.paid_on
    ));
    match try_record(state, viewer, client, request, &parsed, &request_hash).await {
        Ok(reply) => reply,
        // A concurrent request with the same reference committed first: answer as a replay.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            // Read once the winner's writes are committed (they may wait in the open batch).
            state.db.settle().await.map_err(|e| ApiError::internal(viewer, e))?;
            let stored = api_replies::find(&state.db.pool, OPERATION, &parsed.reference)
                .await
                .map_err(|e| ApiError::internal(viewer, e))?;
            match stored {
                Some(stored) => replay(stored, &request_hash),
                None => Err(refusal(
                    adherence::storage_error(viewer, sqlx::Error::Database(e)),
                    &viewer.request_id,
                )),
            }
        }
        Err(e) => Err(ApiError::internal(viewer, e)),
    }
}

fn replay(stored: StoredReply, request_hash: &str) -> Result<Reply, ApiError> {
    if stored.request_hash != request_hash {
        return Err(ApiError::conflict(
            "payment_reference",
            "reference_reused",
            "This payment reference was already used for a different payment.",
        ));
    }
    Ok(Reply {
        status: stored.status,
        body: stored.body,
    })
}

async fn try_record(
    state: &AppState,
    viewer: &Viewer,
    client: &ApiClient,
    request: &PaymentRequest,
    parsed: &ParsedPayment,
    request_hash: &str,
) -> Result<Result<Reply, ApiError>, sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    if let Some(stored) = api_replies::find(&mut *tx, OPERATION, &parsed.reference).await? {
        return Ok(replay(stored, request_hash));
    }
    let input = PaymentInput {
        amount: PaymentAmount::Exact(parsed.amount),
        paid_on: &request.paid_on,
        external_ref: &parsed.reference,
        source: "api",
    };
    let agreement = request.agreement_reference.trim();
    let receipt = match adherence::apply_payment(&mut tx, state, viewer, client.actor(), agreement, &input).await? {
        Ok(receipt) => receipt,
        Err(e) => return Ok(Err(refusal(e, &viewer.request_id))),
    };
    let resource = PaymentResource {
        payment_id: receipt.payment_id,
        payment_reference: parsed.reference.clone(),
        agreement_reference: agreement.to_owned(),
        amount_minor: parsed.amount.minor,
        currency: parsed.amount.currency.code().to_owned(),
        paid_on: parsed.paid_on.to_string(),
        applied: receipt
            .applied
            .iter()
            .map(|(installment, share)| AppliedShare {
                installment: *installment,
                amount_minor: share.minor,
            })
            .collect(),
        agreement_status: receipt.status.code().to_owned(),
    };
    let body = serde_json::to_string(&resource).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let stored = StoredReply {
        request_hash: request_hash.to_owned(),
        status: 201,
        body,
    };
    api_replies::insert(&mut *tx, OPERATION, &parsed.reference, &stored).await?;
    tx.commit().await?;
    Ok(Ok(Reply {
        status: stored.status,
        body: stored.body,
    }))
}
