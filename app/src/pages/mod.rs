//! One file per page. Pages render on the server from server-function data.

pub mod account;
pub mod accounts;
pub mod agreement;
pub mod first_access;
pub mod home;
pub mod not_found;
pub mod plan;
pub mod plans;
pub mod proposal;
pub mod queue;
pub mod review;
pub mod sign_in;
