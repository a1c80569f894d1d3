//! Reliability under concurrency and faults, against the real server binary on loopback:
//! storms of duplicate submissions, a thousand two-collector races, and a hard kill in the middle
//! of a submission storm. Every run is bounded (hundreds of requests, not minutes).

use std::collections::HashMap;
use std::time::Duration;

use app::server::db::Db;
use futures::{stream, StreamExt};
use serde_json::{json, Value};
use tests::workspace::decide;
use tests::{clone_accounts, fresh_database, submit_plan, Backend, TestApp};
use tests::{BORROWER_A, COLLECTOR, SUPERVISOR};

/// Borrower A's early-stage demo account (¥13,014.50), the template every copy starts from.
const TEMPLATE_ACCOUNT: i64 = 1;
const TEMPLATE_BALANCE_MINOR: i64 = 1_301_450;

/// Within the auto-approve limits: recorded as an agreement at once.
fn auto_approvable() -> Value {
    json!({ "down_payment": "", "installments": "6", "frequency": "monthly", "first_payment_date": "2026-12-10" })
}

/// Beyond the auto-approve limits: a pending proposal for a collector.
fn for_review() -> Value {
    json!({ "down_payment": "", "installments": "20", "frequency": "weekly", "first_payment_date": "2026-12-05" })
}

async fn scalar(database_url: &str, sql: &str) -> i64 {
    let db = Db::open(database_url, 1).await.expect("open the test database");
    let value = sqlx::query_scalar(sql).fetch_one(&db.pool).await.expect(sql);
    db.pool.close().await;
    value
}

fn no_server_errors(answers: &[(u16, Value)]) {
    for (status, body) in answers {
        assert!(*status < 500, "a server error: {status} {body}");
    }
}

