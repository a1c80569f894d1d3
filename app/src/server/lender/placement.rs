//! Placing accounts: a lender creates or updates an account, with its borrower and balance,
//! under its own reference. One path for the API (single and batch) and the CSV import: the
//! same parsing, the same rules, the same store calls.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::{ApiError, FieldProblem};
use crate::domain::money::{Currency, Money};
use crate::model::Role;
use crate::server::db::Db;
use crate::server::store::accounts::{self, AccountRow, NewAccount};
use crate::server::store::audit::{self, Actor, Entry};
use crate::server::store::users::{self, BorrowerDetails, NewUser};
use crate::server::Viewer;

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

/// A placement that passed every rule: once you hold one, it is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub reference: String,
    pub lender_name: String,
    pub principal: Money,
    pub interest: Money,
    pub fees: Money,
    pub oldest_unpaid_due: NaiveDate,
    pub as_of: NaiveDate,
    pub borrower: BorrowerDetails,
}

fn iso_date(text: &str) -> Option<NaiveDate> {
    (text.len() == 10)
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

fn clean_text(text: &str, max_chars: usize) -> Option<String> {
    let text = text.trim();
    let fits = (1..=max_chars).contains(&text.chars().count());
    (fits && !text.chars().any(char::is_control)).then(|| text.to_owned())
}

/// A lender's account reference: what borrowers type at first access, so upper case only.
pub fn parse_reference(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let valid = (1..=64).contains(&bytes.len())
        && bytes[0].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
    valid.then(|| text.to_owned())
}

fn parse_phone(text: &str) -> Option<String> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    let valid = (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| text.to_owned())
}

fn parse_email(text: &str) -> Option<String> {
    let (local, domain) = text.split_once('@')?;
    let valid = text.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    valid.then(|| text.to_owned())
}

/// Collects the problems of one placement, each with its field under `prefix`.
struct Problems<'a> {
    prefix: &'a str,
    list: Vec<FieldProblem>,
}

impl Problems<'_> {
    fn push(&mut self, field: &str, code: &str, message: &str) {
        let field = format!("{}{field}", self.prefix);
        self.list.push(FieldProblem::new(&field, code, message));
    }

    fn money(&mut self, field: &str, minor: i64, currency: Option<Currency>) -> Option<Money> {
        if minor < 0 {
            self.push(field, "amount_negative", "Amounts are zero or more minor units.");
            return None;
        }
        if minor > Money::MAX_TYPED_MINOR {
            self.push(
                field,
                "amount_too_large",
                "The amount is larger than 999,999,999,999,999 minor units.",
            );
            return None;
        }
        currency.map(|c| Money::new(minor, c))
    }
}

impl Placement {
    /// Checks everything at once; the fields of `raw` are named under `prefix` (e.g. `account.`).
    pub fn parse(
        external_ref: &str,
        raw: &AccountPlacement,
        prefix: &str,
        today: NaiveDate,
    ) -> Result<Placement, Vec<FieldProblem>> {
        let mut problems = Problems {
            prefix: "",
            list: Vec::new(),
        };
        let reference = parse_reference(external_ref);
        if reference.is_none() {
            problems.push(
                "external_ref",
                "reference_invalid",
                "The reference is 1 to 64 upper-case letters, digits, '-', '_' or '.', starting with a letter or digit.",
            );
        }
        problems.prefix = prefix;
        let lender_name = clean_text(&raw.lender_name, 100);
        if lender_name.is_none() {
            problems.push(
                "lender_name",
                "text_invalid",
                "Give the lender's name: 1 to 100 characters.",
            );
        }
        let currency = Currency::parse(&raw.currency);
        if currency.is_none() {
            problems.push(
                "currency",
                "currency_unknown",
                "The currency is one of CNY, USD or EUR.",
            );
        }
        let principal = problems.money("principal_minor", raw.principal_minor, currency);
        let interest = problems.money("interest_minor", raw.interest_minor, currency);
        let fees = problems.money("fees_minor", raw.fees_minor, currency);
        if let (Some(p), Some(i), Some(f)) = (principal, interest, fees) {
            if p.minor + i.minor + f.minor == 0 {
                problems.push(
                    "principal_minor",
                    "balance_zero",
                    "An overdue account owes something: the balance is zero.",
                );
            }
        }
        let as_of = iso_date(&raw.as_of);
        match as_of {
            None => problems.push("as_of", "date_invalid", "Give the date as YYYY-MM-DD."),
            Some(d) if d > today => problems.push(
                "as_of",
                "date_in_future",
                "The balance cannot be as of a date after today.",
            ),
            Some(_) => {}
        }
        let oldest_unpaid_due = iso_date(&raw.oldest_unpaid_due);
        match (oldest_unpaid_due, as_of) {
            (None, _) => problems.push("oldest_unpaid_due", "date_invalid", "Give the date as YYYY-MM-DD."),
            (Some(due), Some(as_of)) if due > as_of => problems.push(
                "oldest_unpaid_due",
                "due_after_as_of",
                "The oldest unpaid due date cannot be after the balance date (as_of).",
            ),
            _ => {}
        }
        let borrower = &raw.borrower;
        let full_name = clean_text(&borrower.full_name, 100);
        if full_name.is_none() {
            problems.push(
                "borrower.full_name",
                "text_invalid",
                "Give the borrower's name: 1 to 100 characters.",
            );
        }
        let phone = parse_phone(borrower.phone.trim());
        if phone.is_none() {
            problems.push(
                "borrower.phone",
                "phone_invalid",
                "The phone number is 6 to 15 digits, optionally after a '+', without spaces.",
            );
        }
        let earliest_birth = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
        let date_of_birth = iso_date(&borrower.date_of_birth).filter(|d| *d >= earliest_birth && *d < today);
        if date_of_birth.is_none() {
            problems.push(
                "borrower.date_of_birth",
                "date_of_birth_invalid",
                "Give the date of birth as YYYY-MM-DD, after 1900 and before today.",
            );
        }
        let email_text = borrower.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        let email = email_text.map(parse_email);
        if email == Some(None) {
            problems.push(
                "borrower.email",
                "email_invalid",
                "The e-mail address is not valid (or leave it out).",
            );
        }
        let placement = (|| {
            Some(Placement {
                reference: reference?,
                lender_name: lender_name?,
                principal: principal?,
                interest: interest?,
                fees: fees?,
                oldest_unpaid_due: oldest_unpaid_due?,
                as_of: as_of?,
                borrower: BorrowerDetails {
                    full_name: full_name?,
                    phone: phone?,
                    email: email.flatten(),
                    date_of_birth: date_of_birth?.to_string(),
                },
            })
        })();
        match placement {
            Some(placement) if problems.list.is_empty() => Ok(placement),
            _ => Err(problems.list),
        }
    }

