//! "Print or save as PDF": shown only once hydrated, since it needs the browser.

use leptos::prelude::*;

#[island]
pub fn PrintButton(label: String) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().print();
        }
    };
    view! {
        <p class="no-print" data-hydrated=move || hydrated.get().to_string()>
            <button type="button" class="button" hidden=move || !hydrated.get() on:click=print>{label}</button>
        </p>
    }
}
