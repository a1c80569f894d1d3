//! The front door: signed-in people go straight to their work, everyone else to sign-in.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::components::layout::use_request_info;
use crate::model::Role;

#[component]
pub fn HomePage() -> impl IntoView {
    let target = match use_request_info().user.map(|u| u.role) {
        Some(Role::Borrower) => "/accounts",
        Some(Role::Collector | Role::Supervisor) => "/queue",
        None => "/sign-in",
    };
    view! { <Redirect path=target/> }
}
