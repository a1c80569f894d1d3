//! One account in full: the balance and its parts, the stage in plain words, what comes next,
//! what a plan changes, and the history of plans and agreements.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::load_account_detail;
use crate::components::account_card::{consequence_text, StageBadge};
use crate::components::breakdown_chart::BreakdownChart;
use crate::components::feedback::answer_view;
use crate::components::layout::use_locale;
use crate::components::money::Amount;
use crate::components::plan::{agreement_status, proposal_status};
use crate::domain::locale::{format_date, Locale};
use crate::domain::stage::Stage;
use crate::i18n::T;
use crate::model::{AccountDetail, PlanHistoryItem};
use crate::wording;

/// The numeric id in a route parameter, or -1 (which no row has) for anything else.
pub fn id_param(name: &str) -> i64 {
    use_params_map().with_untracked(|p| p.get(name).and_then(|v| v.parse().ok()).unwrap_or(-1))
}

pub fn stage_explanation(stage: Option<Stage>, locale: Locale) -> &'static str {
    match stage {
        Some(Stage::Early) => T::StageEarlyExplain.get(locale),
        Some(Stage::Middle) => T::StageMiddleExplain.get(locale),
        Some(Stage::Late) => T::StageLateExplain.get(locale),
        None => T::NotOverdue.get(locale),
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let locale = use_locale();
    let id = id_param("id");
    let detail = Resource::new_blocking(|| (), move |_| load_account_detail(id));
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                answer_view(detail.await, locale, |detail| view! { <AccountView detail locale/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn AccountView(detail: AccountDetail, locale: Locale) -> impl IntoView {
    let account = detail.account;
    let timeline = account.timeline.clone();
    let next = match (&timeline.next, timeline.paused_by_plan) {
        (_, true) => T::PausedByPlan.get(locale).to_owned(),
        (Some(n), false) => format!(
            "{} · {} {}: {}",
            format_date(n.on, locale),
            n.in_days,
            T::InDays.get(locale),
            consequence_text(n.kind, locale)
        ),
        (None, false) => T::NothingScheduled.get(locale).to_owned(),
    };
    let already = timeline
        .already
        .iter()
        .map(|k| view! { <li>{consequence_text(*k, locale)}</li> })
        .collect_view();
    let history = if detail.history.is_empty() {
        view! { <p class="muted">{T::NoHistory.get(locale)}</p> }.into_any()
    } else {
        let items = detail
            .history
            .into_iter()
            .map(|item| view! { <HistoryRow item locale/> })
            .collect_view();
        view! { <ul class="history">{items}</ul> }.into_any()
    };
    let plan_link = account.in_progress.is_none().then(|| {
        view! { <a class="button primary" href=format!("/accounts/{}/plan", account.id)>{T::ProposePlan.get(locale)}</a> }
    });
    view! {
        <section class="page">
            <p><a class="line-link" href="/accounts">"← " {T::BackToAccounts.get(locale)}</a></p>
            <header class="card-head">
                <div>
                    <h1>{account.lender_name.clone()}</h1>
                    <p class="muted">{T::Reference.get(locale)} " " <span class="mono">{account.reference.clone()}</span></p>
                </div>
                <StageBadge stage=timeline.stage locale/>
            </header>
            <section class="card" aria-labelledby="owe">
                <h2 id="owe">{T::BreakdownTitle.get(locale)}</h2>
                <p class="big"><Amount money=account.balance.total locale/></p>
                <p class="muted small">{T::AsOf.get(locale)} " " {format_date(account.as_of, locale)} " · " {T::DaysPastDue.get(locale)} {wording::colon(locale)} {timeline.dpd}</p>
                <BreakdownChart balance=account.balance.clone() locale/>
                <dl class="breakdown">
                    <div><dt>{T::Principal.get(locale)}</dt><dd><Amount money=account.balance.principal locale/></dd></div>
                    <div><dt>{T::Interest.get(locale)}</dt><dd><Amount money=account.balance.interest locale/></dd></div>
                    <div><dt>{T::Fees.get(locale)}</dt><dd><Amount money=account.balance.fees locale/></dd></div>
                    <div><dt>{T::Total.get(locale)}</dt><dd><Amount money=account.balance.total locale/></dd></div>
                </dl>
            </section>
            <section class="card" aria-labelledby="stage">
                <h2 id="stage">{T::StageTitle.get(locale)}</h2>
                <p>{stage_explanation(timeline.stage, locale)}</p>
                <h3>{T::AlreadyApplies.get(locale)}</h3>
                <ul class="already">{already}</ul>
                <h3>{T::NextStep.get(locale)}</h3>
                <p class="next-line">{next}</p>
                <h3>{T::PlanChanges.get(locale)}</h3>
                <p>{T::PlanChangesText.get(locale)}</p>
                {plan_link}
            </section>
            <section class="card" aria-labelledby="history">
                <h2 id="history">{T::HistoryTitle.get(locale)}</h2>
                {history}
            </section>
        </section>
    }
}

#[component]
pub fn HistoryRow(item: PlanHistoryItem, locale: Locale) -> impl IntoView {
    let (href, title, status, when, terms) = match item {
        PlanHistoryItem::Proposal {
            id,
            status,
            submitted_on,
            terms,
        } => (
            format!("/proposals/{id}"),
            T::ProposalTitle.get(locale),
            proposal_status(status, locale),
            format!("{} {}", T::SubmittedOn.get(locale), format_date(submitted_on, locale)),
            terms,
        ),
        PlanHistoryItem::Agreement {
            reference,
            status,
            accepted_on,
            terms,
            ..
        } => (
            format!("/agreements/{reference}"),
            T::AgreementTitle.get(locale),
            agreement_status(status, locale),
            format!("{} {}", T::AcceptedAt.get(locale), format_date(accepted_on, locale)),
            terms,
        ),
    };
    view! {
        <li>
            <a href=href>{title}</a>
            " · " <strong>{status}</strong>
            <br/>
            <span class="muted small">
                {when} " · " {wording::installment_count(terms.installments, locale)} " · "
                {wording::frequency(terms.frequency, locale)}
            </span>
        </li>
    }
}
