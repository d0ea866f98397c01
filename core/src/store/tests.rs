use std::fs;

use chrono::TimeDelta;
use clavepin_protocol::crypto::SealingKey;
use clavepin_protocol::wire::PinState;
use clavepin_protocol::{DocumentNumber, Pin, PinCode, Timestamp};

use super::*;

fn dni() -> DocumentNumber {
    DocumentNumber::parse("12345678Z").unwrap()
}

fn t0() -> Timestamp {
    Timestamp::from_timestamp(1_800_000_000, 0).unwrap()
}

fn key_store(dir: &Path) -> FileKeyStore {
    FileKeyStore::open(&dir.join("device.key"), true).unwrap()
}

fn with_citizen(dir: &Path) -> Store {
    let mut store = Store::open(dir, &key_store(dir)).unwrap();
    let sealing = SealingKey::from_bytes(&[7u8; 32]).unwrap();
    store.insert_bound_citizen(&dni(), "dev-1", t0(), b"pkcs8", &sealing).unwrap();
    store
}

#[test]
fn secrets_survive_a_restart_and_are_sealed_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    drop(with_citizen(dir.path()));
    let store = Store::open(dir.path(), &key_store(dir.path())).unwrap();
    assert_eq!(store.citizens().unwrap().len(), 1);
    assert_eq!(store.sealing_key(&dni()).unwrap().expose(), &[7u8; 32]);
    assert_eq!(store.unlocked_signing_key(&dni()).unwrap().as_slice(), b"pkcs8");
    drop(store);
    let raw = fs::read(dir.path().join(STORE_FILE)).unwrap();
    let wal = fs::read(dir.path().join(format!("{STORE_FILE}-wal"))).unwrap_or_default();
    for bytes in [raw, wal] {
        assert!(
            !bytes.windows(32).any(|w| w == [7u8; 32]),
            "the sealing key is never stored in clear"
        );
        assert!(!bytes.windows(5).any(|w| w == b"pkcs8"));
    }
}

#[test]
fn another_key_is_a_clear_error_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    drop(with_citizen(dir.path()));
    let before = fs::read(dir.path().join(STORE_FILE)).unwrap();
    let other = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path(), &key_store(other.path())).unwrap_err();
    assert!(matches!(err, StoreError::KeyStore(KeyStoreError::WrongKey)), "{err}");
    fs::remove_file(dir.path().join("device.key")).unwrap();
    let err = FileKeyStore::open(&dir.path().join("device.key"), false).unwrap_err();
    assert_eq!(err, KeyStoreError::KeyMissing);
    assert_eq!(fs::read(dir.path().join(STORE_FILE)).unwrap(), before);
}

/// A toy platform key store that "wraps" by XOR with its pad: unwrapping with another
/// pad succeeds, but yields another key, as a confused platform keystore might.
#[derive(Debug)]
struct FixedKeyStore([u8; 32]);

impl KeyStore for FixedKeyStore {
    fn wrap(&self, key: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        Ok(key.iter().zip(self.0).map(|(k, p)| k ^ p).collect())
    }
    fn unwrap_key(&self, wrapped: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        self.wrap(wrapped)
    }
}

#[test]
fn a_key_that_unwraps_but_is_wrong_is_caught_by_the_canary() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), &FixedKeyStore([1; 32])).unwrap());
    let err = Store::open(dir.path(), &FixedKeyStore([2; 32])).unwrap_err();
    assert!(matches!(err, StoreError::WrongKey), "{err}");
    assert!(Store::open(dir.path(), &FixedKeyStore([1; 32])).is_ok());
}

