//! Typed errors of model files and tables. A model crate returns [`Error`] from its loaders;
//! it converts into [`claimtrace_core::Error::Model`] (with the model's name or path) where an
//! application needs the core error type.

/// What went wrong reading or writing a model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes are not a model file of the expected kind.
    #[error("not a {expected} model file")]
    Magic { expected: String },
    /// A model file of another format version (retrain, or build the matching version).
    #[error("model format version {found}, this build reads version {expected}: retrain or update")]
    Version { found: u32, expected: u32 },
    /// The file is truncated, its checksum does not match, or a count or offset is out of
    /// range.
    #[error("model file is corrupt: {0}")]
    Corrupt(String),
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A [`Error::Corrupt`] with this message.
    pub fn corrupt(m: impl Into<String>) -> Error {
        Error::Corrupt(m.into())
    }

    /// This error as the core error of model `name` (a path, or `tagger-en` for a bundled one).
    pub fn into_core(self, name: &str) -> claimtrace_core::Error {
        claimtrace_core::Error::Model {
            path: name.to_string(),
            reason: self.to_string(),
        }
    }
}

impl From<Error> for claimtrace_core::Error {
    fn from(e: Error) -> Self {
        let path = match &e {
            Error::Io { path, .. } => path.clone(),
            _ => String::new(),
        };
        claimtrace_core::Error::Model {
            path,
            reason: e.to_string(),
        }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
