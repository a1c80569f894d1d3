//! The supervisor's audit search: a plain GET form (works without JavaScript, the filters stay
//! in the address), one page of entries, and a pager. Entries are text: whatever a user typed
//! into a field that reached the trail is shown, never interpreted as markup.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::search_audit;
use crate::components::feedback::{ErrorNotice, SignInRedirect};
use crate::components::layout::use_locale;
use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::T;
use crate::model::supervisor::{AuditLine, AuditPage, AuditQuery};

fn audit_query() -> AuditQuery {
    use_query_map().with_untracked(|q| {
        let text = |name: &str| q.get(name).unwrap_or_default();
        AuditQuery {
            account: text("account"),
            actor: text("actor"),
            action: text("action"),
            from: text("from"),
            to: text("to"),
            text: text("text"),
            order: text("order"),
            page: text("page"),
        }
    })
}

#[component]
pub fn AuditPageView() -> impl IntoView {
    let locale = use_locale();
    let query = audit_query();
    let q = query.clone();
    let data = Resource::new_blocking(|| (), move |_| search_audit(q.clone()));
    view! {
        <section class="page wide">
            <h1>{T::AuditTitle.get(locale)}</h1>
            <p class="lead">{T::AuditIntro.get(locale)}</p>
            <Suspense>
                {move || {
                    let query = query.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok(page) => view! { <Filters query=query.clone() error=None locale/> <Results page query locale/> }.into_any(),
                            Err(AppError::NotSignedIn) => view! { <SignInRedirect/> }.into_any(),
                            // A filter that cannot be read: the form again, the field marked.
                            Err(AppError::Invalid { field, code }) => {
                                view! { <Filters query error=Some((field, code)) locale/> }.into_any()
                            }
                            Err(error) => view! { <ErrorNotice error locale/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Filters(query: AuditQuery, error: Option<(String, String)>, locale: Locale) -> impl IntoView {
    let message = |field: &'static str| {
        error.as_ref().filter(|(f, _)| f == field).map(|(f, code)| {
            let text = crate::components::feedback::error_text(&AppError::invalid(f, code), locale);
            view! { <p class="field-error" id=format!("err-audit-{field}")>{text}</p> }
        })
    };
    let invalid = |field: &str| error.as_ref().is_some_and(|(f, _)| f == field).to_string();
    view! {
        <form class="card filters" method="get" action="/audit" aria-label=T::AuditSearch.get(locale) id="audit-filters">
            <div class="filter-grid">
                <label>{T::AuditAccount.get(locale)}
                    <input name="account" id="audit-account" value=query.account.clone()/></label>
                <label>{T::AuditActor.get(locale)}
                    <input name="actor" id="audit-actor" value=query.actor.clone()/></label>
                <label>{T::AuditAction.get(locale)}
                    <input name="action" id="audit-action" value=query.action.clone()/></label>
                <label>{T::AuditFrom.get(locale)}
                    <input type="date" name="from" id="audit-from" value=query.from.clone() aria-invalid=invalid("from")
                        aria-describedby="err-audit-from"/>
                    {message("from")}</label>
                <label>{T::AuditTo.get(locale)}
                    <input type="date" name="to" id="audit-to" value=query.to.clone() aria-invalid=invalid("to")
                        aria-describedby="err-audit-to"/>
                    {message("to")}</label>
                <label>{T::AuditText.get(locale)}
                    <input name="text" id="audit-text" value=query.text.clone()/></label>
            </div>
            <label class="check">
                <input type="checkbox" name="order" value="oldest" id="audit-oldest" checked=query.order == "oldest"/>
                {T::AuditOldestFirst.get(locale)}
            </label>
            <p class="card-actions">
                <button type="submit" class="button primary" id="audit-search">{T::AuditSearch.get(locale)}</button>
                <a href="/audit">{T::ClearFilters.get(locale)}</a>
            </p>
        </form>
    }
}

fn subject(line: &AuditLine) -> String {
    match &line.account_reference {
        Some(reference) => reference.clone(),
        None => format!("{} {}", line.subject_kind, line.subject_id),
    }
}

#[component]
fn Results(page: AuditPage, query: AuditQuery, locale: Locale) -> impl IntoView {
    let pages = ((page.total + i64::from(page.per_page) - 1) / i64::from(page.per_page)).max(1);
    let prev = (page.page > 1).then(|| {
        view! { <a rel="prev" href=format!("/audit{}", query.with_page(page.page - 1))>"← " {T::PrevPage.get(locale)}</a> }
    });
    let next = (i64::from(page.page) < pages).then(|| {
        view! { <a rel="next" href=format!("/audit{}", query.with_page(page.page + 1))>{T::NextPage.get(locale)} " →"</a> }
    });
    if page.lines.is_empty() {
        return view! { <p class="notice" id="audit-empty">{T::AuditNone.get(locale)}</p> }.into_any();
    }
    let rows = page
        .lines
        .iter()
        .map(|line| {
            let actor = if line.actor_name.is_empty() {
                match line.actor_role.as_str() {
                    "anonymous" => T::ActorSystem.get(locale).to_owned(),
                    role => role.to_owned(),
                }
            } else {
                format!("{} ({})", line.actor_name, line.actor_role)
            };
            view! {
                <tr data-audit=line.id>
                    <td data-label=T::ColWhen.get(locale)>{line.at.clone()}</td>
                    <td data-label=T::ColActor.get(locale)>{actor}</td>
                    <td class="mono" data-label=T::ColAction.get(locale)>{line.action.clone()}</td>
                    <td class="mono" data-label=T::ColSubject.get(locale)>{subject(line)}</td>
                    <td data-label=T::ColDetail.get(locale)><code class="audit-detail">{line.detail.clone()}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted" id="audit-count">{page.total} " " {T::AuditFound.get(locale)} " · " {T::PageOf.get(locale)} " " {page.page} " / " {pages}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label=T::AuditTitle.get(locale)>
            <table class="schedule records" id="audit-table">
                <thead><tr>
                    <th scope="col">{T::ColWhen.get(locale)}</th>
                    <th scope="col">{T::ColActor.get(locale)}</th>
                    <th scope="col">{T::ColAction.get(locale)}</th>
                    <th scope="col">{T::ColSubject.get(locale)}</th>
                    <th scope="col">{T::ColDetail.get(locale)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=T::PageOf.get(locale)>{prev} " " {next}</nav>
    }
    .into_any()
}
