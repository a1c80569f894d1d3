//! The borrower's overview: every overdue account, its stage and what happens next.

use leptos::prelude::*;

use crate::api::my_accounts;
use crate::components::account_card::AccountCard;
use crate::components::feedback::{ErrorNotice, SignInRedirect};
use crate::components::layout::use_locale;
use crate::error::AppError;
use crate::i18n::T;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let locale = use_locale();
    let accounts = Resource::new_blocking(|| (), |_| my_accounts());
    view! {
        <section class="page">
            <h1>{T::AccountsTitle.get(locale)}</h1>
            <p class="lead">{T::AccountsIntro.get(locale)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    match accounts.await {
                        Ok(list) if list.is_empty() => view! { <p class="card">{T::NoAccounts.get(locale)}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="accounts" id="accounts">
                                {list.into_iter().map(|account| view! { <AccountCard account locale/> }).collect_view()}
                            </div>
                        }.into_any(),
                        Err(AppError::NotSignedIn) => view! { <SignInRedirect/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error locale/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