#[test]
fn tampered_or_moved_values_never_decrypt_to_wrong_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_citizen(dir.path());
    let nie = DocumentNumber::parse("X1234567L").unwrap();
    store
        .insert_bound_citizen(
            &nie,
            "dev-2",
            t0(),
            b"other",
            &SealingKey::from_bytes(&[9u8; 32]).unwrap(),
        )
        .unwrap();
    // Flip one byte of a sealed value.
    let mut sealed: Vec<u8> = store
        .conn
        .query_row("SELECT sealing_key FROM citizens WHERE document = '12345678Z'", [], |r| {
            r.get(0)
        })
        .unwrap();
    sealed[20] ^= 1;
    store
        .conn
        .execute("UPDATE citizens SET sealing_key = ?1 WHERE document = '12345678Z'", [sealed])
        .unwrap();
    assert!(matches!(store.sealing_key(&dni()), Err(StoreError::Tampered { .. })));
    // Move one citizen's sealed key into the other's row.
    store
        .conn
        .execute("UPDATE citizens SET signing_key = (SELECT signing_key FROM citizens WHERE document = 'X1234567L') WHERE document = '12345678Z'", [])
        .unwrap();
    let err = store.unlocked_signing_key(&dni()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Tampered { place } if place == "citizens:signing_key"),
        "{err}"
    );
    assert!(!err.to_string().contains("12345678"), "errors never name the citizen");
}

#[test]
fn a_truncated_or_foreign_file_is_an_error_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    drop(with_citizen(dir.path()));
    let path = dir.path().join(STORE_FILE);
    // Fold the WAL in, then cut the file in half.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE").unwrap();
    drop(conn);
    let bytes = fs::read(&path).unwrap();
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let _ = fs::remove_file(dir.path().join(format!("{STORE_FILE}-wal")));
    let truncated = fs::read(&path).unwrap();
    let outcome =
        Store::open(dir.path(), &key_store(dir.path())).and_then(|s| s.citizens().map(|_| ()));
    assert!(outcome.is_err(), "a truncated store must not open as if nothing happened");
    assert_eq!(fs::read(&path).unwrap(), truncated);

    fs::write(&path, b"holiday photos, not a database").unwrap();
    let err = Store::open(dir.path(), &key_store(dir.path())).unwrap_err();
    assert!(matches!(err, StoreError::Unreadable { .. }), "{err}");
    assert_eq!(fs::read(&path).unwrap(), b"holiday photos, not a database");
}

