//! What the public side remembers of the pages it judged: a verdict per
//! content hash (BLAKE3) and version, rechecked against the store after a
//! while, and a gate so a new version is scanned once even when many
//! readers ask for it at the same moment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Verdicts by content hash, for one version (with the route's checks).
pub(super) struct Verdicts {
    known: Mutex<HashMap<[u8; 32], Known>>,
    recheck: Duration,
    /// One async lock per hash being judged right now: the first reader
    /// scans, the others wait and take its verdict.
    judging: Mutex<HashMap<[u8; 32], Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Clone)]
struct Known {
    version: Arc<str>,
    withheld: bool,
    checked: Instant,
}

/// Entries kept at most; past it, expired ones are dropped first.
const MAX_KNOWN: usize = 100_000;

impl Verdicts {
    pub(super) fn new(recheck: Duration) -> Verdicts {
        Verdicts {
            known: Mutex::new(HashMap::new()),
            recheck,
            judging: Mutex::new(HashMap::new()),
        }
    }

    /// The verdict on this content under `version`, if checked recently.
    /// A poisoned lock is "not known": the page is judged again.
    pub(super) fn fresh(&self, hash: &[u8; 32], version: &str) -> Option<bool> {
        let known = self.known.lock().ok()?;
        let k = known.get(hash)?;
        (&*k.version == version && k.checked.elapsed() < self.recheck).then_some(k.withheld)
    }

    pub(super) fn remember(&self, hash: [u8; 32], version: &str, withheld: bool) {
        let Ok(mut known) = self.known.lock() else {
            return;
        };
        if known.len() >= MAX_KNOWN {
            let recheck = self.recheck;
            known.retain(|_, k| k.checked.elapsed() < recheck);
            if known.len() >= MAX_KNOWN {
                known.clear();
            }
        }
        known.insert(
            hash,
            Known {
                version: version.into(),
                withheld,
                checked: Instant::now(),
            },
        );
    }

    /// Waits for this hash's turn to be judged and returns the guard; the
    /// caller looks in memory again (a reader before it may have judged
    /// it), judges if still unknown, and drops the guard.
    pub(super) async fn turn(&self, hash: [u8; 32]) -> Turn<'_> {
        let gate = match self.judging.lock() {
            Ok(mut judging) => judging.entry(hash).or_default().clone(),
            // Poisoned: no gate, each reader judges on its own.
            Err(_) => Arc::default(),
        };
        let guard = gate.clone().lock_owned().await;
        Turn {
            verdicts: self,
            hash,
            gate,
            _guard: guard,
        }
    }
}

/// One reader's turn to judge a hash; the gate is removed when no other
/// reader waits on it.
pub(super) struct Turn<'v> {
    verdicts: &'v Verdicts,
    hash: [u8; 32],
    gate: Arc<tokio::sync::Mutex<()>>,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Ok(mut judging) = self.verdicts.judging.lock()
            && judging
                .get(&self.hash)
                .is_some_and(|g| Arc::ptr_eq(g, &self.gate))
            // The map, this turn and its guard's lock hold the gate: no one
            // else is waiting.
            && Arc::strong_count(&self.gate) <= 3
        {
            judging.remove(&self.hash);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_is_kept_per_policy_version_until_it_is_rechecked() {
        let verdicts = Verdicts::new(Duration::from_secs(60));
        let hash = [7u8; 32];
        verdicts.remember(hash, "v1", true);
        assert_eq!(verdicts.fresh(&hash, "v1"), Some(true));
        assert_eq!(verdicts.fresh(&hash, "v2"), None);
        let stale = Verdicts::new(Duration::ZERO);
        stale.remember(hash, "v1", false);
        assert_eq!(stale.fresh(&hash, "v1"), None);
    }

    #[tokio::test]
    async fn readers_of_one_new_version_take_turns_and_the_gate_goes_away() {
        let verdicts = Arc::new(Verdicts::new(Duration::from_secs(60)));
        let hash = [9u8; 32];
        let first = verdicts.turn(hash).await;
        let waiting = {
            let verdicts = verdicts.clone();
            tokio::spawn(async move {
                let _turn = verdicts.turn(hash).await;
                // Its turn comes after the first reader's verdict.
                verdicts.fresh(&hash, "v1")
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the second reader waits");
        verdicts.remember(hash, "v1", false);
        drop(first);
        assert_eq!(waiting.await.unwrap(), Some(false));
        assert!(verdicts.judging.lock().unwrap().is_empty());
    }
}
