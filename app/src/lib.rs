#![recursion_limit = "512"]

//! RepayDesk: the borrower self-service portal for overdue debt.
//!
//! - `domain`: the rulebook (money, days past due, stages, plan policy, schedules), no I/O,
//!   compiled into both the server and the browser.
//! - `i18n`: every user-facing word, in English and Simplified Chinese.
//! - `model`: what travels between server and browser.
//! - `api`: server functions, the only doors from the browser into the server.
//! - `pages`, `components`, `islands`: the UI; only islands hydrate in the browser.
//! - `server` (ssr only): database, identity, services, demo data.

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod html;
pub mod i18n;
pub mod islands;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
mod shell;
pub mod wording;

pub use shell::{shell, App};

/// Browser entry: hydrates the islands found in the server-rendered page.
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    leptos::mount::hydrate_islands();
}
