//! Use cases: what server functions and form handlers call once the caller is known to be
//! allowed. Tests call these directly.

pub mod accounts;
pub mod adherence;
pub mod audit_search;
pub mod counter_offers;
pub mod exports;
pub mod first_access;
pub mod payment_import;
pub mod plans;
pub mod policy_admin;
pub mod review;
pub mod sign_in;
pub mod staff;
