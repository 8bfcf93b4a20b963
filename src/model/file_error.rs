//! Errors in operator-edited files (dictionaries, policies), pointing at
//! `file:line` so the operator can fix them. A bad file is an error, never
//! silently ignored.

use std::fmt;

/// One problem in one operator file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file (as given: a path, or `embedded:…` for shipped defaults).
    pub file: String,
    /// 1-based line, 0 when the problem is not on one line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl FileError {
    /// A new error.
    pub fn new(file: impl Into<String>, line: usize, message: impl Into<String>) -> FileError {
        FileError {
            file: file.into(),
            line,
            message: message.into(),
        }
    }

    /// The 1-based line of a byte offset in `text`.
    pub fn line_of(text: &str, offset: usize) -> usize {
        text[..offset.min(text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count()
            + 1
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for FileError {}

/// Several file errors, reported together.
#[derive(Debug, Clone, Default)]
pub struct FileErrors(pub Vec<FileError>);

impl fmt::Display for FileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FileErrors {}
