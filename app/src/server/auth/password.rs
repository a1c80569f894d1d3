//! Passwords: argon2id with OWASP parameters, hashed off the async threads and bounded so a
//! burst of sign-ins cannot starve the server of memory or CPU.

use std::cell::RefCell;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{rand_core::OsRng, Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

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
    if COMMON.contains(&lowered.as_str()) || lowered.chars().all(|c| lowered.starts_with(c)) {
        return Err(WeakPassword::TooCommon);
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // OWASP lists argon2id at m = 19 MiB, t = 2 and at m = 7 MiB, t = 5 (both p = 1) as equally
    // strong. The smaller area is 10-20 % faster to hash here, which is what bounds sign-ins per
    // second, and uses less memory. Hashes under either verify: a PHC string names its own
    // parameters.
    let params = Params::new(7 * 1024, 5, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

type Job = Box<dyn FnOnce() + Send>;

/// Hashing runs on a fixed set of threads, one per core, fed by a queue: a burst of sign-ins
/// waits its turn instead of starving the async threads, and since the same few threads do all
/// the hashing the allocator keeps at most one work area (7 MiB) per thread (on short-lived
/// blocking-pool threads each burst left another behind, hundreds of MB in all).
fn hashing_queue() -> &'static Mutex<Sender<Job>> {
    static QUEUE: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        for n in 0..threads {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || loop {
                    let next = receiver.lock().map(|r| r.recv());
                    match next {
                        Ok(Ok(job)) => job(),
                        _ => break,
                    }
                })
                .expect("start a password hashing thread");
        }
        Mutex::new(sender)
    })
}

/// Runs `work` on a hashing thread; `None` only if the hashing threads are gone.
async fn on_hashing_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    hashing_queue().lock().ok()?.send(job).ok()?;
    answer.await.ok()
}

pub fn hash_blocking(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub async fn hash(password: String) -> Result<String, String> {
    on_hashing_thread(move || hash_blocking(&password))
        .await
        .unwrap_or_else(|| Err("the password hashing threads stopped".into()))
}

/// A stand-in hash verified when the account does not exist, so a failed sign-in takes the
/// same time whether or not the login is known.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_blocking("decoy password never matches").unwrap_or_default())
}

thread_local! {
    /// A hashing thread's argon2 work area, kept from one sign-in to the next: a fresh work area
    /// for each verification (zeroed, then faulted in page by page) took 15-20 % of its time.
    /// Every pass overwrites the blocks before reading them, so what a previous hash left in
    /// them takes no part in the next one.
    static WORK_AREA: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Whether `password` hashes to `stored` (a PHC string, under the parameters it names), in the
/// thread's kept work area; the comparison takes the same time wherever the hashes differ.
fn verify_blocking(password: &[u8], stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
        return false;
    };
    let Ok(version) = parsed.version.map_or(Ok(Version::V0x13), Version::try_from) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut computed = vec![0u8; expected.len()];
    let hashed = WORK_AREA.with_borrow_mut(|area| {
        if area.len() < blocks {
            area.resize(blocks, Block::default());
        }
        argon2.hash_password_into_with_memory(password, salt, &mut computed, &mut area[..blocks])
    });
    // `Output`'s equality is constant-time.
    hashed.is_ok() && Output::new(&computed).is_ok_and(|computed| computed == expected)
}

/// True when `password` matches `stored`; `None` compares against a decoy and is false.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    on_hashing_thread(move || {
        let known = stored.is_some();
        let stored = stored.as_deref().unwrap_or_else(|| decoy_hash());
        verify_blocking(password.as_bytes(), stored) && known
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
        assert!(stored.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{stored}");
        assert!(verify("a long enough secret".into(), Some(stored.clone())).await);
        assert!(!verify("another secret here".into(), Some(stored)).await);
        assert!(!verify("a long enough secret".into(), None).await);
    }

    #[tokio::test]
    async fn a_hash_verifies_under_the_parameters_it_names_whatever_the_work_area_held() {
        // Smaller and larger work areas than the current parameters' (the larger one is OWASP's
        // m = 19 MiB, t = 2, which earlier releases stored), in turns on the same threads.
        let hash_under = |memory_kib, passes, password: &[u8]| {
            let params = Params::new(memory_kib, passes, 1, None).unwrap();
            let salt = SaltString::generate(&mut OsRng);
            let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
            hasher.hash_password(password, &salt).unwrap().to_string()
        };
        let small = hash_under(1024, 1, b"an older hash here");
        let earlier = hash_under(19 * 1024, 2, b"an earlier release");
        let current = hash("the current hash".into()).await.unwrap();
        for _ in 0..3 {
            assert!(verify("an older hash here".into(), Some(small.clone())).await);
            assert!(verify("an earlier release".into(), Some(earlier.clone())).await);
            assert!(verify("the current hash".into(), Some(current.clone())).await);
            assert!(!verify("the current hash".into(), Some(small.clone())).await);
            assert!(!verify("the current hash".into(), Some(earlier.clone())).await);
        }
        let mut tampered = current.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        assert!(!verify("the current hash".into(), Some(tampered)).await);
        assert!(!verify("the current hash".into(), Some("not a hash".into())).await);
    }
}
