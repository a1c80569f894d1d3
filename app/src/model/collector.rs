//! Wire types of the collector workspace: the review queue, the review page, decisions,
//! and payments against agreements.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{AccountSummary, AgreementStatus, PlanHistoryItem, ProposalView};
use crate::domain::money::Money;
use crate::domain::policy::{Frequency, PlanPolicy};
use crate::domain::proposal::{AccountTerms, RawProposal};
use crate::domain::stage::Stage;

/// The queue's filters exactly as they arrive in the query string (parsed on the server).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    pub stage: String,
    pub min_amount: String,
    pub max_amount: String,
    pub min_age: String,
    pub flagged: String,
    pub sort: String,
    pub page: String,
}

impl QueueQuery {
    /// The query string for another page of the same filters.
    pub fn with_page(&self, page: u32) -> String {
        let pairs = [
            ("stage", self.stage.as_str()),
            ("min_amount", self.min_amount.as_str()),
            ("max_amount", self.max_amount.as_str()),
            ("min_age", self.min_age.as_str()),
            ("flagged", self.flagged.as_str()),
            ("sort", self.sort.as_str()),
        ];
        query_string(&pairs, page)
    }
}

/// "?k=v&...&page=N" of the non-empty filters, for pager links.
pub(crate) fn query_string(pairs: &[(&str, &str)], page: u32) -> String {
    let mut parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    parts.push(format!("page={page}"));
    format!("?{}", parts.join("&"))
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One pending proposal in the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub proposal_id: i64,
    pub account_reference: String,
    pub lender_name: String,
    pub borrower_name: String,
    pub stage: Option<Stage>,
    pub dpd: u32,
    pub balance: Money,
    pub installments: u32,
    pub frequency: Frequency,
    pub submitted_on: NaiveDate,
    pub waiting_days: i64,
    pub flagged: bool,
}

/// An agreement on the at-risk or broken list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchItem {
    pub reference: String,
    pub account_reference: String,
    pub borrower_name: String,
    pub status: AgreementStatus,
    pub next_due: Option<NaiveDate>,
    pub remaining: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub at_risk: Vec<WatchItem>,
    pub broken: Vec<WatchItem>,
}

/// Who decided a proposal and when (lender time, "YYYY-MM-DD HH:MM").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub by: String,
    pub at: String,
}

/// Everything a collector needs to decide one proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewContext {
    pub proposal: ProposalView,
    pub borrower_name: String,
    pub account: AccountSummary,
    pub history: Vec<PlanHistoryItem>,
    pub monthly_income: Option<Money>,
    pub monthly_expenses: Option<Money>,
    pub decided: Option<DecisionRecord>,
    /// For the counter-offer preview: the same rulebook inputs the server will use.
    pub policy: PlanPolicy,
    pub terms: AccountTerms,
    pub today: NaiveDate,
}

/// A collector's decision on a pending proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CollectorDecision {
    Approve,
    Reject {
        reason: String,
    },
    CounterOffer {
        terms: RawProposal,
        expires_on: String,
        note: String,
    },
}

/// What a decision recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decided {
    Approved { reference: String },
    Rejected,
    Countered,
}

/// A recorded payment: how it was applied and where the agreement stands now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentReceipt {
    pub payment_id: i64,
    /// (installment number, amount applied), in schedule order; 0 is the down payment.
    pub applied: Vec<(u32, Money)>,
    pub status: AgreementStatus,
}

/// Largest payment file accepted, in bytes (the upload page states it).
pub const IMPORT_MAX_FILE_BYTES: usize = 1024 * 1024;
/// Most data rows accepted in one payment file (the header not counted).
pub const IMPORT_MAX_ROWS: usize = 1000;
/// The header every payment file starts with, in this order.
pub const IMPORT_COLUMNS: [&str; 4] = ["agreement_reference", "amount", "paid_on", "payment_reference"];

/// What happened to one data row of an imported payment file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    /// Recorded: how it was applied and where the agreement stands now.
    Applied {
        payment_id: i64,
        /// (installment number, amount applied); 0 is the down payment.
        applied: Vec<(u32, Money)>,
        status: AgreementStatus,
    },
    /// Not recorded; `reason` is an error code worded by the UI.
    Refused { reason: String },
}

/// One data row of an imported file, as typed, with its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The row as a spreadsheet numbers it (the header is row 1).
    pub row: u32,
    pub agreement_reference: String,
    pub amount: String,
    pub paid_on: String,
    pub payment_reference: String,
    pub outcome: RowOutcome,
}

/// An imported payment file: who, when, and every data row with its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    pub file_name: String,
    pub uploaded_by: String,
    /// Lender time, "YYYY-MM-DD HH:MM".
    pub uploaded_at: String,
    pub rows_in_file: u32,
    pub rows: Vec<ImportRow>,
}

impl ImportReport {
    pub fn applied(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.outcome, RowOutcome::Applied { .. }))
            .count()
    }

    pub fn refused(&self) -> usize {
        self.rows.len() - self.applied()
    }
}

/// A past import on the import page's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: i64,
    pub file_name: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
    pub rows_in_file: u32,
    pub applied: u32,
    pub refused: u32,
}
