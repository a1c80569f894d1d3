//! Rulebook speed: `decide` (parse + schedule + review) and `schedule::generate` alone, for
//! a 60-installment plan under a policy that allows 60, plus `suggestions`.

use app::domain::{
    decide, generate, suggestions, AccountTerms, Currency, Decision, Frequency, Money, PlanPolicy, RawProposal,
};
use chrono::{Days, NaiveDate};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn policy_allowing_60() -> PlanPolicy {
    let mut policy = PlanPolicy::default();
    let late = &mut policy.late;
    late.max_installments = 60;
    late.max_term_days = 1900;
    late.auto_approve.max_installments = 60;
    late.auto_approve.max_term_days = 1900;
    policy
}

fn rulebook(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default();
    let policy = policy_allowing_60();
    let account = AccountTerms {
        balance: Money::new(12_345_678, Currency::CNY),
        oldest_unpaid_due: today.checked_sub_days(Days::new(120)).unwrap_or(today),
    };
    let raw = RawProposal {
        down_payment: "25,000.00".into(),
        installments: "60".into(),
        frequency: "monthly".into(),
        first_payment_date: "2026-06-20".into(),
        hardship_reason: Some("reduced_income".into()),
        hardship_note: "工厂减产，收入减少".into(),
        monthly_income: "12000".into(),
        monthly_expenses: "8000".into(),
    };
    // Measure the full path: the plan must pass every rule and be auto-approved.
    let outcome = decide(&raw, &account, &policy, today);
    assert_eq!(outcome.decision, Decision::AutoApprove, "{outcome:?}");
    let first = NaiveDate::from_ymd_opt(2026, 6, 20).unwrap_or(today);
    c.bench_function("decide_60_monthly", |b| {
        b.iter(|| {
            decide(
                black_box(&raw),
                black_box(&account),
                black_box(&policy),
                black_box(today),
            )
        })
    });
    c.bench_function("generate_60_monthly", |b| {
        b.iter(|| {
            generate(
                black_box(account.balance),
                black_box(Money::new(2_500_000, Currency::CNY)),
                black_box(60),
                Frequency::Monthly,
                black_box(first),
            )
        })
    });
    c.bench_function("suggestions_late_default_policy", |b| {
        b.iter(|| suggestions(black_box(&account), &PlanPolicy::default(), today, None))
    });
}

criterion_group!(benches, rulebook);
criterion_main!(benches);
