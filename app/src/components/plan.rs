//! Plan pieces shared by pages and the plan builder and counter-offer islands: schedule tables,
//! the rules a plan breaks, and status words.

use leptos::prelude::*;

use crate::domain::locale::{format_date, Locale};
use crate::domain::proposal::PlanError;
use crate::domain::schedule::Schedule;
use crate::i18n::T;
use crate::model::{AgreementOrigin, AgreementStatus, InstallmentState, InstallmentView, ProposalStatus};

/// Every rule a plan breaks, worded, under `intro`.
#[component]
pub fn RuleErrors(
    errors: Vec<PlanError>,
    intro: &'static str,
    locale: Locale,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    let items = errors
        .iter()
        .map(|e| view! { <li>{crate::wording::plan_error(e, locale)}</li> })
        .collect_view();
    view! {
        <div class="verdict verdict-fix" id=id>
            <p>{intro}</p>
            <ul>{items}</ul>
        </div>
    }
}

pub fn proposal_status(status: ProposalStatus, locale: Locale) -> &'static str {
    match status {
        ProposalStatus::Pending => T::StatusPending.get(locale),
        ProposalStatus::AutoApproved => T::StatusAutoApproved.get(locale),
        ProposalStatus::Approved => T::StatusApproved.get(locale),
        ProposalStatus::Rejected => T::StatusRejected.get(locale),
        ProposalStatus::Countered => T::StatusCountered.get(locale),
        ProposalStatus::Superseded => T::StatusSuperseded.get(locale),
    }
}

pub fn agreement_status(status: AgreementStatus, locale: Locale) -> &'static str {
    match status {
        AgreementStatus::Active => T::StatusActive.get(locale),
        AgreementStatus::Completed => T::StatusCompleted.get(locale),
        AgreementStatus::Broken => T::StatusBroken.get(locale),
        AgreementStatus::Superseded => T::StatusSuperseded.get(locale),
    }
}

pub fn agreement_origin(origin: AgreementOrigin, locale: Locale) -> &'static str {
    match origin {
        AgreementOrigin::SelfService => T::OriginSelfService.get(locale),
        AgreementOrigin::CollectorApproval => T::OriginCollector.get(locale),
        AgreementOrigin::CounterOffer => T::OriginCounterOffer.get(locale),
    }
}

pub fn installment_state(state: InstallmentState, locale: Locale) -> &'static str {
    match state {
        InstallmentState::Paid => T::StatePaid.get(locale),
        InstallmentState::PartlyPaid => T::StatePartlyPaid.get(locale),
        InstallmentState::Late => T::StateLate.get(locale),
        InstallmentState::Missed => T::StateMissed.get(locale),
        InstallmentState::Upcoming => T::StateUpcoming.get(locale),
    }
}

/// The rows of a schedule: down payment first (when there is one), then each installment.
#[component]
pub fn ScheduleTable(schedule: Schedule, locale: Locale) -> impl IntoView {
    let down = schedule.down_payment.map(|d| {
        view! {
            <tr>
                <th scope="row">{T::DownPaymentRow.get(locale)}</th>
                <td>{format_date(d.due, locale)}</td>
                <td class="num">{d.amount.format(locale)}</td>
            </tr>
        }
    });
    let rows = schedule
        .installments
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <th scope="row">{i.number}</th>
                    <td>{format_date(i.due, locale)}</td>
                    <td class="num">{i.amount.format(locale)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="schedule">
                <thead>
                    <tr>
                        <th scope="col">{T::NumberCol.get(locale)}</th>
                        <th scope="col">{T::DueDate.get(locale)}</th>
                        <th scope="col" class="num">{T::AmountCol.get(locale)}</th>
                    </tr>
                </thead>
                <tbody>{down}{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="2">{T::Total.get(locale)}</th>
                        <td class="num total">{schedule.total.format(locale)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

/// An agreement's schedule with what has been paid and each installment's state.
#[component]
pub fn AdherenceTable(installments: Vec<InstallmentView>, locale: Locale) -> impl IntoView {
    let rows = installments
        .into_iter()
        .map(|i| {
            let label = if i.number == 0 { T::DownPaymentRow.get(locale).to_owned() } else { i.number.to_string() };
            view! {
                <tr class=format!("state-{}", i.state.code())>
                    <th scope="row">{label}</th>
                    <td>{format_date(i.due, locale)}</td>
                    <td class="num">{i.amount.format(locale)}</td>
                    <td class="num">{i.paid.format(locale)}</td>
                    <td><span class=format!("pill pill-{}", i.state.code())>{installment_state(i.state, locale)}</span></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="schedule">
                <thead>
                    <tr>
                        <th scope="col">{T::NumberCol.get(locale)}</th>
                        <th scope="col">{T::DueDate.get(locale)}</th>
                        <th scope="col" class="num">{T::AmountCol.get(locale)}</th>
                        <th scope="col" class="num">{T::PaidCol.get(locale)}</th>
                        <th scope="col">{T::StatusCol.get(locale)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
