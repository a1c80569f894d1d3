//! CSV exports of agreements and payments for collectors and supervisors: one header, one
//! record per agreement or payment, amounts in plain decimal, instants in lender time. Every
//! download is audited (the files carry borrowers' personal data).

use super::review::lender_time;
use crate::error::AppError;
use crate::server::csv::write_record;
use crate::server::store::{audit, exports};
use crate::server::{AppState, Viewer};

/// The exports there are, by the name their URL uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Agreements,
    Payments,
}

impl Export {
    pub fn parse(name: &str) -> Option<Export> {
        match name {
            "agreements.csv" => Some(Export::Agreements),
            "payments.csv" => Some(Export::Payments),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Export::Agreements => "agreements",
            Export::Payments => "payments",
        }
    }

    /// The download's file name, dated with the lender's today.
    pub fn file_name(self, state: &AppState) -> String {
        format!("repaydesk-{}-{}.csv", self.code(), state.clock.today())
    }
}

pub const AGREEMENT_COLUMNS: [&str; 14] = [
    "agreement_reference",
    "account_reference",
    "borrower",
    "status",
    "origin",
    "currency",
    "total",
    "paid",
    "down_payment",
    "installments",
    "frequency",
    "first_payment_date",
    "policy_version",
    "accepted_at",
];

pub const PAYMENT_COLUMNS: [&str; 11] = [
    "payment_id",
    "agreement_reference",
    "account_reference",
    "borrower",
    "amount",
    "currency",
    "paid_on",
    "payment_reference",
    "source",
    "recorded_by",
    "recorded_at",
];

/// The whole export as CSV text (a UTF-8 byte-order mark first, so spreadsheets read the
/// Chinese names right).
#[tracing::instrument(skip(state, viewer), fields(request_id = %viewer.request_id))]
pub async fn csv(state: &AppState, viewer: &Viewer, export: Export) -> Result<String, AppError> {
    let zone = state.clock.zone;
    let pool = &state.db.pool;
    let mut out = String::from("\u{feff}");
    let records = match export {
        Export::Agreements => {
            write_record(&mut out, &AGREEMENT_COLUMNS);
            let lines = exports::agreements(pool).await.map_err(|e| viewer.internal(e))?;
            for a in &lines {
                write_record(
                    &mut out,
                    &[
                        a.reference.clone(),
                        a.account_reference.clone(),
                        a.borrower_name.clone(),
                        a.status.clone(),
                        a.origin.clone(),
                        a.total.currency.code().to_owned(),
                        a.total.to_plain_string(),
                        a.paid.to_plain_string(),
                        a.down_payment.to_plain_string(),
                        a.installments.to_string(),
                        a.frequency.clone(),
                        a.first_payment_date.clone(),
                        a.policy_version.clone(),
                        lender_time(a.accepted_at, zone),
                    ],
                );
            }
            lines.len()
        }
        Export::Payments => {
            write_record(&mut out, &PAYMENT_COLUMNS);
            let lines = exports::payments(pool).await.map_err(|e| viewer.internal(e))?;
            for p in &lines {
                write_record(
                    &mut out,
                    &[
                        p.id.to_string(),
                        p.agreement_reference.clone(),
                        p.account_reference.clone(),
                        p.borrower_name.clone(),
                        p.amount.to_plain_string(),
                        p.amount.currency.code().to_owned(),
                        p.paid_on.clone(),
                        p.external_ref.clone().unwrap_or_default(),
                        p.source.clone(),
                        p.recorded_by.clone().unwrap_or_default(),
                        lender_time(p.created_at, zone),
                    ],
                );
            }
            lines.len()
        }
    };
    let entry = audit::Entry {
        action: "export.downloaded",
        subject_kind: "export",
        subject_id: export.code().to_owned(),
        detail: serde_json::json!({ "records": records }),
    };
    viewer.audit(&state.db, entry).await?;
    Ok(out)
}
