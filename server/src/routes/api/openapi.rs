//! The OpenAPI 3.1 document, generated from the handlers' annotations and the wire types, so it
//! cannot drift from what the server answers. The problem responses every operation can give
//! are added here once rather than on each handler.

use std::sync::OnceLock;

use app::server::lender::payments::{AppliedShare, PaymentRequest, PaymentResource};
use app::server::lender::placement::{
    AccountPlacement, AccountResource, BatchItem, BatchItemResult, BatchRequest, BatchResponse, BorrowerPlacement,
    BorrowerResource, ItemOutcome, PlacementOutcome,
};
use app::server::lender::problem::{Problem, ProblemKind};
use app::server::lender::sync::{
    AgreementPage, AgreementResource, InstallmentResource, ProposalPage, ProposalResource,
};
use app::server::lender::{FieldProblem, Scope};
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{json, Value};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "RepayDesk Lender API",
        version = "1.0.0",
        description = "Place overdue accounts, record payments, and read back the plans borrowers propose and the agreements they make. Authenticate with an API key created by `server api-key create` and sent as `Authorization: Bearer <key>`. Money is always integer minor units (fen, cents) with a currency code. Every error is `application/problem+json` (RFC 9457)."
    ),
    paths(
        super::put_account,
        super::batch_accounts,
        super::record_payment,
        super::list_proposals,
        super::list_agreements
    ),
    components(schemas(
        AccountPlacement,
        BorrowerPlacement,
        AccountResource,
        BorrowerResource,
        PlacementOutcome,
        BatchRequest,
        BatchItem,
        BatchResponse,
        BatchItemResult,
        ItemOutcome,
        PaymentRequest,
        PaymentResource,
        AppliedShare,
        ProposalPage,
        ProposalResource,
        AgreementPage,
        AgreementResource,
        InstallmentResource,
        Problem,
        FieldProblem
    )),
    tags(
        (name = "accounts", description = "Placing accounts and their borrowers (scope accounts:write)."),
        (name = "payments", description = "Payments against agreements (scope payments:write)."),
        (name = "proposals", description = "Plan proposals made by borrowers (scope proposals:read)."),
        (name = "agreements", description = "Agreements and their schedules (scope agreements:read).")
    )
)]
struct LenderApi;

fn problem_response(kind: ProblemKind, when: &str) -> Value {
    json!({
        "description": format!("{} ({}): {when}", kind.title(), kind.status()),
        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
    })
}

/// The problems every operation may answer, by whether it reads a JSON body.
fn common_problems(reads_body: bool) -> Vec<(ProblemKind, &'static str)> {
    let mut list = vec![
        (
            ProblemKind::Unauthenticated,
            "no API key, or an unknown or revoked one.",
        ),
        (ProblemKind::Forbidden, "the key lacks the scope this operation needs."),
        (
            ProblemKind::Validation,
            "every rule the request broke, each with its field.",
        ),
        (ProblemKind::Internal, "a failure on our side."),
    ];
    if reads_body {
        list.extend([
            (ProblemKind::MalformedBody, "the body is not JSON, or not UTF-8."),
            (ProblemKind::PayloadTooLarge, "the body is over this operation's limit."),
            (
                ProblemKind::UnsupportedMediaType,
                "the body is not sent as application/json.",
            ),
        ]);
    }
    list
}

/// The document as served: generated, then completed with the security scheme, the scopes and
/// the shared problem responses.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut doc = serde_json::to_value(LenderApi::openapi()).unwrap_or_default();
        let scopes: Vec<String> = Scope::ALL
            .iter()
            .map(|s| format!("`{}`: {}", s.code(), s.description()))
            .collect();
        doc["components"]["securitySchemes"] = json!({
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": format!(
                    "An API key from `server api-key create --name NAME --scopes a,b`. Scopes: {}.",
                    scopes.join("; ")
                ),
            }
        });
        if let Some(paths) = doc["paths"].as_object_mut() {
            for item in paths.values_mut() {
                let Some(operations) = item.as_object_mut() else {
                    continue;
                };
                for operation in operations.values_mut() {
                    let reads_body = operation.get("requestBody").is_some();
                    let Some(responses) = operation["responses"].as_object_mut() else {
                        continue;
                    };
                    for (kind, when) in common_problems(reads_body) {
                        responses
                            .entry(kind.status().to_string())
                            .or_insert_with(|| problem_response(kind, when));
                    }
                }
            }
        }
        doc
    })
}

/// GET /api/v1/openapi.json: public, like the reference page.
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(document()).unwrap_or_default(),
    )
}
