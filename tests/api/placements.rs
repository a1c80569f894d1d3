//! Placing accounts, one at a time and in batches: created once, updated on change, refused with every problem listed.

use super::*;

#[tokio::test]
async fn a_placed_account_is_created_once_updated_on_change_and_its_borrower_can_use_first_access() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-sync", "accounts:write");
    let path = "/api/v1/accounts/CL-2026-000901";
    let created = put(&app, &key, path, &placement(500_000, "13900000009")).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.content_type, "application/json");
    let body = created.json();
    assert_eq!(body["outcome"], "created");
    assert_eq!(body["external_ref"], "CL-2026-000901");
    assert_eq!(body["total_minor"], 515_000);
    assert_eq!(body["borrower"]["phone"], "13900000009");

    let replay = put(&app, &key, path, &placement(500_000, "13900000009")).await;
    assert_eq!(replay.status, 200, "{}", replay.text);
    assert_eq!(replay.json()["outcome"], "unchanged");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference = 'CL-2026-000901'").await,
        1
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM users WHERE phone = '13900000009'").await,
        1
    );

    let updated = put(&app, &key, path, &placement(450_000, "13900000009")).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json()["outcome"], "updated");
    assert_eq!(
        scalar(
            &app,
            "SELECT principal_minor FROM accounts WHERE reference = 'CL-2026-000901'"
        )
        .await,
        450_000
    );
    let placed = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('account.placed', 'account.updated') \
         AND actor_role = 'api_key' AND actor_name = 'jinhai-sync'",
    )
    .await;
    assert_eq!(
        placed, 2,
        "the creation and the update are audited, the unchanged replay is not"
    );

    // The placed borrower has no password yet: first access with the lender's reference works.
    let proved = bare_client()
        .post(app.url("/auth/first-access"))
        .form(&[
            ("reference", "CL-2026-000901"),
            ("date_of_birth", "1985-07-09"),
            ("phone_last4", "0009"),
        ])
        .send()
        .await
        .expect("first access");
    assert_eq!(proved.status(), 303);
    assert_eq!(tests::location(&proved), "/first-access/password");
}

#[tokio::test]
async fn every_problem_of_a_placement_is_listed_at_once_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-sync", "accounts:write");
    let before = count_accounts(&app).await;
    let everything_wrong = json!({
        "lender_name": "  ",
        "currency": "XYZ",
        "principal_minor": -5,
        "interest_minor": 1_000_000_000_000_000i64,
        "fees_minor": 0,
        "oldest_unpaid_due": "2026-13-01",
        "as_of": "2027-01-01",
        "borrower": { "full_name": "", "phone": "12-34", "date_of_birth": "1850-01-01", "email": "nope" }
    });
    let answer = put(&app, &key, "/api/v1/accounts/cl-lower", &everything_wrong).await;
    let refused = problem(&answer, 422);
    assert_eq!(
        faults(&refused),
        pairs(&[
            ("external_ref", "reference_invalid"),
            ("lender_name", "text_invalid"),
            ("currency", "currency_unknown"),
            ("principal_minor", "amount_negative"),
            ("interest_minor", "amount_too_large"),
            ("as_of", "date_in_future"),
            ("oldest_unpaid_due", "date_invalid"),
            ("borrower.full_name", "text_invalid"),
            ("borrower.phone", "phone_invalid"),
            ("borrower.date_of_birth", "date_of_birth_invalid"),
            ("borrower.email", "email_invalid"),
        ])
    );
    assert_eq!(refused["type"], "/api/v1/docs#problem-validation");

    let mut nothing_owed = placement(0, "13900000010");
    nothing_owed["interest_minor"] = json!(0);
    nothing_owed["fees_minor"] = json!(0);
    nothing_owed["oldest_unpaid_due"] = json!("2026-12-01");
    let answer = put(&app, &key, "/api/v1/accounts/CL-2026-000902", &nothing_owed).await;
    assert_faults(
        &answer,
        422,
        &[
            ("principal_minor", "balance_zero"),
            ("oldest_unpaid_due", "due_after_as_of"),
        ],
    );
    assert_eq!(count_accounts(&app).await, before);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM users WHERE phone = '13900000010'").await,
        0
    );
}

