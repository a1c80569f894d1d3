//! The access rules, one per endpoint: what each caller gets, in `EVERYONE` order.

use super::Expect::{RedirectTo, Status};
use super::{probe, probe_json, rule, same_for_all, Expect, Rule};

/// The rules. Add one here for every new endpoint (the test says which are missing).
pub(crate) fn rules() -> Vec<Rule> {
    const BORROWERS_ONLY: [Expect; 5] = [Status(401), Status(200), Status(200), Status(403), Status(403)];
    // Borrower A's own account; B's answer is the same as for an id that does not exist.
    const OWN_ACCOUNT: [Expect; 5] = [Status(401), Status(200), Status(404), Status(403), Status(403)];
    const NO_ACCOUNT: [Expect; 5] = [Status(401), Status(404), Status(404), Status(403), Status(403)];
    const STAFF_ONLY: [Expect; 5] = [Status(401), Status(403), Status(403), Status(200), Status(200)];
    const STAFF_ONLY_UNKNOWN: [Expect; 5] = [Status(401), Status(403), Status(403), Status(404), Status(404)];
    const SUPERVISOR_ONLY: [Expect; 5] = [Status(401), Status(403), Status(403), Status(403), Status(200)];
    const STAFF_PAGE: [Expect; 5] = [
        RedirectTo("/sign-in"),
        Status(403),
        Status(403),
        Status(200),
        Status(200),
    ];
    const SUPERVISOR_PAGE: [Expect; 5] = [
        RedirectTo("/sign-in"),
        Status(403),
        Status(403),
        Status(403),
        Status(200),
    ];
    const UNKNOWN_FOR_ALL: [Expect; 5] = [Status(401), Status(404), Status(404), Status(404), Status(404)];
    const OWN_ACCOUNT_PAGE: [Expect; 5] = [
        RedirectTo("/sign-in"),
        Status(200),
        Status(404),
        Status(403),
        Status(403),
    ];
    const UNKNOWN_PAGE: [Expect; 5] = [
        RedirectTo("/sign-in"),
        Status(404),
        Status(404),
        Status(404),
        Status(404),
    ];
    vec![
        // Handlers.
        rule(
            "GET",
            "/healthz",
            vec![probe("/healthz", &[], same_for_all(Status(200)))],
        ),
        rule("GET", "/readyz", vec![probe("/readyz", &[], same_for_all(Status(200)))]),
        rule(
            "POST",
            "/auth/sign-in",
            vec![probe(
                "/auth/sign-in",
                &[],
                same_for_all(RedirectTo("/sign-in?error=missing")),
            )],
        ),
        rule(
            "POST",
            "/auth/first-access",
            vec![probe(
                "/auth/first-access",
                &[],
                same_for_all(RedirectTo("/first-access?error=missing")),
            )],
        ),
        rule(
            "POST",
            "/auth/first-access/password",
            vec![probe(
                "/auth/first-access/password",
                &[
                    ("new_password", "river lantern 1990"),
                    ("confirmation", "river lantern 1990"),
                ],
                same_for_all(RedirectTo("/first-access?error=expired")),
            )],
        ),
        rule(
            "GET",
            "/lang/{code}",
            vec![
                probe("/lang/zh-CN?next=/accounts", &[], same_for_all(RedirectTo("/accounts"))),
                probe("/lang/en?next=//evil.example", &[], same_for_all(RedirectTo("/"))),
            ],
        ),
        // Signing out ends the callers' sessions: probed last (see `run`).
        rule(
            "POST",
            "/auth/sign-out",
            vec![probe(
                "/auth/sign-out",
                &[],
                same_for_all(RedirectTo("/sign-in?notice=signed_out")),
            )],
        ),
        // Server functions.
        rule(
            "POST",
            "/api/accounts/mine",
            vec![probe("/api/accounts/mine", &[], BORROWERS_ONLY)],
        ),
        rule(
            "POST",
            "/api/accounts/hardship",
            vec![
                probe(
                    "/api/accounts/hardship",
                    &[("account_id", "1"), ("reason", "illness"), ("note", "")],
                    [Status(401), Status(200), Status(404), Status(403), Status(403)],
                ),
                probe(
                    "/api/accounts/hardship",
                    &[("account_id", "999"), ("reason", "illness"), ("note", "")],
                    [Status(401), Status(404), Status(404), Status(403), Status(403)],
                ),
            ],
        ),
        rule(
            "POST",
            "/api/audit/recent",
            vec![probe(
                "/api/audit/recent",
                &[("limit", "5")],
                [Status(401), Status(403), Status(403), Status(403), Status(200)],
            )],
        ),
        rule(
            "POST",
            "/api/accounts/detail",
            vec![
                probe("/api/accounts/detail", &[("account_id", "1")], OWN_ACCOUNT),
                probe("/api/accounts/detail", &[("account_id", "999")], NO_ACCOUNT),
            ],
        ),
        rule(
            "POST",
            "/api/plans/context",
            vec![
                probe("/api/plans/context", &[("account_id", "1")], OWN_ACCOUNT),
                probe("/api/plans/context", &[("account_id", "999")], NO_ACCOUNT),
            ],
        ),
        rule(
            "POST",
            "/api/plans/submit",
            vec![probe_json(
                "/api/plans/submit",
                r#"{"account_id":1,"idempotency_key":"key-matrix-0001","proposal":{"installments":"3","frequency":"monthly","first_payment_date":"2026-12-05"}}"#,
                OWN_ACCOUNT,
            )],
        ),
        rule(
            "POST",
            "/api/plans/proposal",
            vec![probe("/api/plans/proposal", &[("id", "999")], UNKNOWN_FOR_ALL)],
        ),
        rule(
            "POST",
            "/api/plans/agreement",
            vec![probe(
                "/api/plans/agreement",
                &[("reference", "AG-20261201-NOPE22")],
                UNKNOWN_FOR_ALL,
            )],
        ),
        rule(
            "POST",
            "/plans/submit",
            vec![probe(
                "/plans/submit",
                &[
                    ("account_id", "2"),
                    ("idempotency_key", "key-matrix-form1"),
                    ("installments", "3"),
                    ("frequency", "monthly"),
                    ("first_payment_date", "2026-12-05"),
                ],
                [
                    RedirectTo("/sign-in?error=expired"),
                    RedirectTo("/agreements/"),
                    Status(404),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "POST",
            "/plans/preview",
            vec![probe(
                "/plans/preview",
                &[("account_id", "1"), ("installments", "3"), ("frequency", "monthly")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(200),
                    Status(404),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "POST",
            "/api/plans/mine",
            vec![probe("/api/plans/mine", &[], BORROWERS_ONLY)],
        ),
        rule(
            "POST",
            "/api/queue/list",
            vec![probe_json(
                "/api/queue/list",
                r#"{"query":{"stage":"","min_amount":"","max_amount":"","min_age":"","flagged":"","sort":"","page":""}}"#,
                STAFF_ONLY,
            )],
        ),
        rule(
            "POST",
            "/api/queue/review",
            vec![probe("/api/queue/review", &[("id", "999")], STAFF_ONLY_UNKNOWN)],
        ),
        rule(
            "POST",
            "/api/queue/decide",
            vec![probe_json(
                "/api/queue/decide",
                r#"{"proposal_id":999,"decision":"Approve"}"#,
                STAFF_ONLY_UNKNOWN,
            )],
        ),
        rule(
            "POST",
            "/api/agreements/payment",
            vec![probe_json(
                "/api/agreements/payment",
                r#"{"reference":"AG-20261201-NOPE22","amount":"1","paid_on":"2026-12-01","external_ref":""}"#,
                STAFF_ONLY_UNKNOWN,
            )],
        ),
        rule(
            "POST",
            "/api/plans/counter-offer",
            vec![probe_json(
                "/api/plans/counter-offer",
                r#"{"proposal_id":999,"accept":true}"#,
                [Status(401), Status(404), Status(404), Status(403), Status(403)],
            )],
        ),
        rule(
            "GET",
            "/queue",
            vec![probe(
                "/queue",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(403),
                    Status(403),
                    Status(200),
                    Status(200),
                ],
            )],
        ),
        rule(
            "GET",
            "/queue/{id}",
            vec![probe(
                "/queue/999",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(403),
                    Status(403),
                    Status(404),
                    Status(404),
                ],
            )],
        ),
        rule(
            "POST",
            "/queue/{id}/decide",
            vec![probe(
                "/queue/999/decide",
                &[("decision", "approve")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(403),
                    Status(403),
                    Status(404),
                    Status(404),
                ],
            )],
        ),
        rule(
            "POST",
            "/proposals/{id}/counter-offer",
            vec![probe(
                "/proposals/999/counter-offer",
                &[("response", "accept")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(404),
                    Status(404),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "POST",
            "/agreements/{reference}/payments",
            vec![probe(
                "/agreements/AG-20261201-NOPE22/payments",
                &[("amount", "1"), ("paid_on", "2026-12-01")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(403),
                    Status(403),
                    Status(404),
                    Status(404),
                ],
            )],
        ),
        rule(
            "GET",
            "/plans",
            vec![probe(
                "/plans",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(200),
                    Status(200),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "GET",
            "/accounts/{id}",
            vec![probe("/accounts/1", &[], OWN_ACCOUNT_PAGE)],
        ),
        rule(
            "GET",
            "/accounts/{id}/plan",
            vec![probe("/accounts/1/plan", &[], OWN_ACCOUNT_PAGE)],
        ),
        rule(
            "GET",
            "/proposals/{id}",
            vec![probe("/proposals/999", &[], UNKNOWN_PAGE)],
        ),
        rule(
            "GET",
            "/agreements/{reference}",
            vec![probe("/agreements/AG-20261201-NOPE22", &[], UNKNOWN_PAGE)],
        ),
        // The lender API: API keys are the only way in, so every session is as good as none
        // (the API's own tests cover keys); its description is public.
        rule(
            "GET",
            "/api/v1/openapi.json",
            vec![probe("/api/v1/openapi.json", &[], same_for_all(Status(200)))],
        ),
        rule(
            "GET",
            "/api/v1/docs",
            vec![probe("/api/v1/docs", &[], same_for_all(Status(200)))],
        ),
        rule(
            "PUT",
            "/api/v1/accounts/{external_ref}",
            vec![probe_json(
                "/api/v1/accounts/CL-2026-000101",
                r#"{"lender_name":"x"}"#,
                same_for_all(Status(401)),
            )],
        ),
        rule(
            "POST",
            "/api/v1/accounts:batch",
            vec![probe_json(
                "/api/v1/accounts:batch",
                r#"{"items":[]}"#,
                same_for_all(Status(401)),
            )],
        ),
        rule(
            "POST",
            "/api/v1/payments",
            vec![probe_json("/api/v1/payments", "{}", same_for_all(Status(401)))],
        ),
        rule(
            "GET",
            "/api/v1/proposals",
            vec![probe("/api/v1/proposals", &[], same_for_all(Status(401)))],
        ),
        rule(
            "GET",
            "/api/v1/agreements",
            vec![probe("/api/v1/agreements", &[], same_for_all(Status(401)))],
        ),
        rule(
            "GET",
            "/api/v1/{*rest}",
            vec![probe("/api/v1/accounts", &[], same_for_all(Status(404)))],
        ),
        // Payment files, exports, audit search and policy (collector workspace, supervisors).
        rule(
            "POST",
            "/payments/import",
            vec![probe(
                "/payments/import",
                &[],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(403),
                    Status(403),
                    RedirectTo("/payments/import?error=file_missing"),
                    RedirectTo("/payments/import?error=file_missing"),
                ],
            )],
        ),
        rule(
            "GET",
            "/exports/{name}",
            vec![
                probe(
                    "/exports/agreements.csv",
                    &[],
                    [
                        RedirectTo("/sign-in?error=expired"),
                        Status(403),
                        Status(403),
                        Status(200),
                        Status(200),
                    ],
                ),
                probe(
                    "/exports/passwords.csv",
                    &[],
                    [
                        RedirectTo("/sign-in?error=expired"),
                        Status(403),
                        Status(403),
                        Status(404),
                        Status(404),
                    ],
                ),
            ],
        ),
        rule(
            "POST",
            "/policy/publish",
            vec![probe(
                "/policy/publish",
                &[("version", "matrix-1")],
                [
                    RedirectTo("/sign-in?error=expired"),
                    Status(403),
                    Status(403),
                    Status(403),
                    RedirectTo("/policy?error=invalid"),
                ],
            )],
        ),
        rule(
            "POST",
            "/api/imports/report",
            vec![probe("/api/imports/report", &[("id", "999")], STAFF_ONLY_UNKNOWN)],
        ),
        rule(
            "POST",
            "/api/imports/recent",
            vec![probe("/api/imports/recent", &[], STAFF_ONLY)],
        ),
        rule(
            "POST",
            "/api/audit/search",
            vec![probe_json("/api/audit/search", r#"{"query":{}}"#, SUPERVISOR_ONLY)],
        ),
        rule(
            "POST",
            "/api/policy/overview",
            vec![probe("/api/policy/overview", &[], SUPERVISOR_ONLY)],
        ),
        rule(
            "POST",
            "/api/policy/publish",
            vec![probe_json(
                "/api/policy/publish",
                r#"{"draft":{"version":"matrix-2"}}"#,
                [Status(401), Status(403), Status(403), Status(403), Status(422)],
            )],
        ),
        rule(
            "GET",
            "/payments/import",
            vec![probe("/payments/import", &[], STAFF_PAGE)],
        ),
        rule(
            "GET",
            "/payments/imports/{id}",
            vec![probe(
                "/payments/imports/999",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(403),
                    Status(403),
                    Status(404),
                    Status(404),
                ],
            )],
        ),
        rule("GET", "/audit", vec![probe("/audit", &[], SUPERVISOR_PAGE)]),
        rule("GET", "/policy", vec![probe("/policy", &[], SUPERVISOR_PAGE)]),
        // Pages.
        rule(
            "GET",
            "/",
            vec![probe(
                "/",
                &[],
                [
                    RedirectTo("/sign-in"),
                    RedirectTo("/accounts"),
                    RedirectTo("/accounts"),
                    RedirectTo("/queue"),
                    RedirectTo("/queue"),
                ],
            )],
        ),
        rule(
            "GET",
            "/sign-in",
            vec![probe("/sign-in", &[], same_for_all(Status(200)))],
        ),
        rule(
            "GET",
            "/accounts",
            vec![probe(
                "/accounts",
                &[],
                [
                    RedirectTo("/sign-in"),
                    Status(200),
                    Status(200),
                    Status(403),
                    Status(403),
                ],
            )],
        ),
        rule(
            "GET",
            "/first-access",
            vec![probe("/first-access", &[], same_for_all(Status(200)))],
        ),
        rule(
            "GET",
            "/first-access/password",
            vec![probe("/first-access/password", &[], same_for_all(Status(200)))],
        ),
    ]
}
