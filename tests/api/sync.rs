//! Reading proposals and agreements back: pages by cursor, filters, incremental sync.

use super::*;

async fn proposals_and_agreements_page_by_cursor_filter_and_sync_incrementally(app: TestApp) {
    let key = create_key(&app, "jinhai-sync", ALL_SCOPES);
    let first = agreement(&app, LI_WEI_ACCOUNT, "6", "2026-12-10").await;
    let second = agreement(&app, LI_WEI_CARD, "3", "2026-12-05").await;

    let page = get(&app, "/api/v1/agreements?limit=1", &key).await;
    let body = page.json();
    assert_eq!(items(&page).len(), 1);
    assert_eq!(body["items"][0]["reference"], first.as_str());
    let cursor = body["next_cursor"]
        .as_str()
        .expect("a cursor after a full page")
        .to_owned();
    let next = get(&app, &format!("/api/v1/agreements?limit=1&cursor={cursor}"), &key).await;
    assert_eq!(items(&next)[0]["reference"], second.as_str());
    assert_eq!(next.json()["next_cursor"], Value::Null, "the last page says so");
    let whole = get(&app, "/api/v1/agreements?limit=2", &key).await;
    assert_eq!(
        (items(&whole).len(), whole.json()["next_cursor"].clone()),
        (2, Value::Null)
    );

    let agreement_one = &items(&get(&app, "/api/v1/agreements?account=CL-2026-000101", &key).await)[0];
    assert_eq!(agreement_one["reference"], first.as_str());
    assert_eq!(agreement_one["status"], "active");
    assert_eq!(agreement_one["total_minor"], 1_301_450);
    let scheduled: i64 = agreement_one["schedule"]
        .as_array()
        .expect("schedule")
        .iter()
        .map(|i| i["amount_minor"].as_i64().unwrap_or_default())
        .sum();
    assert_eq!(scheduled, 1_301_450, "the schedule adds up to the total");
    assert_eq!(
        items(&get(&app, "/api/v1/agreements?status=completed", &key).await).len(),
        0
    );
    assert_eq!(
        items(&get(&app, "/api/v1/agreements?status=active", &key).await).len(),
        2
    );

    let proposals = items(&get(&app, "/api/v1/proposals?status=auto_approved", &key).await);
    assert_eq!(proposals.len(), 2);
    assert_eq!(proposals[0]["agreement_ref"], first.as_str());
    assert_eq!(proposals[0]["account_ref"], "CL-2026-000101");
    assert_eq!(
        items(&get(&app, "/api/v1/proposals?status=pending", &key).await).len(),
        0
    );

    // Incremental sync: after a payment, only the paid agreement has changed since.
    let synced_up_to = items(&get(&app, "/api/v1/agreements", &key).await)[1]["updated_at"]
        .as_str()
        .expect("updated_at")
        .to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let paid = pay(&app, &key, &payment("PAY-SYNC-1", &first, 10_000)).await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    let since = synced_up_to.replace('+', "%2B");
    let changed = items(&get(&app, &format!("/api/v1/agreements?updated_since={since}"), &key).await);
    let references: Vec<&str> = changed.iter().filter_map(|a| a["reference"].as_str()).collect();
    assert_eq!(references.last(), Some(&first.as_str()), "{references:?}");
    assert_eq!(changed.last().expect("the paid one")["paid_minor"], 10_000);
    let later = changed.last().expect("the paid one")["updated_at"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(later > synced_up_to, "{later} after {synced_up_to}");

    let bad = get(
        &app,
        "/api/v1/agreements?status=lost&account=lower&updated_since=yesterday&limit=0&cursor=xyz",
        &key,
    )
    .await;
    assert_faults(
        &bad,
        422,
        &[
            ("status", "status_unknown"),
            ("account", "reference_invalid"),
            ("updated_since", "timestamp_invalid"),
            ("limit", "limit_invalid"),
            ("cursor", "cursor_invalid"),
        ],
    );
    let over = get(&app, "/api/v1/proposals?limit=201", &key).await;
    assert_faults(&over, 422, &[("limit", "limit_invalid")]);
}

on_both_backends!(
    proposals_and_agreements_page_by_cursor_filter_and_sync_incrementally =>
    proposals_and_agreements_page_and_sync_on_sqlite,
    proposals_and_agreements_page_and_sync_on_postgres
);
