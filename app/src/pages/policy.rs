//! The supervisor's plan policy page: the per-stage limits in force as a form, published as a
//! new version through `/policy/publish` (a plain form), and the version history. After a
//! refused publish the typed values come back in the query string and are re-read with the
//! same parser, so each field shows its own problem and nothing typed is lost.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::load_policy;
use crate::components::account_card::stage_label;
use crate::components::feedback::{answer_view, error_text};
use crate::components::layout::use_locale;
use crate::domain::locale::Locale;
use crate::domain::policy::draft::{
    draft_of, field, parse_draft, DraftError, DraftProblem, PolicyDraft, AMOUNT_FIELDS, CHECK_FIELDS,
};
use crate::domain::policy::Frequency;
use crate::domain::stage::Stage;
use crate::error::AppError;
use crate::i18n::T;
use crate::model::supervisor::PolicyOverview;
use crate::wording;

/// What the publish handler sent back: the outcome and, after an error, the typed form.
#[derive(Clone, Default)]
struct Flash {
    published: Option<String>,
    error: Option<String>,
    typed: PolicyDraft,
}

fn flash() -> Flash {
    use_query_map().with_untracked(|q| {
        let error = q.get("error");
        let typed = if error.is_some() {
            q.latest_values()
                .filter(|(k, _)| k.as_ref() != "error")
                .map(|(k, v)| (k.to_string(), v.to_owned()))
                .collect()
        } else {
            PolicyDraft::new()
        };
        Flash {
            published: q.get("published"),
            error,
            typed,
        }
    })
}

#[component]
pub fn PolicyPage() -> impl IntoView {
    let locale = use_locale();
    let flash = flash();
    let data = Resource::new_blocking(|| (), |_| load_policy());
    view! {
        <Suspense>
            {move || {
                let flash = flash.clone();
                Suspend::new(async move {
                    answer_view(data.await, locale, |overview| view! { <Policy overview flash locale/> }.into_any())
                })
            }}
        </Suspense>
    }
}

#[component]
fn Policy(overview: PolicyOverview, flash: Flash, locale: Locale) -> impl IntoView {
    let current = overview.current.clone();
    // After an error: the typed values and their problems; otherwise the policy in force.
    let (draft, errors) = match flash.error.as_deref() {
        Some(code) => {
            let mut errors = parse_draft(&flash.typed, &current).err().unwrap_or_default();
            if code == "version" && !errors.iter().any(|e| e.field == "version") {
                errors.push(DraftError {
                    field: "version".into(),
                    problem: DraftProblem::VersionTaken,
                });
            }
            (flash.typed.clone(), errors)
        }
        None => (draft_of(&current), Vec::new()),
    };
    let notice = flash.published.clone().map(|version| {
        view! { <p class="notice" role="status" id="policy-published">{T::PolicyPublished.get(locale)} " " <strong class="mono">{version}</strong></p> }
    });
    let failed = flash.error.as_deref().map(|code| {
        let text = if code == "try_again" {
            error_text(&AppError::Conflict { code: code.into() }, locale)
        } else {
            T::PolicyFixThese.get(locale)
        };
        view! { <p class="notice notice-error" role="alert" id="policy-error">{text}</p> }
    });
    let ctx = FormCtx {
        draft: StoredValue::new(draft),
        errors: StoredValue::new(errors),
        locale,
    };
    let stages = Stage::ALL
        .into_iter()
        .map(|stage| view! { <StageFields stage ctx/> })
        .collect_view();
    let history = overview
        .history
        .iter()
        .map(|v| {
            let by = if v.published_by.is_empty() {
                T::PolicyStartup.get(locale).to_owned()
            } else {
                v.published_by.clone()
            };
            let in_force = v.in_force.then(|| view! { " " <span class="pill pill-active">{T::PolicyInForce.get(locale)}</span> });
            view! { <li><span class="mono">{v.version.clone()}</span> {in_force} <br/><span class="muted small">{v.published_at.clone()} " · " {by}</span></li> }
        })
        .collect_view();
    view! {
        <section class="page wide">
            <h1>{T::PolicyTitle.get(locale)}</h1>
            <p class="lead">{T::PolicyIntro.get(locale)}</p>
            {notice}
            {failed}
            <p>{T::PolicyInForce.get(locale)} {wording::colon(locale)} <strong class="mono" id="policy-current">{current.version.clone()}</strong></p>
            <form class="card form" method="post" action="/policy/publish" id="policy-form" novalidate>
                <Field name="version" label=T::PolicyVersionLabel.get(locale) ctx inputmode="text"/>
                {stages}
                <p class="muted small">{T::PolicyGlobal.get(locale)} {wording::colon(locale)} {T::PolicyGrace.get(locale)} " " {current.grace_days}
                    " · " {T::PolicyTolerance.get(locale)} " " {current.missed_tolerance}</p>
                <button type="submit" class="button primary" id="policy-publish">{T::PolicyPublish.get(locale)}</button>
            </form>
            <section class="card" aria-labelledby="policy-history">
                <h2 id="policy-history">{T::PolicyHistory.get(locale)}</h2>
                <ul class="history" id="policy-versions">{history}</ul>
            </section>
        </section>
    }
}

