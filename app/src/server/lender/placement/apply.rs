//! Writing placements: each one creates or updates an account and its borrower, audited, in
//! its own savepoint, so a batch applies the good items and reports the refused ones.

use sqlx::AnyConnection;

use super::rules::{Candidate, Placement};
use super::{AccountResource, BatchItemResult, BatchResponse, ItemOutcome, PlacementOutcome};
use crate::model::Role;
use crate::server::db::Db;
use crate::server::lender::{ApiError, FieldProblem};
use crate::server::store::accounts::{self, AccountRow, NewAccount};
use crate::server::store::audit::{self, Actor, Entry};
use crate::server::store::users::{self, NewUser};
use crate::server::Viewer;

impl Placement {
    fn same_as(&self, row: &AccountRow) -> bool {
        row.lender_name == self.lender_name
            && row.balance.principal == self.principal
            && row.balance.interest == self.interest
            && row.balance.fees == self.fees
            && row.oldest_unpaid_due == self.oldest_unpaid_due
            && row.as_of == self.as_of
    }
}

/// Why a valid placement could not be applied: it contradicts what is stored.
fn refusal(field: &str, code: &str, message: &str) -> Result<Result<PlacementOutcome, FieldProblem>, sqlx::Error> {
    Ok(Err(FieldProblem::new(field, code, message)))
}

/// The user holding `login` (a phone or an e-mail), unless it is `borrower_id`.
async fn taken_by_other(
    conn: &mut AnyConnection,
    login: Option<&str>,
    borrower_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let Some(login) = login else { return Ok(false) };
    Ok(users::by_login(&mut *conn, login)
        .await?
        .is_some_and(|(id, _)| Some(id) != borrower_id))
}

/// Creates or updates one account and its borrower on `conn` (a transaction or savepoint the
/// caller commits). An `Err` inside means a conflict with stored data; nothing was written.
async fn upsert(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    actor: Actor<'_>,
    placement: &Placement,
) -> Result<Result<PlacementOutcome, FieldProblem>, sqlx::Error> {
    let wanted = &placement.borrower;
    let existing = accounts::by_reference(&mut *conn, &placement.reference).await?;
    let borrower = match &existing {
        Some(account) => {
            if account.balance.total.currency != placement.principal.currency {
                return refusal(
                    "currency",
                    "currency_change",
                    "An account keeps the currency it was placed in.",
                );
            }
            users::borrower(&mut *conn, account.borrower_id).await?
        }
        None => match users::by_login(&mut *conn, &wanted.phone).await? {
            Some((id, Role::Borrower)) => users::borrower(&mut *conn, id).await?,
            Some(_) => return refusal("borrower.phone", "phone_taken", "This phone number is a staff sign-in."),
            None => None,
        },
    };
    if let (None, Some(found)) = (&existing, &borrower) {
        // A new account joins a known borrower only if the identity matches: a mistyped phone
        // must never show one person's debt to another.
        if found.details.date_of_birth != wanted.date_of_birth {
            return refusal(
                "borrower.date_of_birth",
                "borrower_mismatch",
                "This phone number belongs to a borrower with another date of birth: check both.",
            );
        }
    }
    let borrower_id = borrower.as_ref().map(|b| b.id);
    if taken_by_other(conn, Some(&wanted.phone), borrower_id).await? {
        return refusal(
            "borrower.phone",
            "phone_taken",
            "Another borrower has this phone number.",
        );
    }
    if taken_by_other(conn, wanted.email.as_deref(), borrower_id).await? {
        return refusal("borrower.email", "email_taken", "Another user has this e-mail address.");
    }
    let borrower_changed = borrower.as_ref().is_some_and(|b| b.details != *wanted);
    let borrower_id = match borrower {
        Some(b) => {
            if borrower_changed {
                users::update_borrower(&mut *conn, b.id, wanted).await?;
            }
            b.id
        }
        None => {
            let user = NewUser {
                role: Role::Borrower,
                username: None,
                full_name: &wanted.full_name,
                phone: Some(&wanted.phone),
                email: wanted.email.as_deref(),
                date_of_birth: Some(&wanted.date_of_birth),
                password_hash: None,
            };
            users::insert(&mut *conn, &user).await?
        }
    };
    let account = NewAccount {
        borrower_id,
        reference: &placement.reference,
        lender_name: &placement.lender_name,
        principal: placement.principal,
        interest: placement.interest,
        fees: placement.fees,
        oldest_unpaid_due: placement.oldest_unpaid_due,
        as_of: placement.as_of,
    };
    let (outcome, account_id) = match existing {
        Some(stored) if placement.same_as(&stored) && !borrower_changed => return Ok(Ok(PlacementOutcome::Unchanged)),
        Some(stored) => {
            accounts::update(&mut *conn, stored.id, &account).await?;
            (PlacementOutcome::Updated, stored.id)
        }
        None => (PlacementOutcome::Created, accounts::insert(&mut *conn, &account).await?),
    };
    let entry = Entry {
        action: match outcome {
            PlacementOutcome::Created => "account.placed",
            _ => "account.updated",
        },
        subject_kind: "account",
        subject_id: account_id.to_string(),
        detail: serde_json::json!({
            "reference": placement.reference, "currency": placement.principal.currency.code(),
            "total_minor": placement.total().minor, "as_of": placement.as_of.to_string(),
            "borrower_id": borrower_id, "borrower_changed": borrower_changed,
        }),
    };
    audit::append_by(&mut *conn, viewer, actor, entry).await?;
    Ok(Ok(outcome))
}

