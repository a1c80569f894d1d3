//! Identity: password hashing and database-backed sessions.

pub mod password;
pub mod session;
