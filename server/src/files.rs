//! The data folder's files are its owner's alone: the database holds personal data
//! and keyed hashes, the key files the keys. Whatever the folder's own mode, every
//! file the service makes in it is 0600 from creation, and files an older version
//! left readable are closed up at start.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Makes `dir` (and its parents) if missing, mode 0700.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Opens `path` for writing, creating it with mode 0600 if missing, without
/// truncating it.
pub fn open_private(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    make_private(path)?;
    Ok(file)
}

/// Makes an existing `path` readable by its owner only; a missing one is fine.
pub fn make_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match fs::metadata(path) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Prepares the SQLite database at `path`: SQLite creates its files 0644, but gives
/// the `-wal` and `-shm` files the database file's own mode, so the file is made
/// here first, 0600 (an empty file is a new database to SQLite).
pub fn private_database(path: &Path) -> io::Result<()> {
    drop(open_private(path)?);
    Ok(())
}

/// Makes every file directly in `dir` private: what an older version, a restore or
/// a copy left readable.
pub fn close_up(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            make_private(&entry.path())?;
        }
    }
    Ok(())
}

/// Writes a secret file readable by its owner only (mode 0600 from creation), whole
/// or not at all: written beside it, synced, then renamed into place.
pub fn write_private(path: &Path, contents: &str) -> io::Result<()> {
    let temporary = path.with_extension("tmp");
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&temporary)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    fs::rename(&temporary, path)
}
