//! The rules a placement must pass: every field checked at once, each problem named by field.

use chrono::NaiveDate;

use super::{AccountPlacement, AccountResource, BatchRequest, BorrowerResource, PlacementOutcome, MAX_BATCH};
use crate::domain::money::{Currency, Money};
use crate::server::lender::{ApiError, FieldProblem};
use crate::server::store::users::BorrowerDetails;

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

/// An account overdue longer than this is a data error, not a collection case.
const MAX_YEARS_OVERDUE: u32 = 20;

fn iso_date(text: &str) -> Option<NaiveDate> {
    (text.len() == 10)
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

/// A name as shown to people: trimmed, 1 to `max_chars` characters, with no control
/// characters and no invisible direction or width marks (a right-to-left override would make
/// a name in a collector's list read as something else).
fn clean_text(text: &str, max_chars: usize) -> Option<String> {
    let text = text.trim();
    let fits = (1..=max_chars).contains(&text.chars().count());
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
    };
    (fits && !text.chars().any(hidden)).then(|| text.to_owned())
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
                "Give the lender's name: 1 to 100 characters, without control characters or invisible direction marks.",
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
            (Some(due), _) if today.years_since(due).is_some_and(|years| years >= MAX_YEARS_OVERDUE) => problems.push(
                "oldest_unpaid_due",
                "due_too_old",
                &format!("The oldest unpaid due date is more than {MAX_YEARS_OVERDUE} years ago."),
            ),
            _ => {}
        }
        let borrower = &raw.borrower;
        let full_name = clean_text(&borrower.full_name, 100);
        if full_name.is_none() {
            problems.push(
                "borrower.full_name",
                "text_invalid",
                "Give the borrower's name: 1 to 100 characters, without control characters or invisible direction marks.",
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

    pub(super) fn total(&self) -> Money {
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
}

/// One item of a batch or one row of an import, parsed or refused.
pub struct Candidate {
    pub external_ref: String,
    pub parsed: Result<Placement, Vec<FieldProblem>>,
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
    use crate::server::lender::placement::BorrowerPlacement;

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
    fn names_with_hidden_direction_marks_and_centuries_overdue_accounts_are_refused() {
        let mut wrong = raw();
        wrong.borrower.full_name = "Zhao \u{202E}iL".into();
        wrong.oldest_unpaid_due = "1800-01-01".into();
        let codes: Vec<String> = Placement::parse("A1", &wrong, "", today())
            .expect_err("refused")
            .into_iter()
            .map(|p| p.code)
            .collect();
        assert_eq!(codes, ["due_too_old", "text_invalid"]);
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
