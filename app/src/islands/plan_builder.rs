//! The plan builder: the borrower picks terms (or a suggested plan) and sees the schedule, every
//! rule it breaks and whether it will be accepted at once, recomputed in the browser by the same
//! rulebook the server uses. Submitting goes through a server function; without wasm the same
//! form posts to `/plans/submit` and an "Update preview" button posts to `/plans/preview`; both
//! answer with this builder rendered on the server.

use leptos::prelude::*;

use crate::components::plan::{RuleErrors, ScheduleTable};
use crate::domain::affordability::AffordabilityFlag;
use crate::domain::decision::{decide, Decision};
use crate::domain::locale::{format_date, Locale};
use crate::domain::proposal::{first_payment_window, stated_budget, Field, HardshipReason, PlanError, RawProposal};
use crate::domain::suggest::suggestions;
use crate::html;
use crate::i18n::T;
use crate::islands::hardship::reason_text;
use crate::model::BuilderSetup;
use crate::wording;

/// The form's fields as signals, so every keystroke re-runs the rulebook.
#[derive(Clone, Copy)]
struct Fields {
    down_payment: RwSignal<String>,
    installments: RwSignal<String>,
    frequency: RwSignal<String>,
    first_payment_date: RwSignal<String>,
    hardship_reason: RwSignal<String>,
    hardship_note: RwSignal<String>,
    monthly_income: RwSignal<String>,
    monthly_expenses: RwSignal<String>,
}

impl Fields {
    fn new(raw: RawProposal) -> Fields {
        Fields {
            down_payment: RwSignal::new(raw.down_payment),
            installments: RwSignal::new(raw.installments),
            frequency: RwSignal::new(raw.frequency),
            first_payment_date: RwSignal::new(raw.first_payment_date),
            hardship_reason: RwSignal::new(raw.hardship_reason.unwrap_or_default()),
            hardship_note: RwSignal::new(raw.hardship_note),
            monthly_income: RwSignal::new(raw.monthly_income),
            monthly_expenses: RwSignal::new(raw.monthly_expenses),
        }
    }

    fn raw(&self) -> RawProposal {
        let reason = self.hardship_reason.get();
        RawProposal {
            down_payment: self.down_payment.get(),
            installments: self.installments.get(),
            frequency: self.frequency.get(),
            first_payment_date: self.first_payment_date.get(),
            hardship_reason: (!reason.is_empty()).then_some(reason),
            hardship_note: self.hardship_note.get(),
            monthly_income: self.monthly_income.get(),
            monthly_expenses: self.monthly_expenses.get(),
        }
    }

    fn fill(&self, raw: &RawProposal) {
        self.down_payment.set(raw.down_payment.clone());
        self.installments.set(raw.installments.clone());
        self.frequency.set(raw.frequency.clone());
        self.first_payment_date.set(raw.first_payment_date.clone());
    }
}

/// The fields a borrower fills in, each with a flag saying whether they have left it yet.
const FORM_FIELDS: [Field; 8] = [
    Field::DownPayment,
    Field::Installments,
    Field::Frequency,
    Field::FirstPaymentDate,
    Field::HardshipReason,
    Field::HardshipNote,
    Field::MonthlyIncome,
    Field::MonthlyExpenses,
];

/// Messages for one field, with the id its input points at through aria-describedby.
fn field_errors(errors: &[PlanError], field: Field, locale: Locale) -> Vec<String> {
    errors
        .iter()
        .filter(|e| e.field() == field)
        .map(|e| wording::plan_error(e, locale))
        .collect()
}

#[component]
fn FieldErrors(errors: Signal<Vec<PlanError>>, field: Field, locale: Locale) -> impl IntoView {
    let id = format!("err-{}", field.code());
    view! {
        <div id=id class="field-errors">
            {move || field_errors(&errors.get(), field, locale).into_iter().map(|m| view! { <p class="field-error">{m}</p> }).collect_view()}
        </div>
    }
}