    fn total(&self) -> Money {
        Money::new(
            self.principal.minor + self.interest.minor + self.fees.minor,
            self.principal.currency,
        )
    }

    pub fn resource(&self, outcome: PlacementOutcome) -> AccountResource {
        AccountResource {
            external_ref: self.reference.clone(),
            outcome,
            lender_name: self.lender_name.clone(),
            currency: self.principal.currency.code().to_owned(),
            principal_minor: self.principal.minor,
            interest_minor: self.interest.minor,
            fees_minor: self.fees.minor,
            total_minor: self.total().minor,
            oldest_unpaid_due: self.oldest_unpaid_due.to_string(),
            as_of: self.as_of.to_string(),
            borrower: BorrowerResource {
                full_name: self.borrower.full_name.clone(),
                phone: self.borrower.phone.clone(),
                date_of_birth: self.borrower.date_of_birth.clone(),
                email: self.borrower.email.clone(),
            },
        }
    }

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

/// One item of a batch or one row of an import, parsed or refused.
pub struct Candidate {
    pub external_ref: String,
    pub parsed: Result<Placement, Vec<FieldProblem>>,
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

/// Parses a batch request into candidates; the batch itself must hold 1 to 1,000 items.
pub fn candidates_of(request: &BatchRequest, today: NaiveDate) -> Result<Vec<Candidate>, ApiError> {
    if request.items.is_empty() || request.items.len() > MAX_BATCH {
        return Err(ApiError::invalid(
            "items",
            "batch_size",
            format!("A batch holds 1 to {MAX_BATCH} accounts."),
        ));
    }
    Ok(request
        .items
        .iter()
        .map(|item| Candidate {
            external_ref: item.external_ref.clone(),
            parsed: Placement::parse(&item.external_ref, &item.account, "account.", today),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")
    }

    fn raw() -> AccountPlacement {
        AccountPlacement {
            lender_name: " Jinhai Bank ".into(),
            currency: "cny".into(),
            principal_minor: 500_000,
            interest_minor: 12_000,
            fees_minor: 0,
            oldest_unpaid_due: "2026-10-01".into(),
            as_of: "2026-11-30".into(),
            borrower: BorrowerPlacement {
                full_name: "赵丽 Zhao Li".into(),
                phone: "+8613900000009".into(),
                date_of_birth: "1985-07-09".into(),
                email: Some("  ".into()),
            },
        }
    }

    #[test]
    fn a_valid_placement_is_held_as_domain_values() {
        let placement = Placement::parse("CL-2026-000901", &raw(), "", today()).expect("valid");
        assert_eq!(placement.lender_name, "Jinhai Bank");
        assert_eq!(placement.principal, Money::new(500_000, Currency::CNY));
        assert_eq!(placement.borrower.email, None, "a blank e-mail is no e-mail");
        assert_eq!(placement.resource(PlacementOutcome::Created).total_minor, 512_000);
    }

    #[test]
    fn references_are_what_first_access_can_match() {
        for good in ["CL-2026-000901", "A", "X_1.2"] {
            assert!(parse_reference(good).is_some(), "{good}");
        }
        for bad in ["", "cl-2026", "-A", "A B", "Ä1", &"A".repeat(65)] {
            assert!(parse_reference(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn problems_are_named_under_the_prefix_the_caller_gives() {
        let mut wrong = raw();
        wrong.currency = "GBP".into();
        wrong.borrower.phone = "123".into();
        let problems = Placement::parse("bad ref", &wrong, "account.", today()).expect_err("refused");
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["external_ref", "account.currency", "account.borrower.phone"]);
    }

    #[test]
    fn dates_are_strict_iso_and_ordered() {
        let mut wrong = raw();
        wrong.as_of = "2026/11/30".into();
        wrong.borrower.date_of_birth = "2026-12-01".into();
        let codes: Vec<String> = Placement::parse("A1", &wrong, "", today())
            .expect_err("refused")
            .into_iter()
            .map(|p| p.code)
            .collect();
        assert_eq!(codes, ["date_invalid", "date_of_birth_invalid"]);
    }
}