async fn each_key_records_once_however_many_copies_race(backend: Backend) {
    let Some(url) = fresh_database(backend).await else {
        return;
    };
    let app = TestApp::spawn_with(&url, &[]).await;
    let accounts = clone_accounts(&url, TEMPLATE_ACCOUNT, None, "CL-DOUBLE", 200).await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let (client, app_ref) = (&client, &app);

    // 200 keys, each sent as 2 to 10 simultaneous copies; keys alternate between a plan that
    // becomes an agreement at once and one that waits for review.
    let outcomes: Vec<(usize, i64, Vec<(u16, Value)>)> = stream::iter(accounts.iter().copied().enumerate())
        .map(|(n, account)| async move {
            let key = format!("double-{n:04}");
            let plan = if n % 2 == 0 { auto_approvable() } else { for_review() };
            let copies = 2 + n % 9;
            let answers = futures::future::join_all(
                (0..copies).map(|_| submit_plan(client, app_ref, account, &key, plan.clone())),
            )
            .await;
            (n, account, answers)
        })
        .buffer_unordered(8)
        .collect()
        .await;

    for (n, _, answers) in &outcomes {
        no_server_errors(answers);
        assert_eq!(answers[0].0, 200, "key {n}: {:?}", answers[0]);
        assert!(
            answers.iter().all(|a| a == &answers[0]),
            "key {n}: every copy gets the identical answer: {answers:?}"
        );
        let expected = if n % 2 == 0 {
            "AgreementRecorded"
        } else {
            "SentForReview"
        };
        assert!(answers[0].1.get(expected).is_some(), "key {n}: {:?}", answers[0]);
    }
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM proposals").await, 200);
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM (SELECT idempotency_key FROM proposals GROUP BY idempotency_key HAVING COUNT(*) > 1) d"
        )
        .await,
        0,
        "exactly one proposal per key"
    );
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM agreements").await, 100);
    // A copy that lost the race leaves no trace: one audit entry per proposal and agreement.
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.submitted'"
        )
        .await,
        200
    );
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'agreement.recorded'"
        )
        .await,
        100
    );

    // The same key with a different plan is refused and changes nothing.
    for (n, account, _) in outcomes.iter().take(20) {
        let key = format!("double-{n:04}");
        let different = json!({ "down_payment": "", "installments": "5", "frequency": "monthly", "first_payment_date": "2026-12-12" });
        let (status, body) = submit_plan(client, &app, *account, &key, different).await;
        assert_eq!(status, 422, "key {n}: {body}");
        assert!(body.to_string().contains("idempotency_key_reused"), "{body}");
    }
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM proposals").await, 200);
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM agreements").await, 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_keys_sent_in_racing_copies_record_once_each_on_sqlite() {
    each_key_records_once_however_many_copies_race(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_keys_sent_in_racing_copies_record_once_each_on_postgres() {
    each_key_records_once_however_many_copies_race(Backend::Postgres).await;
}

async fn two_collectors_race_on_each_proposal(backend: Backend, trials: usize) {
    let Some(url) = fresh_database(backend).await else {
        return;
    };
    let app = TestApp::spawn_with(&url, &[]).await;
    let accounts = clone_accounts(&url, TEMPLATE_ACCOUNT, None, "CL-RACE", trials).await;
    let borrower = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    let (borrower, app_ref) = (&borrower, &app);
    let proposals: Vec<i64> = stream::iter(accounts.iter().copied().enumerate())
        .map(|(n, account)| async move {
            let (status, body) = submit_plan(borrower, app_ref, account, &format!("race-{n:05}"), for_review()).await;
            assert_eq!(status, 200, "{body}");
            body["SentForReview"]["proposal_id"]
                .as_i64()
                .expect("a pending proposal")
        })
        .buffer_unordered(8)
        .collect()
        .await;

    let collector = app.signed_in(COLLECTOR.0, COLLECTOR.1).await;
    let supervisor = app.signed_in(SUPERVISOR.0, SUPERVISOR.1).await;
    let names = [("collector", "Liu Yang"), ("supervisor", "Wang Fang")];
    let (collector, supervisor) = (&collector, &supervisor);
    let results: Vec<(usize, [(u16, Value); 2])> = stream::iter(proposals.iter().copied().enumerate())
        .map(|(n, id)| async move {
            // Which of the two approves and which rejects alternates from trial to trial.
            let approve = json!("Approve");
            let reject = json!({ "Reject": { "reason": format!("trial {n}: income too uncertain") } });
            let (mine, theirs) = if n % 2 == 0 {
                (approve, reject)
            } else {
                (reject, approve)
            };
            let (a, b) = tokio::join!(
                decide(collector, app_ref, id, mine),
                decide(supervisor, app_ref, id, theirs)
            );
            (n, [a, b])
        })
        .buffer_unordered(8)
        .collect()
        .await;

    let mut approvals = 0;
    for (n, answers) in &results {
        no_server_errors(answers);
        let winners: Vec<usize> = (0..2).filter(|&i| answers[i].0 == 200).collect();
        assert_eq!(winners.len(), 1, "trial {n}: exactly one decision wins: {answers:?}");
        let (winner, loser) = (winners[0], 1 - winners[0]);
        assert_eq!(answers[loser].0, 409, "trial {n}: {answers:?}");
        let by = answers[loser].1["AlreadyDecided"]["by"].as_str().unwrap_or_default();
        assert!(
            by.contains(names[winner].1),
            "trial {n}: the loser is told the {} decided: {answers:?}",
            names[winner].0
        );
        approvals += i64::from(answers[winner].1.get("Approved").is_some());
    }
    assert_eq!(
        scalar(&url, "SELECT COUNT(*) FROM proposals WHERE status = 'pending'").await,
        0
    );
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('proposal.approved', 'proposal.rejected')"
        )
        .await,
        trials as i64,
        "one recorded transition per trial"
    );
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM agreements").await, approvals);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_two_collector_races_each_record_exactly_one_decision_on_sqlite() {
    two_collectors_race_on_each_proposal(Backend::Sqlite, 1000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_collector_races_each_record_exactly_one_decision_on_postgres() {
    two_collectors_race_on_each_proposal(Backend::Postgres, 300).await;
}

/// What a submission during the storm was told.
enum Told {
    Recorded(String),
    NoAnswer,
}

async fn a_hard_kill_loses_no_acknowledged_submission(backend: Backend) {
    let Some(url) = fresh_database(backend).await else {
        return;
    };
    let mut app = TestApp::spawn_with(&url, &[]).await;
    let accounts = clone_accounts(&url, TEMPLATE_ACCOUNT, None, "CL-CRASH", 400).await;
    let client = app.signed_in(BORROWER_A.0, BORROWER_A.1).await;

    let storm = {
        let (client, base) = (client.clone(), app.base_url.clone());
        let accounts = accounts.clone();
        tokio::spawn(async move {
            stream::iter(accounts.into_iter().enumerate())
                .map(|(n, account)| {
                    let (client, base) = (client.clone(), base.clone());
                    async move {
                        let body = json!({ "account_id": account, "idempotency_key": format!("crash-{n:04}"), "proposal": auto_approvable() });
                        let answer = client
                            .post(format!("{base}/api/plans/submit"))
                            .header("accept", "application/json")
                            .json(&body)
                            .send()
                            .await;
                        let told = match answer {
                            Ok(response) => {
                                let status = response.status().as_u16();
                                match response.json::<Value>().await {
                                    Ok(body) if status == 200 => Told::Recorded(
                                        body["AgreementRecorded"]["reference"]
                                            .as_str()
                                            .expect("an agreement reference")
                                            .to_owned(),
                                    ),
                                    Ok(body) => panic!("submission {n}: {status} {body}"),
                                    Err(_) => Told::NoAnswer,
                                }
                            }
                            Err(_) => Told::NoAnswer,
                        };
                        (n, account, told)
                    }
                })
                .buffer_unordered(32)
                .collect::<Vec<_>>()
                .await
        })
    };
    // Let part of the storm land, then pull the plug.
    wait_for_agreements(&url, 40).await;
    app.kill_hard();
    let told = storm.await.expect("the storm ends once the server is gone");

    let restarted = TestApp::spawn_with(&url, &[]).await;
    let db = Db::open(&url, 1).await.expect("open after the crash");
    let acknowledged: HashMap<String, (usize, i64)> = told
        .iter()
        .filter_map(|(n, account, told)| match told {
            Told::Recorded(reference) => Some((reference.clone(), (*n, *account))),
            Told::NoAnswer => None,
        })
        .collect();
    assert!(
        !acknowledged.is_empty(),
        "some submissions were acknowledged before the kill"
    );
    assert!(
        told.iter().any(|(_, _, t)| matches!(t, Told::NoAnswer)),
        "the kill landed in the middle of the storm"
    );
    for (reference, (n, account)) in &acknowledged {
        let stored: Option<(i64, i64)> =
            sqlx::query_as("SELECT account_id, total_minor FROM agreements WHERE reference = $1")
                .bind(reference)
                .fetch_optional(&db.pool)
                .await
                .expect("read an agreement");
        assert_eq!(
            stored,
            Some((*account, TEMPLATE_BALANCE_MINOR)),
            "submission {n} was acknowledged as {reference} and must survive the crash"
        );
    }
    // Nothing half-written: every stored proposal has its agreement, its schedule adds up to
    // the balance, and its audit entries.
    let proposals = scalar(&url, "SELECT COUNT(*) FROM proposals").await;
    assert_eq!(scalar(&url, "SELECT COUNT(*) FROM agreements").await, proposals);
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM agreements a WHERE a.total_minor <> a.down_payment_minor + \
             (SELECT COALESCE(SUM(i.amount_minor), 0) FROM agreement_installments i WHERE i.agreement_id = a.id)"
        )
        .await,
        0,
        "every schedule adds up to its agreement's total"
    );
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.submitted'"
        )
        .await,
        proposals
    );
    assert_eq!(
        scalar(
            &url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'agreement.recorded'"
        )
        .await,
        proposals
    );
    db.pool.close().await;

    // Retrying everything after the restart is safe: acknowledged keys answer with their first
    // result, the rest are recorded now, once.
    let client = restarted.signed_in(BORROWER_A.0, BORROWER_A.1).await;
    for (n, account, told) in &told {
        let (status, body) = submit_plan(
            &client,
            &restarted,
            *account,
            &format!("crash-{n:04}"),
            auto_approvable(),
        )
        .await;
        assert_eq!(status, 200, "retry {n}: {body}");
        if let Told::Recorded(reference) = told {
            assert_eq!(
                body["AgreementRecorded"]["reference"].as_str(),
                Some(reference.as_str())
            );
        }
    }
    assert_eq!(
        scalar(&url, "SELECT COUNT(*) FROM agreements").await,
        accounts.len() as i64
    );
}

async fn wait_for_agreements(database_url: &str, at_least: i64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while scalar(database_url, "SELECT COUNT(*) FROM agreements").await < at_least {
        assert!(std::time::Instant::now() < deadline, "the storm never got going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hard_kill_during_a_submission_storm_loses_nothing_acknowledged_on_sqlite() {
    a_hard_kill_loses_no_acknowledged_submission(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hard_kill_during_a_submission_storm_loses_nothing_acknowledged_on_postgres() {
    a_hard_kill_loses_no_acknowledged_submission(Backend::Postgres).await;
}
