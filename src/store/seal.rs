//! Secrets of the store: encryption at rest of held requests, and the key
//! that signs the audit chain.
//!
//! A held request is the one place pubgate keeps a leak in full: the body
//! that held it and the submitter's headers (often their credentials). With
//! a [`Keyring`] configured, both are sealed with XChaCha20-Poly1305 before
//! they reach the database, so a copied SQLite file or a PostgreSQL dump
//! shows no content. The item id and column name are bound in as associated
//! data, so a sealed body moved to another row does not open.
//!
//! Keys have ids. The first key of the ring seals; every key opens, so a
//! key is rotated by putting the new one first and keeping the old one
//! until no row uses it. The key id is stored next to each row.
//!
//! The audit key turns the audit chain's SHA-256 into an HMAC: without it,
//! anyone who can write to the database could rewrite the whole chain
//! consistently from the first entry; with it (kept outside the database),
//! they cannot.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use serde::Deserialize;

/// Why a key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Not 32 bytes of base64 (or 64 hex digits).
    #[error("key `{0}` must be 32 bytes, written as base64 (44 characters) or 64 hex digits")]
    Malformed(String),
    /// Two keys with one id.
    #[error("key id `{0}` is used twice")]
    DuplicateId(String),
    /// A key id that cannot be stored.
    #[error("key id `{0}` must be 1–64 characters of letters, digits, `-`, `_` or `.`")]
    BadId(String),
}

/// Parses a 32-byte key written as base64 or hex (what `pubgate key`
/// prints). `name` only labels the error; the key never appears in one.
pub fn parse_key(name: &str, text: &str) -> Result<[u8; 32], KeyError> {
    let text = text.trim();
    let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode(text).ok()
    } else {
        base64::engine::general_purpose::STANDARD.decode(text).ok()
    };
    bytes
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| KeyError::Malformed(name.to_string()))
}

/// A fresh random key, base64.
pub fn new_key() -> Result<String, getrandom::Error> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(key))
}

/// The store's encryption keys: the first seals, all open.
pub struct Keyring {
    keys: Vec<(String, XChaCha20Poly1305)>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("Keyring").field("ids", &ids).finish()
    }
}

/// Sealing or opening failed.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The row was sealed with a key id the ring does not have.
    #[error("item is encrypted with key `{0}`, which is not configured (add it to the store keys)")]
    UnknownKey(String),
    /// The key with this id does not open the row: a wrong key, or the row
    /// was altered or moved.
    #[error("item does not decrypt with key `{0}`: wrong key, or the stored row was altered")]
    WrongKey(String),
    /// The random source failed.
    #[error("no randomness for a nonce")]
    Random,
}

const NONCE_LEN: usize = 24;

impl Keyring {
    /// A ring from `(id, key)` pairs; the first seals.
    pub fn new(keys: Vec<(String, [u8; 32])>) -> Result<Keyring, KeyError> {
        let mut ring = Vec::with_capacity(keys.len());
        for (id, key) in keys {
            let valid = !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
            if !valid {
                return Err(KeyError::BadId(id));
            }
            if ring.iter().any(|(other, _)| *other == id) {
                return Err(KeyError::DuplicateId(id));
            }
            ring.push((id, XChaCha20Poly1305::new(&key.into())));
        }
        Ok(Keyring { keys: ring })
    }

    /// The id of the key that seals new rows.
    pub fn current_id(&self) -> Option<&str> {
        self.keys.first().map(|(id, _)| id.as_str())
    }

