//! argon2id password hashing, at OWASP's minimum (19 MiB, 2 iterations, 1 lane), always on a
//! blocking thread so it never stalls the async workers.

use crate::{Error, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use portal_types::Password;
use std::sync::OnceLock;

/// Memory cost in KiB (19 MiB).
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const LANES: u32 = 1;

fn hasher() -> Argon2<'static> {
    // These constants are valid argon2 parameters; `Params::new` cannot fail on them.
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

fn verify_blocking(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes a password (PHC string with its own salt and parameters).
pub async fn hash(password: &Password) -> Result<String> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| Error::Internal(format!("hashing task failed: {e}")))?
}

/// Checks a password against a stored hash. `None` (no such user) still spends the time of
/// one verification, so response times do not tell which accounts exist.
pub async fn verify(password: &Password, phc: Option<String>) -> Result<bool> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify_blocking(&password, &phc),
        None => {
            verify_blocking(&password, dummy_hash());
            false
        }
    })
    .await
    .map_err(|e| Error::Internal(format!("verification task failed: {e}")))
}

/// A hash of a random password, made once, to verify against when there is no user.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let random: String = uuid::Uuid::new_v4().to_string();
        hash_blocking(&random).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id_at_owasp_minimum() {
        let password = Password::parse_new("correct horse battery").expect("valid");
        let phc = hash(&password).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify(&password, Some(phc.clone())).await.expect("verify"));
        let wrong = Password::parse_attempt("wrong horse").expect("valid");
        assert!(!verify(&wrong, Some(phc)).await.expect("verify"));
        assert!(!verify(&password, None).await.expect("verify"));
        assert!(
            !verify(&password, Some("not a hash".into()))
                .await
                .expect("verify")
        );
    }
}
