//! Operator files: where dictionaries and policies come from.
//!
//! The shipped files in `dictionaries/` and `policies/` are compiled into
//! the binary, so `pubgate scan` runs on a fresh machine with no set-up.
//! `--dictionaries DIR` and `--policy FILE` replace them with an operator's
//! own; a file that cannot be read or parsed is an error, never skipped.

use std::path::Path;

use crate::model::{FileError, FileErrors};

/// One operator file: a name for errors and its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path (or `embedded:dictionaries/x.txt`).
    pub name: String,
    /// Contents.
    pub text: String,
}

/// All operator files an engine is built from.
#[derive(Debug, Clone)]
pub struct Sources {
    /// Dictionary term and exclusion lists (`*.txt`), sorted by name.
    pub lists: Vec<Source>,
    /// The announcement spec (`announcements.toml`).
    pub announcements: Source,
    /// The policy.
    pub policy: Source,
}

macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../", $path)))),*]
    };
}

/// The shipped operator files. A test checks this list against the folders,
/// so a new shipped file cannot be forgotten here.
pub const EMBEDDED: &[(&str, &str)] = embedded!(
    "dictionaries/announcements.toml",
    "dictionaries/exclusions.txt",
    "dictionaries/internal_markers.txt",
    "dictionaries/secret_terms.txt",
    "policies/default.toml",
);

impl Sources {
    /// The files compiled into the binary.
    pub fn embedded() -> Sources {
        let get = |p: &str| Source {
            name: format!("embedded:{p}"),
            text: EMBEDDED
                .iter()
                .find(|(n, _)| *n == p)
                .map(|(_, t)| t.to_string())
                .unwrap_or_default(),
        };
        Sources {
            lists: EMBEDDED
                .iter()
                .filter(|(n, _)| n.starts_with("dictionaries/") && n.ends_with(".txt"))
                .map(|(n, t)| Source {
                    name: format!("embedded:{n}"),
                    text: t.to_string(),
                })
                .collect(),
            announcements: get("dictionaries/announcements.toml"),
            policy: get("policies/default.toml"),
        }
    }

    /// Embedded defaults, with the dictionaries and/or policy replaced by
    /// files on disk.
    pub fn load(dictionaries: Option<&Path>, policy: Option<&Path>) -> Result<Sources, FileErrors> {
        let mut sources = Sources::embedded();
        if let Some(dir) = dictionaries {
            let entries = std::fs::read_dir(dir).map_err(|e| {
                FileErrors(vec![FileError::new(
                    dir.display().to_string(),
                    0,
                    format!("cannot read directory: {e}"),
                )])
            })?;
            let mut lists = Vec::new();
            let mut announcements = None;
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                let name = path.display().to_string();
                let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if file.ends_with(".txt") {
                    lists.push(read(&path)?);
                } else if file == "announcements.toml" {
                    announcements = Some(read(&path)?);
                } else if path.is_file() && !file.starts_with('.') && !file.ends_with(".md") {
                    return Err(FileErrors(vec![FileError::new(
                        name,
                        0,
                        "unexpected file in dictionaries (expected *.txt or announcements.toml)",
                    )]));
                }
            }
            sources.lists = lists;
            if let Some(a) = announcements {
                sources.announcements = a;
            }
        }
        if let Some(p) = policy {
            sources.policy = read(p)?;
        }
        Ok(sources)
    }
}

fn read(path: &Path) -> Result<Source, FileErrors> {
    let name = path.display().to_string();
    std::fs::read_to_string(path)
        .map(|text| Source {
            name: name.clone(),
            text,
        })
        .map_err(|e| FileErrors(vec![FileError::new(name, 0, format!("cannot read: {e}"))]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_file_is_embedded() {
        let root = env!("CARGO_MANIFEST_DIR");
        for dir in ["dictionaries", "policies"] {
            for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "txt" || e == "toml") {
                    let rel = format!("{dir}/{}", path.file_name().unwrap().to_str().unwrap());
                    assert!(
                        EMBEDDED.iter().any(|(n, _)| *n == rel),
                        "{rel} is not in config::EMBEDDED"
                    );
                }
            }
        }
    }
}
