//! Payments through the API and the CSV import: recorded once, replays answered alike.

use super::*;

#[tokio::test]
async fn a_payment_is_recorded_once_and_a_replay_answers_exactly_the_first_reply() {
    let app = TestApp::spawn().await;
    let key = create_key(&app, "jinhai-payments", "payments:write");
    let reference = agreement(&app, LI_WEI_ACCOUNT, "6", "2026-12-10").await;
    let first = pay(&app, &key, &payment("PAY-0001", &reference, 100_000)).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let body = first.json();
    assert_eq!(body["agreement_reference"], reference.as_str());
    assert_eq!(body["applied"], json!([{ "installment": 1, "amount_minor": 100_000 }]));
    assert_eq!(body["agreement_status"], "active");
    let replay = pay(&app, &key, &payment("PAY-0001", &reference, 100_000)).await;
    assert_eq!((replay.status, replay.text.as_str()), (201, first.text.as_str()));
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(paid_in_total(&app).await, 100_000);

    let reused = pay(&app, &key, &payment("PAY-0001", &reference, 200_000)).await;
    assert_faults(&reused, 409, &[("payment_reference", "reference_reused")]);

    let everything_wrong = json!({
        "payment_reference": " ", "agreement_reference": "", "amount_minor": 0, "currency": "XYZ", "paid_on": "2026-12-02"
    });
    let answer = pay(&app, &key, &everything_wrong).await;
    assert_faults(
        &answer,
        422,
        &[
            ("payment_reference", "reference_invalid"),
            ("agreement_reference", "required"),
            ("amount_minor", "amount_invalid"),
            ("currency", "currency_unknown"),
            ("paid_on", "date_in_future"),
        ],
    );
    let unknown = pay(&app, &key, &payment("PAY-0002", "AG-20261201-NOPE22", 1)).await;
    assert_faults(&unknown, 422, &[("agreement_reference", "agreement_unknown")]);
    let mut dollars = payment("PAY-0002", &reference, 1_000);
    dollars["currency"] = json!("USD");
    let answer = pay(&app, &key, &dollars).await;
    assert_faults(&answer, 422, &[("currency", "currency_mismatch")]);
    let too_much = pay(&app, &key, &payment("PAY-0002", &reference, 99_999_999)).await;
    assert_faults(&too_much, 422, &[("amount_minor", "payment_exceeds_remaining")]);
    let mut long_ago = payment("PAY-0002", &reference, 1_000);
    long_ago["paid_on"] = json!("2000-01-01");
    let answer = pay(&app, &key, &long_ago).await;
    assert_faults(&answer, 422, &[("paid_on", "paid_on_before_agreement")]);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM payments").await,
        1,
        "refusals record nothing"
    );

    // A refusal is not stored: the corrected payment may reuse its reference.
    let rest = 1_301_450 - 100_000;
    let settled = pay(&app, &key, &payment("PAY-0002", &reference, rest)).await;
    assert_eq!(settled.status, 201, "{}", settled.text);
    assert_eq!(settled.json()["agreement_status"], "completed");
    let after = pay(&app, &key, &payment("PAY-0003", &reference, 1)).await;
    assert_faults(&after, 409, &[("agreement_reference", "agreement_not_active")]);
    let audited = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'payment.recorded' AND actor_role = 'api_key' \
         AND actor_name = 'jinhai-payments'",
    )
    .await;
    assert_eq!(audited, 2);
}

/// Many copies of one payment and one placement at once: one effect, every caller the same answer.
async fn concurrent_replays_have_one_effect(app: TestApp) {
    let key = create_key(&app, "jinhai-sync", ALL_SCOPES);
    let reference = agreement(&app, LI_WEI_ACCOUNT, "6", "2026-12-10").await;
    let body = payment("PAY-RACE-1", &reference, 50_000);
    let attempts = (0..12).map(|_| pay(&app, &key, &body));
    let answers = futures::future::join_all(attempts).await;
    for answer in &answers {
        assert_eq!((answer.status, answer.text.as_str()), (201, answers[0].text.as_str()));
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(paid_in_total(&app).await, 50_000);

    let account = placement(800_000, "13900000050");
    let puts = (0..8).map(|_| call(&app, Method::PUT, "/api/v1/accounts/RACE-0001", &key, &account));
    let answers = futures::future::join_all(puts).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(created, 1, "{:?}", answers.iter().map(|a| &a.text).collect::<Vec<_>>());
    for answer in &answers {
        let unchanged = answer.json()["outcome"] == "unchanged";
        assert!(answer.status == 201 || unchanged, "{} {}", answer.status, answer.text);
    }
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference = 'RACE-0001'").await,
        1
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM users WHERE phone = '13900000050'").await,
        1
    );
}

on_both_backends!(
    concurrent_replays_have_one_effect =>
    concurrent_replays_of_a_payment_and_a_placement_have_one_effect_on_sqlite,
    concurrent_replays_of_a_payment_and_a_placement_have_one_effect_on_postgres
);

