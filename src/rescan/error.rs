//! Why a rescan (or a part of it) failed, by what the operator has to look
//! at: an argument or file they gave, a local file, a remote source, or
//! the store.

use crate::store::StoreError;

/// A rescan failure. Messages name the file, address or flag, never a
/// value from a document.
#[derive(Debug, thiserror::Error)]
pub enum RescanError {
    /// An argument, a list file or a baseline is wrong (`--shard 3/2`, a
    /// bad line, an unsupported baseline version): the operator's to fix.
    #[error("{0}")]
    Input(String),
    /// A local file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path, as given.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A remote source — an address, an S3 bucket, a database table —
    /// could not be listed or read.
    #[error("{0}")]
    Remote(String),
    /// The store could not be opened, read or written.
    #[error("{what}: {source}")]
    Store {
        /// What was being done (the store's URL without its password).
        what: String,
        /// The store's error.
        source: StoreError,
    },
}

impl RescanError {
    /// An I/O error on `path`.
    pub fn io(path: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> RescanError {
        let path = path.to_string();
        move |source| RescanError::Io { path, source }
    }

    /// A store error while doing `what`.
    pub fn store(what: impl Into<String>) -> impl FnOnce(StoreError) -> RescanError {
        let what = what.into();
        move |source| RescanError::Store { what, source }
    }
}
