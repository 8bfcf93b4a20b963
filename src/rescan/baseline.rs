//! Baselines: findings a reviewer already accepted, recorded by content
//! fingerprint (rule + value + nearby words), not by line or offset, which
//! break as soon as text moves.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::rescan::RescanError;

/// The baseline file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version (1).
    pub version: u32,
    /// Accepted fingerprints, sorted.
    pub fingerprints: Vec<String>,
}

/// Reads a baseline file.
pub fn load(path: &Path) -> Result<HashSet<String>, RescanError> {
    let text = std::fs::read_to_string(path).map_err(RescanError::io(path.display()))?;
    let b: Baseline = serde_json::from_str(&text)
        .map_err(|e| RescanError::Input(format!("{}:{}: {e}", path.display(), e.line())))?;
    if b.version != 1 {
        return Err(RescanError::Input(format!(
            "{}: unsupported baseline version {}",
            path.display(),
            b.version
        )));
    }
    Ok(b.fingerprints.into_iter().collect())
}

/// Writes a baseline file.
pub fn write(path: &Path, fingerprints: HashSet<String>) -> Result<(), RescanError> {
    let mut list: Vec<String> = fingerprints.into_iter().collect();
    list.sort();
    let b = Baseline {
        version: 1,
        fingerprints: list,
    };
    let text = serde_json::to_string_pretty(&b).map_err(|e| RescanError::Input(e.to_string()))?;
    std::fs::write(path, text + "\n").map_err(RescanError::io(path.display()))
}
