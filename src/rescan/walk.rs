//! Listing inputs: files, directories (recursive, sorted), `-` for stdin;
//! and splitting them deterministically across machines (`--shard K/N`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::rescan::RescanError;

/// One input to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file; `key` is the path relative to the argument it was found
    /// under, used for sharding so machines with different mount points agree.
    File {
        /// The path to read.
        path: PathBuf,
        /// The shard key.
        key: String,
        /// The archive it belongs to (the argument it was found under).
        source: Arc<str>,
    },
    /// An `http://` or `https://` address from a list file.
    Url {
        /// The address.
        url: String,
        /// The list file it came from.
        source: Arc<str>,
    },
    /// An object in an S3-compatible bucket.
    Object {
        /// The bucket.
        bucket: String,
        /// The object's key.
        key: String,
        /// Its size, from the listing (larger than the scan limit: only the
        /// start is read, and it is reported over the limit).
        size: u64,
        /// `s3://bucket/prefix` it was listed under.
        source: Arc<str>,
    },
    /// A row of a PostgreSQL table (`--table`).
    Row {
        /// The key column's value, as text.
        key: String,
        /// `pg:TABLE`.
        source: Arc<str>,
    },
}

impl Input {
    /// The name shown in reports, and the document's key in the store.
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File { path, .. } => path.display().to_string(),
            Input::Url { url, .. } => url.clone(),
            Input::Object { bucket, key, .. } => format!("s3://{bucket}/{key}"),
            Input::Row { key, source } => format!("{source}/{key}"),
        }
    }

    /// What sharding hashes: stable across machines (a relative path, an
    /// address, an object key, a row key). None for standard input, which
    /// every shard reads.
    pub fn shard_key(&self) -> Option<&str> {
        match self {
            Input::Stdin => None,
            Input::File { key, .. } => Some(key),
            Input::Url { url, .. } => Some(url),
            Input::Object { key, .. } => Some(key),
            Input::Row { key, .. } => Some(key),
        }
    }

    /// The archive the input was listed from (None for standard input).
    pub fn source(&self) -> Option<&str> {
        match self {
            Input::Stdin => None,
            Input::File { source, .. }
            | Input::Url { source, .. }
            | Input::Object { source, .. }
            | Input::Row { source, .. } => Some(source),
        }
    }
}

/// A deterministic split of the inputs: shard `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based index.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` with K in 1..=N (people count from one).
    pub fn parse(s: &str) -> Result<Shard, RescanError> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| RescanError::Input(format!("--shard must be K/N, got \"{s}\"")))?;
        let k: u64 = k
            .trim()
            .parse()
            .map_err(|_| RescanError::Input(format!("--shard: K must be a number, got \"{k}\"")))?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| RescanError::Input(format!("--shard: N must be a number, got \"{n}\"")))?;
        if n == 0 || k == 0 || k > n {
            return Err(RescanError::Input(format!(
                "--shard K/N needs 1 ≤ K ≤ N, got {k}/{n}"
            )));
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }

    /// From a Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based) and
    /// the shard count.
    pub fn from_index(index: &str, count: u64) -> Result<Shard, RescanError> {
        let index: u64 = index.trim().parse().map_err(|_| {
            RescanError::Input(format!("JOB_COMPLETION_INDEX is not a number: \"{index}\""))
        })?;
        if count == 0 || index >= count {
            return Err(RescanError::Input(format!(
                "JOB_COMPLETION_INDEX {index} is outside 0..{count}"
            )));
        }
        Ok(Shard { index, count })
    }

    /// Whether this shard owns `key`.
    pub fn owns(&self, key: &str) -> bool {
        let digest = Sha256::digest(key.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % self.count == self.index
    }
}

/// Lists every input under `args`. Missing paths are errors (a typo must not
/// look like a clean archive).
pub fn list(args: &[String]) -> Result<Vec<Input>, RescanError> {
    let mut out = Vec::new();
    for arg in args {
        if arg == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let root = Path::new(arg);
        let source: Arc<str> = Arc::from(arg.as_str());
        let meta = std::fs::metadata(root).map_err(RescanError::io(arg))?;
        if meta.is_file() {
            let key = root
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(arg)
                .to_string();
            out.push(Input::File {
                path: root.to_path_buf(),
                key,
                source,
            });
            continue;
        }
        let mut files = Vec::new();
        // Symlinks are followed (walkdir detects loops). An entry that cannot
        // be walked (permissions, a loop) is kept as an input: reading it
        // fails, and it is reported `unscannable`, never skipped silently.
        for entry in walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                    let key = path
                        .strip_prefix(root)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    files.push(Input::File {
                        path,
                        key,
                        source: source.clone(),
                    });
                    continue;
                }
            };
            if entry.file_type().is_file() {
                let key = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push(Input::File {
                    path: entry.into_path(),
                    key,
                    source: source.clone(),
                });
            }
        }
        out.extend(files);
    }
    Ok(out)
}

/// Reads a list file: one local path or `http(s)://` address per line;
/// blank lines and lines starting with `#` are skipped. A local path is
/// read as [`list`] reads an argument (a folder is walked). An `s3://`
/// line is refused here: buckets are listed with `--s3`.
pub fn list_file(file: &Path) -> Result<Vec<Input>, RescanError> {
    let text = std::fs::read_to_string(file).map_err(RescanError::io(file.display()))?;
    let source: Arc<str> = Arc::from(format!("list:{}", file.display()).as_str());
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("http://") || line.starts_with("https://") {
            out.push(Input::Url {
                url: line.to_string(),
                source: source.clone(),
            });
        } else if line.contains("://") {
            return Err(RescanError::Input(format!(
                "{}:{}: only local paths and http(s):// addresses can be listed (use --s3 for buckets)",
                file.display(),
                n + 1
            )));
        } else {
            out.extend(
                list(&[line.to_string()]).map_err(|e| {
                    RescanError::Input(format!("{}:{}: {e}", file.display(), n + 1))
                })?,
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_keys() {
        let keys: Vec<String> = (0..1000).map(|i| format!("a/{i}.html")).collect();
        let shards: Vec<Shard> = (1..=3)
            .map(|k| Shard::parse(&format!("{k}/3")).unwrap())
            .collect();
        let mut total = 0;
        for s in &shards {
            let n = keys.iter().filter(|k| s.owns(k)).count();
            assert!(n > 250 && n < 420, "uneven shard: {n}");
            total += n;
        }
        assert_eq!(total, 1000);
        for k in &keys {
            assert_eq!(shards.iter().filter(|s| s.owns(k)).count(), 1);
        }
    }

    #[test]
    fn shard_parsing() {
        assert!(Shard::parse("0/2").is_err());
        assert!(Shard::parse("3/2").is_err());
        assert_eq!(Shard::parse("2/2").unwrap(), Shard { index: 1, count: 2 });
        assert_eq!(
            Shard::from_index("1", 2).unwrap(),
            Shard { index: 1, count: 2 }
        );
    }
}
