//! Bearer secrets: session tokens, enrollment tokens, agent secrets.
//!
//! A secret is 32 random bytes in unpadded base64url. Whoever holds it is shown it once; the
//! database keeps only its SHA-256, so a copy of a table lets nobody in. SHA-256 without salt
//! is enough here: the secrets are random and long, not passwords.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

/// Length of a secret: 32 random bytes in unpadded base64url.
const CHARS: usize = 43;

/// A bearer secret. Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub(crate) fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts only the shape we issue; anything else (malformed or forged) is `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        let well_formed = raw.len() == CHARS
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database stores: SHA-256, lower-case hex.
    pub(crate) fn hash(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }
}

/// The SHA-256 of `bytes`, as lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_secrets_parse_and_others_do_not() {
        let secret = Secret::generate();
        assert_eq!(Secret::parse(secret.expose()), Some(secret.clone()));
        assert_eq!(secret.hash().len(), 64);
        assert_eq!(Secret::parse("short"), None);
        assert_eq!(Secret::parse(&"+".repeat(43)), None);
        assert!(!format!("{secret:?}").contains(secret.expose()));
    }
}
