//! Error and status messages, worded in the reader's language.

use leptos::prelude::*;

use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::T;

pub fn error_text(error: &AppError, locale: Locale) -> &'static str {
    match error {
        AppError::NotFound => T::ErrorNotFound.get(locale),
        AppError::Forbidden => T::ErrorForbidden.get(locale),
        AppError::NotSignedIn => T::SessionExpired.get(locale),
        AppError::Invalid { code, .. } => match code.as_str() {
            "note_too_long" => T::ErrorNoteTooLong.get(locale),
            "choose_reason" => T::ErrorChooseReason.get(locale),
            "sign_in_failed" => T::SignInFailed.get(locale),
            "reason_required" => T::ErrorReasonRequired.get(locale),
            "expiry_invalid" => T::ErrorExpiryInvalid.get(locale),
            "amount_invalid" => T::ErrorAmountInvalid.get(locale),
            "payment_exceeds_remaining" => T::ErrorExceedsRemaining.get(locale),
            "paid_on_invalid" => T::ErrorPaidOnInvalid.get(locale),
            "first_access_failed" => T::FirstAccessFailed.get(locale),
            "first_access_missing" => T::FirstAccessMissing.get(locale),
            "first_access_expired" => T::FirstAccessExpired.get(locale),
            "password_too_short" => T::PasswordTooShort.get(locale),
            "password_too_common" => T::PasswordTooCommon.get(locale),
            "password_mismatch" => T::PasswordMismatch.get(locale),
            "reference_too_long" => T::ErrorRefTooLong.get(locale),
            "amount_not_positive" => T::ErrorAmountNotPositive.get(locale),
            "paid_on_future" => T::ErrorPaidOnFuture.get(locale),
            "paid_on_before_agreement" => T::ErrorPaidBeforeAgreement.get(locale),
            "reference_invalid" => T::ErrorRefInvalid.get(locale),
            "date_invalid" => T::ErrorDateInvalid.get(locale),
            "date_range_inverted" => T::ErrorDateRange.get(locale),
            "file_too_large" => T::ErrorFileTooLarge.get(locale),
            "file_too_many_rows" => T::ErrorFileTooManyRows.get(locale),
            "file_not_utf8" => T::ErrorFileNotUtf8.get(locale),
            "file_unreadable" => T::ErrorFileUnreadable.get(locale),
            "file_empty" => T::ErrorFileEmpty.get(locale),
            "file_header" => T::ErrorFileHeader.get(locale),
            "file_missing" => T::ErrorFileMissing.get(locale),
            "row_columns" => T::RowErrorColumns.get(locale),
            "row_control_characters" => T::RowErrorControlCharacters.get(locale),
            "row_reference_missing" => T::RowErrorReferenceMissing.get(locale),
            "row_payment_reference_missing" => T::RowErrorPaymentRefMissing.get(locale),
            "row_duplicate_in_file" => T::RowErrorDuplicateInFile.get(locale),
            "row_unknown_agreement" => T::RowErrorUnknownAgreement.get(locale),
            "row_already_recorded" => T::RowErrorAlreadyRecorded.get(locale),
            "agreement_not_active" => T::ConflictAgreementNotActive.get(locale),
            _ => T::ErrorBadInput.get(locale),
        },
        AppError::BadRequest { .. } | AppError::PlanRejected { .. } | AppError::PolicyRejected { .. } => {
            T::ErrorBadInput.get(locale)
        }
        AppError::Conflict { code } => match code.as_str() {
            "proposal_pending" => T::ConflictProposalPending.get(locale),
            "agreement_active" => T::ConflictAgreementActive.get(locale),
            "counter_offer_closed" => T::ConflictOfferClosed.get(locale),
            "counter_offer_expired" => T::ConflictOfferExpired.get(locale),
            "duplicate_payment" => T::ConflictDuplicatePayment.get(locale),
            "agreement_not_active" => T::ConflictAgreementNotActive.get(locale),
            _ => T::ConflictTryAgain.get(locale),
        },
        AppError::AlreadyDecided { .. } => T::AlreadyDecidedText.get(locale),
        AppError::TooManyAttempts { .. } => T::TryAgainInMinutes.get(locale),
        AppError::Internal { .. } => T::ErrorGeneric.get(locale),
    }
}

/// The full message, with the details some errors carry (who decided and when, how many
/// minutes to wait).
pub fn error_message(error: &AppError, locale: Locale) -> String {
    match error {
        AppError::AlreadyDecided { by, at } => {
            format!(
                "{} {by} · {} {at}",
                T::AlreadyDecidedText.get(locale),
                T::DecidedAt.get(locale)
            )
        }
        AppError::TooManyAttempts { minutes } => try_again_in(*minutes, locale),
        other => error_text(other, locale).to_owned(),
    }
}

/// "Try again in N minutes", in the reader's language.
pub fn try_again_in(minutes: u32, locale: Locale) -> String {
    T::TryAgainInMinutes
        .get(locale)
        .replace("{minutes}", &minutes.max(1).to_string())
}

/// Sends a visitor who is not signed in to sign-in, saying so when their session has ended
/// (an anxious borrower whose page suddenly asks for a password should know why).
#[component]
pub fn SignInRedirect() -> impl IntoView {
    let path = if crate::components::layout::use_request_info().session_ended {
        "/sign-in?error=expired"
    } else {
        "/sign-in"
    };
    view! { <leptos_router::components::Redirect path/> }
}

#[component]
pub fn ErrorNotice(error: AppError, locale: Locale) -> impl IntoView {
    view! { <p class="notice notice-error" role="alert">{error_message(&error, locale)}</p> }
}

/// Renders a server function's answer on a page: the view on success, the sign-in page when the
/// session has ended, a worded message otherwise.
pub fn answer_view<T>(result: Result<T, AppError>, locale: Locale, render: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(value) => render(value),
        Err(AppError::NotSignedIn) => view! { <SignInRedirect/> }.into_any(),
        Err(error) => view! { <section class="page"><ErrorNotice error locale/></section> }.into_any(),
    }
}
