//! One file per page. Pages render on the server from server-function data.

pub mod accounts;
pub mod first_access;
pub mod home;
pub mod not_found;
pub mod sign_in;
