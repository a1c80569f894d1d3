//! Passwords: argon2id with OWASP parameters, hashed off the async threads and bounded so a
//! burst of sign-ins cannot starve the server of memory or CPU.

use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

pub const MIN_LENGTH: usize = 12;

/// Rejected before hashing: too short, or among the passwords attackers try first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeakPassword {
    TooShort { min: usize },
    TooCommon,
}

impl WeakPassword {
    pub fn code(self) -> &'static str {
        match self {
            WeakPassword::TooShort { .. } => "password_too_short",
            WeakPassword::TooCommon => "password_too_common",
        }
    }
}

const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "password1234",
    "password12345",
    "passwordpassword",
    "qwertyuiop12",
    "qwertyuiopas",
    "iloveyou1234",
    "111111111111",
    "000000000000",
    "123123123123",
    "abc123abc123",
    "admin1234567",
    "welcome12345",
    "letmein12345",
    "football1234",
    "monkey123456",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "qwerty123456",
    "asdfghjkl123",
    "woaini123456",
    "woaini520520",
    "5201314520131",
    "aaaaaaaaaaaa",
    "abcdefghijkl",
    "changeme1234",
    "passw0rdpassw0rd",
];

pub fn check_strength(password: &str) -> Result<(), WeakPassword> {
    if password.chars().count() < MIN_LENGTH {
        return Err(WeakPassword::TooShort { min: MIN_LENGTH });
    }
    let lowered = password.to_lowercase();
    if COMMON.contains(&lowered.as_str()) || lowered.chars().all(|c| Some(c) == lowered.chars().next()) {
        return Err(WeakPassword::TooCommon);
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // OWASP: argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// At most this many hashes run at once; each holds 19 MiB.
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

pub fn hash_blocking(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub async fn hash(password: String) -> Result<String, String> {
    let _permit = permits().acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| e.to_string())?
}

/// A stand-in hash verified when the account does not exist, so a failed sign-in takes the
/// same time whether or not the login is known.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_blocking("decoy password never matches").unwrap_or_default())
}

/// True when `password` matches `stored`; `None` compares against a decoy and is false.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let Ok(_permit) = permits().acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| decoy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        hasher().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_of_eleven_characters_is_too_short_and_twelve_is_enough() {
        assert_eq!(check_strength("abcdefgh123"), Err(WeakPassword::TooShort { min: 12 }));
        assert_eq!(check_strength("correct-h0rse"), Ok(()));
    }

    #[test]
    fn common_and_repeated_passwords_are_refused_whatever_their_case() {
        assert_eq!(check_strength("Password1234"), Err(WeakPassword::TooCommon));
        assert_eq!(check_strength("zzzzzzzzzzzzzz"), Err(WeakPassword::TooCommon));
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("a long enough secret".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("a long enough secret".into(), Some(stored.clone())).await);
        assert!(!verify("another secret here".into(), Some(stored)).await);
        assert!(!verify("a long enough secret".into(), None).await);
    }
}