/// The form's values and problems, shared by every field.
#[derive(Clone, Copy)]
struct FormCtx {
    draft: StoredValue<PolicyDraft>,
    errors: StoredValue<Vec<DraftError>>,
    locale: Locale,
}

impl FormCtx {
    fn value(&self, name: &str) -> String {
        self.draft.with_value(|d| d.get(name).cloned().unwrap_or_default())
    }

    fn ticked(&self, name: &str) -> bool {
        self.draft.with_value(|d| d.contains_key(name))
    }

    fn messages(&self, name: &str) -> Vec<String> {
        self.errors.with_value(|errors| {
            errors
                .iter()
                .filter(|e| e.field == name)
                .map(|e| wording::policy_draft_error(&e.problem, self.locale))
                .collect()
        })
    }
}

fn dom_id(name: &str) -> String {
    format!("policy-{}", name.replace('.', "-"))
}

#[component]
fn FieldMessages(name: String, ctx: FormCtx) -> impl IntoView {
    let messages = ctx
        .messages(&name)
        .into_iter()
        .map(|m| view! { <p class="field-error">{m}</p> })
        .collect_view();
    view! { <div class="field-errors" id=format!("err-{}", dom_id(&name))>{messages}</div> }
}

#[component]
fn Field(
    #[prop(into)] name: String,
    label: &'static str,
    ctx: FormCtx,
    #[prop(default = "numeric")] inputmode: &'static str,
) -> impl IntoView {
    let id = dom_id(&name);
    let invalid = (!ctx.messages(&name).is_empty()).to_string();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() name=name.clone() inputmode=inputmode autocomplete="off" value=ctx.value(&name)
                aria-invalid=invalid aria-describedby=format!("err-{id}")/>
            <FieldMessages name ctx/>
        </div>
    }
}

#[component]
fn Check(#[prop(into)] name: String, label: &'static str, ctx: FormCtx) -> impl IntoView {
    view! {
        <label class="choice">
            <input type="checkbox" name=name.clone() id=dom_id(&name) checked=ctx.ticked(&name)/>
            {label}
        </label>
    }
}

#[component]
fn StageFields(stage: Stage, ctx: FormCtx) -> impl IntoView {
    let locale = ctx.locale;
    let f = move |name: &str| field(stage, name);
    let frequencies = Frequency::ALL
        .into_iter()
        .map(|freq| view! { <Check name=f(freq.code()) label=wording::frequency(freq, locale) ctx/> })
        .collect_view();
    view! {
        <fieldset class="plain policy-stage" id=format!("policy-{}", stage.code())>
            <legend><h2>{stage_label(Some(stage), locale)}</h2></legend>
            <h3>{T::PolicyLimits.get(locale)}</h3>
            <div class="filter-grid">
                <Field name=f("max_installments") label=T::PolicyMaxInstallments.get(locale) ctx/>
                <Field name=f("max_term_days") label=T::PolicyMaxTermDays.get(locale) ctx/>
                <Field name=f(AMOUNT_FIELDS[0]) label=T::PolicyMinInstallment.get(locale) ctx inputmode="decimal"/>
                <Field name=f(AMOUNT_FIELDS[1]) label=T::PolicyMinDown.get(locale) ctx inputmode="decimal"/>
                <Field name=f("min_down_payment_percent") label=T::PolicyMinDownPercent.get(locale) ctx/>
                <Field name=f("first_payment_earliest_days") label=T::PolicyEarliest.get(locale) ctx/>
                <Field name=f("first_payment_latest_days") label=T::PolicyLatest.get(locale) ctx/>
            </div>
            <fieldset class="plain">
                <legend class="policy-legend">{T::PolicyAllowed.get(locale)}</legend>
                <div class="choices">{frequencies}</div>
                <FieldMessages name=f("frequencies") ctx/>
            </fieldset>
            <div class="choices"><Check name=f(CHECK_FIELDS[0]) label=T::PolicySmallerFinal.get(locale) ctx/></div>
            <h3>{T::PolicyAuto.get(locale)}</h3>
            <div class="filter-grid">
                <Field name=f("auto_max_installments") label=T::PolicyMaxInstallments.get(locale) ctx/>
                <Field name=f("auto_max_term_days") label=T::PolicyMaxTermDays.get(locale) ctx/>
                <Field name=f("auto_min_down_payment_percent") label=T::PolicyMinDownPercent.get(locale) ctx/>
            </div>
            <div class="choices"><Check name=f(CHECK_FIELDS[1]) label=T::PolicyReviewHardship.get(locale) ctx/></div>
        </fieldset>
    }
}
