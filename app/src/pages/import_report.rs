//! The report of one imported payment file: every data row with what was applied (to which
//! installments, and where the agreement stands now) or why it was refused.

use leptos::prelude::*;

use crate::api::load_import;
use crate::components::feedback::{answer_view, error_text};
use crate::components::layout::use_locale;
use crate::components::plan::agreement_status;
use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::T;
use crate::model::collector::{ImportReport, ImportRow, RowOutcome};
use crate::pages::account::id_param;
use crate::wording;

#[component]
pub fn ImportReportPage() -> impl IntoView {
    let locale = use_locale();
    let id = id_param("id");
    let data = Resource::new_blocking(|| (), move |_| load_import(id));
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                answer_view(data.await, locale, |report| view! { <Report report locale/> }.into_any())
            })}
        </Suspense>
    }
}

fn outcome_cell(row: &ImportRow, locale: Locale) -> AnyView {
    match &row.outcome {
        RowOutcome::Applied { applied, status, .. } => {
            let parts = applied
                .iter()
                .map(|(number, amount)| {
                    let which = if *number == 0 {
                        T::RowDownPayment.get(locale).to_owned()
                    } else {
                        format!("{} {number}", T::RowInstallment.get(locale))
                    };
                    view! { <li>{which} {wording::colon(locale)} {amount.format(locale)}</li> }
                })
                .collect_view();
            view! {
                <strong class="row-applied">{T::RowApplied.get(locale)}</strong>
                <ul class="plain-list">{parts}</ul>
                <span class="muted small">{T::RowStatusNow.get(locale)} {wording::colon(locale)}</span>
                <span class=format!("pill pill-{}", status.code())>{agreement_status(*status, locale)}</span>
            }
            .into_any()
        }
        RowOutcome::Refused { reason } => view! {
            <strong class="row-refused">{T::RowRefused.get(locale)}</strong>
            <p class="small">{error_text(&AppError::invalid("row", reason), locale)}</p>
        }
        .into_any(),
    }
}

#[component]
fn Report(report: ImportReport, locale: Locale) -> impl IntoView {
    let missing = (report.rows.len() < report.rows_in_file as usize)
        .then(|| view! { <p class="notice notice-warn" role="alert" id="import-missing">{T::ImportRowsMissing.get(locale)}</p> });
    let rows = report
        .rows
        .iter()
        .map(|row| {
            let class = match row.outcome {
                RowOutcome::Applied { .. } => "applied",
                RowOutcome::Refused { .. } => "refused",
            };
            view! {
                <tr class=class data-row=row.row>
                    <th scope="row">{T::ColRow.get(locale)} " " {row.row}</th>
                    <td class="mono" data-label=T::ColAgreement.get(locale)>{row.agreement_reference.clone()}</td>
                    <td class="num" data-label=T::ColAmount.get(locale)>{row.amount.clone()}</td>
                    <td data-label=T::ColPaidOn.get(locale)>{row.paid_on.clone()}</td>
                    <td class="mono" data-label=T::ColPaymentRef.get(locale)>{row.payment_reference.clone()}</td>
                    <td>{outcome_cell(row, locale)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="page wide">
            <p><a class="line-link" href="/payments/import">"← " {T::ImportAnother.get(locale)}</a></p>
            <h1>{T::ImportReportTitle.get(locale)}</h1>
            <div class="card">
                <p><strong class="mono">{report.file_name.clone()}</strong></p>
                <p class="muted small">{T::ImportUploadedBy.get(locale)} " " {report.uploaded_by.clone()} " · " {report.uploaded_at.clone()}</p>
                <p id="import-counts">
                    <strong>{report.applied()}</strong> " " {T::ImportRowsApplied.get(locale)} " · "
                    <strong>{report.refused()}</strong> " " {T::ImportRowsRefused.get(locale)}
                </p>
                {missing}
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-label=T::ImportReportTitle.get(locale)>
                <table class="schedule records" id="import-rows">
                    <thead><tr>
                        <th scope="col">{T::ColRow.get(locale)}</th>
                        <th scope="col">{T::ColAgreement.get(locale)}</th>
                        <th scope="col" class="num">{T::ColAmount.get(locale)}</th>
                        <th scope="col">{T::ColPaidOn.get(locale)}</th>
                        <th scope="col">{T::ColPaymentRef.get(locale)}</th>
                        <th scope="col">{T::ColOutcome.get(locale)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
