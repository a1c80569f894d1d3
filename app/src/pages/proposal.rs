//! A submitted proposal: its status, what it asked for, and what happens next.

use leptos::prelude::*;

use crate::api::load_proposal;
use crate::components::counter_offer::CounterOfferCard;
use crate::components::feedback::answer_view;
use crate::components::layout::use_locale;
use crate::components::plan::{proposal_status, ScheduleTable};
use crate::domain::locale::{format_date, Locale};
use crate::i18n::T;
use crate::model::{ProposalStatus, ProposalView};
use crate::pages::account::id_param;
use crate::wording;

#[component]
pub fn ProposalPage() -> impl IntoView {
    let locale = use_locale();
    let id = id_param("id");
    let data = Resource::new_blocking(|| (), move |_| load_proposal(id));
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                answer_view(data.await, locale, |p| view! { <ProposalDetail p locale/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn ProposalDetail(p: ProposalView, locale: Locale) -> impl IntoView {
    let explain = match p.status {
        ProposalStatus::Pending => Some(T::ProposalPendingText.get(locale)),
        ProposalStatus::Rejected => Some(T::ProposalRejectedText.get(locale)),
        ProposalStatus::Approved | ProposalStatus::AutoApproved => Some(T::ProposalApprovedText.get(locale)),
        _ => None,
    };
    let reasons = (!p.review_reasons.is_empty()).then(|| {
        let items = p
            .review_reasons
            .iter()
            .map(|r| view! { <li>{wording::review_reason(r, locale)}</li> })
            .collect_view();
        // Once decided, the reasons are history: they say why it went to review, not what is next.
        let why = if p.status == ProposalStatus::Pending {
            T::WillBeReviewed
        } else {
            T::WasSentForReview
        };
        view! { <p class="muted">{why.get(locale)} {wording::colon(locale)}</p><ul>{items}</ul> }
    });
    let agreement = p.agreement_reference.clone().map(|reference| {
        view! { <a class="button primary" href=format!("/agreements/{reference}")>{T::SeeAgreement.get(locale)}</a> }
    });
    let counter = p.counter_offer.clone().map(|offer| {
        view! {
            <CounterOfferCard proposal_id=p.id proposed=p.terms.clone() proposed_schedule=p.schedule.clone() offer locale/>
        }
    });
    // A counter-offer's note is shown with the counter-offer itself.
    let note = p
        .decision_note
        .clone()
        .filter(|_| p.status == ProposalStatus::Rejected)
        .map(|n| view! { <blockquote class="decision-note" id="decision-note">{n}</blockquote> });
    view! {
        <section class="page">
            <p><a class="line-link" href=format!("/accounts/{}", p.account_id)>"← " {T::ViewAccount.get(locale)}</a></p>
            <h1>{T::ProposalTitle.get(locale)}</h1>
            <p class="muted">{p.lender_name.clone()} " · " <span class="mono">{p.account_reference.clone()}</span></p>
            <div class="card">
                <p class="status-line"><span class=format!("pill pill-{}", p.status.code())>{proposal_status(p.status, locale)}</span>
                    " " <span class="muted small">{T::SubmittedOn.get(locale)} " " {format_date(p.submitted_on, locale)}</span></p>
                {explain.map(|e| view! { <p>{e}</p> })}
                {note}
                {reasons}
                {agreement}
            </div>
            {counter}
            <section class="card" aria-labelledby="terms">
                <h2 id="terms">{T::PreviewTitle.get(locale)}</h2>
                <p>{wording::installment_count(p.terms.installments, locale)} " · " {wording::frequency(p.terms.frequency, locale)}</p>
                <ScheduleTable schedule=p.schedule.clone() locale/>
            </section>
        </section>
    }
}
