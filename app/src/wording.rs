//! The rulebook's data put into words: plan errors, review reasons, frequencies, suggestions.
//! The rulebook never formats sentences; this is the one place that does, in both languages.

use crate::domain::decision::ReviewReason;
use crate::domain::locale::{format_date, Locale};
use crate::domain::money::{AmountError, Money};
use crate::domain::policy::Frequency;
use crate::domain::proposal::{Field, PlanError};
use crate::domain::suggest::SuggestionKind;

fn pick(locale: Locale, en: String, zh: String) -> String {
    match locale {
        Locale::En => en,
        Locale::ZhCn => zh,
    }
}

pub fn frequency(f: Frequency, locale: Locale) -> &'static str {
    match (f, locale) {
        (Frequency::Weekly, Locale::En) => "Weekly",
        (Frequency::Weekly, Locale::ZhCn) => "每周",
        (Frequency::BiWeekly, Locale::En) => "Every two weeks",
        (Frequency::BiWeekly, Locale::ZhCn) => "每两周",
        (Frequency::Monthly, Locale::En) => "Monthly",
        (Frequency::Monthly, Locale::ZhCn) => "每月",
    }
}

/// A frequency inside a sentence ("weekly, every two weeks"): Chinese has no capitals.
fn frequency_in_sentence(f: Frequency, locale: Locale) -> &'static str {
    match (f, locale) {
        (Frequency::Weekly, Locale::En) => "weekly",
        (Frequency::BiWeekly, Locale::En) => "every two weeks",
        (Frequency::Monthly, Locale::En) => "monthly",
        (_, Locale::ZhCn) => frequency(f, locale),
    }
}

fn frequencies(list: &[Frequency], locale: Locale) -> String {
    let sep = if locale == Locale::ZhCn { "、" } else { ", " };
    list.iter()
        .map(|f| frequency_in_sentence(*f, locale))
        .collect::<Vec<_>>()
        .join(sep)
}

pub fn field_label(field: Field, locale: Locale) -> &'static str {
    let (en, zh) = match field {
        Field::DownPayment => ("Down payment", "首付"),
        Field::Installments => ("Number of installments", "分期期数"),
        Field::Frequency => ("How often", "还款频率"),
        Field::FirstPaymentDate => ("First payment date", "首次还款日期"),
        Field::HardshipReason => ("Main reason", "主要原因"),
        Field::HardshipNote => ("Anything else we should know", "其他说明"),
        Field::MonthlyIncome => ("Monthly income", "月收入"),
        Field::MonthlyExpenses => ("Essential monthly expenses", "每月必要支出"),
        Field::Plan => ("The plan", "还款计划"),
    };
    if locale == Locale::ZhCn {
        zh
    } else {
        en
    }
}

fn amount_error(e: &AmountError, locale: Locale) -> String {
    match e {
        AmountError::Empty => pick(locale, "Enter an amount.".into(), "请输入金额。".into()),
        AmountError::NotANumber => pick(
            locale,
            "Enter an amount in numbers, for example 1,200 or 1200.50.".into(),
            "请用数字输入金额，例如 1,200 或 1200.50。".into(),
        ),
        AmountError::TooManyDecimals { max } => pick(
            locale,
            format!("Use at most {max} digits after the decimal point."),
            format!("小数点后最多 {max} 位。"),
        ),
        AmountError::Negative => pick(
            locale,
            "The amount cannot be negative.".into(),
            "金额不能为负数。".into(),
        ),
        AmountError::TooLarge { max } => pick(
            locale,
            format!("That amount is too large (at most {}).", max.format(locale)),
            format!("金额过大（最多 {}）。", max.format(locale)),
        ),
        AmountError::WrongCurrency { expected } => pick(
            locale,
            format!(
                "This account is in {}: enter the amount in that currency.",
                expected.code()
            ),
            format!("该账户以 {} 计价，请按该币种输入金额。", expected.code()),
        ),
    }
}

fn money(m: &Money, locale: Locale) -> String {
    m.format(locale)
}