/// Applies one placement in its own savepoint of `tx`. A concurrent placement of the same
/// account or borrower can make the first attempt fail: its insert hits a unique index, or (on
/// PostgreSQL, where each statement reads afresh) its checks see the other writer's borrower
/// halfway and refuse. Once that writer has committed everything reads alike, so one more
/// attempt settles it: it finds the account and updates it, or confirms the refusal.
async fn apply_in(
    tx: &mut AnyConnection,
    viewer: &Viewer,
    actor: Actor<'_>,
    placement: &Placement,
) -> Result<Result<PlacementOutcome, FieldProblem>, sqlx::Error> {
    let mut first_attempt = true;
    loop {
        let mut savepoint = sqlx::Connection::begin(&mut *tx).await?;
        let result = upsert(&mut savepoint, viewer, actor, placement).await;
        let retry = first_attempt
            && match &result {
                Ok(Err(_)) => true,
                Err(sqlx::Error::Database(e)) => e.is_unique_violation(),
                _ => false,
            };
        if retry {
            savepoint.rollback().await?;
            first_attempt = false;
            continue;
        }
        return match result {
            Ok(Ok(outcome)) => {
                savepoint.commit().await?;
                Ok(Ok(outcome))
            }
            Ok(Err(problem)) => {
                savepoint.rollback().await?;
                Ok(Err(problem))
            }
            Err(e) => Err(e),
        };
    }
}

/// Places one account (PUT /api/v1/accounts/{external_ref}).
#[tracing::instrument(skip_all, fields(request_id = %viewer.request_id, reference = %placement.reference))]
pub async fn place(
    db: &Db,
    viewer: &Viewer,
    actor: Actor<'_>,
    placement: &Placement,
) -> Result<AccountResource, ApiError> {
    let result = async {
        let mut tx = db.begin_write().await?;
        let outcome = apply_in(&mut tx, viewer, actor, placement).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(outcome)
    }
    .await;
    match result {
        Ok(Ok(outcome)) => Ok(placement.resource(outcome)),
        Ok(Err(problem)) => Err(ApiError::Conflict(problem)),
        Err(e) => Err(ApiError::internal(viewer, e)),
    }
}

/// Applies each valid candidate in its own savepoint of one transaction, so good items are
/// applied and bad ones reported, whatever their order. A reference given twice is refused
/// the second time: which one should win would be a guess.
#[tracing::instrument(skip_all, fields(request_id = %viewer.request_id, items = candidates.len()))]
pub async fn place_all(
    db: &Db,
    viewer: &Viewer,
    actor: Actor<'_>,
    candidates: Vec<Candidate>,
) -> Result<BatchResponse, ApiError> {
    let result = async {
        let mut tx = db.begin_write().await?;
        let mut results = Vec::with_capacity(candidates.len());
        let mut seen = std::collections::HashSet::new();
        for (index, candidate) in candidates.into_iter().enumerate() {
            let repeated = !seen.insert(candidate.external_ref.clone());
            let applied = match candidate.parsed {
                Err(problems) => Err(problems),
                Ok(_) if repeated => Err(vec![repeated_reference()]),
                Ok(placement) => apply_in(&mut tx, viewer, actor, &placement).await?.map_err(|p| vec![p]),
            };
            let (outcome, errors) = match applied {
                Ok(PlacementOutcome::Created) => (ItemOutcome::Created, Vec::new()),
                Ok(PlacementOutcome::Updated) => (ItemOutcome::Updated, Vec::new()),
                Ok(PlacementOutcome::Unchanged) => (ItemOutcome::Unchanged, Vec::new()),
                Err(problems) => (ItemOutcome::Refused, problems),
            };
            results.push(BatchItemResult {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                external_ref: candidate.external_ref,
                outcome,
                errors,
            });
        }
        tx.commit().await?;
        Ok::<_, sqlx::Error>(results)
    }
    .await;
    let results = result.map_err(|e| ApiError::internal(viewer, e))?;
    let count = |o: ItemOutcome| u32::try_from(results.iter().filter(|r| r.outcome == o).count()).unwrap_or(u32::MAX);
    Ok(BatchResponse {
        created: count(ItemOutcome::Created),
        updated: count(ItemOutcome::Updated),
        unchanged: count(ItemOutcome::Unchanged),
        refused: count(ItemOutcome::Refused),
        results,
    })
}

/// The problem of a reference given twice in one batch or one file.
pub fn repeated_reference() -> FieldProblem {
    FieldProblem::new(
        "external_ref",
        "reference_repeated",
        "This reference appears earlier in the same batch.",
    )
}
