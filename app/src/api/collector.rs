//! Server functions of the collector workspace (queue, decisions, payments, payment imports),
//! and the borrower's answer to a counter-offer.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::collector::{
    CollectorDecision, Decided, ImportReport, ImportSummary, PaymentReceipt, QueuePage, QueueQuery, ReviewContext,
};
#[cfg(feature = "ssr")]
use crate::model::Role;

#[cfg(feature = "ssr")]
use super::edge;

#[cfg(feature = "ssr")]
const STAFF: &[Role] = &[Role::Collector, Role::Supervisor];

/// Pending proposals (filtered, paged) and the at-risk and broken agreements.
#[server(endpoint = "queue/list", input = Json)]
pub async fn load_queue(query: QueueQuery) -> Result<QueuePage, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            viewer.require_role(STAFF)?;
            crate::server::services::review::queue(&state, &viewer, &query).await
        }
        .await,
    )
    .await
}

/// One proposal with the context to decide it.
#[server(endpoint = "queue/review")]
pub async fn load_review(id: i64) -> Result<ReviewContext, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let staff = viewer.require_role(STAFF)?;
            crate::server::services::review::context(&state, &viewer, staff, id).await
        }
        .await,
    )
    .await
}

/// Approve, reject or counter-offer a pending proposal; a later decision gets 409.
#[server(endpoint = "queue/decide", input = Json)]
pub async fn decide_proposal(proposal_id: i64, decision: CollectorDecision) -> Result<Decided, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let collector = viewer.require_role(STAFF)?;
            crate::server::services::review::decide(&state, &viewer, collector, proposal_id, &decision).await
        }
        .await,
    )
    .await
}

/// Records a payment against an agreement.
#[server(endpoint = "agreements/payment", input = Json)]
pub async fn record_payment(
    reference: String,
    amount: String,
    paid_on: String,
    external_ref: String,
) -> Result<PaymentReceipt, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let collector = viewer.require_role(STAFF)?;
            let input = crate::server::services::adherence::PaymentInput {
                amount: crate::server::services::adherence::PaymentAmount::Typed(&amount),
                paid_on: &paid_on,
                external_ref: &external_ref,
                source: "form",
            };
            crate::server::services::adherence::record_payment(
                &state,
                &viewer,
                crate::server::store::audit::Actor::Person(collector),
                &reference,
                &input,
            )
            .await
        }
        .await,
    )
    .await
}

/// The borrower accepts or declines a counter-offer; accepting returns the agreement reference.
#[server(endpoint = "plans/counter-offer", input = Json)]
pub async fn answer_counter_offer(proposal_id: i64, accept: bool) -> Result<Option<String>, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            let borrower = viewer.require_borrower()?;
            crate::server::services::counter_offers::answer(&state, &viewer, borrower, proposal_id, accept).await
        }
        .await,
    )
    .await
}

/// The report of one imported payment file.
#[server(endpoint = "imports/report")]
pub async fn load_import(id: i64) -> Result<ImportReport, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            viewer.require_role(STAFF)?;
            crate::server::services::payment_import::report(&state, &viewer, id).await
        }
        .await,
    )
    .await
}

/// The latest imported payment files.
#[server(endpoint = "imports/recent")]
pub async fn recent_imports() -> Result<Vec<ImportSummary>, AppError> {
    edge::finish(
        async {
            let (state, viewer) = edge::context()?;
            viewer.require_role(STAFF)?;
            crate::server::services::payment_import::recent(&state, &viewer).await
        }
        .await,
    )
    .await
}
