//! Demonstration data: borrowers with accounts in every collection stage, one collector and
//! one supervisor. Dates are relative to the lender's today so the stages stay true.

use chrono::{Days, NaiveDate};

use super::auth::password;
use super::db::Db;
use super::store::{accounts, users};
use crate::domain::money::{Currency, Money};
use crate::model::Role;

/// A sign-in the demo offers, printed at start-up.
pub struct DemoLogin {
    pub role: Role,
    pub login: &'static str,
    pub password: &'static str,
}

pub const LOGINS: &[DemoLogin] = &[
    DemoLogin {
        role: Role::Borrower,
        login: "13800000001",
        password: "repaydesk-demo-1",
    },
    DemoLogin {
        role: Role::Borrower,
        login: "13800000002",
        password: "repaydesk-demo-2",
    },
    DemoLogin {
        role: Role::Collector,
        login: "collector",
        password: "repaydesk-collector",
    },
    DemoLogin {
        role: Role::Supervisor,
        login: "supervisor",
        password: "repaydesk-supervisor",
    },
];

struct DemoBorrower {
    name: &'static str,
    phone: &'static str,
    email: &'static str,
    date_of_birth: &'static str,
    password: Option<&'static str>,
    /// (reference, lender, principal, interest, fees in fen, days past due)
    accounts: &'static [(&'static str, &'static str, i64, i64, i64, u64)],
}

const BORROWERS: &[DemoBorrower] = &[
    DemoBorrower {
        name: "李伟 Li Wei",
        phone: "13800000001",
        email: "li.wei@example.cn",
        date_of_birth: "1988-03-14",
        password: Some("repaydesk-demo-1"),
        accounts: &[
            (
                "CL-2026-000101",
                "Huaxia Consumer Finance",
                1_200_000,
                86_450,
                15_000,
                12,
            ),
            ("CC-2026-000102", "Jinhai Bank Credit Card", 560_000, 48_230, 20_000, 47),
        ],
    },
    DemoBorrower {
        name: "张敏 Zhang Min",
        phone: "13800000002",
        email: "zhang.min@example.cn",
        date_of_birth: "1992-11-02",
        password: Some("repaydesk-demo-2"),
        accounts: &[
            (
                "CL-2025-000201",
                "Huaxia Consumer Finance",
                3_500_000,
                412_800,
                95_000,
                124,
            ),
            ("PL-2026-000202", "Yuntu Microcredit", 180_000, 6_300, 0, 4),
        ],
    },
    DemoBorrower {
        name: "陈杰 Chen Jie",
        phone: "13800000003",
        email: "chen.jie@example.cn",
        date_of_birth: "1990-05-17",
        password: None,
        accounts: &[("CL-2026-000301", "Jinhai Bank", 820_000, 51_000, 12_500, 63)],
    },
];

/// The demo borrower without a password, as first access asks for them: (account reference,
/// date of birth, last four digits of the phone).
pub fn first_access_example() -> Option<(&'static str, &'static str, &'static str)> {
    let borrower = BORROWERS.iter().find(|b| b.password.is_none())?;
    let (reference, ..) = borrower.accounts.first()?;
    let last4 = borrower.phone.get(borrower.phone.len().checked_sub(4)?..)?;
    Some((reference, borrower.date_of_birth, last4))
}

/// Loads the demo data when the database has no users; returns whether it did.
pub async fn seed_if_empty(db: &Db, today: NaiveDate) -> Result<bool, String> {
    if users::count(db).await.map_err(|e| e.to_string())? > 0 {
        return Ok(false);
    }
    let mut tx = db.begin_write().await.map_err(|e| e.to_string())?;
    for borrower in BORROWERS {
        let hash = match borrower.password {
            Some(p) => Some(password::hash(p.to_owned()).await?),
            None => None,
        };
        let user = users::NewUser {
            role: Role::Borrower,
            username: None,
            full_name: borrower.name,
            phone: Some(borrower.phone),
            email: Some(borrower.email),
            date_of_birth: Some(borrower.date_of_birth),
            password_hash: hash.as_deref(),
        };
        let borrower_id = users::insert(&mut *tx, &user).await.map_err(|e| e.to_string())?;
        for &(reference, lender_name, principal, interest, fees, dpd) in borrower.accounts {
            let cny = |minor| Money::new(minor, Currency::CNY);
            let account = accounts::NewAccount {
                borrower_id,
                reference,
                lender_name,
                principal: cny(principal),
                interest: cny(interest),
                fees: cny(fees),
                oldest_unpaid_due: today.checked_sub_days(Days::new(dpd)).unwrap_or(today),
                as_of: today,
            };
            accounts::insert(&mut *tx, &account).await.map_err(|e| e.to_string())?;
        }
    }
    for login in LOGINS.iter().filter(|l| l.role.is_staff()) {
        let hash = password::hash(login.password.to_owned()).await?;
        let staff_name = match login.role {
            Role::Supervisor => "王芳 Wang Fang (supervisor)",
            _ => "刘洋 Liu Yang (collector)",
        };
        let user = users::NewUser {
            role: login.role,
            username: Some(login.login),
            full_name: staff_name,
            phone: None,
            email: None,
            date_of_birth: None,
            password_hash: Some(&hash),
        };
        users::insert(&mut *tx, &user).await.map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_access_example_printed_at_start_up_is_the_borrower_without_a_password() {
        assert_eq!(first_access_example(), Some(("CL-2026-000301", "1990-05-17", "0003")));
    }
}
