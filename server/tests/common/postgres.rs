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
    let marker = dir.join("test-schema");
    let schema = match std::fs::read_to_string(&marker) {
        Ok(schema) => schema,
        Err(_) => {
            let schema = fresh_schema(&base);
            std::fs::create_dir_all(dir).unwrap();
            // Owner-only, as every file in a data folder must be.
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&marker)
                .unwrap();
            file.write_all(schema.as_bytes()).unwrap();
            schema
        }
    };
    let joiner = if base.contains('?') { '&' } else { '?' };
    Some(DatabaseUrl::parse(&format!("{base}{joiner}options=-csearch_path%3D{schema}")).unwrap())
}

fn fresh_schema(base: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let schema =
        format!("t{}_{}_{}", std::process::id(), nanos, NEXT.fetch_add(1, Ordering::Relaxed));
    // The blocking client runs a runtime of its own: not on a test's async thread.
    let (url, name) = (base.to_owned(), schema.clone());
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("{VARIABLE}={url}: {e}"));
        client.batch_execute(&format!("CREATE SCHEMA {name}")).unwrap();
    })
    .join()
    .unwrap();
    schema
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
