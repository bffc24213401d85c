//! Errors that name the input and what is wrong with it.

use std::fmt;

/// Where in the inputs something happened: a file (or `-`), and optionally a record offset
/// (a byte offset in a WARC file, a line number in JSONL / CoNLL-U).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file name as the user gave it, or `-` for standard input.
    pub input: String,
    /// `"line 12"`, `"record at byte 40960"`…; empty when the whole input is concerned.
    pub location: String,
    /// What is wrong, in words a user can act on.
    pub reason: String,
}

impl InputError {
    pub fn new(input: impl Into<String>, reason: impl Into<String>) -> Self {
        InputError {
            input: input.into(),
            location: String::new(),
            reason: reason.into(),
        }
    }

    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = location.into();
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.input, self.reason)
        } else {
            write!(f, "{} ({}): {}", self.input, self.location, self.reason)
        }
    }
}

impl std::error::Error for InputError {}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("model {path}: {reason}")]
    Model { path: String, reason: String },
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