/// What is wrong and how to fix it, in one sentence.
pub fn plan_error(e: &PlanError, locale: Locale) -> String {
    use PlanError::*;
    match e {
        NotOverdue => pick(locale, "This account is not overdue, so no plan is needed.".into(), "该账户未逾期，无需还款计划。".into()),
        NothingOwed => pick(locale, "Nothing is owed on this account.".into(), "该账户没有欠款。".into()),
        Required { field } => pick(
            locale,
            format!("{} is required.", field_label(*field, locale)),
            format!("请填写{}。", field_label(*field, locale)),
        ),
        Amount { field, error } => format!("{}: {}", field_label(*field, locale), amount_error(error, locale)),
        InvalidNumber => pick(
            locale,
            "Enter the number of installments as a whole number, for example 6.".into(),
            "请输入整数期数，例如 6。".into(),
        ),
        TooFewInstallments { min } => pick(
            locale,
            format!("Choose at least {}.", installment_count(*min, Locale::En)),
            format!("期数至少为 {min} 期。"),
        ),
        TooManyInstallments { max } => pick(
            locale,
            format!("At this stage a plan can have at most {max} installments. Choose {max} or fewer."),
            format!("当前阶段最多可分 {max} 期，请选择 {max} 期或更少。"),
        ),
        InstallmentBelowMinimum { min, actual, max_installments } => pick(
            locale,
            format!(
                "Each installment would be {}, below the minimum of {}. Choose {} installments or fewer, or a smaller down payment.",
                money(actual, locale), money(min, locale), max_installments
            ),
            format!(
                "每期金额为 {}，低于最低 {}。请选择 {} 期或更少，或减少首付。",
                money(actual, locale), money(min, locale), max_installments
            ),
        ),
        InvalidFrequency { allowed } | FrequencyNotAllowed { allowed } => pick(
            locale,
            format!("At this stage you can pay {}.", frequencies(allowed, locale)),
            format!("当前阶段可选择的还款频率：{}。", frequencies(allowed, locale)),
        ),
        InvalidDate => pick(locale, "Enter the date as year-month-day, for example 2026-12-15.".into(), "请按 年-月-日 输入日期，例如 2026-12-15。".into()),
        FirstPaymentTooSoon { earliest } => pick(
            locale,
            format!("The first payment can be on {} at the earliest.", format_date(*earliest, locale)),
            format!("首次还款日期最早为 {}。", format_date(*earliest, locale)),
        ),
        FirstPaymentTooLate { latest } => pick(
            locale,
            format!("The first payment must be on or before {}.", format_date(*latest, locale)),
            format!("首次还款日期不能晚于 {}。", format_date(*latest, locale)),
        ),
        TermTooLong { max_days, latest_end, .. } => match latest_end {
            Some(end) => pick(
                locale,
                format!("The plan must end by {} ({max_days} days from today). Choose fewer installments or pay more often.", format_date(*end, locale)),
                format!("计划须在 {}（{max_days} 天内）结束。请减少期数或提高还款频率。", format_date(*end, locale)),
            ),
            None => pick(
                locale,
                format!("The plan must end within {max_days} days. Choose fewer installments or pay more often."),
                format!("计划须在 {max_days} 天内结束。请减少期数或提高还款频率。"),
            ),
        },
        DownPaymentBelowMinimum { min } => pick(
            locale,
            format!("At this stage the down payment must be at least {}.", money(min, locale)),
            format!("当前阶段首付至少为 {}。", money(min, locale)),
        ),
        DownPaymentExceedsBalance { balance } => pick(
            locale,
            format!("The down payment cannot be more than what you owe ({}).", money(balance, locale)),
            format!("首付不能超过欠款总额（{}）。", money(balance, locale)),
        ),
        DownPaymentCoversBalance { balance } => pick(
            locale,
            format!("A down payment of {} pays everything: no plan is needed. Choose a smaller down payment, or pay in full.", money(balance, locale)),
            format!("首付 {} 已还清全部欠款，无需分期。请减少首付或一次性还清。", money(balance, locale)),
        ),
        UnknownHardshipReason => pick(locale, "Choose a reason from the list.".into(), "请从列表中选择原因。".into()),
        HardshipNoteTooLong { max, actual } => pick(
            locale,
            format!("Please shorten the note to {max} characters (it has {actual})."),
            format!("说明请控制在 {max} 字以内（当前 {actual} 字）。"),
        ),
        Schedule { .. } => pick(
            locale,
            "These terms do not make a workable schedule. Try fewer installments or another first date.".into(),
            "这些条件无法生成有效的还款计划。请减少期数或更换首次还款日期。".into(),
        ),
    }
}

/// Why a plan goes to a collector instead of being accepted at once.
pub fn review_reason(r: &ReviewReason, locale: Locale) -> String {
    match r {
        ReviewReason::InstallmentsAboveAutoApprove { limit } => pick(
            locale,
            format!("more than {limit} installments"),
            format!("期数超过 {limit} 期"),
        ),
        ReviewReason::TermAboveAutoApprove { limit_days } => pick(
            locale,
            format!("longer than {limit_days} days"),
            format!("期限超过 {limit_days} 天"),
        ),
        ReviewReason::DownPaymentBelowAutoApprove { min } => pick(
            locale,
            format!("a down payment below {}", money(min, locale)),
            format!("首付低于 {}", money(min, locale)),
        ),
        ReviewReason::AffordabilityFlagged {
            disposable,
            monthly_equivalent,
        } => pick(
            locale,
            format!(
                "about {} a month, more than the {} you have left after essentials",
                money(monthly_equivalent, locale),
                money(disposable, locale)
            ),
            format!(
                "每月约 {}，超过您扣除必要支出后剩余的 {}",
                money(monthly_equivalent, locale),
                money(disposable, locale)
            ),
        ),
        ReviewReason::HardshipDeclared { .. } => {
            pick(locale, "a hardship you told us about".into(), "您说明的困难情况".into())
        }
    }
}

