//! Who may do what on the admin listener.
//!
//! Accounts come from the config with the SHA-256 of their token (tokens
//! are 256-bit random strings, so a fast hash is enough; the comparison is
//! constant-time). The API takes `Authorization: Bearer TOKEN`; the UI
//! logs in once and then uses a session cookie (`HttpOnly`,
//! `SameSite=Strict`, `Secure` when configured) with a per-session CSRF
//! token on every form. Sessions live in the store, so any replica
//! recognises them.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

/// The signed-in account.
#[derive(Debug, Clone)]
pub struct Principal {
    /// Account name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Granted queues; `None` = all.
    pub queues: Option<Vec<String>>,
}

impl Principal {
    /// May this account see items of `queue`?
    pub fn may_see(&self, queue: &str) -> bool {
        self.queues
            .as_ref()
            .is_none_or(|qs| qs.iter().any(|q| q == queue))
    }

    /// Is this account the submitter? Compared after NFKC, trimming and
    /// case folding, so `ＡＬＩＣＥ ` is `alice`.
    pub fn is_submitter(&self, submitter: Option<&str>) -> bool {
        submitter.is_some_and(|s| identity(s) == identity(&self.name))
    }
}

/// The comparable form of an identity.
pub fn identity(name: &str) -> String {
    name.nfkc().collect::<String>().trim().to_lowercase()
}

/// The configured accounts.
pub struct Accounts {
    accounts: Vec<(Account, [u8; 32])>,
    failures: Mutex<HashMap<std::net::IpAddr, (Instant, u32)>>,
}

/// A listener's state that holds the accounts: the review office's and the
/// cluster's API authenticate their callers the same way.
pub trait HasAccounts {
    /// The accounts.
    fn accounts(&self) -> &Accounts;
}

/// Failed logins allowed per client address per minute.
const MAX_FAILURES_PER_MINUTE: u32 = 10;

impl Accounts {
    /// From the config. With no accounts, one admin whose token is given
    /// (from `PUBGATE_ADMIN_TOKEN` or generated at start).
    pub fn new(configured: &[Account], bootstrap_token: Option<&str>) -> Accounts {
        let mut accounts: Vec<(Account, [u8; 32])> = configured
            .iter()
            .filter_map(|a| {
                let bytes = hex::decode(&a.token_sha256).ok()?;
                let hash: [u8; 32] = bytes.try_into().ok()?;
                Some((a.clone(), hash))
            })
            .collect();
        if accounts.is_empty()
            && let Some(token) = bootstrap_token
        {
            accounts.push((
                Account {
                    name: "admin".into(),
                    role: Role::Admin,
                    queues: vec!["*".into()],
                    token_sha256: hex::encode(hash_token(token)),
                },
                hash_token(token),
            ));
        }
        Accounts {
            accounts,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The account whose token this is.
    pub fn by_token(&self, token: &str) -> Option<Principal> {
        let hash = hash_token(token);
        let mut found = None;
        // Compare with every account, in constant time each.
        for (account, expected) in &self.accounts {
            if bool::from(hash.ct_eq(expected)) {
                found = Some(principal(account));
            }
        }
        found
    }

    /// The account with this name and token (UI login).
    pub fn login(&self, name: &str, token: &str) -> Option<Principal> {
        self.by_token(token)
            .filter(|p| identity(&p.name) == identity(name))
    }

    /// The account by name (session lookup).
    pub fn by_name(&self, name: &str) -> Option<Principal> {
        self.accounts
            .iter()
            .find(|(a, _)| a.name == name)
            .map(|(a, _)| principal(a))
    }

    /// Whether this address has used up its failed attempts for the
    /// minute (logins and bearer tokens alike).
    pub fn blocked(&self, addr: std::net::IpAddr) -> bool {
        self.failures_now(addr, 0) >= MAX_FAILURES_PER_MINUTE
    }

    /// Counts one failed login or token from this address.
    pub fn record_failure(&self, addr: std::net::IpAddr) {
        self.failures_now(addr, 1);
    }

    /// Adds `add` failures for `addr` and returns its count in the current
    /// minute. A poisoned lock counts as over the limit (fail closed).
    fn failures_now(&self, addr: std::net::IpAddr, add: u32) -> u32 {
        let Ok(mut map) = self.failures.lock() else {
            return u32::MAX;
        };
        let now = Instant::now();
        map.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        let entry = map.entry(addr).or_insert((now, 0));
        entry.1 = entry.1.saturating_add(add);
        entry.1
    }
}

fn principal(account: &Account) -> Principal {
    Principal {
        name: account.name.clone(),
        role: account.role,
        queues: if account.role == Role::Admin || account.queues.iter().any(|q| q == "*") {
            None
        } else {
            Some(account.queues.clone())
        },
    }
}

/// SHA-256 of a token.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.trim().as_bytes()).into()
}

/// A new random token (256 bits, hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    hex::encode(bytes)
}

/// A new unguessable item id (128 bits, hex).
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    hex::encode(bytes)
}

fn fill_random(buf: &mut [u8]) {
    if getrandom::fill(buf).is_err() {
        // The OS random source failing is not recoverable; an id or token
        // made without it would be guessable.
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> Accounts {
        Accounts::new(
            &[Account {
                name: "alice".into(),
                role: Role::Reviewer,
                queues: vec!["privacy".into()],
                token_sha256: hex::encode(hash_token("secret-token")),
            }],
            None,
        )
    }

    #[test]
    fn tokens_are_checked_by_hash() {
        let a = accounts();
        let p = a.by_token("secret-token").unwrap();
        assert_eq!(p.name, "alice");
        assert!(p.may_see("privacy"));
        assert!(!p.may_see("secrecy"));
        assert!(a.by_token("secret-tokem").is_none());
        assert!(a.login("ALICE", "secret-token").is_some());
        assert!(a.login("bob", "secret-token").is_none());
    }

    #[test]
    fn submitter_identity_ignores_width_case_and_spaces() {
        let p = accounts().by_token("secret-token").unwrap();
        for s in ["alice", " Alice ", "ＡＬＩＣＥ", "ALICE"] {
            assert!(p.is_submitter(Some(s)), "{s}");
        }
        assert!(!p.is_submitter(Some("alicia")));
        assert!(!p.is_submitter(None));
    }

    #[test]
    fn failed_logins_are_throttled() {
        let a = accounts();
        let ip = std::net::IpAddr::from([10, 0, 0, 1]);
        for _ in 0..MAX_FAILURES_PER_MINUTE {
            assert!(!a.blocked(ip));
            a.record_failure(ip);
        }
        assert!(a.blocked(ip));
        assert!(!a.blocked(std::net::IpAddr::from([10, 0, 0, 2])));
    }

    #[test]
    fn ids_are_random_and_long() {
        let a = new_id();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_id());
    }
}

/// A reviewer or admin account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Login name; also what the submitter header is compared with.
    pub name: String,
    /// `reviewer` or `admin`.
    pub role: Role,
    /// Queues this account may see and act on; `["*"]` = all.
    #[serde(default)]
    pub queues: Vec<String>,
    /// Hex SHA-256 of the account's token (`pubgate token` makes one).
    pub token_sha256: String,
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reviews held items in granted queues.
    Reviewer,
    /// Everything, including reload and reconcile.
    Admin,
}
