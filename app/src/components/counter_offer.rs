//! A counter-offer next to the plan the borrower proposed: every term side by side with the
//! difference, and the accept / decline forms while it is open.

use leptos::prelude::*;

use crate::components::plan::ScheduleTable;
use crate::domain::locale::{format_date, Locale};
use crate::domain::money::Money;
use crate::domain::schedule::Schedule;
use crate::i18n::T;
use crate::model::{CounterOfferStatus, CounterOfferView, PlanTerms};
use crate::wording;

fn signed(a: Money, b: Money, locale: Locale) -> String {
    let diff = Money::new(b.minor - a.minor, a.currency);
    match diff.minor {
        0 => "—".to_owned(),
        d if d > 0 => format!("+{}", diff.format(locale)),
        _ => diff.format(locale),
    }
}

fn per_installment(s: &Schedule) -> Option<Money> {
    s.regular_amount()
}

#[component]
pub fn CounterOfferCard(
    proposal_id: i64,
    proposed: PlanTerms,
    proposed_schedule: Schedule,
    offer: CounterOfferView,
    locale: Locale,
) -> impl IntoView {
    let o = &offer.terms;
    let count_diff = i64::from(o.installments) - i64::from(proposed.installments);
    let count_diff = match count_diff {
        0 => "—".to_owned(),
        d if d > 0 => format!("+{d}"),
        d => d.to_string(),
    };
    let each = |s: &Schedule| per_installment(s).map(|m| m.format(locale)).unwrap_or_default();
    let each_diff = match (per_installment(&proposed_schedule), per_installment(&offer.schedule)) {
        (Some(a), Some(b)) => signed(a, b, locale),
        _ => String::new(),
    };
    let same = |a: String, b: String| if a == b { "—".to_owned() } else { b };
    let rows = vec![
        (
            T::DownPaymentRow.get(locale),
            proposed.down_payment.format(locale),
            o.down_payment.format(locale),
            signed(proposed.down_payment, o.down_payment, locale),
        ),
        (
            T::InstallmentsLabel.get(locale),
            proposed.installments.to_string(),
            o.installments.to_string(),
            count_diff,
        ),
        (
            T::FrequencyLabel.get(locale),
            wording::frequency(proposed.frequency, locale).to_owned(),
            wording::frequency(o.frequency, locale).to_owned(),
            same(
                wording::frequency(proposed.frequency, locale).to_owned(),
                wording::frequency(o.frequency, locale).to_owned(),
            ),
        ),
        (
            T::PerInstallmentLabel.get(locale),
            each(&proposed_schedule),
            each(&offer.schedule),
            each_diff,
        ),
        (
            T::FirstDateLabel.get(locale),
            format_date(proposed.first_payment_date, locale),
            format_date(o.first_payment_date, locale),
            same(
                format_date(proposed.first_payment_date, locale),
                format_date(o.first_payment_date, locale),
            ),
        ),
        (
            T::Total.get(locale),
            proposed_schedule.total.format(locale),
            offer.schedule.total.format(locale),
            signed(proposed_schedule.total, offer.schedule.total, locale),
        ),
    ];
    let rows = rows
        .into_iter()
        .map(|(label, mine, theirs, diff)| {
            view! { <tr><th scope="row">{label}</th><td>{mine}</td><td>{theirs}</td><td>{diff}</td></tr> }
        })
        .collect_view();
    let action = format!("/proposals/{proposal_id}/counter-offer");
    let state = match offer.status {
        CounterOfferStatus::Open => view! {
            <p><strong>{T::AnswerBy.get(locale)} " " {format_date(offer.expires_on, locale)}</strong></p>
            <div class="card-actions">
                <form method="post" action=action.clone()>
                    <input type="hidden" name="response" value="accept"/>
                    <button type="submit" class="button primary" id="accept-offer">{T::AcceptOffer.get(locale)}</button>
                </form>
                <form method="post" action=action>
                    <input type="hidden" name="response" value="decline"/>
                    <button type="submit" class="button" id="decline-offer">{T::DeclineOffer.get(locale)}</button>
                </form>
            </div>
        }
        .into_any(),
        CounterOfferStatus::Accepted => {
            view! { <p class="notice" id="offer-state">{T::OfferAccepted.get(locale)}</p> }.into_any()
        }
        CounterOfferStatus::Declined => {
            view! { <p class="notice" id="offer-state">{T::OfferDeclined.get(locale)}</p> }.into_any()
        }
        CounterOfferStatus::Expired => {
            view! { <p class="notice notice-warn" id="offer-state">{T::OfferExpired.get(locale)}</p> }.into_any()
        }
    };
    let note =
        (!offer.note.is_empty()).then(|| view! { <blockquote class="decision-note">{offer.note.clone()}</blockquote> });
    view! {
        <section class="card" aria-labelledby="counter-offer" id="counter-offer-card">
            <h2 id="counter-offer">{T::CounterOfferTitle.get(locale)}</h2>
            <p>{T::CounterOfferText.get(locale)}</p>
            {note}
            // Four columns may scroll on a phone: the region is focusable so keyboards can scroll it.
            <div class="table-wrap" tabindex="0" role="region" aria-label=T::CounterCompare.get(locale)>
                <table class="schedule compare">
                    <caption class="visually-hidden">{T::CounterCompare.get(locale)}</caption>
                    <thead>
                        <tr>
                            <td></td>
                            <th scope="col">{T::YourPlan.get(locale)}</th>
                            <th scope="col">{T::TheirOffer.get(locale)}</th>
                            <th scope="col">{T::Difference.get(locale)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {state}
            <details>
                <summary>{T::PreviewTitle.get(locale)}</summary>
                <ScheduleTable schedule=offer.schedule.clone() locale/>
            </details>
        </section>
    }
}
