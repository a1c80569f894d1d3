//! The payment file upload: the format with an example, the limits, a plain multipart form
//! posting to `/payments/import` (no JavaScript needed), the recent files, and the CSV exports.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::recent_imports;
use crate::components::feedback::{answer_view, error_text};
use crate::components::layout::use_locale;
use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::T;
use crate::model::collector::{ImportSummary, IMPORT_COLUMNS, IMPORT_MAX_FILE_BYTES, IMPORT_MAX_ROWS};

const EXAMPLE: &str = "agreement_reference,amount,paid_on,payment_reference\n\
AG-20261201-7KQ2MX,650.72,2026-11-30,ICBC-20261130-000184\n\
AG-20261201-7KQ2MX,\"1,000.00\",2026-12-01,ICBC-20261201-000027\n";

/// A message with the file limits filled in.
pub fn with_limits(text: &str) -> String {
    text.replace("{max_rows}", &IMPORT_MAX_ROWS.to_string())
        .replace("{max_kb}", &(IMPORT_MAX_FILE_BYTES / 1024).to_string())
}

#[component]
pub fn PaymentImportPage() -> impl IntoView {
    let locale = use_locale();
    let error = use_query_map()
        .with_untracked(|q| q.get("error"))
        .map(|code| with_limits(error_text(&AppError::invalid("file", &code), locale)));
    let data = Resource::new_blocking(|| (), |_| recent_imports());
    view! {
        <Suspense>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    answer_view(data.await, locale, |recent| view! { <ImportForm recent error locale/> }.into_any())
                })
            }}
        </Suspense>
    }
}

#[component]
fn ImportForm(recent: Vec<ImportSummary>, error: Option<String>, locale: Locale) -> impl IntoView {
    let error = error.map(|text| view! { <p class="notice notice-error" role="alert" id="import-error">{text}</p> });
    let columns = [
        T::ImportColAgreement,
        T::ImportColAmount,
        T::ImportColPaidOn,
        T::ImportColReference,
    ]
    .into_iter()
    .zip(IMPORT_COLUMNS)
    .map(|(text, name)| view! { <li><code>{name}</code> " — " {text.get(locale)}</li> })
    .collect_view();
    let recent_list = if recent.is_empty() {
        view! { <p class="muted">{T::ImportNoneYet.get(locale)}</p> }.into_any()
    } else {
        let rows = recent
            .into_iter()
            .map(|r| {
                view! {
                    <tr>
                        <td><a href=format!("/payments/imports/{}", r.id)>{r.file_name.clone()}</a></td>
                        <td>{r.uploaded_at.clone()} " · " {r.uploaded_by.clone()}</td>
                        <td class="num">{r.applied} " " {T::ImportRowsApplied.get(locale)} " · " {r.refused} " " {T::ImportRowsRefused.get(locale)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=T::ImportRecent.get(locale)>
                <table class="schedule" id="recent-imports">
                    <thead><tr>
                        <th scope="col">{T::ColFile.get(locale)}</th>
                        <th scope="col">{T::ColWhen.get(locale)}</th>
                        <th scope="col" class="num">{T::ColOutcome.get(locale)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="page wide">
            <h1>{T::ImportTitle.get(locale)}</h1>
            <p class="lead">{T::ImportIntro.get(locale)}</p>
            {error}
            <form class="card" method="post" action="/payments/import" enctype="multipart/form-data" id="import-form">
                <label for="import-file">{T::ImportFileLabel.get(locale)}</label>
                <input type="file" id="import-file" name="file" accept=".csv,text/csv" required/>
                <p class="muted small">{with_limits(T::ImportLimits.get(locale))}</p>
                <button type="submit" class="button primary" id="import-upload">{T::ImportUpload.get(locale)}</button>
            </form>
            <section class="card" aria-labelledby="import-format">
                <h2 id="import-format">{T::ImportFormatTitle.get(locale)}</h2>
                <p>{T::ImportFormatText.get(locale)}</p>
                <ul>{columns}</ul>
                <h3>{T::ImportExample.get(locale)}</h3>
                <pre class="example" id="import-example" tabindex="0">{EXAMPLE}</pre>
            </section>
            <section class="card" aria-labelledby="import-recent">
                <h2 id="import-recent">{T::ImportRecent.get(locale)}</h2>
                {recent_list}
            </section>
            <section class="card" aria-labelledby="exports">
                <h2 id="exports">{T::ExportsTitle.get(locale)}</h2>
                <p class="muted small">{T::ExportsIntro.get(locale)}</p>
                <p class="card-actions">
                    <a class="button" id="export-agreements" href="/exports/agreements.csv" download>{T::ExportAgreements.get(locale)}</a>
                    <a class="button" id="export-payments" href="/exports/payments.csv" download>{T::ExportPayments.get(locale)}</a>
                </p>
            </section>
        </section>
    }
}
