//! One overdue account on the overview: balance, stage, and the next thing that will happen.

use leptos::prelude::*;

use crate::components::money::Amount;
use crate::domain::consequences::ConsequenceKind;
use crate::domain::locale::{format_date, Locale};
use crate::domain::stage::Stage;
use crate::i18n::T;
use crate::islands::hardship::HardshipForm;
use crate::model::{AccountSummary, PlanHistoryItem};
use crate::wording;

pub fn stage_label(stage: Option<Stage>, locale: Locale) -> &'static str {
    match stage {
        Some(Stage::Early) => T::StageEarly.get(locale),
        Some(Stage::Middle) => T::StageMiddle.get(locale),
        Some(Stage::Late) => T::StageLate.get(locale),
        None => T::NotOverdue.get(locale),
    }
}

pub fn consequence_text(kind: ConsequenceKind, locale: Locale) -> &'static str {
    match kind {
        ConsequenceKind::Reminders => T::ConsequenceReminders.get(locale),
        ConsequenceKind::LateFees => T::ConsequenceLateFees.get(locale),
        ConsequenceKind::CollectorCalls => T::ConsequenceCollectorCalls.get(locale),
        ConsequenceKind::CreditBureauReport => T::ConsequenceCreditBureauReport.get(locale),
        ConsequenceKind::LegalReview => T::ConsequenceLegalReview.get(locale),
        ConsequenceKind::Lawsuit => T::ConsequenceLawsuit.get(locale),
        ConsequenceKind::AssetPreservation => T::ConsequenceAssetPreservation.get(locale),
        ConsequenceKind::ExternalAgency => T::ConsequenceExternalAgency.get(locale),
    }
}

#[component]
pub fn StageBadge(stage: Option<Stage>, locale: Locale) -> impl IntoView {
    let class = match stage {
        Some(s) => format!("badge badge-{}", s.code()),
        None => "badge".to_owned(),
    };
    view! { <span class=class>{stage_label(stage, locale)}</span> }
}

#[component]
pub fn AccountCard(account: AccountSummary, locale: Locale) -> impl IntoView {
    let timeline = account.timeline.clone();
    let next = match (&timeline.next, timeline.paused_by_plan) {
        (_, true) => view! { <p>{T::PausedByPlan.get(locale)}</p> }.into_any(),
        (Some(next), false) => view! {
            <p>
                <strong>{format_date(next.on, locale)}</strong>
                " · " {next.in_days} " " {T::InDays.get(locale)} {wording::colon(locale)}
                {consequence_text(next.kind, locale)}
            </p>
        }
        .into_any(),
        (None, false) => view! { <p>{T::NothingScheduled.get(locale)}</p> }.into_any(),
    };
    let already = (!timeline.already.is_empty()).then(|| {
        let items = timeline
            .already
            .iter()
            .map(|k| view! { <li>{consequence_text(*k, locale)}</li> })
            .collect_view();
        view! {
            <p class="muted small">{T::AlreadyApplies.get(locale)} {wording::colon(locale)}</p>
            <ul class="already">{items}</ul>
        }
    });
    let progress = account.in_progress.clone().map(|item| {
        let (label, href) = match &item {
            PlanHistoryItem::Agreement { reference, .. } => {
                (T::AgreementActiveShort.get(locale), format!("/agreements/{reference}"))
            }
            PlanHistoryItem::Proposal { id, .. } => (T::ProposalPendingShort.get(locale), format!("/proposals/{id}")),
        };
        view! { <p class="notice in-progress">{T::PlanInProgress.get(locale)} {wording::colon(locale)} <a href=href>{label}</a></p> }
    });
    let (labelled_by, heading_id) = (format!("account-{}", account.id), format!("account-{}", account.id));
    view! {
        <article class="card account" aria-labelledby=labelled_by data-account=account.id>
            <header class="card-head">
                <div>
                    <h2 id=heading_id>{account.lender_name.clone()}</h2>
                    <p class="muted small">{T::Reference.get(locale)} " " <span class="mono">{account.reference.clone()}</span></p>
                </div>
                <StageBadge stage=timeline.stage locale/>
            </header>
            <div class="balance">
                <p class="label">{T::Outstanding.get(locale)}</p>
                <p class="big"><Amount money=account.balance.total locale/></p>
                <p class="muted small">{T::AsOf.get(locale)} " " {format_date(account.as_of, locale)}</p>
            </div>
            <dl class="breakdown">
                <div><dt>{T::Principal.get(locale)}</dt><dd><Amount money=account.balance.principal locale/></dd></div>
                <div><dt>{T::Interest.get(locale)}</dt><dd><Amount money=account.balance.interest locale/></dd></div>
                <div><dt>{T::Fees.get(locale)}</dt><dd><Amount money=account.balance.fees locale/></dd></div>
                <div><dt>{T::DaysPastDue.get(locale)}</dt><dd class="dpd">{timeline.dpd}</dd></div>
            </dl>
            <section class="next" aria-label=T::NextStep.get(locale)>
                <h3>{T::NextStep.get(locale)}</h3>
                {next}
                {already}
            </section>
            {progress}
            <p class="card-actions">
                <a href=format!("/accounts/{}", account.id)>{T::ViewAccount.get(locale)}</a>
                {account.in_progress.is_none().then(|| view! {
                    <a class="button primary" href=format!("/accounts/{}/plan", account.id)>{T::ProposePlan.get(locale)}</a>
                })}
            </p>
            <HardshipForm account_id=account.id locale current=account.hardship.clone()/>
        </article>
    }
}
