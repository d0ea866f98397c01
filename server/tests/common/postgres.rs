//! The same suite on PostgreSQL: with `CLAVEPIN_TEST_DATABASE` set to a `postgres://`
//! URL (`scripts/test.sh` starts a throwaway cluster and sets it), every service a
//! test starts keeps its data in a schema of its own in that database, named in its
//! data folder so that a restarted service finds its data again. Unset, SQLite.

use std::path::Path;

use clavepin_server::{DatabaseUrl, ServiceConfig};

/// The variable that selects PostgreSQL.
pub const VARIABLE: &str = "CLAVEPIN_TEST_DATABASE";

/// `config` for a service whose data folder is `dir`, on the database under test.
pub fn on_database_under_test(config: ServiceConfig, dir: &Path) -> ServiceConfig {
    match database_for(dir) {
        Some(url) => config.with_database(url),
        None => config,
    }
}

/// The database for a service in `dir` (a fresh schema the first time), if the suite
/// runs on PostgreSQL.
pub fn database_for(dir: &Path) -> Option<DatabaseUrl> {
    let base = std::env::var(VARIABLE).ok().filter(|u| !u.is_empty())?;
    let base = DatabaseUrl::parse(&base).unwrap_or_else(|e| panic!("{VARIABLE}: {e}"));
    let marker = dir.join("test-database");
    if let Ok(url) = std::fs::read_to_string(&marker) {
        return Some(DatabaseUrl::parse(&url).unwrap());
    }
    let url = base.in_fresh_schema("test").unwrap_or_else(|e| panic!("{VARIABLE}: {e}"));
    std::fs::create_dir_all(dir).unwrap();
    // Owner-only, as every file in a data folder must be.
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&marker).unwrap();
    file.write_all(url.as_str().as_bytes()).unwrap();
    Some(url)
}

/// The first column of every row `sql` returns, as text, read from `url` directly.
#[allow(dead_code)] // The API suite reads rows at rest; the portal's does not.
pub fn strings(url: &DatabaseUrl, sql: &str) -> Vec<String> {
    let (url, sql) = (url.as_str().to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let rows = client.query(&sql, &[]).unwrap();
        rows.iter().map(|r| r.get::<_, String>(0)).collect()
    })
    .join()
    .unwrap()
}
