//! One proposal under review: the account and borrower context, what the rulebook said, the
//! history, and the three decisions (plain forms posting to `/queue/{id}/decide`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::load_review;
use crate::components::account_card::{stage_label, StageBadge};
use crate::components::feedback::{error_message, ErrorNotice, SignInRedirect};
use crate::components::layout::use_locale;
use crate::components::plan::{proposal_status, ScheduleTable};
use crate::domain::affordability::AffordabilityFlag;
use crate::domain::decision::{decide, Decision};
use crate::domain::locale::{format_date, Locale};
use crate::domain::proposal::RawProposal;
use crate::error::AppError;
use crate::html;
use crate::i18n::T;
use crate::islands::counter_preview::CounterOfferPreview;
use crate::islands::hardship::reason_text;
use crate::model::collector::ReviewContext;
use crate::model::{BuilderSetup, PlanTerms, ProposalStatus};
use crate::pages::account::{id_param, HistoryRow};
use crate::wording;

/// What the decide form handler sends back in the query string.
#[derive(Clone, Default)]
struct Flash {
    done: Option<String>,
    error: Option<AppError>,
    typed: std::collections::HashMap<String, String>,
}

fn flash() -> Flash {
    use_query_map().with_untracked(|q| {
        let error = q.get("error").map(|code| match code.as_str() {
            "already_decided" => AppError::AlreadyDecided {
                by: q.get("by").unwrap_or_default(),
                at: q.get("at").unwrap_or_default(),
            },
            "plan_rejected" => AppError::PlanRejected { errors: Vec::new() },
            "agreement_active" | "not_pending" | "try_again" => AppError::Conflict { code },
            other => AppError::invalid("form", other),
        });
        let typed = [
            "reason",
            "down_payment",
            "installments",
            "frequency",
            "first_payment_date",
            "expires_on",
            "note",
        ]
        .into_iter()
        .filter_map(|k| q.get(k).map(|v| (k.to_owned(), v)))
        .collect();
        Flash {
            done: q.get("done"),
            error,
            typed,
        }
    })
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let locale = use_locale();
    let id = id_param("id");
    let flash = flash();
    let data = Resource::new_blocking(|| (), move |_| load_review(id));
    view! {
        <Suspense>
            {move || {
                let flash = flash.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(ctx) => view! { <Review ctx flash locale/> }.into_any(),
                        Err(AppError::NotSignedIn) => view! { <SignInRedirect/> }.into_any(),
                        Err(error) => view! { <section class="page"><ErrorNotice error locale/></section> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Review(ctx: ReviewContext, flash: Flash, locale: Locale) -> impl IntoView {
    let p = ctx.proposal.clone();
    let account = ctx.account.clone();
    let done = flash.done.as_deref().map(|d| {
        let text = match d {
            "approved" => T::DecisionApproved.get(locale),
            "rejected" => T::DecisionRejected.get(locale),
            _ => T::DecisionCountered.get(locale),
        };
        view! { <p class="notice" role="status" id="decision-done">{text}</p> }
    });
    let error = flash.error.clone().map(|e| match e {
        // The rule errors are recomputed from the typed terms with the same rulebook.
        AppError::PlanRejected { .. } => {
            let typed = |k: &str| flash.typed.get(k).cloned().unwrap_or_default();
            let raw = RawProposal {
                down_payment: typed("down_payment"),
                installments: typed("installments"),
                frequency: typed("frequency"),
                first_payment_date: typed("first_payment_date"),
                ..RawProposal::default()
            };
            let errors = match decide(&raw, &ctx.terms, &ctx.policy, ctx.today).decision {
                Decision::Reject { errors } => errors,
                _ => Vec::new(),
            };
            let items = errors
                .iter()
                .map(|e| view! { <li>{wording::plan_error(e, locale)}</li> })
                .collect_view();
            view! {
                <div class="notice notice-error" role="alert" id="decision-error">
                    <p>{T::FixThese.get(locale)}</p>
                    <ul>{items}</ul>
                </div>
            }
            .into_any()
        }
        e => view! { <p class="notice notice-error" role="alert" id="decision-error">{error_message(&e, locale)}</p> }
            .into_any(),
    });
    let hardship = match (p.hardship_reason, account.hardship.clone()) {
        (Some(reason), _) => format!("{} — {}", reason_text(reason, locale), p.hardship_note),
        (None, Some(h)) => format!("{} — {}", reason_text(h.reason, locale), h.note),
        (None, None) => T::NoHardshipGiven.get(locale).to_owned(),
    };
    let affordability = match (ctx.monthly_income, ctx.monthly_expenses) {
        (Some(income), Some(expenses)) => {
            let over = match p.affordability {
                AffordabilityFlag::ExceedsDisposable {
                    disposable,
                    monthly_equivalent,
                } => Some(view! {
                    <p class="notice notice-warn">{T::AffordabilityOver.get(locale)} {wording::colon(locale)}
                        {T::DisposableLabel.get(locale)} " " {disposable.format(locale)} " · "
                        {T::MonthlyCostLabel.get(locale)} " " {monthly_equivalent.format(locale)}</p>
                }),
                _ => None,
            };
            view! {
                <dl class="breakdown">
                    <div><dt>{T::IncomeLabel.get(locale)}</dt><dd>{income.format(locale)}</dd></div>
                    <div><dt>{T::ExpensesLabel.get(locale)}</dt><dd>{expenses.format(locale)}</dd></div>
                </dl>
                {over}
            }
            .into_any()
        }
        _ => view! { <p class="muted">{T::NoAffordability.get(locale)}</p> }.into_any(),
    };
    let reasons = p
        .review_reasons
        .iter()
        .map(|r| view! { <li>{wording::review_reason(r, locale)}</li> })
        .collect_view();
    let history = ctx
        .history
        .iter()
        .cloned()
        .map(|item| view! { <HistoryRow item locale/> })
        .collect_view();
    let decided = ctx.decided.clone().map(|d| {
        view! { <p class="muted" id="decided-by">{T::DecidedBy.get(locale)} " " {d.by} " · " {T::DecidedAt.get(locale)} " " {d.at}</p> }
    });
    let note = p
        .decision_note
        .clone()
        .map(|n| view! { <blockquote class="decision-note">{n}</blockquote> });
    let agreement = p.agreement_reference.clone().map(|reference| {
        view! { <p><a class="button" id="review-agreement" href=format!("/agreements/{reference}")>{T::SeeAgreement.get(locale)} " " {reference.clone()}</a></p> }
    });
    let decide = (p.status == ProposalStatus::Pending)
        .then(|| view! { <DecisionForms ctx=ctx.clone() flash=flash.clone() locale/> });
    view! {
        <section class="page wide">
            <p><a class="line-link" href="/queue">"← " {T::BackToQueue.get(locale)}</a></p>
            <h1>{T::ReviewTitle2.get(locale)} " #" {p.id}</h1>
            {done}
            {error}
            <div class="card">
                <p class="status-line"><span class=format!("pill pill-{}", p.status.code()) id="proposal-status">{proposal_status(p.status, locale)}</span>
                    " " <span class="muted small">{T::SubmittedOn.get(locale)} " " {format_date(p.submitted_on, locale)}</span></p>
                {decided}
                {note}
                {agreement}
            </div>
            <section class="card" aria-labelledby="ctx-account">
                <header class="card-head">
                    <div>
                        <h2 id="ctx-account">{T::AccountContext.get(locale)}</h2>
                        <p>{ctx.borrower_name.clone()} " · " {account.lender_name.clone()} " · " <span class="mono">{account.reference.clone()}</span></p>
                    </div>
                    <StageBadge stage=account.timeline.stage locale/>
                </header>
                <dl class="breakdown">
                    <div><dt>{T::DaysPastDue.get(locale)}</dt><dd>{account.timeline.dpd} " · " {stage_label(account.timeline.stage, locale)}</dd></div>
                    <div><dt>{T::Principal.get(locale)}</dt><dd>{account.balance.principal.format(locale)}</dd></div>
                    <div><dt>{T::Interest.get(locale)}</dt><dd>{account.balance.interest.format(locale)}</dd></div>
                    <div><dt>{T::Fees.get(locale)}</dt><dd>{account.balance.fees.format(locale)}</dd></div>
                    <div><dt>{T::Total.get(locale)}</dt><dd><strong>{account.balance.total.format(locale)}</strong></dd></div>
                </dl>
                <h3>{T::HardshipGiven.get(locale)}</h3>
                <p id="hardship">{hardship}</p>
                <h3>{T::AffordabilityTitle.get(locale)}</h3>
                {affordability}
                <h3>{T::ReviewReasonsTitle.get(locale)}</h3>
                <ul id="review-reasons">{reasons}</ul>
                <p class="muted small">{T::PolicyVersion.get(locale)} " " <span class="mono">{p.policy_version.clone()}</span></p>
            </section>
            <section class="card" aria-labelledby="proposed">
                <h2 id="proposed">{T::ProposedTerms.get(locale)}</h2>
                <p>{p.terms.installments} " " {T::Installments.get(locale)} " · " {wording::frequency(p.terms.frequency, locale)}
                    " · " {T::DownPaymentRow.get(locale)} " " {p.terms.down_payment.format(locale)}</p>
                <ScheduleTable schedule=p.schedule.clone() locale/>
            </section>
            {decide}
            <section class="card" aria-labelledby="ctx-history">
                <h2 id="ctx-history">{T::HistoryTitle.get(locale)}</h2>
                <ul class="history">{history}</ul>
            </section>
        </section>
    }
}

/// The counter-offer starts from what was last typed or, the first time, from the borrower's
/// own terms, which the collector then adjusts.
fn counter_start(flash: &Flash, proposed: &PlanTerms) -> RawProposal {
    let typed = |k: &str| flash.typed.get(k).cloned();
    let down = (proposed.down_payment.minor > 0).then(|| proposed.down_payment.to_plain_string());
    RawProposal {
        down_payment: typed("down_payment").or(down).unwrap_or_default(),
        installments: typed("installments").unwrap_or_else(|| proposed.installments.to_string()),
        frequency: typed("frequency").unwrap_or_else(|| proposed.frequency.code().to_owned()),
        first_payment_date: typed("first_payment_date").unwrap_or_else(|| proposed.first_payment_date.to_string()),
        ..RawProposal::default()
    }
}

#[component]
fn DecisionForms(ctx: ReviewContext, flash: Flash, locale: Locale) -> impl IntoView {
    let id = ctx.proposal.id;
    let action = format!("/queue/{id}/decide");
    let typed = |k: &str| flash.typed.get(k).cloned().unwrap_or_default();
    let initial = counter_start(&flash, &ctx.proposal.terms);
    view! {
        <section class="card decide" aria-labelledby="decide">
            <h2 id="decide">{T::DecideTitle.get(locale)}</h2>
            <form method="post" action=action.clone() id="approve-form">
                <input type="hidden" name="decision" value="approve"/>
                <button type="submit" class="button primary" id="approve">{T::Approve.get(locale)}</button>
            </form>
            <form method="post" action=action.clone() id="reject-form">
                <h3>{T::RejectTitle.get(locale)}</h3>
                <input type="hidden" name="decision" value="reject"/>
                <label for="reject-reason">{T::RejectReasonLabel.get(locale)}</label>
                <textarea id="reject-reason" name="reason" rows="3" maxlength="1000" required>{html::escape(&typed("reason"))}</textarea>
                <button type="submit" class="button" id="reject">{T::Reject.get(locale)}</button>
            </form>
            <form method="post" action=action id="counter-form">
                <h3>{T::CounterTitle.get(locale)}</h3>
                <p class="muted small">{T::CounterIntro.get(locale)}</p>
                <input type="hidden" name="decision" value="counter"/>
                <CounterOfferPreview setup=BuilderSetup {
                        account_id: ctx.account.id,
                        terms: ctx.terms,
                        policy: ctx.policy.clone(),
                        today: ctx.today,
                    } initial
                    preview_action=format!("/queue/{id}#counter-form") locale/>
                <div class="filter-grid">
                    <label>{T::ExpiresOnLabel.get(locale)}
                        <input type="date" name="expires_on" id="counter-expires" required value=typed("expires_on")/></label>
                </div>
                <label for="counter-note">{T::CounterNoteLabel.get(locale)}</label>
                <textarea id="counter-note" name="note" rows="3" maxlength="1000">{html::escape(&typed("note"))}</textarea>
                <button type="submit" class="button" id="send-counter">{T::SendCounter.get(locale)}</button>
            </form>
        </section>
    }
}
