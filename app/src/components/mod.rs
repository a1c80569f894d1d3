//! Server-rendered building blocks shared by pages.

pub mod account_card;
pub mod feedback;
pub mod layout;
pub mod money;
