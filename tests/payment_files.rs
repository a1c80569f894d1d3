//! Payment files in and out of the collector workspace: an uploaded file applies every good
//! row through the same adherence rules as the payment form and reports every bad row with its
//! reason; uploading it again applies nothing twice; whole files that are too big, too long or
//! not the documented format are refused before anything is applied. Exports are proper CSV
//! that a spreadsheet cannot run.

use serde_json::Value;
use tests::workspace::{approved, pay, scalar};
use tests::{fresh_database, page_html, post_form, upload_payment_file, Backend, TestApp, BORROWER_A, COLLECTOR};

const HEADER: &str = "agreement_reference,amount,paid_on,payment_reference\n";

/// The import id from the report location the upload redirects to.
fn import_id(location: &str) -> i64 {
    location
        .strip_prefix("/payments/imports/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a report location: {location}"))
}

async fn report(client: &reqwest::Client, app: &TestApp, id: i64) -> Value {
    let (status, body) = post_form(client, app, "/api/imports/report", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// (row, outcome) for every reported row: "applied" or the refusal's reason code.
fn outcomes(report: &Value) -> Vec<(i64, String)> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let outcome = match r["outcome"].get("Refused") {
                Some(refused) => refused["reason"].as_str().unwrap_or_default().to_owned(),
                None => "applied".to_owned(),
            };
            (r["row"].as_i64().unwrap_or_default(), outcome)
        })
        .collect()
}

async fn paid(app: &TestApp) -> Vec<i64> {
    let db = tests::workspace::db(app).await;
    sqlx::query_scalar("SELECT paid_minor FROM agreement_installments ORDER BY number LIMIT 4")
        .fetch_all(&db.pool)
        .await
        .expect("paid")
}

#[tokio::test]
async fn a_payment_file_applies_every_good_row_reports_every_bad_one_and_applies_nothing_twice_on_sqlite() {
    a_payment_file_applies_every_good_row_reports_every_bad_one_and_applies_nothing_twice(TestApp::spawn().await).await;
}

#[tokio::test]
async fn a_payment_file_applies_every_good_row_reports_every_bad_one_and_applies_nothing_twice_on_postgres() {
    let Some(url) = fresh_database(Backend::Postgres).await else {
        return;
    };
    a_payment_file_applies_every_good_row_reports_every_bad_one_and_applies_nothing_twice(
        TestApp::spawn_with(&url, &[]).await,
    )
    .await;
}

async fn a_payment_file_applies_every_good_row_reports_every_bad_one_and_applies_nothing_twice(app: TestApp) {
    let (collector, reference) = approved(&app).await;
    // Recorded earlier through the form: the file's row with this reference is a duplicate.
    let (status, body) = pay(&collector, &app, &reference, "1", "BANK-PRE").await;
    assert_eq!(status, 200, "{body}");
    let r = &reference;
    let file = format!(
        "{HEADER}\
         {r},649.72,2026-12-01,BANK-0001\n\
         {r},abc,2026-12-01,BANK-0002\n\
         {r},-5,2026-12-01,BANK-0003\n\
         {r},0,2026-12-01,BANK-0004\n\
         AG-20261201-NOPE22,10,2026-12-01,BANK-0005\n\
         {r},10,2026-13-45,BANK-0006\n\
         {r},10,2026-12-31,BANK-0007\n\
         {r},\"1,000.00\",2026/12/01,BANK-0008\n\
         {r},10,2026-12-01,BANK-0001\n\
         {r},10,2026-12-01\n\
         {r},10,2026-12-01,\n\
         {r},99999,2026-12-01,BANK-0009\n\
         {r},=1+1,2026-12-01,BANK-0010\n\
         {r},5,2026-12-01,BANK-PRE\n\
         \n"
    );
    let (status, location) = upload_payment_file(&collector, &app, "bank-2026-12-01.csv", file.as_bytes()).await;
    assert_eq!(status, 303, "{location}");
    let first = report(&collector, &app, import_id(&location)).await;
    let expected: Vec<(i64, &str)> = vec![
        (2, "applied"),
        (3, "amount_invalid"),
        (4, "amount_not_positive"),
        (5, "amount_not_positive"),
        (6, "row_unknown_agreement"),
        (7, "paid_on_invalid"),
        (8, "paid_on_future"),
        (9, "applied"),
        (10, "row_duplicate_in_file"),
        (11, "row_columns"),
        (12, "row_payment_reference_missing"),
        (13, "payment_exceeds_remaining"),
        (14, "amount_invalid"),
        (15, "row_already_recorded"),
    ];
    let got = outcomes(&first);
    assert_eq!(
        got,
        expected.iter().map(|(n, o)| (*n, o.to_string())).collect::<Vec<_>>(),
        "{first}"
    );
    assert_eq!(first["rows_in_file"], 14, "every non-blank row is accounted for");
    // ¥1 + ¥649.72 fill installment 1; ¥1,000 fills installment 2 and part of 3.
    assert_eq!(paid(&app).await, vec![65_072, 65_072, 34_928, 0]);
    let row9 = &first["rows"][7]["outcome"]["Applied"];
    assert_eq!(row9["status"], "Active", "{row9}");
    let applied: Vec<(i64, i64)> = row9["applied"]
        .as_array()
        .expect("applied")
        .iter()
        .map(|pair| (pair[0].as_i64().unwrap_or(-1), pair[1]["minor"].as_i64().unwrap_or(-1)))
        .collect();
    assert_eq!(applied, vec![(2, 65_072), (3, 34_928)]);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM payments WHERE source = 'import'").await,
        2
    );

    // The same file again: the two applied rows are recognised, nothing is applied twice.
    let (status, location) = upload_payment_file(&collector, &app, "bank-2026-12-01.csv", file.as_bytes()).await;
    assert_eq!(status, 303, "{location}");
    let again = outcomes(&report(&collector, &app, import_id(&location)).await);
    assert_eq!(again[0], (2, "row_already_recorded".to_owned()));
    assert_eq!(again[7], (9, "row_already_recorded".to_owned()));
    assert!(again.iter().all(|(_, o)| o != "applied"), "{again:?}");
    assert_eq!(paid(&app).await, vec![65_072, 65_072, 34_928, 0]);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payments").await, 3);

    // The report page says it in the reader's language, row by row.
    let html = page_html(&collector, &app, &location, "zh-CN").await;
    assert!(html.contains("该流水号的还款已登记，未重复登记。"), "{html}");
    let html = page_html(&collector, &app, &format!("/payments/imports/{}", first["id"]), "en").await;
    assert!(html.contains("No agreement has this reference."), "{html}");
    assert!(html.contains("The payment date is in the future."), "{html}");
    assert!(html.contains("Installment 2"), "{html}");
    // The upload page lists both files.
    let html = page_html(&collector, &app, "/payments/import", "en").await;
    assert_eq!(html.matches("bank-2026-12-01.csv").count(), 2, "{html}");
}

