//! The plan builder page. Values and errors come back in the query string when the form was
//! sent without JavaScript, so nothing typed is ever lost.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::load_plan_context;
use crate::components::feedback::ErrorNotice;
use crate::components::layout::use_locale;
use crate::domain::proposal::RawProposal;
use crate::error::AppError;
use crate::i18n::T;
use crate::islands::plan_builder::PlanBuilder;
use crate::model::PlanBlock;
use crate::pages::account::id_param;

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

#[component]
pub fn PlanPage() -> impl IntoView {
    let locale = use_locale();
    let id = id_param("id");
    let (initial, error) = use_query_map().with_untracked(|q| {
        let text = |name: &str| q.get(name).unwrap_or_default();
        let raw = RawProposal {
            down_payment: text("down_payment"),
            installments: text("installments"),
            frequency: text("frequency"),
            first_payment_date: text("first_payment_date"),
            hardship_reason: q.get("hardship_reason").filter(|r| !r.is_empty()),
            hardship_note: text("hardship_note"),
            monthly_income: text("monthly_income"),
            monthly_expenses: text("monthly_expenses"),
        };
        let error = q.get("error").map(|code| match code.as_str() {
            "idempotency_key_reused" => AppError::invalid("idempotency_key", "idempotency_key_reused"),
            other => AppError::Conflict { code: other.to_owned() },
        });
        (raw, error)
    });
    let context = Resource::new_blocking(|| (), move |_| load_plan_context(id));
    view! {
        <section class="page">
            <p><a href=format!("/accounts/{id}")>"← " {T::ViewAccount.get(locale)}</a></p>
            <h1>{T::PlanTitle.get(locale)}</h1>
            <p class="lead">{T::PlanIntro.get(locale)}</p>
            <Suspense>
                {move || {
                    let initial = initial.clone();
                    let error = error.clone();
                    Suspend::new(async move {
                        match context.await {
                            Ok(ctx) => match ctx.blocked.clone() {
                                Some(PlanBlock::ActiveAgreement { reference }) => view! {
                                    <p class="notice">{T::PlanBlockedAgreement.get(locale)} " "
                                        <a href=format!("/agreements/{reference}")>{reference.clone()}</a></p>
                                }.into_any(),
                                Some(PlanBlock::PendingProposal { proposal_id }) => view! {
                                    <p class="notice">{T::PlanBlockedPending.get(locale)} " "
                                        <a href=format!("/proposals/{proposal_id}")>{T::ProposalTitle.get(locale)}</a></p>
                                }.into_any(),
                                None => view! {
                                    <PlanBuilder ctx locale initial idempotency_key=new_idempotency_key() server_error=error/>
                                }.into_any(),
                            },
                            Err(AppError::NotSignedIn) => view! { <Redirect path="/sign-in"/> }.into_any(),
                            Err(error) => view! { <ErrorNotice error locale/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
