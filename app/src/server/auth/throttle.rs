//! Throttling of failed sign-ins and first-access attempts, per account and per client
//! address. A key with `limit` failures within the window is locked until the oldest of them
//! leaves the window; while locked, no password is checked at all.

use std::time::Duration;

use crate::server::db::{now_ms, Db, Tx};
use crate::server::store::auth_failures;

#[derive(Clone, Copy, Debug)]
pub struct ThrottleSettings {
    /// Failures allowed per account (or account reference) within the window.
    pub per_account: u32,
    /// Failures allowed per client address within the window (several people may share one).
    pub per_address: u32,
    pub window: Duration,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        ThrottleSettings {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

impl ThrottleSettings {
    fn limit(&self, by: LockedBy) -> u32 {
        match by {
            LockedBy::Account => self.per_account,
            LockedBy::Address => self.per_address,
        }
    }
}

/// Which door is being knocked on: each has its own counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Door {
    SignIn,
    FirstAccess,
}

/// What a lock applies to, as recorded in the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockedBy {
    Account,
    Address,
}

impl LockedBy {
    pub fn code(self) -> &'static str {
        match self {
            LockedBy::Account => "account",
            LockedBy::Address => "address",
        }
    }
}

/// A lock in force: by what, and for how many more whole minutes (at least 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lock {
    pub by: LockedBy,
    pub minutes: u32,
}

/// The two keys of one attempt: the account (or what stands for it) and the client address.
pub struct Attempt<'a> {
    pub door: Door,
    pub account: &'a str,
    pub address: &'a str,
}

impl Attempt<'_> {
    fn scopes(&self) -> [(&'static str, &str, LockedBy); 2] {
        match self.door {
            Door::SignIn => [
                ("sign_in_account", self.account, LockedBy::Account),
                ("sign_in_address", self.address, LockedBy::Address),
            ],
            Door::FirstAccess => [
                ("first_access_account", self.account, LockedBy::Account),
                ("first_access_address", self.address, LockedBy::Address),
            ],
        }
    }
}

fn minutes_until(until: i64, now: i64) -> u32 {
    let ms = (until - now).max(0);
    u32::try_from((ms + 59_999) / 60_000).unwrap_or(u32::MAX).max(1)
}

/// The lock in force for this attempt, if any (the longer one when both keys are locked).
pub async fn check(db: &Db, settings: &ThrottleSettings, attempt: &Attempt<'_>) -> Result<Option<Lock>, sqlx::Error> {
    let now = now_ms();
    let window = settings.window.as_millis() as i64;
    let mut lock: Option<Lock> = None;
    for (scope, key, by) in attempt.scopes() {
        let limit = settings.limit(by);
        if let Some(until) = auth_failures::locked_until(db, scope, key, limit, window, now).await? {
            let minutes = minutes_until(until, now);
            if lock.is_none_or(|l| l.minutes < minutes) {
                lock = Some(Lock { by, minutes });
            }
        }
    }
    Ok(lock)
}

/// An attempt let through: it holds one provisional failure per key until it is judged, so a
/// burst of simultaneous guesses counts in full before any password is checked.
#[must_use = "an admitted attempt must be settled as failed or succeeded"]
pub struct Admission {
    reserved: Vec<i64>,
}

/// Lets an attempt through unless a lock is in force or the keys' limits are already taken
/// by failures and attempts in flight (on any replica).
pub async fn admit(
    db: &Db,
    settings: &ThrottleSettings,
    attempt: &Attempt<'_>,
) -> Result<Result<Admission, Lock>, sqlx::Error> {
    // A locked key is refused on a read, keeping a locked-out guesser off the writer.
    if let Some(lock) = check(db, settings, attempt).await? {
        return Ok(Err(lock));
    }
    let scopes = attempt.scopes();
    let keys = scopes.map(|(scope, key, by)| auth_failures::Limited {
        scope,
        key,
        limit: settings.limit(by),
    });
    let window = settings.window.as_millis() as i64;
    match auth_failures::reserve(db, &keys, now_ms(), window).await? {
        Ok(reserved) => Ok(Ok(Admission { reserved })),
        Err(over) => {
            // Attempts still in flight fill the limit and may yet succeed: no lock is recorded
            // until they fail, so this one is asked to wait the shortest while.
            let by = scopes[over].2;
            let lock = check(db, settings, attempt).await?;
            Ok(Err(lock.unwrap_or(Lock { by, minutes: 1 })))
        }
    }
}

impl Admission {
    /// The attempt failed: its provisional failures stand. Returns the lock now in force, if any.
    pub async fn failed(
        self,
        db: &Db,
        settings: &ThrottleSettings,
        attempt: &Attempt<'_>,
    ) -> Result<Option<Lock>, sqlx::Error> {
        check(db, settings, attempt).await
    }

    /// The attempt succeeded: the account's failures are forgotten, and this attempt's
    /// provisional one on the address (the address's earlier failures stand), in the write
    /// transaction that acts on the success.
    pub async fn succeeded(self, tx: &mut Tx, attempt: &Attempt<'_>) -> Result<(), sqlx::Error> {
        let [(scope, key, _), _] = attempt.scopes();
        auth_failures::forget(tx, &self.reserved, Some((scope, key))).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_is_announced_in_whole_minutes_rounded_up_and_never_zero() {
        assert_eq!(minutes_until(1_000, 1_000), 1);
        assert_eq!(minutes_until(61_000, 1_000), 1);
        assert_eq!(minutes_until(61_001, 1_000), 2);
        assert_eq!(minutes_until(15 * 60_000, 0), 15);
    }
}
