//! Identity: password hashing, database-backed sessions, and throttling of failed attempts.

pub mod password;
pub mod session;
pub mod throttle;