#[tokio::test]
async fn placements_that_contradict_stored_people_or_currency_are_conflicts() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-sync", "accounts:write");
    let li_wei = |phone: &str, dob: &str, email: &str| {
        let mut body = placement(300_000, phone);
        body["borrower"] = json!({ "full_name": "李伟 Li Wei", "phone": phone, "date_of_birth": dob, "email": email });
        body
    };
    // Same phone and date of birth: the new account joins the known borrower.
    let joined = put(
        &app,
        &key,
        "/api/v1/accounts/NEW-0001",
        &li_wei("13800000001", "1988-03-14", "li.wei@example.cn"),
    )
    .await;
    assert_eq!(joined.status, 201, "{}", joined.text);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(DISTINCT borrower_id) FROM accounts WHERE reference IN ('NEW-0001', 'CL-2026-000101')"
        )
        .await,
        1
    );
    let cases = [
        (
            "NEW-0002",
            li_wei("13800000002", "2000-01-01", ""),
            "borrower.date_of_birth",
            "borrower_mismatch",
        ),
        (
            "NEW-0003",
            placement(300_000, "13900000011"),
            "currency",
            "currency_change",
        ),
        (
            "NEW-0004",
            li_wei("13900000012", "1988-03-14", "li.wei@example.cn"),
            "borrower.email",
            "email_taken",
        ),
        (
            "CL-2026-000301",
            li_wei("13800000001", "1990-05-17", ""),
            "borrower.phone",
            "phone_taken",
        ),
    ];
    for (reference, mut body, field, code) in cases {
        if code == "currency_change" {
            // Placed in CNY first, then sent again in USD.
            let first = put(&app, &key, &format!("/api/v1/accounts/{reference}"), &body).await;
            assert_eq!(first.status, 201, "{}", first.text);
            body["currency"] = json!("USD");
        }
        let before = count_accounts(&app).await;
        let answer = put(&app, &key, &format!("/api/v1/accounts/{reference}"), &body).await;
        let conflict = problem(&answer, 409);
        assert_eq!(faults(&conflict), pairs(&[(field, code)]), "{reference}");
        assert_eq!(count_accounts(&app).await, before, "{reference}");
    }
    assert_eq!(
        text(&app, "SELECT phone FROM users WHERE full_name = '陈杰 Chen Jie'")
            .await
            .as_deref(),
        Some("13800000003"),
        "a refused update leaves the borrower as it was"
    );
}

/// The outcome of each item of a batch answer, in order.
fn outcomes(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn a_batch_applies_good_items_and_reports_each_refused_one_by_index(app: TestApp) {
    let key = create_key(&app, "jinhai-sync", "accounts:write");
    let mut bad = placement(100_000, "13900000021");
    bad["currency"] = json!("GBP");
    let batch = json!({ "items": [
        { "external_ref": "BATCH-0001", "account": placement(100_000, "13900000020") },
        { "external_ref": "BATCH-0002", "account": bad },
        { "external_ref": "BATCH-0001", "account": placement(100_000, "13900000020") },
        { "external_ref": "BATCH-0003", "account": placement(200_000, "13900000020") },
    ]});
    let answer = call(&app, Method::POST, "/api/v1/accounts:batch", &key, &batch).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert_eq!(outcomes(&body), ["created", "refused", "refused", "created"]);
    assert_eq!(
        faults(&body["results"][1]),
        pairs(&[("account.currency", "currency_unknown")])
    );
    assert_eq!(
        faults(&body["results"][2]),
        pairs(&[("external_ref", "reference_repeated")])
    );
    assert_eq!((body["created"].clone(), body["refused"].clone()), (json!(2), json!(2)));
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference LIKE 'BATCH-%'").await,
        2
    );

    let again = call(&app, Method::POST, "/api/v1/accounts:batch", &key, &batch)
        .await
        .json();
    assert_eq!(outcomes(&again), ["unchanged", "refused", "refused", "unchanged"]);

    let item = json!({ "external_ref": "BATCH-9999", "account": placement(100_000, "13900000029") });
    let too_many = json!({ "items": vec![item; 1_001] });
    let answer = call(&app, Method::POST, "/api/v1/accounts:batch", &key, &too_many).await;
    assert_faults(&answer, 422, &[("items", "batch_size")]);
    let answer = call(
        &app,
        Method::POST,
        "/api/v1/accounts:batch",
        &key,
        &json!({ "items": [] }),
    )
    .await;
    assert_faults(&answer, 422, &[("items", "batch_size")]);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference = 'BATCH-9999'").await,
        0
    );
}

on_both_backends!(
    a_batch_applies_good_items_and_reports_each_refused_one_by_index =>
    a_batch_applies_good_items_and_reports_each_refused_one_on_sqlite,
    a_batch_applies_good_items_and_reports_each_refused_one_on_postgres
);

#[test]
fn the_first_access_borrower_of_the_demo_is_what_the_placement_rules_accept() {
    // The demo's own data must pass the API's rules, or a lender could not re-send it.
    let raw: app::server::lender::placement::AccountPlacement = serde_json::from_value(json!({
        "lender_name": "Jinhai Bank", "currency": "CNY", "principal_minor": 820_000, "interest_minor": 51_000,
        "fees_minor": 12_500, "oldest_unpaid_due": "2026-09-29", "as_of": TODAY,
        "borrower": { "full_name": "陈杰 Chen Jie", "phone": FIRST_ACCESS.phone, "date_of_birth": FIRST_ACCESS.date_of_birth, "email": "chen.jie@example.cn" }
    }))
    .expect("the wire shape");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let parsed = app::server::lender::placement::Placement::parse(FIRST_ACCESS.reference, &raw, "", today);
    assert!(parsed.is_ok(), "{parsed:?}");
}
