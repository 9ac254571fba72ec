//! Library errors. Each variant names the file or setting at fault and says
//! what to do, because these messages reach clinic staff, not developers.

use std::path::PathBuf;

/// Errors of the Frontdesk library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot {action} at {}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    #[error("index at {}: {message}", path.display())]
    Index { path: PathBuf, message: String },
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// Library result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