pub fn suggestion_kind(kind: SuggestionKind, locale: Locale) -> &'static str {
    match (kind, locale) {
        (SuggestionKind::ShortestAffordable, Locale::En) => "Quickest you can afford",
        (SuggestionKind::ShortestAffordable, Locale::ZhCn) => "可负担的最短计划",
        (SuggestionKind::Shortest, Locale::En) => "Pay it off soonest",
        (SuggestionKind::Shortest, Locale::ZhCn) => "最快还清",
        (SuggestionKind::Balanced, Locale::En) => "Balanced",
        (SuggestionKind::Balanced, Locale::ZhCn) => "均衡方案",
        (SuggestionKind::LowestMonthly, Locale::En) => "Smallest payments",
        (SuggestionKind::LowestMonthly, Locale::ZhCn) => "每期金额最低",
    }
}

/// "1 installment", "5 installments", "5 期".
/// The colon between a label and what follows it: Chinese text takes the full-width one.
pub fn colon(locale: Locale) -> &'static str {
    match locale {
        Locale::En => ": ",
        Locale::ZhCn => "：",
    }
}

/// How many plans wait in the review queue.
pub fn plans_waiting(n: i64, locale: Locale) -> String {
    match (locale, n) {
        (Locale::En, 1) => "1 plan waiting".to_owned(),
        (Locale::En, n) => format!("{n} plans waiting"),
        (Locale::ZhCn, n) => format!("{n} 份计划待处理"),
    }
}

pub fn installment_count(n: u32, locale: Locale) -> String {
    match (locale, n) {
        (Locale::En, 1) => "1 installment".to_owned(),
        (Locale::En, n) => format!("{n} installments"),
        (Locale::ZhCn, n) => format!("{n} 期"),
    }
}

/// What is wrong with one field of the supervisor's policy form.
pub fn policy_draft_error(problem: &crate::domain::policy::draft::DraftProblem, locale: Locale) -> String {
    use crate::domain::policy::draft::{DraftProblem::*, MAX_VERSION_CHARS};
    use crate::domain::policy::StageProblem as S;
    match problem {
        Required => pick(locale, "Fill in this field.".into(), "请填写此项。".into()),
        NotAWholeNumber => pick(
            locale,
            "Enter a whole number, for example 12.".into(),
            "请输入整数，例如 12。".into(),
        ),
        OutOfRange { min, max } => pick(
            locale,
            format!("Enter a number from {min} to {max}."),
            format!("请输入 {min} 到 {max} 之间的数字。"),
        ),
        Amount(e) => amount_error(e, locale),
        VersionFormat => pick(
            locale,
            format!(
                "Use up to {MAX_VERSION_CHARS} letters, digits, dots, dashes or underscores, for example 2026-12-a."
            ),
            format!("最多 {MAX_VERSION_CHARS} 个字母、数字、点、短横线或下划线，例如 2026-12-a。"),
        ),
        VersionTaken => pick(
            locale,
            "A version with this id was already published: choose a new id.".into(),
            "该版本号已发布过，请使用新的版本号。".into(),
        ),
        Inconsistent(S::NoFrequencies) => pick(
            locale,
            "Allow at least one frequency.".into(),
            "请至少允许一种还款频率。".into(),
        ),
        Inconsistent(S::MaxInstallmentsOutOfRange { limit, .. }) => pick(
            locale,
            format!("Enter a number from 1 to {limit}."),
            format!("请输入 1 到 {limit} 之间的数字。"),
        ),
        Inconsistent(S::MaxTermZero) => pick(
            locale,
            "The term must be at least 1 day.".into(),
            "期限至少为 1 天。".into(),
        ),
        Inconsistent(S::NegativeMinInstallment { .. } | S::NegativeMinDownPayment { .. }) => {
            amount_error(&AmountError::Negative, locale)
        }
        Inconsistent(S::PercentAbove100 { .. }) => pick(
            locale,
            "Enter a percentage from 0 to 100.".into(),
            "请输入 0 到 100 之间的百分比。".into(),
        ),
        Inconsistent(S::FirstPaymentWindowInverted { latest_days, .. }) => pick(
            locale,
            format!("The earliest day cannot be after the latest ({latest_days})."),
            format!("最早天数不能晚于最晚天数（{latest_days}）。"),
        ),
        Inconsistent(S::FirstPaymentBeyondTerm { max_term_days, .. }) => pick(
            locale,
            format!("The first payment cannot be later than the longest term ({max_term_days} days)."),
            format!("首次还款不能晚于最长期限（{max_term_days} 天）。"),
        ),
        Inconsistent(S::AutoApproveInstallmentsAboveMax { max, .. }) => pick(
            locale,
            format!("Cannot be more than the most installments of any plan ({max})."),
            format!("不能超过所有计划的最多期数（{max}）。"),
        ),
        Inconsistent(S::AutoApproveTermAboveMax { max, .. }) => pick(
            locale,
            format!("Cannot be longer than the longest term of any plan ({max} days)."),
            format!("不能超过所有计划的最长期限（{max} 天）。"),
        ),
    }
}
