//! The plan builder page. When the form was sent without JavaScript and comes back (a rejected
//! plan, or "update preview"), the page is rendered in the response to that POST with what was
//! typed, so nothing is lost and nothing private lands in a URL or the browser history.

use leptos::prelude::*;

use crate::api::load_plan_context;
use crate::components::feedback::{error_text, ErrorNotice, SignInRedirect};
use crate::components::layout::use_locale;
use crate::domain::locale::Locale;
use crate::domain::proposal::RawProposal;
use crate::error::AppError;
use crate::i18n::T;
use crate::islands::plan_builder::PlanBuilder;
use crate::model::{BuilderSetup, PlanBlock, PlanDraft};
use crate::pages::account::id_param;
use crate::wording;

/// A fresh idempotency key for one rendering of the form (the server makes it).
fn new_idempotency_key() -> String {
    #[cfg(feature = "ssr")]
    {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    #[cfg(not(feature = "ssr"))]
    String::new()
}

/// The draft the no-JavaScript form handler passes along with the request, if any.
fn posted_draft() -> Option<PlanDraft> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<PlanDraft>().cloned())
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// The server's objection to a sent plan, in words (the builder shows it above the form).
fn objection(error: &AppError, locale: Locale) -> String {
    match error {
        AppError::PlanRejected { errors } => errors
            .iter()
            .map(|e| wording::plan_error(e, locale))
            .collect::<Vec<_>>()
            .join(" "),
        AppError::Invalid { field, .. } if field == "idempotency_key" => T::IdempotencyReused.get(locale).to_owned(),
        other => error_text(other, locale).to_owned(),
    }
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let locale = use_locale();
    let id = id_param("id");
    let PlanDraft { raw: initial, error } = posted_draft().unwrap_or_else(|| PlanDraft {
        raw: RawProposal::default(),
        error: None,
    });
    let context = Resource::new_blocking(|| (), move |_| load_plan_context(id));
    view! {
        <section class="page">
            <p><a class="line-link" href=format!("/accounts/{id}")>"← " {T::ViewAccount.get(locale)}</a></p>
            <h1>{T::PlanTitle.get(locale)}</h1>
            <p class="lead">{T::PlanIntro.get(locale)}</p>
            <Suspense>
                {move || {
                    let initial = initial.clone();
                    let error = error.clone();
                    Suspend::new(async move {
                        match context.await {
                            Ok(ctx) => {
                                // Which account this plan is for, and what it has to cover.
                                let account = &ctx.account;
                                let heading = view! {
                                    <p class="plan-account" id="plan-account">
                                        {account.lender_name.clone()} " · " <span class="mono">{account.reference.clone()}</span>
                                        " · " {T::Outstanding.get(locale)} " " <strong>{account.balance.total.format(locale)}</strong>
                                    </p>
                                };
                                let body = match ctx.blocked.clone() {
                                Some(PlanBlock::ActiveAgreement { reference }) => view! {
                                    <p class="notice">{T::PlanBlockedAgreement.get(locale)} " "
                                        <a href=format!("/agreements/{reference}")>{reference.clone()}</a></p>
                                }.into_any(),
                                Some(PlanBlock::PendingProposal { proposal_id }) => view! {
                                    <p class="notice">{T::PlanBlockedPending.get(locale)} " "
                                        <a href=format!("/proposals/{proposal_id}")>{T::ProposalTitle.get(locale)}</a></p>
                                }.into_any(),
                                None => view! {
                                    <PlanBuilder setup=BuilderSetup::from(&ctx) locale initial idempotency_key=new_idempotency_key()
                                        server_notice=error.as_ref().map(|e| objection(e, locale))/>
                                }.into_any(),
                                };
                                view! { {heading} {body} }.into_any()
                            }
                            Err(AppError::NotSignedIn) => view! { <SignInRedirect/> }.into_any(),
                            Err(error) => view! { <ErrorNotice error locale/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
