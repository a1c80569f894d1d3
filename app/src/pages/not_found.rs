use leptos::prelude::*;

use crate::components::layout::use_locale;
use crate::i18n::T;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let locale = use_locale();
    view! {
        <section class="page narrow">
            <h1>{T::ErrorNotFound.get(locale)}</h1>
            <p><a href="/">{T::AppName.get(locale)}</a></p>
        </section>
    }
}
