//! Placing accounts: a lender creates or updates an account, with its borrower and balance,
//! under its own reference. One path for the API (single and batch) and the CSV import: the
//! same parsing, the same rules, the same store calls.
//!
//! `rules` turns what a lender sends into a [`Placement`] that passed every rule; `apply`
//! writes placements to the store, one or a batch at a time.

mod apply;
mod rules;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldProblem;

pub use apply::{place, place_all, repeated_reference};
pub use rules::{candidates_of, parse_reference, Candidate, Placement};

/// Most accounts one batch request (or one import transaction) may carry.
pub const MAX_BATCH: usize = 1_000;

/// An account as the lender places it (the reference is in the path, or beside it in a batch).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPlacement {
    /// The lender's name as the borrower knows it.
    #[schema(example = "Huaxia Consumer Finance")]
    pub lender_name: String,
    /// ISO 4217 code: CNY, USD or EUR.
    #[schema(example = "CNY")]
    pub currency: String,
    /// Principal outstanding, in minor units (fen, cents).
    #[schema(example = 1_200_000)]
    pub principal_minor: i64,
    /// Interest outstanding, in minor units.
    #[schema(example = 86_450)]
    pub interest_minor: i64,
    /// Fees and penalties outstanding, in minor units.
    #[schema(example = 15_000)]
    pub fees_minor: i64,
    /// The oldest unpaid due date (YYYY-MM-DD): days past due count from it.
    #[schema(example = "2026-10-20", format = Date)]
    pub oldest_unpaid_due: String,
    /// The date the balance is correct on (YYYY-MM-DD), no later than today.
    #[schema(example = "2026-12-01", format = Date)]
    pub as_of: String,
    pub borrower: BorrowerPlacement,
}

/// The borrower, with what first access checks (phone, date of birth) so they can sign in.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BorrowerPlacement {
    #[schema(example = "陈杰 Chen Jie")]
    pub full_name: String,
    /// Digits, optionally after a '+': the borrower's sign-in and the last four digits first access asks for.
    #[schema(example = "13800000003")]
    pub phone: String,
    #[schema(example = "1990-05-17", format = Date)]
    pub date_of_birth: String,
    #[serde(default)]
    #[schema(example = "chen.jie@example.cn")]
    pub email: Option<String>,
}

/// What placing an account did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlacementOutcome {
    Created,
    Updated,
    /// The account and borrower already read exactly so: nothing was written.
    Unchanged,
}

/// A placed account as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountResource {
    pub external_ref: String,
    pub outcome: PlacementOutcome,
    pub lender_name: String,
    pub currency: String,
    pub principal_minor: i64,
    pub interest_minor: i64,
    pub fees_minor: i64,
    /// principal + interest + fees.
    pub total_minor: i64,
    #[schema(format = Date)]
    pub oldest_unpaid_due: String,
    #[schema(format = Date)]
    pub as_of: String,
    pub borrower: BorrowerResource,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BorrowerResource {
    pub full_name: String,
    pub phone: String,
    #[schema(format = Date)]
    pub date_of_birth: String,
    pub email: Option<String>,
}

/// Up to 1,000 accounts, each applied or refused on its own.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    pub items: Vec<BatchItem>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    pub external_ref: String,
    pub account: AccountPlacement,
}

/// What happened to one item of a batch (or one row of an import).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    Created,
    Updated,
    Unchanged,
    /// Nothing was written for this item; `errors` says why.
    Refused,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchItemResult {
    /// The item's position in `items`, from 0.
    pub index: u32,
    pub external_ref: String,
    pub outcome: ItemOutcome,
    /// Field paths are relative to the item (`account.currency`).
    pub errors: Vec<FieldProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchResponse {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub refused: u32,
    pub results: Vec<BatchItemResult>,
}
