//! A borrower's first access: prove who they are with the account reference, date of birth and
//! the last 4 digits of the registered phone, then choose a password and be signed in.
//! Every failed proof reads the same, whichever detail was wrong or whether the account exists.

use chrono::NaiveDate;

use crate::error::AppError;
use crate::server::auth::throttle::{Attempt, Door};
use crate::server::auth::{password, session};
use crate::server::services::sign_in::{admit, audit_lockout, start_session};
use crate::server::store::{audit, first_access};
use crate::server::{AppState, Viewer};

/// How long a proven identity may wait before choosing a password.
pub const TICKET_VALID_MS: i64 = 10 * 60 * 1000;

/// What the borrower typed, parsed: `None` when a field is empty.
struct Proof {
    reference: String,
    date_of_birth: String,
    phone_last4: String,
}

fn parse(reference: &str, date_of_birth: &str, phone_last4: &str) -> Option<Proof> {
    let proof = Proof {
        reference: reference.trim().to_uppercase(),
        date_of_birth: date_of_birth.trim().to_owned(),
        phone_last4: phone_last4.trim().to_owned(),
    };
    let complete = !proof.reference.is_empty() && !proof.date_of_birth.is_empty() && !proof.phone_last4.is_empty();
    complete.then_some(proof)
}

fn matches(identity: &first_access::Identity, proof: &Proof) -> bool {
    let date_matches = NaiveDate::parse_from_str(&proof.date_of_birth, "%Y-%m-%d")
        .ok()
        .zip(identity.date_of_birth.as_deref())
        .is_some_and(|(typed, stored)| typed.to_string() == stored);
    let phone_matches = proof.phone_last4.len() == 4
        && proof.phone_last4.bytes().all(|b| b.is_ascii_digit())
        && identity
            .phone
            .as_deref()
            .is_some_and(|p| p.ends_with(&proof.phone_last4));
    date_matches && phone_matches && !identity.has_password
}

/// Checks the proof; on success returns a single-use ticket for choosing the password.
pub async fn prove_identity(
    state: &AppState,
    viewer: &Viewer,
    reference: &str,
    date_of_birth: &str,
    phone_last4: &str,
) -> Result<String, AppError> {
    let Some(proof) = parse(reference, date_of_birth, phone_last4) else {
        return Err(AppError::invalid("identity", "first_access_missing"));
    };
    let account = format!("ref:{}", proof.reference);
    let attempt = Attempt {
        door: Door::FirstAccess,
        account: &account,
        address: &viewer.client_addr,
    };
    let admission = admit(state, viewer, &attempt, &account).await?;
    let identity = first_access::identity_by_reference(&state.db, &proof.reference)
        .await
        .map_err(|e| viewer.internal(e))?;
    let proven = identity
        .as_ref()
        .filter(|identity| matches(identity, &proof))
        .map(|identity| identity.user_id);
    let subject_id = identity
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), |i| i.user_id.to_string());
    let Some(user_id) = proven else {
        let entry = audit::Entry::login_event("auth.first_access_failed", subject_id.clone());
        viewer.audit(&state.db, entry).await?;
        if let Some(lock) = admission
            .failed(&state.db, &state.throttle, &attempt)
            .await
            .map_err(|e| viewer.internal(e))?
        {
            audit_lockout(state, viewer, Door::FirstAccess, subject_id, lock).await?;
            return Err(AppError::TooManyAttempts { minutes: lock.minutes });
        }
        return Err(AppError::invalid("identity", "first_access_failed"));
    };
    let ticket = session::new_token();
    let verified = async {
        let mut tx = state.db.begin_write().await?;
        admission.succeeded(&mut tx, &attempt).await?;
        first_access::create_ticket(&mut tx, &ticket, user_id, TICKET_VALID_MS).await?;
        let entry = audit::Entry::user_event("auth.first_access_verified", user_id);
        audit::append(&mut *tx, viewer, None, entry).await?;
        tx.commit().await
    };
    verified.await.map_err(|e| viewer.internal(e))?;
    Ok(ticket)
}

/// Sets the first password with a live ticket and signs the borrower in (a session token).
pub async fn choose_password(
    state: &AppState,
    viewer: &Viewer,
    ticket: &str,
    new_password: &str,
    confirmation: &str,
) -> Result<String, AppError> {
    let expired = || AppError::invalid("ticket", "first_access_expired");
    if !first_access::ticket_is_live(&state.db, ticket)
        .await
        .map_err(|e| viewer.internal(e))?
    {
        return Err(expired());
    }
    password::check_strength(new_password).map_err(|weak| AppError::invalid("password", weak.code()))?;
    if new_password != confirmation {
        return Err(AppError::invalid("confirmation", "password_mismatch"));
    }
    let hash = password::hash(new_password.to_owned())
        .await
        .map_err(|e| viewer.internal(e))?;
    let mut tx = state.db.begin_write().await.map_err(|e| viewer.internal(e))?;
    // Re-checked inside the transaction: a ticket is used once, a first password set once.
    let Some(user_id) = first_access::redeem_ticket(&mut tx, ticket)
        .await
        .map_err(|e| viewer.internal(e))?
    else {
        return Err(expired());
    };
    if !first_access::set_first_password(&mut tx, user_id, &hash)
        .await
        .map_err(|e| viewer.internal(e))?
    {
        return Err(expired());
    }
    let entry = audit::Entry::user_event("auth.first_password_set", user_id);
    let token = async {
        audit::append(&mut *tx, viewer, None, entry).await?;
        let token = start_session(&mut tx, state, viewer, user_id).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(token)
    };
    token.await.map_err(|e| viewer.internal(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chen_jie() -> first_access::Identity {
        first_access::Identity {
            user_id: 3,
            date_of_birth: Some("1990-05-17".into()),
            phone: Some("13800000003".into()),
            has_password: false,
        }
    }

    fn proof(reference: &str, dob: &str, last4: &str) -> Proof {
        parse(reference, dob, last4).expect("complete")
    }

    #[test]
    fn the_right_date_of_birth_and_phone_digits_prove_identity() {
        assert!(matches(&chen_jie(), &proof("cl-2026-000301", "1990-05-17", "0003")));
    }

    #[test]
    fn any_wrong_detail_or_an_existing_password_fails_the_proof() {
        let who = chen_jie();
        assert!(!matches(&who, &proof("CL-2026-000301", "1990-05-18", "0003")));
        assert!(!matches(&who, &proof("CL-2026-000301", "1990-05-17", "0004")));
        assert!(!matches(&who, &proof("CL-2026-000301", "1990-05-17", "03")));
        assert!(!matches(&who, &proof("CL-2026-000301", "17/05/1990", "0003")));
        let activated = first_access::Identity {
            has_password: true,
            ..chen_jie()
        };
        assert!(!matches(&activated, &proof("CL-2026-000301", "1990-05-17", "0003")));
    }

    #[test]
    fn an_empty_field_is_reported_as_missing_not_as_a_failed_proof() {
        assert!(parse("CL-2026-000301", "", "0003").is_none());
        assert!(parse(" ", "1990-05-17", "0003").is_none());
    }
}
