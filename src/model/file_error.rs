//! Errors in operator-edited files (dictionaries, policies), pointing at
//! `file:line` so the operator can fix them. A bad file is an error, never
//! silently ignored.

/// One problem in one operator file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
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

    /// `file:line: message`, or `file: message` when there is no line.
    fn render(&self) -> String {
        if self.line > 0 {
            format!("{}:{}: {}", self.file, self.line, self.message)
        } else {
            format!("{}: {}", self.file, self.message)
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

/// Several file errors, reported together (one per line).
#[derive(Debug, Clone, Default, thiserror::Error)]
#[error("{}", render_all(&self.0))]
pub struct FileErrors(pub Vec<FileError>);

fn render_all(errors: &[FileError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
