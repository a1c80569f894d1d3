//! Server-rendered building blocks shared by pages.

pub mod account_card;
pub mod breakdown_chart;
pub mod feedback;
pub mod layout;
pub mod money;
pub mod plan;