#[test]
fn upgrading_the_first_schema_keeps_citizens_and_equals_a_fresh_store() {
    let old = tempfile::tempdir().unwrap();
    // A store as version 1 wrote it: its schema, its wrapped data key and canary, and
    // a citizen whose keys are sealed under that data key. Nothing of a later version.
    {
        let mut conn = rusqlite::Connection::open(old.path().join(STORE_FILE)).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(include_str!("schema_v1.sql")).unwrap();
        tx.pragma_update(None, "user_version", 1).unwrap();
        let raw = [9u8; 32];
        let key = DataKey::from_bytes(&raw).unwrap();
        let rng = ring::rand::SystemRandom::new();
        let wrapped = key_store(old.path()).wrap(&raw).unwrap();
        let canary = key.seal("meta:canary", CANARY, &rng).unwrap();
        tx.execute(
            "INSERT INTO meta (name, value) VALUES ('wrapped_data_key', ?1), ('canary', ?2)",
            params![wrapped, canary],
        )
        .unwrap();
        let sealing = key.seal("citizens:sealing_key:12345678Z", &[7u8; 32], &rng).unwrap();
        let signing = key.seal("citizens:signing_key:12345678Z", b"pkcs8", &rng).unwrap();
        tx.execute(
            "INSERT INTO citizens (document, device_id, state, activated_at, sealing_key, signing_key, unlock_failures, unlock_blocked_until)
             VALUES ('12345678Z', 'dev-1', 'needs_pattern', ?1, ?2, ?3, 2, 0)",
            params![t0().timestamp_millis(), sealing, signing],
        )
        .unwrap();
        tx.commit().unwrap();
    }

    let store = Store::open(old.path(), &key_store(old.path())).unwrap();
    let citizens = store.citizens().unwrap();
    assert_eq!(citizens.len(), 1, "the citizen crossed the migrations");
    assert_eq!((citizens[0].device_id.as_str(), citizens[0].unlock_failures), ("dev-1", 2));
    assert_eq!(store.sealing_key(&dni()).unwrap().expose(), &[7u8; 32]);
    assert_eq!(store.unlocked_signing_key(&dni()).unwrap().as_slice(), b"pkcs8");
    assert_eq!(store.push_token_sent(&dni()).unwrap(), 0, "v3's column, defaulted");
    let fresh = tempfile::tempdir().unwrap();
    let fresh_store = Store::open(fresh.path(), &key_store(fresh.path())).unwrap();
    let schema = |s: &Store| -> Vec<String> {
        let mut stmt = s
            .conn
            .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(schema(&store), schema(&fresh_store));
}

fn stored_pin(id: &str, issued: Timestamp) -> StoredPin {
    StoredPin {
        request_id: clavepin_protocol::RequestId::parse(id).unwrap(),
        document: dni(),
        code: PinCode::parse("AB12").unwrap(),
        issued_at: issued,
        expires_at: issued + TimeDelta::minutes(10),
        received_at: issued,
        state: PinState::Live,
        acknowledged: false,
    }
}

#[test]
fn pins_are_stored_once_sealed_and_a_newer_one_supersedes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_citizen(dir.path());
    let pin = Pin::parse("X7K").unwrap();
    assert!(store.insert_pin(&stored_pin("r1", t0()), &pin).unwrap());
    assert!(!store.insert_pin(&stored_pin("r1", t0()), &pin).unwrap(), "a replay stores nothing");
    assert!(
        store
            .insert_pin(
                &stored_pin("r2", t0() + TimeDelta::minutes(1)),
                &Pin::parse("ABC").unwrap()
            )
            .unwrap()
    );
    assert_eq!(store.pin("r1").unwrap().unwrap().state, PinState::Superseded);
    assert_eq!(store.pin_value("r1").unwrap().expose(), "X7K");
    let newest: Vec<_> = store
        .pins(Some(&dni()), 10)
        .unwrap()
        .into_iter()
        .map(|p| p.request_id.to_string())
        .collect();
    assert_eq!(newest, ["r2", "r1"]);
    assert!(store.remove_citizen(&dni()).unwrap());
    assert!(store.pins(None, 10).unwrap().is_empty(), "removing a citizen removes their PINs");
}

#[test]
fn the_history_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_citizen(dir.path());
    let pin = Pin::parse("X7K").unwrap();
    for i in 0..60 {
        store
            .insert_pin(&stored_pin(&format!("r{i}"), t0() + TimeDelta::minutes(i)), &pin)
            .unwrap();
    }
    assert_eq!(store.prune_history(t0() + TimeDelta::hours(2)).unwrap(), 10);
    assert_eq!(store.pins(None, 100).unwrap().len(), 50);
    assert_eq!(store.prune_history(t0() + TimeDelta::days(91)).unwrap(), 50);
}

#[test]
fn a_store_whose_key_is_lost_is_set_aside_and_one_that_opens_never_is() {
    let dir = tempfile::tempdir().unwrap();
    drop(with_citizen(dir.path()));
    let before = fs::read(dir.path().join(STORE_FILE)).unwrap();
    let right = key_store(dir.path());
    assert!(matches!(set_aside_if_key_lost(dir.path(), &right, 1), Err(SetAsideError::StillOpens)));
    assert_eq!(fs::read(dir.path().join(STORE_FILE)).unwrap(), before, "nothing moved");

    let other = tempfile::tempdir().unwrap();
    let lost = key_store(other.path());
    let kept = set_aside_if_key_lost(dir.path(), &lost, 42).unwrap();
    assert!(kept.ends_with(format!("{STORE_FILE}.lost-42")));
    assert!(!dir.path().join(STORE_FILE).exists());
    // A fresh store opens in its place, and the old one is still there, with its key.
    assert!(Store::open(dir.path(), &lost).unwrap().citizens().unwrap().is_empty());
    assert!(fs::metadata(&kept).unwrap().len() > 0);
}
