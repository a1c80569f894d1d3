//! An agreement: the printable record of terms, schedule, policy version, acceptance time and
//! reference, with paid / due / missed marks.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::load_agreement;
use crate::components::feedback::answer_view;
use crate::components::layout::{use_locale, use_request_info};
use crate::components::payment_form::PaymentForm;
use crate::components::plan::{agreement_origin, agreement_status, AdherenceTable};
use crate::domain::locale::{format_date, format_local_time, Locale};
use crate::i18n::T;
use crate::islands::print::PrintButton;
use crate::model::{AgreementStatus, AgreementView};
use crate::wording;

#[component]
pub fn AgreementPage() -> impl IntoView {
    let locale = use_locale();
    let reference = use_params_map().with_untracked(|p| p.get("reference").unwrap_or_default());
    let data = Resource::new_blocking(|| (), move |_| load_agreement(reference.clone()));
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                answer_view(data.await, locale, |a| view! { <AgreementDetail a locale/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn AgreementDetail(a: AgreementView, locale: Locale) -> impl IntoView {
    let info = use_request_info();
    let staff = info.user.as_ref().is_some_and(|u| u.role.is_staff());
    let payments = (staff && matches!(a.status, AgreementStatus::Active | AgreementStatus::Broken)).then(|| {
        view! { <PaymentForm reference=a.reference.clone() today=a.today.to_string() locale/> }
    });
    view! {
        <section class="page agreement">
            <p class="no-print"><a class="line-link" href=format!("/accounts/{}", a.account_id)>"← " {T::ViewAccount.get(locale)}</a></p>
            <h1>{T::AgreementTitle.get(locale)}</h1>
            <div class="card">
                <p class="status-line"><span class=format!("pill pill-{}", a.status.code())>{agreement_status(a.status, locale)}</span></p>
                <dl class="facts">
                    <div><dt>{T::AgreementReference.get(locale)}</dt><dd class="mono" id="agreement-reference">{a.reference.clone()}</dd></div>
                    <div><dt>{T::Borrower.get(locale)}</dt><dd>{a.borrower_name.clone()}</dd></div>
                    <div><dt>{T::Lender.get(locale)}</dt><dd>{a.lender_name.clone()} " · " <span class="mono">{a.account_reference.clone()}</span></dd></div>
                    <div><dt>{T::AcceptedAt.get(locale)}</dt><dd>{format_local_time(a.accepted_at, locale)} " · " {agreement_origin(a.origin, locale)}</dd></div>
                    <div><dt>{T::PolicyVersion.get(locale)}</dt><dd class="mono">{a.policy_version.clone()}</dd></div>
                    <div><dt>{T::Total.get(locale)}</dt><dd><strong>{a.total.format(locale)}</strong></dd></div>
                    <div><dt>{T::FrequencyLabel.get(locale)}</dt><dd>{wording::frequency(a.terms.frequency, locale)} " · "
                        {wording::installment_count(a.terms.installments, locale)} " · " {T::FirstDateLabel.get(locale)} " "
                        {format_date(a.terms.first_payment_date, locale)}</dd></div>
                </dl>
                <p>{T::AgreementKeepText.get(locale)}</p>
            </div>
            <section class="card" aria-labelledby="schedule">
                <h2 id="schedule">{T::PreviewTitle.get(locale)}</h2>
                <AdherenceTable installments=a.installments.clone() locale/>
            </section>
            {payments}
            <PrintButton label=T::Print.get(locale).to_owned()/>
        </section>
    }
}