/// A text input bound to a signal, described by its error list.
#[component]
fn TextField(
    value: RwSignal<String>,
    field: Field,
    label: &'static str,
    errors: Signal<Vec<PlanError>>,
    locale: Locale,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(optional)] min: Option<String>,
    #[prop(optional)] max: Option<String>,
    #[prop(optional)] hint: Option<String>,
) -> impl IntoView {
    let name = field.code();
    let invalid = move || (!field_errors(&errors.get(), field, locale).is_empty()).to_string();
    view! {
        <div class="field">
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("hint-{name}")>{h}</p> })}
            <input id=name name=name type=kind inputmode=inputmode min=min max=max autocomplete="off"
                value=value.get_untracked()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=invalid
                aria-describedby=format!("err-{name} hint-{name}")/>
            <FieldErrors errors field locale/>
        </div>
    }
}

#[island]
pub fn PlanBuilder(
    setup: BuilderSetup,
    locale: Locale,
    initial: RawProposal,
    idempotency_key: String,
    /// The server's objection to the last sending, already in words.
    server_notice: Option<String>,
) -> impl IntoView {
    let initial_is_typed = initial != RawProposal::default();
    let fields = Fields::new(initial);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let reviewing = RwSignal::new(false);
    let submitting = RwSignal::new(false);

    let BuilderSetup {
        account_id,
        terms,
        policy,
        today,
    } = setup;
    let stage = terms.stage(&policy, today);
    let stage_policy = stage.map(|s| policy.for_stage(s).clone());
    let policy = StoredValue::new(policy);
    let outcome = Memo::new(move |_| policy.with_value(|p| decide(&fields.raw(), &terms, p, today)));
    let errors = Signal::derive(move || match outcome.get().decision {
        Decision::Reject { errors } => errors,
        _ => Vec::new(),
    });
    // A fresh form is not wrong, only unfinished: a field's problems show once the borrower
    // has left it, and all of them once a plan is filled in, reviewed, or sent back by the
    // server with what was typed.
    let touched: [RwSignal<bool>; FORM_FIELDS.len()] = std::array::from_fn(|_| RwSignal::new(false));
    let was_left = move |field: Field| {
        let index = FORM_FIELDS.iter().position(|f| *f == field);
        index.is_some_and(|i| touched[i].get())
    };
    let show_all = RwSignal::new(initial_is_typed);
    let shown_errors = Signal::derive(move || {
        let all = errors.get();
        if show_all.get() {
            return all;
        }
        all.into_iter()
            .filter(|e| match e.field() {
                Field::Plan => touched.iter().any(|t| t.get()),
                field => was_left(field),
            })
            .collect()
    });
    let on_leave_field = move |ev: leptos::ev::FocusEvent| {
        // Every control of the form has a `name`; the cast only reads that property.
        let name = event_target::<leptos::web_sys::HtmlInputElement>(&ev).name();
        if let Some(i) = FORM_FIELDS.iter().position(|f| f.code() == name) {
            touched[i].set(true);
        }
    };
    // Back from the agreement page through the history cache: the form may be sent again.
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::pageshow, move |_| submitting.set(false));
        on_cleanup(move || handle.remove());
    }

    let window = stage_policy.as_ref().and_then(|p| first_payment_window(p, today));
    let (min_date, max_date) = window.map_or((None, None), |(a, b)| (Some(a.to_string()), Some(b.to_string())));
    let date_hint = window.map(|(a, b)| {
        format!(
            "{} {} – {}",
            T::FirstDateHint.get(locale),
            format_date(a, locale),
            format_date(b, locale)
        )
    });
    let frequencies = stage_policy.map(|p| p.allowed_frequencies.clone()).unwrap_or_default();

    // Refitted whenever the stated budget changes, so "shortest affordable" appears as soon as
    // income and expenses are typed.
    let budget = Memo::new(move |_| {
        let raw = RawProposal {
            monthly_income: fields.monthly_income.get(),
            monthly_expenses: fields.monthly_expenses.get(),
            ..RawProposal::default()
        };
        stated_budget(&raw, terms.balance.currency)
    });
    let suggested = Memo::new(move |_| policy.with_value(|p| suggestions(&terms, p, today, budget.get().as_ref())));
    let suggestion_list = move || {
        suggested
            .get()
            .into_iter()
            .map(|s| {
                let raw = s.raw.clone();
                let regular = s.schedule.installments.first().map(|i| i.amount.format(locale)).unwrap_or_default();
                view! {
                    <li class="suggestion">
                        <p class="suggestion-title">{wording::suggestion_kind(s.label, locale)}</p>
                        <p><strong>{regular}</strong> " " {T::PerInstallment.get(locale)}</p>
                        <p class="muted small">
                            {wording::installment_count(u32::try_from(s.schedule.installments.len()).unwrap_or(u32::MAX), locale)} " · "
                            {wording::frequency(s.schedule.frequency, locale)}
                        </p>
                        <button type="button" class="button small-button" on:click=move |_| { fields.fill(&raw); show_all.set(true); reviewing.set(false); }>
                            {T::UseThisPlan.get(locale)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    let frequency_choices = frequencies
        .into_iter()
        .map(|f| {
            let code = f.code();
            view! {
                <label class="choice">
                    <input type="radio" name="frequency" value=code
                        checked=fields.frequency.get_untracked() == code
                        prop:checked=move || fields.frequency.get() == code
                        on:change=move |_| fields.frequency.set(code.to_owned())/>
                    {wording::frequency(f, locale)}
                </label>
            }
        })
        .collect_view();

    let reasons = HardshipReason::ALL
        .iter()
        .map(|r| {
            let code = r.code();
            view! { <option value=code selected=move || fields.hardship_reason.get() == code>{reason_text(*r, locale)}</option> }
        })
        .collect_view();

    let verdict = move || {
        let outcome = outcome.get();
        match outcome.decision {
            Decision::AutoApprove => {
                view! { <p class="verdict verdict-ok">{T::WillBeAccepted.get(locale)}</p> }.into_any()
            }
            Decision::NeedsReview { reasons } => {
                let items = reasons
                    .iter()
                    .map(|r| view! { <li>{wording::review_reason(r, locale)}</li> })
                    .collect_view();
                view! {
                    <div class="verdict verdict-review">
                        <p>{T::WillBeReviewed.get(locale)} {wording::colon(locale)}</p>
                        <ul>{items}</ul>
                    </div>
                }
                .into_any()
            }
            Decision::Reject { .. } => {
                let errors = shown_errors.get();
                if errors.is_empty() {
                    ().into_any()
                } else {
                    view! { <RuleErrors errors intro=T::FixThese.get(locale) locale/> }.into_any()
                }
            }
        }
    };
    let affordability = move || {
        outcome.get().proposal.map(|p| match p.affordability_flag {
            AffordabilityFlag::ExceedsDisposable { disposable, monthly_equivalent } => view! {
                <p class="notice notice-warn">
                    {T::AffordabilityOver.get(locale)} " (" {monthly_equivalent.format(locale)} " > " {disposable.format(locale)} ")."
                </p>
            }
            .into_any(),
            AffordabilityFlag::Affordable => view! { <p class="notice">{T::AffordabilityOk.get(locale)}</p> }.into_any(),
            AffordabilityFlag::NotProvided => ().into_any(),
        })
    };
    let preview = move || {
        outcome
            .get()
            .proposal
            .map(|p| view! { <ScheduleTable schedule=p.schedule locale/> })
    };
    let has_errors = move || !errors.get().is_empty();

    // Typing, then a review step; once reviewed, the browser sends the form itself to
    // /plans/submit, which answers with the agreement, the proposal, or this page again.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if has_errors() {
            ev.prevent_default();
            show_all.set(true);
            reviewing.set(false);
        } else if !reviewing.get_untracked() {
            ev.prevent_default();
            reviewing.set(true);
        } else {
            submitting.set(true);
        }
    };
    let server_notice =
        server_notice.map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> });
    let key_for_form = account_id.to_string();

    view! {
        <div class="plan-builder" data-hydrated=move || hydrated.get().to_string()>
            <section class="card" aria-labelledby="suggested">
                <h2 id="suggested">{T::SuggestedPlans.get(locale)}</h2>
                <ul class="suggestions">{suggestion_list}</ul>
            </section>
            {server_notice}
            <form method="post" action="/plans/submit" class="card form plan-form" on:submit=on_submit on:focusout=on_leave_field novalidate>
                <input type="hidden" name="account_id" value=key_for_form/>
                <input type="hidden" name="idempotency_key" value=idempotency_key.clone()/>
                <fieldset class="plain" class:reviewing=move || reviewing.get() prop:inert=move || reviewing.get()>
                    <TextField value=fields.down_payment field=Field::DownPayment label=T::DownPaymentLabel.get(locale)
                        errors=shown_errors locale inputmode="decimal"/>
                    <TextField value=fields.installments field=Field::Installments label=T::InstallmentsLabel.get(locale)
                        errors=shown_errors locale inputmode="numeric"/>
                    <fieldset class="field">
                        <legend>{T::FrequencyLabel.get(locale)}</legend>
                        <div class="choices">{frequency_choices}</div>
                        <FieldErrors errors=shown_errors field=Field::Frequency locale/>
                    </fieldset>
                    <TextField value=fields.first_payment_date field=Field::FirstPaymentDate label=T::FirstDateLabel.get(locale)
                        errors=shown_errors locale kind="date" min=min_date.unwrap_or_default() max=max_date.unwrap_or_default()
                        hint=date_hint.unwrap_or_default()/>
                    <details class="about-you">
                        <summary>{T::AboutYouTitle.get(locale)}</summary>
                        <div class="field">
                            <label for="hardship_reason">{T::HardshipReasonLabel.get(locale)}</label>
                            <select id="hardship_reason" name="hardship_reason"
                                on:change=move |ev| fields.hardship_reason.set(event_target_value(&ev))>
                                <option value="">{T::HardshipChoose.get(locale)}</option>
                                {reasons}
                            </select>
                            <FieldErrors errors=shown_errors field=Field::HardshipReason locale/>
                        </div>
                        <div class="field">
                            <label for="hardship_note">{T::HardshipNoteLabel.get(locale)}</label>
                            <textarea id="hardship_note" name="hardship_note" rows="3"
                                prop:value=move || fields.hardship_note.get()
                                on:input=move |ev| fields.hardship_note.set(event_target_value(&ev))
                                aria-describedby="err-hardship_note">{html::escape(&fields.hardship_note.get_untracked())}</textarea>
                            <FieldErrors errors=shown_errors field=Field::HardshipNote locale/>
                        </div>
                        <p class="muted small">{T::AffordabilityExplain.get(locale)}</p>
                        <TextField value=fields.monthly_income field=Field::MonthlyIncome label=T::IncomeLabel.get(locale)
                            errors=shown_errors locale inputmode="decimal"/>
                        <TextField value=fields.monthly_expenses field=Field::MonthlyExpenses label=T::ExpensesLabel.get(locale)
                            errors=shown_errors locale inputmode="decimal"/>
                    </details>
                </fieldset>
                <section class="preview" aria-labelledby="preview-title">
                    <h2 id="preview-title">
                        {move || if reviewing.get() { T::ReviewTitle.get(locale) } else { T::PreviewTitle.get(locale) }}
                    </h2>
                    <div class="live" aria-live="polite">
                        {verdict}
                        {affordability}
                    </div>
                    {preview}
                </section>
                <div class="actions">
                    <button type="submit" formaction="/plans/preview"
                        class="button" hidden=move || hydrated.get()>
                        {T::PreviewUpdate.get(locale)}
                    </button>
                    <button type="button" class="button" hidden=move || !reviewing.get() on:click=move |_| reviewing.set(false)>
                        {T::EditPlan.get(locale)}
                    </button>
                    <button type="submit" class="button primary" disabled=move || submitting.get()>
                        {move || match (hydrated.get(), reviewing.get(), submitting.get()) {
                            (_, _, true) => T::Submitting.get(locale),
                            (true, false, false) => T::ReviewPlan.get(locale),
                            _ => T::SubmitPlan.get(locale),
                        }}
                    </button>
                </div>
            </form>
        </div>
    }
}
