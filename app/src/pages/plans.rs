//! Plans and agreements across all of the borrower's accounts, newest first per account.

use leptos::prelude::*;

use crate::api::load_my_plans;
use crate::components::feedback::answer_view;
use crate::components::layout::use_locale;
use crate::i18n::T;
use crate::pages::account::HistoryRow;

#[component]
pub fn PlansPage() -> impl IntoView {
    let locale = use_locale();
    let data = Resource::new_blocking(|| (), |_| load_my_plans());
    view! {
        <section class="page">
            <h1>{T::MyPlansTitle.get(locale)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    answer_view(data.await, locale, |details| {
                        details
                            .into_iter()
                            .map(|d| {
                                let items = if d.history.is_empty() {
                                    view! { <p class="muted">{T::NoHistory.get(locale)}</p> }.into_any()
                                } else {
                                    let rows = d.history.into_iter().map(|item| view! { <HistoryRow item locale/> }).collect_view();
                                    view! { <ul class="history">{rows}</ul> }.into_any()
                                };
                                view! {
                                    <section class="card">
                                        <h2><a href=format!("/accounts/{}", d.account.id)>{d.account.lender_name.clone()}</a></h2>
                                        <p class="muted small mono">{d.account.reference.clone()}</p>
                                        {items}
                                    </section>
                                }
                            })
                            .collect_view()
                            .into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}
