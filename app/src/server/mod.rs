//! Server-only code: never compiled into the browser bundle.
//!
//! `db` opens and migrates storage; `store` holds the queries (one file per table family);
//! `auth` passwords and sessions; `services` the use cases the server functions and form
//! handlers call; `lender` the lender API's use cases; `demo` the demonstration data.

pub mod auth;
pub mod clock;
pub mod csv;
pub mod db;
pub mod demo;
pub mod lender;
pub mod policy_cache;
pub mod services;
pub mod state;
pub mod store;
pub mod viewer;

pub use state::AppState;
pub use viewer::Viewer;
