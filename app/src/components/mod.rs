//! Server-rendered building blocks shared by pages.

pub mod account_card;
pub mod breakdown_chart;
pub mod counter_offer;
pub mod feedback;
pub mod layout;
pub mod money;
pub mod payment_form;
pub mod plan;
