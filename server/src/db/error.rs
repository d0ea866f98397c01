//! What can go wrong in storage, apart from the rules: the database itself, a stored
//! row that no longer parses, the writer gone. Every rule error carries it as is.

/// A storage failure: the request fails (500) and the transaction was rolled back.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("the database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed (the server's code and message).
    #[error("the database failed: {0}")]
    Postgres(String),
    /// A stored value does not parse: the database was changed outside the service.
    #[error("a stored {0} is not valid")]
    Corrupt(&'static str),
    /// The writer thread is gone (the service is stopping).
    #[error("the database writer stopped")]
    Stopped,
    /// The batch's commit failed after the job ran.
    #[error("the commit failed")]
    CommitFailed,
}

pub type StoreResult<T> = Result<T, StoreError>;
