//! The collector's review queue: pending proposals, oldest and most overdue first, filtered and
//! paged through the query string (a plain GET form, so it works without JavaScript), and the
//! agreements at risk or broken.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::load_queue;
use crate::components::account_card::stage_label;
use crate::components::feedback::{ErrorNotice, SignInRedirect};
use crate::components::layout::use_locale;
use crate::components::plan::agreement_status;
use crate::domain::locale::{format_date, Locale};
use crate::domain::stage::Stage;
use crate::error::AppError;
use crate::i18n::T;
use crate::model::collector::{QueuePage, QueueQuery, WatchItem};
use crate::wording;

pub fn queue_query() -> QueueQuery {
    use_query_map().with_untracked(|q| {
        let text = |name: &str| q.get(name).unwrap_or_default();
        QueueQuery {
            stage: text("stage"),
            min_amount: text("min_amount"),
            max_amount: text("max_amount"),
            min_age: text("min_age"),
            flagged: text("flagged"),
            sort: text("sort"),
            page: text("page"),
        }
    })
}

#[component]
pub fn QueuePageView() -> impl IntoView {
    let locale = use_locale();
    let query = queue_query();
    let q = query.clone();
    let data = Resource::new_blocking(|| (), move |_| load_queue(q.clone()));
    view! {
        <section class="page wide">
            <h1>{T::QueueTitle.get(locale)}</h1>
            <p class="lead">{T::QueueIntro.get(locale)}</p>
            <Filters query=query.clone() locale/>
            <Suspense>
                {move || {
                    let query = query.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok(page) => view! { <QueueResults page query locale/> }.into_any(),
                            Err(AppError::NotSignedIn) => view! { <SignInRedirect/> }.into_any(),
                            Err(error) => view! { <ErrorNotice error locale/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Filters(query: QueueQuery, locale: Locale) -> impl IntoView {
    let stage_option = |value: &'static str, label: &'static str| {
        view! { <option value=value selected=query.stage == value>{label}</option> }
    };
    let sort_option = |value: &'static str, label: &'static str| {
        view! { <option value=value selected=query.sort == value>{label}</option> }
    };
    view! {
        <form class="card filters" method="get" action="/queue" aria-label=T::FilterTitle.get(locale)>
            <div class="filter-grid">
                <label>{T::FilterStage.get(locale)}
                    <select name="stage" id="filter-stage">
                        {stage_option("", T::FilterAnyStage.get(locale))}
                        {stage_option("early", stage_label(Some(Stage::Early), locale))}
                        {stage_option("middle", stage_label(Some(Stage::Middle), locale))}
                        {stage_option("late", stage_label(Some(Stage::Late), locale))}
                    </select>
                </label>
                <label>{T::FilterMinAmount.get(locale)}
                    <input name="min_amount" id="filter-min-amount" inputmode="decimal" value=query.min_amount.clone()/>
                </label>
                <label>{T::FilterMaxAmount.get(locale)}
                    <input name="max_amount" id="filter-max-amount" inputmode="decimal" value=query.max_amount.clone()/>
                </label>
                <label>{T::FilterMinAge.get(locale)}
                    <input name="min_age" id="filter-min-age" inputmode="numeric" value=query.min_age.clone()/>
                </label>
                <label>{T::FilterSort.get(locale)}
                    <select name="sort" id="filter-sort">
                        {sort_option("", T::SortOldest.get(locale))}
                        {sort_option("risk", T::SortRisk.get(locale))}
                        {sort_option("amount", T::SortAmount.get(locale))}
                    </select>
                </label>
            </div>
            <label class="check">
                <input type="checkbox" name="flagged" value="1" id="filter-flagged" checked=!query.flagged.is_empty()/>
                {T::FilterFlagged.get(locale)}
            </label>
            <p class="card-actions">
                <button type="submit" class="button primary" id="apply-filters">{T::ApplyFilters.get(locale)}</button>
                <a href="/queue">{T::ClearFilters.get(locale)}</a>
            </p>
        </form>
    }
}

#[component]
fn QueueResults(page: QueuePage, query: QueueQuery, locale: Locale) -> impl IntoView {
    let pages = ((page.total + i64::from(page.per_page) - 1) / i64::from(page.per_page)).max(1);
    let prev = (page.page > 1).then(|| {
        view! { <a rel="prev" href=format!("/queue{}", query.with_page(page.page - 1))>"← " {T::PrevPage.get(locale)}</a> }
    });
    let next = (i64::from(page.page) < pages).then(|| {
        view! { <a rel="next" href=format!("/queue{}", query.with_page(page.page + 1))>{T::NextPage.get(locale)} " →"</a> }
    });
    let rows = page
        .items
        .iter()
        .map(|item| {
            let flag = item
                .flagged
                .then(|| view! { <span class="pill pill-rejected">{T::AffordabilityFlagShort.get(locale)}</span> });
            view! {
                <tr data-proposal=item.proposal_id>
                    <td><a href=format!("/queue/{}", item.proposal_id)>{T::OpenReview.get(locale)} " #" {item.proposal_id}</a></td>
                    <td>{item.borrower_name.clone()}<br/><span class="mono small">{item.account_reference.clone()}</span></td>
                    <td>{stage_label(item.stage, locale)} " · " {item.dpd} " " {T::DaysShort.get(locale)}</td>
                    <td class="num">{item.balance.format(locale)}</td>
                    <td>{item.installments} " × " {wording::frequency(item.frequency, locale)} " " {flag}</td>
                    <td>{format_date(item.submitted_on, locale)} " · " {item.waiting_days} " " {T::DaysShort.get(locale)}</td>
                </tr>
            }
        })
        .collect_view();
    let table = if page.items.is_empty() {
        view! { <p class="notice" id="queue-empty">{T::QueueEmpty.get(locale)}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="schedule queue" id="queue-table">
                    <thead>
                        <tr>
                            <th scope="col">{T::ColPlan.get(locale)}</th>
                            <th scope="col">{T::ColBorrower.get(locale)}</th>
                            <th scope="col">{T::FilterStage.get(locale)}</th>
                            <th scope="col" class="num">{T::Outstanding.get(locale)}</th>
                            <th scope="col">{T::InstallmentsLabel.get(locale)}</th>
                            <th scope="col">{T::ColWaiting.get(locale)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <p class="muted" id="queue-count">{wording::plans_waiting(page.total, locale)} " · " {T::PageOf.get(locale)} " " {page.page} " / " {pages}</p>
        {table}
        <nav class="pager" aria-label=T::PageOf.get(locale)>{prev} " " {next}</nav>
        <WatchList id="at-risk" title=T::AtRiskTitle.get(locale) intro=T::AtRiskIntro.get(locale) items=page.at_risk locale/>
        <WatchList id="broken" title=T::BrokenTitle.get(locale) intro=T::BrokenIntro.get(locale) items=page.broken locale/>
    }
}

#[component]
fn WatchList(
    id: &'static str,
    title: &'static str,
    intro: &'static str,
    items: Vec<WatchItem>,
    locale: Locale,
) -> impl IntoView {
    let body = if items.is_empty() {
        view! { <p class="muted">{T::NoneListed.get(locale)}</p> }.into_any()
    } else {
        let rows = items
            .into_iter()
            .map(|w| {
                view! {
                    <li>
                        <a class="mono" href=format!("/agreements/{}", w.reference)>{w.reference.clone()}</a>
                        " · " {w.borrower_name.clone()} " · " <span class=format!("pill pill-{}", w.status.code())>{agreement_status(w.status, locale)}</span>
                        <br/>
                        <span class="muted small">
                            {w.next_due.map(|d| format!("{} {} · ", T::NextDue.get(locale), format_date(d, locale)))}
                            {T::RemainingLabel.get(locale)} " " {w.remaining.format(locale)}
                        </span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="history">{rows}</ul> }.into_any()
    };
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    view! {
        <section class="card" id=id aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            <p class="muted small">{intro}</p>
            {body}
        </section>
    }
}
