//! One file per page. Pages render on the server from server-function data.

pub mod account;
pub mod accounts;
pub mod agreement;
pub mod audit;
pub mod first_access;
pub mod home;
pub mod import_report;
pub mod not_found;
pub mod payment_import;
pub mod plan;
pub mod plans;
pub mod policy;
pub mod proposal;
pub mod queue;
pub mod review;
pub mod sign_in;