    /// Seals `plain` for the row and column named by `aad`. Returns the key
    /// id and `nonce ‖ ciphertext ‖ tag`.
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<(String, Vec<u8>), SealError> {
        let Some((id, cipher)) = self.keys.first() else {
            return Err(SealError::UnknownKey(String::new()));
        };
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| SealError::Random)?;
        let sealed = cipher
            .encrypt(&nonce.into(), Payload { msg: plain, aad })
            .map_err(|_| SealError::WrongKey(id.clone()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok((id.clone(), out))
    }

    /// Opens what [`Keyring::seal`] made with key `id`.
    pub fn open(&self, id: &str, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let (_, cipher) = self
            .keys
            .iter()
            .find(|(k, _)| k == id)
            .ok_or_else(|| SealError::UnknownKey(id.to_string()))?;
        let wrong = || SealError::WrongKey(id.to_string());
        if sealed.len() < NONCE_LEN {
            return Err(wrong());
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| wrong())?;
        cipher
            .decrypt(&nonce.into(), Payload { msg: body, aad })
            .map_err(|_| wrong())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(keys: &[(&str, u8)]) -> Keyring {
        Keyring::new(
            keys.iter()
                .map(|(id, b)| (id.to_string(), [*b; 32]))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn seals_and_opens_with_the_right_key_and_row_only() {
        let r = ring(&[("k1", 1)]);
        let (id, sealed) = r.seal(b"item1/body", b"secret 110105194912310021").unwrap();
        assert_eq!(id, "k1");
        assert!(!sealed.windows(6).any(|w| w == b"110105"));
        assert_eq!(
            r.open("k1", b"item1/body", &sealed).unwrap(),
            b"secret 110105194912310021"
        );
        // Moved to another row or column: refused.
        assert!(matches!(
            r.open("k1", b"item2/body", &sealed),
            Err(SealError::WrongKey(_))
        ));
        // Same id, other key bytes: refused, not garbage.
        assert!(matches!(
            ring(&[("k1", 2)]).open("k1", b"item1/body", &sealed),
            Err(SealError::WrongKey(_))
        ));
        assert!(matches!(
            ring(&[("k2", 1)]).open("k1", b"item1/body", &sealed),
            Err(SealError::UnknownKey(_))
        ));
        // A flipped bit anywhere is refused.
        let mut bad = sealed.clone();
        bad[30] ^= 1;
        assert!(r.open("k1", b"item1/body", &bad).is_err());
        assert!(r.open("k1", b"item1/body", &sealed[..10]).is_err());
    }

    #[test]
    fn rotation_opens_old_rows_and_seals_with_the_first_key() {
        let old = ring(&[("2026-01", 1)]);
        let (_, sealed) = old.seal(b"a", b"old row").unwrap();
        let rotated = ring(&[("2026-11", 2), ("2026-01", 1)]);
        assert_eq!(rotated.open("2026-01", b"a", &sealed).unwrap(), b"old row");
        assert_eq!(rotated.seal(b"a", b"new").unwrap().0, "2026-11");
    }

    #[test]
    fn keys_parse_from_base64_or_hex_and_errors_do_not_quote_them() {
        let b64 = new_key().unwrap();
        assert_eq!(parse_key("k", &b64).unwrap().len(), 32);
        assert_eq!(parse_key("k", &"ab".repeat(32)).unwrap(), [0xab; 32]);
        let err = parse_key("store key", "c2hvcnQ=").unwrap_err().to_string();
        assert!(err.contains("store key") && !err.contains("c2hvcnQ"));
        assert!(matches!(
            Keyring::new(vec![("a".into(), [0; 32]), ("a".into(), [1; 32])]),
            Err(KeyError::DuplicateId(_))
        ));
        assert!(matches!(
            Keyring::new(vec![("a b".into(), [0; 32])]),
            Err(KeyError::BadId(_))
        ));
    }
}

/// Where the store's keys come from. Keys are files (a Kubernetes secret
/// mount, a file readable only by the service user) or environment
/// variables, never the config file itself, which is usually less guarded.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeySources {
    /// File with the audit-chain key (32 bytes, base64 or hex; `pubgate
    /// key` makes one). `PUBGATE_AUDIT_KEY` overrides it.
    pub audit_key_file: Option<PathBuf>,
    /// Encryption keys for held requests; the first seals new items, all
    /// open old ones. `PUBGATE_STORE_KEY=id:key` is put first.
    pub store_keys: Vec<StoreKey>,
}

/// One encryption key for held requests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreKey {
    /// Stored with each row, so the right key opens it after a rotation.
    pub id: String,
    /// File with the key (32 bytes, base64 or hex).
    pub file: PathBuf,
}

impl KeySources {
    /// Reads the keys (files and environment). Errors name the file or
    /// variable, never the key.
    pub fn load(&self) -> Result<super::Secrets, String> {
        let read = |path: &Path| {
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read key file {}: {e}", path.display()))
                .and_then(|t| parse_key(&path.display().to_string(), &t).map_err(|e| e.to_string()))
        };
        let audit_key = match std::env::var("PUBGATE_AUDIT_KEY") {
            Ok(text) => Some(parse_key("PUBGATE_AUDIT_KEY", &text).map_err(|e| e.to_string())?),
            Err(_) => self.audit_key_file.as_deref().map(read).transpose()?,
        };
        let mut keys = Vec::new();
        if let Ok(text) = std::env::var("PUBGATE_STORE_KEY") {
            let (id, key) = text
                .split_once(':')
                .ok_or("PUBGATE_STORE_KEY must be `id:key`")?;
            keys.push((
                id.to_string(),
                parse_key("PUBGATE_STORE_KEY", key).map_err(|e| e.to_string())?,
            ));
        }
        for k in &self.store_keys {
            keys.push((k.id.clone(), read(&k.file)?));
        }
        let keyring = if keys.is_empty() {
            None
        } else {
            Some(Keyring::new(keys).map_err(|e| e.to_string())?)
        };
        Ok(super::Secrets { keyring, audit_key })
    }
}