#[tokio::test]
async fn the_csv_import_applies_good_rows_reports_every_refused_one_and_exits_non_zero() {
    let app = TestApp::spawn().await;
    let file = scratch_dir("import").join("placement.csv");
    let csv = "\
external_ref,lender_name,currency,principal_minor,interest_minor,fees_minor,oldest_unpaid_due,as_of,borrower_full_name,borrower_phone,borrower_date_of_birth,borrower_email
CSV-0001,Jinhai Bank,CNY,400000,2000,500,2026-09-30,2026-11-30,\"周强, Zhou Qiang\",13900000070,1979-02-03,
CSV-0002,Jinhai Bank,GBP,abc,2000,500,2026-09-30,2026-11-30,吴芳 Wu Fang,12-34,1979-02-03,wu@example.cn
CSV-0001,Jinhai Bank,CNY,400000,2000,500,2026-09-30,2026-11-30,周强 Zhou Qiang,13900000070,1979-02-03,
CL-2026-000101,Huaxia Consumer Finance,CNY,1100000,86450,15000,2026-11-19,2026-11-30,李伟 Li Wei,13800000001,1988-03-14,li.wei@example.cn
CSV-0003,Jinhai Bank,CNY,1
";
    std::fs::write(&file, csv).expect("write the file");
    let path = file.to_string_lossy().into_owned();
    let args = [
        "import",
        "accounts",
        path.as_str(),
        "--database-url",
        &app.database_url,
        "--today",
        TODAY,
    ];
    let (ok, stdout, stderr) = run_server_command(&args, "");
    assert!(!ok, "a refused row makes the command fail");
    assert!(stderr.contains("3 of 5 rows were refused"), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("row 2\tCSV-0001\tcreated"), "{stdout}");
    assert!(lines[1].starts_with("row 3\tCSV-0002\trefused\t"), "{stdout}");
    for reason in [
        "currency (currency_unknown)",
        "principal_minor (integer_invalid)",
        "borrower_phone (phone_invalid)",
    ] {
        assert!(lines[1].contains(reason), "{reason} in {}", lines[1]);
    }
    assert!(
        lines[2].starts_with("row 4\tCSV-0001\trefused\texternal_ref (reference_repeated)"),
        "{stdout}"
    );
    assert!(lines[3].starts_with("row 5\tCL-2026-000101\tupdated"), "{stdout}");
    assert!(
        lines[4].starts_with("row 6\t-\trefused\trow (row_unreadable)"),
        "{stdout}"
    );
    assert_eq!(
        text(&app, "SELECT full_name FROM users WHERE phone = '13900000070'")
            .await
            .as_deref(),
        Some("周强, Zhou Qiang")
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT principal_minor FROM accounts WHERE reference = 'CL-2026-000101'"
        )
        .await,
        1_100_000
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE reference LIKE 'CSV-%'").await,
        1
    );
    let by_operator = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE actor_role = 'operator' AND actor_name LIKE 'import accounts %' \
         AND action IN ('account.placed', 'account.updated')",
    )
    .await;
    assert_eq!(by_operator, 2);

    // Running it again changes nothing more: the good rows are unchanged now.
    let (_, again, _) = run_server_command(&args, "");
    assert!(
        again.lines().next().unwrap_or_default().ends_with("unchanged"),
        "{again}"
    );

    let missing_column = scratch_dir("import").join("short.csv");
    std::fs::write(&missing_column, "external_ref,currency\nX,CNY\n").expect("write");
    let short = missing_column.to_string_lossy().into_owned();
    let (ok, _, stderr) = run_server_command(&["import", "accounts", &short, "--database-url", &app.database_url], "");
    assert!(!ok && stderr.contains("lacks the column"), "{stderr}");
}

/// More payments to one agreement at once than the server has pooled connections: each one
/// holding a connection and the agreement's row lock finishes without waiting for a second
/// connection, so none stalls behind the others (they used to wait out the pool's timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_concurrent_payments_than_pooled_connections_all_succeed_on_postgres() {
    let Some(url) = fresh_database(Backend::Postgres).await else {
        return;
    };
    // Four connections: two pooled for writes, two for the hot reads.
    let app = TestApp::spawn_with(&url, &["--db-connections", "4"]).await;
    let key = create_key(&app, "jinhai-crowd", "payments:write");
    let reference = agreement(&app, LI_WEI_ACCOUNT, "6", "2026-12-10").await;
    let bodies: Vec<Value> = (1..=12)
        .map(|n| payment(&format!("PAY-CROWD-{n}"), &reference, 1_000))
        .collect();
    let started = std::time::Instant::now();
    let answers = futures::future::join_all(bodies.iter().map(|body| pay(&app, &key, body))).await;
    for answer in &answers {
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "twelve payments took {:?}",
        started.elapsed()
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payments").await, 12);
    assert_eq!(paid_in_total(&app).await, 12_000);
}
