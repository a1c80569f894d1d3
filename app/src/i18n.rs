//! Every word the UI shows, in English and Simplified Chinese. Keys are an enum so a missing
//! translation is a compile error, never a blank on screen.

pub use crate::domain::locale::Locale;

macro_rules! texts {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),* }

        impl T {
            pub fn get(self, locale: Locale) -> &'static str {
                match locale {
                    Locale::En => match self { $(T::$key => $en),* },
                    Locale::ZhCn => match self { $(T::$key => $zh),* },
                }
            }
        }
    };
}

texts! {
    AppName => "RepayDesk", "RepayDesk 还款助手";
    Tagline => "See what you owe, understand what happens next, and agree a plan you can keep.",
               "查看欠款，了解接下来会发生什么，并制定您能坚持的还款计划。";
    SkipToContent => "Skip to main content", "跳到主要内容";
    NavAccounts => "My accounts", "我的账户";
    SignIn => "Sign in", "登录";
    SignOut => "Sign out", "退出登录";
    SignedInAs => "Signed in as", "当前用户";
    Language => "Language", "语言";
    SignInTitle => "Sign in to RepayDesk", "登录 RepayDesk";
    SignInIntro => "Use the phone number or e-mail you registered with your lender.",
                   "请使用您在贷款机构登记的手机号或电子邮箱。";
    LoginLabel => "Phone number, e-mail or staff username", "手机号、电子邮箱或员工用户名";
    PasswordLabel => "Password", "密码";
    SignInFailed => "We could not sign you in with those details. Check them and try again.",
                    "无法使用这些信息登录。请检查后重试。";
    SignInMissing => "Enter your phone number or e-mail and your password.",
                     "请输入手机号或电子邮箱以及密码。";
    SessionExpired => "Your session ended. Please sign in again.", "您的会话已结束，请重新登录。";
    SignedOut => "You have signed out.", "您已退出登录。";
    AccountsTitle => "Your overdue accounts", "您的逾期账户";
    AccountsIntro => "Here is everything you owe and what happens next. You can propose a plan at any time.",
                     "这里是您的全部欠款以及接下来会发生的事情。您随时可以提出还款计划。";
    NoAccounts => "You have no overdue accounts. Nothing to do here.", "您没有逾期账户，无需任何操作。";
    Outstanding => "Outstanding", "欠款余额";
    Principal => "Principal", "本金";
    Interest => "Interest", "利息";
    Fees => "Fees and penalties", "费用及罚息";
    DaysPastDue => "Days past due", "逾期天数";
    AsOf => "as of", "截至";
    Reference => "Reference", "账户编号";
    StageEarly => "Early stage", "初期";
    StageMiddle => "Middle stage", "中期";
    StageLate => "Late stage", "后期";
    NotOverdue => "Not overdue", "未逾期";
    NextStep => "What happens next", "接下来会发生什么";
    NothingScheduled => "No further step is scheduled.", "暂无后续措施。";
    PausedByPlan => "Escalation is paused while your plan is kept.", "只要按计划还款，催收升级将暂停。";
    HardshipTitle => "Tell us why payments stopped", "告诉我们无法还款的原因";
    HardshipIntro => "This helps us offer a plan that fits. It is optional and stays private.",
                     "这有助于我们为您提供合适的计划。此项为选填，并将保密。";
    HardshipReasonLabel => "Main reason", "主要原因";
    HardshipNoteLabel => "Anything else we should know (optional)", "其他需要说明的情况（选填）";
    HardshipChoose => "Choose a reason", "请选择原因";
    Save => "Save", "保存";
    Saving => "Saving…", "正在保存…";
    HardshipRecorded => "Recorded:", "已记录：";
    HardshipNoneYet => "No reason recorded yet.", "尚未记录原因。";
    ReasonJobLoss => "I lost my job", "失业";
    ReasonReducedIncome => "My income went down", "收入减少";
    ReasonIllness => "Illness or injury", "疾病或受伤";
    ReasonFamilyEmergency => "Family emergency", "家庭紧急情况";
    ReasonBusinessDifficulty => "Business difficulty", "经营困难";
    ReasonOther => "Something else", "其他原因";
    ErrorGeneric => "Something went wrong on our side. Nothing was saved; please try again.",
                    "我们这边出现了问题，内容未保存，请重试。";
    ErrorNotFound => "We could not find that page.", "找不到该页面。";
    ErrorForbidden => "You do not have access to this.", "您无权访问此内容。";
    ErrorBadInput => "Some of what you entered needs a change.", "部分输入内容需要修改。";
    ErrorNoteTooLong => "Please keep the note under 1,000 characters.", "说明请控制在 1000 字以内。";
    ErrorChooseReason => "Choose a reason from the list.", "请从列表中选择原因。";
    ConflictProposalPending => "A plan for this account is already waiting for a collector's answer.", "该账户已有一份还款计划在等待催收员答复。";
    ConflictAgreementActive => "This account already has an agreed plan.", "该账户已有生效的还款协议。";
    ConflictTryAgain => "Something changed while you were sending. Please try again.", "提交时情况有变，请重试。";
    IdempotencyReused => "This form was already used for a different plan. Reload the page and try again.", "此表单已用于提交另一份计划，请刷新页面后重试。";
    ViewAccount => "Details and history", "详情与记录";
    ProposePlan => "Propose a payment plan", "提出还款计划";
    PlanInProgress => "In progress", "进行中";
    AgreementActiveShort => "Agreement active", "协议生效中";
    ProposalPendingShort => "Plan waiting for review", "计划待审核";
    AccountTitle => "Account", "账户";
    BreakdownTitle => "What you owe", "欠款构成";
    StageTitle => "Where this account stands", "账户当前状况";
    StageEarlyExplain => "Your account is a little behind. We will remind you, and fees may be added. Now is the easiest time to agree a plan.",
                         "您的账户刚刚逾期。我们会提醒您，并可能收取费用。现在是协商还款计划最容易的时候。";
    StageMiddleExplain => "Your account has been overdue for over a month. A collector will contact you to agree a plan. If nothing is agreed, legal steps and a credit record follow.",
                          "您的账户已逾期超过一个月。催收员会联系您协商还款计划。如未达成计划，将可能采取法律措施并影响信用记录。";
    StageLateExplain => "Your account has been overdue for over three months. It may be reported to the credit bureau and taken to court. A plan you keep still stops further steps.",
                        "您的账户已逾期超过三个月，可能被报送征信并被起诉。只要您按计划还款，仍可阻止进一步措施。";
    PlanChanges => "What an agreed plan changes", "达成还款计划后会有什么变化";
    PlanChangesText => "While you keep to an agreed plan, no further steps are taken on this account.",
                       "只要您按协议还款，该账户不会再采取进一步措施。";
    HistoryTitle => "Plans and agreements", "还款计划与协议记录";
    NoHistory => "No plans yet.", "暂无还款计划。";
    PlanTitle => "Build your payment plan", "制定您的还款计划";
    PlanIntro => "Choose what you can pay. The schedule updates as you type and shows exactly what we will check.",
                 "选择您能承担的金额。还款计划表会随输入实时更新，与我们的审核规则完全一致。";
    SuggestedPlans => "Plans we can accept straight away", "可立即接受的方案";
    UseThisPlan => "Use this plan", "使用此方案";
    PerInstallment => "per installment", "每期";
    Installments => "installments", "期";
    DownPaymentLabel => "Down payment (optional)", "首付（选填）";
    InstallmentsLabel => "Number of installments", "分期期数";
    FrequencyLabel => "How often", "还款频率";
    FirstDateLabel => "First payment date", "首次还款日期";
    FirstDateHint => "Between", "可选范围";
    AboutYouTitle => "Tell us about your situation (optional)", "说明您的情况（选填）";
    IncomeLabel => "Monthly income", "月收入";
    ExpensesLabel => "Essential monthly expenses (rent, food, transport)", "每月必要支出（房租、饮食、交通）";
    AffordabilityExplain => "We compare each payment with what you have left after essentials. A plan above that is not refused; a collector looks at it with you.",
                            "我们会将每期还款额与您扣除必要支出后的余额比较。超出的计划不会被拒绝，催收员会与您一起评估。";
    AffordabilityOver => "This plan is more than you have left each month after essentials", "此计划超出您每月扣除必要支出后的余额";
    AffordabilityOk => "This plan fits within what you have left each month.", "此计划在您每月可支配余额之内。";
    PreviewTitle => "Your schedule", "还款计划表";
    PreviewUpdate => "Update preview", "更新预览";
    FixThese => "Please change the following:", "请修改以下内容：";
    WillBeAccepted => "This plan is within our rules: it will be accepted as soon as you submit it.", "该计划符合规则，提交后将立即生效。";
    WillBeReviewed => "A collector will review this plan because of", "该计划需要催收员审核，原因是";
    WasSentForReview => "This plan went to a collector for review because of", "该计划曾提交催收员审核，原因是";
    Total => "Total", "合计";
    DueDate => "Due date", "到期日";
    AmountCol => "Amount", "金额";
    NumberCol => "No.", "期次";
    DownPaymentRow => "Down payment", "首付";
    ReviewPlan => "Review plan", "检查计划";
    EditPlan => "Change plan", "修改计划";
    ReviewTitle => "Check your plan before you send it", "提交前请确认您的计划";
    SubmitPlan => "Submit plan", "提交计划";
    Submitting => "Sending…", "正在提交…";
    PlanBlockedAgreement => "This account already has an agreed plan:", "该账户已有生效的还款协议：";
    PlanBlockedPending => "A plan for this account is waiting for review:", "该账户有一份计划正在审核：";
    ProposalTitle => "Your plan proposal", "您的还款计划申请";
    ProposalPendingText => "A collector will look at your plan and answer within two working days. Nothing else will happen on this account meanwhile.",
                           "催收员将在两个工作日内审核您的计划并答复。在此期间该账户不会有其他措施。";
    ProposalRejectedText => "Your plan was not accepted. The reason is below; you can propose another plan.", "您的计划未被接受，原因如下。您可以重新提出计划。";
    ProposalApprovedText => "Your plan was accepted.", "您的计划已被接受。";
    SeeAgreement => "See the agreement", "查看协议";
    StatusPending => "Waiting for review", "待审核";
    StatusAutoApproved => "Accepted", "已接受";
    StatusApproved => "Approved", "已批准";
    StatusRejected => "Not accepted", "未接受";
    StatusCountered => "Counter-offer received", "收到还款建议";
    StatusSuperseded => "Replaced", "已被取代";
    StatusActive => "Active", "生效中";
    StatusCompleted => "Completed", "已完成";
    StatusBroken => "Broken", "已违约";
    SubmittedOn => "Submitted on", "提交日期";
    AgreementTitle => "Repayment agreement", "还款协议";
    AgreementReference => "Agreement reference", "协议编号";
    AcceptedAt => "Accepted", "接受时间";
    PolicyVersion => "Policy version", "政策版本";
    OriginSelfService => "accepted online within policy", "在线自助确认（符合政策）";
    OriginCollector => "approved by a collector", "由催收员批准";
    OriginCounterOffer => "counter-offer accepted", "接受还款建议";
    Borrower => "Borrower", "借款人";
    Lender => "Lender", "贷款机构";
    Print => "Print or save as PDF", "打印或保存为 PDF";
    StatePaid => "Paid", "已还";
    StatePartlyPaid => "Partly paid", "部分已还";
    StateLate => "Late", "逾期";
    StateMissed => "Missed", "未还";
    StateUpcoming => "Due", "待还";
    PaidCol => "Paid", "已还金额";
    StatusCol => "Status", "状态";
    AgreementKeepText => "Pay each amount by its date. While you keep to this plan, no further collection steps are taken.",
                         "请按期还款。只要您遵守此计划，将不会采取进一步的催收措施。";
    MyPlansTitle => "Plans and agreements", "还款计划与协议";
    // Collector workspace and counter-offers (issue 6).
    NavQueue => "Review queue", "审核队列";
    QueueTitle => "Plans waiting for a decision", "待决定的还款计划";
    QueueIntro => "Oldest and most overdue first. Open a plan to see the account and decide.", "最早提交、逾期最久的排在前面。打开计划查看账户并作出决定。";
    QueueEmpty => "No plan matches these filters.", "没有符合筛选条件的计划。";
    FilterTitle => "Filter", "筛选";
    FilterStage => "Stage", "阶段";
    FilterAnyStage => "Any stage", "全部阶段";
    FilterMinAmount => "Balance from", "余额下限";
    FilterMaxAmount => "Balance up to", "余额上限";
    FilterMinAge => "Waiting at least (days)", "等待至少（天）";
    FilterFlagged => "Only plans above what the borrower can afford", "仅显示超出借款人承受能力的计划";
    FilterSort => "Order", "排序";
    SortOldest => "Oldest first", "最早提交优先";
    SortRisk => "Most overdue first", "逾期最久优先";
    SortAmount => "Largest balance first", "余额最大优先";
    ApplyFilters => "Apply", "应用";
    ClearFilters => "Clear", "清除";
    PrevPage => "Previous page", "上一页";
    NextPage => "Next page", "下一页";
    PageOf => "Page", "第";
    ColAccount => "Account", "账户";
    ColBorrower => "Borrower", "借款人";
    ColWaiting => "Waiting", "已等待";
    ColPlan => "Plan", "计划";
    DaysShort => "days", "天";
    AffordabilityFlagShort => "Above affordability", "超出承受能力";
    OpenReview => "Review", "审核";
    AtRiskTitle => "Agreements at risk", "有风险的协议";
    AtRiskIntro => "An installment is due within 3 days, or is late but still within the grace period.", "有一期将在 3 天内到期，或已逾期但仍在宽限期内。";
    BrokenTitle => "Broken agreements", "已违约的协议";
    BrokenIntro => "More installments missed than the policy tolerates: the account is back on its stage's path.", "未还期数超过政策容忍度：该账户回到所在阶段的催收流程。";
    NoneListed => "None.", "无。";
    NextDue => "Next due", "下次到期";
    MissedCount => "missed", "期未还";
    ReviewTitle2 => "Review a plan", "审核还款计划";
    BackToQueue => "Back to the queue", "返回审核队列";
    AccountContext => "The account", "账户情况";
    HardshipGiven => "Hardship reason given", "借款人说明的困难原因";
    NoHardshipGiven => "No hardship reason given.", "未说明困难原因。";
    AffordabilityTitle => "Affordability", "还款能力";
    NoAffordability => "The borrower did not give income and expenses.", "借款人未提供收入和支出。";
    DisposableLabel => "Left after essentials each month", "每月扣除必要支出后余额";
    MonthlyCostLabel => "This plan per month", "此计划每月金额";
    ReviewReasonsTitle => "Why this plan needs a person", "需要人工审核的原因";
    ProposedTerms => "What the borrower proposed", "借款人提出的方案";
    DecideTitle => "Decide", "作出决定";
    Approve => "Approve and record the agreement", "批准并生成协议";
    RejectTitle => "Reject", "拒绝";
    RejectReasonLabel => "Reason (the borrower will read this)", "原因（借款人将看到）";
    Reject => "Reject the plan", "拒绝该计划";
    CounterTitle => "Counter-offer", "提出还款建议";
    CounterIntro => "Propose other terms. They must pass the same rules as a borrower's plan.", "提出其他条件。条件须符合与借款人计划相同的规则。";
    ExpiresOnLabel => "Borrower must answer by", "借款人须在此日期前答复";
    CounterNoteLabel => "Note to the borrower", "给借款人的说明";
    SendCounter => "Send counter-offer", "发送还款建议";
    DecidedBy => "Decided by", "决定人";
    DecidedAt => "at", "时间";
    AlreadyDecidedText => "This plan was already decided by", "该计划已被决定，决定人：";
    DecisionApproved => "Approved: the agreement is recorded.", "已批准：协议已生成。";
    DecisionRejected => "Rejected: the borrower will see your reason.", "已拒绝：借款人将看到您的原因。";
    DecisionCountered => "Counter-offer sent to the borrower.", "还款建议已发送给借款人。";
    ErrorReasonRequired => "Write the reason the borrower will read.", "请填写借款人将看到的原因。";
    ErrorExpiryInvalid => "Choose an answer-by date after today and at most 30 days away.", "请选择今天之后、30 天以内的答复截止日期。";
    CounterOfferTitle => "The collector suggests different terms", "催收员建议了不同的还款条件";
    CounterOfferText => "Compare them with what you proposed. Accepting records the agreement; declining lets you propose another plan.", "请与您提出的方案比较。接受后将生成协议；拒绝后您可以重新提出计划。";
    CounterCompare => "Your plan and the counter-offer", "您的方案与还款建议对比";
    YourPlan => "You proposed", "您的方案";
    TheirOffer => "Counter-offer", "还款建议";
    Difference => "Difference", "差异";
    PerInstallmentLabel => "Each installment", "每期金额";
    AnswerBy => "Answer by", "请在此日期前答复";
    AcceptOffer => "Accept the counter-offer", "接受还款建议";
    DeclineOffer => "Decline", "拒绝";
    OfferAccepted => "You accepted this counter-offer.", "您已接受该还款建议。";
    OfferDeclined => "You declined this counter-offer. You can propose another plan.", "您已拒绝该还款建议，可以重新提出计划。";
    OfferExpired => "This counter-offer has expired. You can propose another plan.", "该还款建议已过期，您可以重新提出计划。";
    ConflictOfferClosed => "This counter-offer was already answered.", "该还款建议已被答复。";
    ConflictOfferExpired => "This counter-offer has expired and can no longer be accepted.", "该还款建议已过期，无法再接受。";
    PaymentsTitle => "Record a payment", "登记还款";
    PaymentAmount => "Amount received", "收到金额";
    PaymentDate => "Paid on", "还款日期";
    PaymentRef => "Payment reference (optional)", "付款流水号（选填）";
    RecordPayment => "Record payment", "登记还款";
    PaymentRecorded => "Payment recorded and applied to the schedule.", "还款已登记并计入还款计划。";
    PaymentRule => "Payments pay the down payment first, then each installment in order; an amount beyond what is still owed is refused.", "还款先抵首付，再按顺序抵各期；超过剩余欠款的金额将被拒绝。";
    ErrorAmountInvalid => "Enter the amount received, for example 1200.50.", "请输入收到的金额，例如 1200.50。";
    ErrorExceedsRemaining => "That is more than is still owed on this agreement.", "该金额超过此协议的剩余欠款。";
    ErrorPaidOnInvalid => "Enter the payment date (not in the future).", "请输入还款日期（不能晚于今天）。";
    ConflictDuplicatePayment => "A payment with this reference is already recorded.", "该流水号的还款已登记。";
    ConflictAgreementNotActive => "This agreement is not open for payments.", "该协议不接受还款登记。";
    RemainingLabel => "Still owed", "剩余欠款";
    BackToAccounts => "Back to your accounts", "返回我的账户";
    DemoHint => "Demo: borrower 13800000001 / repaydesk-demo-1", "演示账号：借款人 13800000001 / repaydesk-demo-1";
    ConsequenceReminders => "reminders by SMS, e-mail and phone", "短信、邮件和电话提醒";
    ConsequenceLateFees => "late fees are added", "加收滞纳金";
    ConsequenceCollectorCalls => "a collector contacts you to agree a plan", "催收员联系您协商还款计划";
    ConsequenceCreditBureauReport => "the overdue record is reported to the credit bureau", "逾期记录报送征信机构";
    ConsequenceLegalReview => "the account is reviewed for legal action", "账户进入法律审查";
    ConsequenceLawsuit => "the lender may file a lawsuit", "贷款机构可能提起诉讼";
    ConsequenceAssetPreservation => "a court may freeze assets", "法院可能冻结财产";
    ConsequenceExternalAgency => "the account may be placed with an external agency", "账户可能委托外部催收机构";
    AlreadyApplies => "Already applies", "已经适用";
    On => "On", "在";
    InDays => "days from today", "天后";
    // Identity and access (issue 4).
    TryAgainInMinutes => "Too many failed attempts. For your security, please try again in {minutes} minutes.",
                         "失败次数过多。为保护您的账户安全，请在 {minutes} 分钟后重试。";
    FirstAccessLink => "First time here? Set up your access", "首次使用？设置登录密码";
    FirstAccessTitle => "Set up your access", "首次设置登录";
    FirstAccessIntro => "Confirm who you are with the details from your lender's letter. Then you choose a password.",
                        "请使用贷款机构通知中的信息确认您的身份，然后设置密码。";
    AccountReferenceLabel => "Account reference (for example CL-2026-000301)", "账户编号（例如 CL-2026-000301）";
    DateOfBirthLabel => "Date of birth", "出生日期";
    PhoneLast4Label => "Last 4 digits of your registered phone number", "登记手机号的后 4 位";
    Continue => "Continue", "继续";
    FirstAccessFailed => "We could not confirm who you are with those details. Check them against your lender's letter and try again. If you have already set a password, sign in instead.",
                         "无法使用这些信息确认您的身份。请对照贷款机构的通知检查后重试。如果您已设置过密码，请直接登录。";
    FirstAccessMissing => "Fill in all three fields: account reference, date of birth and the last 4 digits of your phone number.",
                          "请填写全部三项：账户编号、出生日期和手机号后 4 位。";
    FirstAccessExpired => "That step has expired. Please confirm your details again.", "该步骤已过期，请重新确认您的信息。";
    ChoosePasswordTitle => "Choose your password", "设置您的密码";
    ChoosePasswordIntro => "Thank you, we have confirmed who you are. Choose a password of at least 12 characters: a short sentence is easy to remember and hard to guess.",
                           "谢谢，我们已确认您的身份。请设置至少 12 个字符的密码：一句简短的话既好记又难猜。";
    NewPasswordLabel => "New password (at least 12 characters)", "新密码（至少 12 个字符）";
    ConfirmPasswordLabel => "Type the password again", "再次输入密码";
    SavePasswordAndSignIn => "Save password and sign in", "保存密码并登录";
    PasswordTooShort => "Your password needs at least 12 characters.", "密码至少需要 12 个字符。";
    PasswordTooCommon => "That password is too common and easy to guess. Please choose another.", "该密码过于常见，容易被猜到。请换一个。";
    PasswordMismatch => "The two passwords are not the same. Please type them again.", "两次输入的密码不一致，请重新输入。";
    AlreadyHavePassword => "Already set a password? Sign in", "已经设置过密码？直接登录";
    // Collector workspace: payment files, exports (issue 6).
    NavImport => "Payment files", "还款文件";
    NavAudit => "Audit trail", "审计记录";
    NavPolicy => "Plan policy", "计划政策";
    ImportTitle => "Import a payment file", "导入还款文件";
    ImportIntro => "Upload the payments your bank or payment provider reports. Each good row is recorded against its agreement at once, exactly as if typed on the agreement; each bad row is listed with the reason, and nothing else changes.",
                   "上传银行或支付机构报告的还款记录。每一行正确的记录会立即登记到对应协议，与在协议页面手工登记完全相同；有问题的行会列出原因，其他内容不受影响。";
    ImportFormatTitle => "File format", "文件格式";
    ImportFormatText => "A CSV file (UTF-8, comma-separated, as spreadsheets save it) whose first row is exactly this header, then one payment per row:",
                        "CSV 文件（UTF-8 编码、逗号分隔，即电子表格保存的格式），第一行必须是下面的表头，之后每行一笔还款：";
    ImportColAgreement => "the agreement reference, as printed on the agreement", "协议编号，与协议上打印的一致";
    ImportColAmount => "the amount received, for example 650.72 (no currency sign needed)", "收到的金额，例如 650.72（无需货币符号）";
    ImportColPaidOn => "the day it was paid, YYYY-MM-DD, not in the future", "还款日期，格式 YYYY-MM-DD，不能晚于今天";
    ImportColReference => "the payment's own reference from the bank (required, unique: a row whose reference is already recorded is never applied twice)",
                          "银行的付款流水号（必填且唯一：已登记过的流水号不会被重复计入）";
    ImportExample => "Example", "示例";
    ImportLimits => "At most {max_rows} payment rows and {max_kb} KB per file. Rows are applied one by one, each completely or not at all; uploading the same file again applies nothing twice.",
                    "每个文件最多 {max_rows} 行还款、{max_kb} KB。各行逐一处理，每行要么完整登记，要么完全不登记；重复上传同一文件不会重复登记。";
    ImportFileLabel => "Payment file (.csv)", "还款文件（.csv）";
    ImportUpload => "Upload and apply", "上传并登记";
    ImportRecent => "Recent files", "最近导入的文件";
    ImportNoneYet => "No payment file has been imported yet.", "尚未导入任何还款文件。";
    ImportReportTitle => "Payment file report", "还款文件导入报告";
    ImportUploadedBy => "Uploaded by", "上传人";
    ImportRowsApplied => "applied", "已登记";
    ImportRowsRefused => "refused", "被拒绝";
    ImportRowsMissing => "Rows not processed (the import was interrupted): upload the file again; rows already recorded are recognised and skipped.",
                         "有行未被处理（导入中断）：请重新上传该文件，已登记的行会被识别并跳过。";
    ImportAnother => "Import another file", "导入其他文件";
    ColRow => "Row", "行号";
    ColAgreement => "Agreement", "协议";
    ColAmount => "Amount", "金额";
    ColPaidOn => "Paid on", "还款日期";
    ColPaymentRef => "Payment reference", "付款流水号";
    ColOutcome => "Outcome", "结果";
    ColFile => "File", "文件";
    ColWhen => "When", "时间";
    RowApplied => "Applied", "已登记";
    RowRefused => "Refused", "已拒绝";
    RowInstallment => "Installment", "第几期";
    RowDownPayment => "Down payment", "首付";
    RowStatusNow => "agreement now", "协议当前状态";
    ExportsTitle => "Exports", "导出";
    ExportsIntro => "Spreadsheet files (CSV, UTF-8) of every agreement and every payment. Each download is recorded in the audit trail.",
                    "所有协议与所有还款的电子表格文件（CSV，UTF-8）。每次下载都会记入审计记录。";
    ExportAgreements => "Download agreements (CSV)", "下载协议（CSV）";
    ExportPayments => "Download payments (CSV)", "下载还款（CSV）";
    ErrorFileTooLarge => "The file is larger than {max_kb} KB. Split it into smaller files and upload each.", "文件超过 {max_kb} KB，请拆分成较小的文件分别上传。";
    ErrorFileTooManyRows => "The file has more than {max_rows} payment rows. Split it into smaller files; nothing was applied.", "文件超过 {max_rows} 行还款，请拆分成较小的文件；本次未登记任何内容。";
    ErrorFileNotUtf8 => "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and upload it again; nothing was applied.", "文件不是 UTF-8 文本。请在电子表格中另存为“CSV UTF-8”后重新上传；本次未登记任何内容。";
    ErrorFileUnreadable => "The file could not be read as CSV (a quote is not closed). Check it and upload it again; nothing was applied.", "无法按 CSV 读取该文件（有未闭合的引号）。请检查后重新上传；本次未登记任何内容。";
    ErrorFileEmpty => "The file has no payment rows.", "文件中没有还款记录。";
    ErrorFileHeader => "The first row must be exactly: agreement_reference,amount,paid_on,payment_reference. Nothing was applied.", "第一行必须是：agreement_reference,amount,paid_on,payment_reference。本次未登记任何内容。";
    ErrorFileMissing => "Choose a CSV file to upload.", "请选择要上传的 CSV 文件。";
    RowErrorColumns => "Wrong number of columns: a row needs exactly 4 (agreement, amount, date, payment reference).", "列数不对：每行需要 4 列（协议、金额、日期、流水号）。";
    RowErrorControlCharacters => "The row contains control characters (shown as �).", "该行含有控制字符（显示为 �）。";
    RowErrorReferenceMissing => "The agreement reference is missing.", "缺少协议编号。";
    RowErrorPaymentRefMissing => "The payment reference is missing (it is required in files, so a file can be uploaded again safely).", "缺少付款流水号（文件中必填，以便安全地重复上传）。";
    RowErrorDuplicateInFile => "This payment reference appears earlier in the same file; only its first row counts.", "该流水号在同一文件中已出现过，只处理第一次出现的行。";
    RowErrorUnknownAgreement => "No agreement has this reference.", "没有该编号的协议。";
    RowErrorAlreadyRecorded => "A payment with this reference is already recorded; it was not applied again.", "该流水号的还款已登记，未重复登记。";
    ErrorAmountNotPositive => "The amount must be more than zero.", "金额必须大于零。";
    ErrorPaidOnFuture => "The payment date is in the future.", "还款日期晚于今天。";
    ErrorPaidBeforeAgreement => "The payment date is before the agreement was made.", "还款日期早于协议达成日期。";
    ErrorNulCharacter => "Text cannot contain the NUL character (U+0000). Nothing was changed.", "文本不能包含空字符（U+0000）。未做任何更改。";
    ErrorRequestTooLarge => "The request is too large. Nothing was changed.", "请求过大。未做任何更改。";
    ErrorRefInvalid => "The payment reference cannot contain control characters.", "付款流水号不能包含控制字符。";
    ErrorRefTooLong => "The payment reference is longer than 100 characters.", "付款流水号超过 100 个字符。";
    CounterPreviewTitle => "Preview of the counter-offer", "还款建议预览";
    CounterPreviewOk => "These terms pass every rule. The borrower will see this schedule.", "这些条件符合全部规则。借款人将看到以下还款计划表。";
    CounterPreviewFix => "These terms break a rule, so the offer cannot be sent yet:", "这些条件不符合规则，暂时无法发送：";
    // Supervisor: audit search.
    AuditTitle => "Audit trail", "审计记录";
    AuditIntro => "Every state change and security event, as recorded. Entries are never changed or removed.", "记录的每一次状态变更和安全事件。记录不会被修改或删除。";
    AuditAccount => "Account reference", "账户编号";
    AuditActor => "Who (username, phone, name or role)", "操作人（用户名、手机号、姓名或角色）";
    AuditAction => "Action (e.g. payment.recorded, or payment. for all)", "操作（如 payment.recorded，或 payment. 表示全部）";
    AuditFrom => "From", "开始日期";
    AuditTo => "To", "结束日期";
    AuditText => "Text in the entry", "记录内容包含";
    AuditOldestFirst => "Oldest first", "按时间正序";
    AuditSearch => "Search", "搜索";
    AuditNone => "No entry matches these filters.", "没有符合条件的记录。";
    AuditFound => "entries", "条记录";
    ColSubject => "About", "对象";
    ColActor => "Who", "操作人";
    ColAction => "Action", "操作";
    ColDetail => "Detail", "详情";
    ActorSystem => "system", "系统";
    ErrorDateInvalid => "Enter the date as year-month-day, for example 2026-12-01.", "请按 年-月-日 输入日期，例如 2026-12-01。";
    ErrorDateRange => "The end date is before the start date.", "结束日期早于开始日期。";
    // Supervisor: plan policy.
    PolicyTitle => "Plan policy", "还款计划政策";
    PolicyIntro => "The limits every plan is checked against, per collection stage. Publishing creates a new version: decisions from then on use it, everything decided before keeps the version it was decided with.",
                   "每个还款计划依据的各催收阶段限制。发布会生成新版本：此后的决定使用新版本，此前的决定保留当时的版本。";
    PolicyInForce => "In force", "当前生效";
    PolicyVersionLabel => "New version id (letters, digits, . - _)", "新版本号（字母、数字、. - _）";
    PolicyPublish => "Publish new version", "发布新版本";
    PolicyPublished => "Published. New proposals are now decided with version", "已发布。新的计划将按此版本决定：";
    PolicyFixThese => "Nothing was published. Fix the fields marked below.", "未发布。请修改下面标出的字段。";
    PolicyHistory => "Versions", "版本历史";
    PolicyStartup => "start-up (policy file or built-in)", "启动时（政策文件或内置）";
    PolicyAllowed => "Allowed frequencies", "允许的还款频率";
    PolicyLimits => "Limits for every plan", "所有计划的限制";
    PolicyAuto => "Accepted at once (no collector) when within", "在以下范围内自动接受（无需催收员）";
    PolicyMaxInstallments => "Most installments", "最多期数";
    PolicyMaxTermDays => "Longest term (days from today to the last installment)", "最长期限（从今天到最后一期的天数）";
    PolicyMinInstallment => "Smallest installment", "最低每期金额";
    PolicyMinDown => "Smallest down payment (amount)", "最低首付（金额）";
    PolicyMinDownPercent => "Smallest down payment (% of balance)", "最低首付（占余额百分比）";
    PolicyEarliest => "First payment at the earliest (days from today)", "首次还款最早（距今天数）";
    PolicyLatest => "First payment at the latest (days from today)", "首次还款最晚（距今天数）";
    PolicySmallerFinal => "The last installment may be below the smallest installment", "最后一期可低于最低每期金额";
    PolicyReviewHardship => "Send every plan with a hardship reason to a collector", "声明困难原因的计划一律交催收员审核";
    PolicyGlobal => "Not edited here (kept from the version in force)", "此处不可编辑（沿用当前版本）";
    PolicyGrace => "Grace days", "宽限天数";
    PolicyTolerance => "Missed installments tolerated", "可容忍的逾期期数";
}
