//! The service and its PostgreSQL database: TLS verified off loopback, and a lost
//! connection is a failed request, not a failed service. On SQLite these do not run.

use std::sync::Arc;

use chrono::DateTime;
use clavepin_protocol::ManualClock;
use clavepin_server::DatabaseUrl;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::*;

/// This test's schema, its connections named `name` so that the test can find them.
fn named(dir: &std::path::Path, name: &str) -> Option<DatabaseUrl> {
    let url = crate::postgres::database_for(dir)?;
    Some(DatabaseUrl::parse(&format!("{}&application_name={name}", url.as_str())).unwrap())
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap()))
}

#[tokio::test]
async fn connections_killed_under_the_service_are_made_again() {
    let root = tempfile::tempdir().unwrap();
    let name = format!("killed{}", std::process::id());
    let Some(url) = named(root.path(), &name) else {
        eprintln!("on SQLite: no connection to lose");
        return;
    };
    let svc =
        TestService::start_configured(root.path(), clock(), |c| c.with_database(url.clone())).await;
    svc.registered_citizen().await;
    let (status, _) = svc.obtain_pin(json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    // The database drops every connection of this service (a restart, a failover).
    let killed = crate::postgres::strings(
        &url,
        &format!(
            "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
             WHERE application_name = '{name}' AND pid <> pg_backend_pid()"
        ),
    );
    assert!(killed.len() >= 2, "the writer and a reader at least: {killed:?}");
    // What was in flight may fail, as a server error; then it works again.
    let mut answers = Vec::new();
    for _ in 0..20 {
        let (status, _) = svc.obtain_pin(json!({})).await;
        answers.push(status);
        if status == StatusCode::CREATED {
            break;
        }
        assert!(status.is_server_error(), "{answers:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(answers.last(), Some(&StatusCode::CREATED), "{answers:?}");
    eprintln!("after the connections were killed: {answers:?}");
    assert_eq!(svc.sms_outbox().await.len(), 2, "one SMS per PIN issued; a failed try left none");
}

#[tokio::test]
async fn off_loopback_the_database_is_reached_over_tls_to_a_trusted_certificate() {
    let Ok(ca) = std::env::var("CLAVEPIN_TEST_DATABASE_CA") else {
        eprintln!("no test CA (CLAVEPIN_TEST_DATABASE_CA): the cluster has no TLS");
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let name = format!("tls{}", std::process::id());
    let Some(plain) = named(root.path(), &name) else { return };
    // The same database by name, as a remote one would be: TLS required.
    let tls = plain.as_str().replace("@127.0.0.1:", "@localhost:") + "&sslmode=require";
    let untrusted = DatabaseUrl::parse(&tls).unwrap();
    let refused = clavepin_server::Service::open(
        clavepin_server::ServiceConfig::new(root.path().join("untrusted"))
            .with_database(untrusted.clone()),
    )
    .unwrap_err()
    .to_string();
    assert!(refused.contains("certificate"), "a certificate of an unknown CA: {refused}");

    let trusted = untrusted.trusting(ca);
    let svc = TestService::start_configured(&root.path().join("svc"), clock(), |c| {
        c.with_database(trusted)
    })
    .await;
    svc.registered_citizen().await;
    let encrypted = crate::postgres::strings(
        &plain,
        &format!(
            "SELECT s.version FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE a.application_name = '{name}' AND s.ssl"
        ),
    );
    assert!(
        !encrypted.is_empty() && encrypted.iter().all(|v| v.starts_with("TLSv1.")),
        "{encrypted:?}"
    );
}
