//! Islands: the only components that hydrate in the browser. Everything they need arrives as
//! serialisable props, because they hydrate on their own, outside the server's context.

pub mod counter_preview;
pub mod hardship;
pub mod plan_builder;
pub mod print;