#[tokio::test]
async fn whole_files_that_are_too_large_too_long_or_not_the_format_are_refused_with_nothing_applied() {
    let app = TestApp::spawn().await;
    let (collector, reference) = approved(&app).await;
    let rows: String = (0..1001)
        .map(|n| format!("{reference},1,2026-12-01,BULK-{n:05}\n"))
        .collect();
    let refusals = [
        (format!("{HEADER}{rows}").into_bytes(), "file_too_many_rows"),
        (vec![b'x'; 1024 * 1024 + 1], "file_too_large"),
        (format!("reference,amount\n{reference},1\n").into_bytes(), "file_header"),
        (HEADER.as_bytes().to_vec(), "file_empty"),
        (b"\xff\xfeagreement_reference".to_vec(), "file_not_utf8"),
        (
            format!("{HEADER}{reference},\"1,2026-12-01,X\n").into_bytes(),
            "file_unreadable",
        ),
    ];
    for (bytes, code) in refusals {
        let (status, location) = upload_payment_file(&collector, &app, "bad.csv", &bytes).await;
        assert_eq!(
            (status, location.as_str()),
            (303, format!("/payments/import?error={code}").as_str())
        );
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payments").await, 0);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM payment_imports").await, 0);
    let html = page_html(&collector, &app, "/payments/import?error=file_too_many_rows", "en").await;
    assert!(html.contains("more than 1000 payment rows"), "{html}");
}

#[tokio::test]
async fn borrowers_cannot_upload_payment_files_or_download_exports() {
    let app = TestApp::spawn().await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let (status, _) = upload_payment_file(&borrower, &app, "x.csv", HEADER.as_bytes()).await;
    assert_eq!(status, 403);
    for export in ["/exports/agreements.csv", "/exports/payments.csv"] {
        let response = borrower.get(app.url(export)).send().await.expect("export");
        assert_eq!(response.status(), 403);
    }
    let (status, location) = upload_payment_file(&TestApp::client(), &app, "x.csv", HEADER.as_bytes()).await;
    assert_eq!((status, location.as_str()), (303, "/sign-in?error=expired"));
}

async fn download(client: &reqwest::Client, app: &TestApp, path: &str) -> (String, String, String) {
    let response = client.get(app.url(path)).send().await.expect("export");
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    (content_type, disposition, response.text().await.expect("csv"))
}

#[tokio::test]
async fn exports_have_a_header_one_record_each_proper_quoting_and_no_runnable_formulas() {
    let app = TestApp::spawn().await;
    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let (_, reference) = approved(&app).await;
    for (amount, ext) in [
        ("100", "=HYPERLINK(\"http://x\",\"pay\")"),
        ("50", "+1,2"),
        ("25", "BANK-OK"),
    ] {
        let (status, body) = pay(&collector, &app, &reference, amount, ext).await;
        assert_eq!(status, 200, "{body}");
    }
    let (content_type, disposition, csv) = download(&collector, &app, "/exports/payments.csv").await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert_eq!(
        disposition,
        "attachment; filename=\"repaydesk-payments-2026-12-01.csv\""
    );
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "payment_id,agreement_reference,account_reference,borrower,amount,currency,paid_on,payment_reference,source,recorded_by,recorded_at"
    );
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[1].contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"pay\"\")\","),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(",\"'+1,2\","), "{}", lines[2]);
    assert!(lines[3].contains(",25.00,CNY,2026-12-01,BANK-OK,form,"), "{}", lines[3]);
    assert!(lines.iter().all(|l| !l.contains(",=") && !l.contains(",+")), "{csv}");

    let (_, disposition, csv) = download(&collector, &app, "/exports/agreements.csv").await;
    assert_eq!(
        disposition,
        "attachment; filename=\"repaydesk-agreements-2026-12-01.csv\""
    );
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("agreement_reference,account_reference,borrower,status,"));
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].starts_with(&format!(
            "{reference},CL-2026-000101,李伟 Li Wei,active,collector_approval,CNY,13014.50,175.00,"
        )),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",default-1,"), "{}", lines[1]);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export.downloaded'"
        )
        .await,
        2
    );
}
