//! `serve` and `admin`: the operator's side.

use crate::served::Served;
use crate::{ok, stdout};
use std::process::Command;

#[test]
fn serve_and_admin_register_citizens_at_an_office_and_by_letter() {
    let served = Served::start();
    assert!(served.url.starts_with("http://127.0.0.1:"), "{}", served.url);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let token = served.data.path().join("operator.token");
        assert_eq!(std::fs::metadata(token).unwrap().permissions().mode() & 0o777, 0o600);
    }
    ok(served.admin(&[
        "census",
        "add",
        "--document",
        "12345678z",
        "--valid-until",
        "31/01/2030",
        "--name",
        "Ana García",
        "--birth-date",
        "12/04/1985",
        "--address",
        "Calle Mayor 1, Madrid",
    ]));
    ok(served.admin(&[
        "census",
        "add",
        "--document",
        "X1234567L",
        "--support",
        "E12345678",
        "--name",
        "John Smith",
        "--birth-date",
        "1979-09-30",
        "--address",
        "Diagonal 100, Barcelona",
    ]));
    let register = [
        "register",
        "--document",
        "12345678Z",
        "--valid-until",
        "2030-01-31",
        "--mobile",
        "612345678",
        "--email",
        "ana@example.es",
    ];
    let text = ok(served.admin(&register));
    assert!(text.contains("registered 12345678Z"), "{text}");

    let again = served.admin(&register);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already registered"));

    // A renewed DNI in a census file is refused unless said, and the audit log shows it.
    let census = served.data.path().join("renewed.json");
    let renewed = r#"[{"document":"12345678Z","full_name":"Ana García","birth_date":"1985-04-12",
        "contrast":{"kind":"dni_validity","valid_until":"2035-01-31"},"fiscal_address":"Calle Mayor 1"}]"#;
    std::fs::write(&census, renewed).unwrap();
    let census = census.to_str().unwrap();
    let refused = served.admin(&["census", "load", census]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--change-registered"));
    ok(served.admin(&["census", "load", census, "--change-registered"]));
    let audit = ok(served.admin(&["audit"]));
    let actions: Vec<_> =
        audit.lines().map(|l| l.split_whitespace().nth(3).unwrap_or_default()).collect();
    assert_eq!(
        actions,
        [
            "census_loaded",
            "census_loaded",
            "citizen_registered",
            "census_loaded",
            "registered_citizen_changed"
        ],
        "{audit}"
    );
    assert!(audit.contains("(from 127.0.0.1)"), "{audit}");

    ok(served.admin(&["invite", "--document", "X1234567L", "--support", "E12345678"]));
    let letters: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["outbox", "letters", "--json"]))).unwrap();
    let letter = &letters["items"][0];
    assert_eq!(letter["address"], "Diagonal 100, Barcelona");
    let text = letter["text"].as_str().unwrap();
    let csv = text.lines().find_map(|l| l.strip_prefix("CSV: ")).unwrap();
    ok(served.admin(&[
        "complete-registration",
        "--document",
        "X1234567L",
        "--support",
        "E12345678",
        "--csv",
        csv,
        "--mobile",
        "+34 699 000 111",
        "--email",
        "john@example.com",
    ]));

    // An operator lets a citizen obtain PINs again, and reads the push outbox.
    let cleared = ok(served.admin(&["clear-code-limit", "--document", "12345678Z"]));
    assert!(cleared.contains("can ask for activation codes again"), "{cleared}");
    let unlocked = ok(served.admin(&["unlock", "--document", "12345678Z"]));
    assert!(unlocked.contains("can obtain PINs again"), "{unlocked}");
    let nobody = served.admin(&["unlock", "--document", "87654321X"]);
    assert!(!nobody.status.success());
    let pushes: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["outbox", "push", "--json"]))).unwrap();
    assert!(pushes["items"].is_array(), "{pushes}");
    // The census and the registered citizens, listed.
    let census: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["census", "list", "--json"]))).unwrap();
    assert_eq!(census["items"].as_array().unwrap().len(), 2, "{census}");
    let citizens = ok(served.admin(&["citizens"]));
    assert!(
        citizens.contains("12345678Z  registered") && citizens.contains("no app: PINs by SMS"),
        "{citizens}"
    );
    assert!(!citizens.contains("612345678"), "the mobile is masked: {citizens}");
    let after: serde_json::Value =
        serde_json::from_str(&ok(served.admin(&["citizens", "--after", "12345678Z", "--json"])))
            .unwrap();
    assert!(after["items"].as_array().unwrap().iter().all(|c| c["document"] != "12345678Z"));

    let bad = served.admin(&[
        "census",
        "add",
        "--document",
        "12345678A",
        "--valid-until",
        "2030-01-31",
        "--name",
        "X",
        "--birth-date",
        "2000-01-01",
        "--address",
        "Y",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("control letter"));

    assert!(served.stop().success(), "SIGTERM stops the service gracefully");
}

#[test]
fn serve_refuses_a_public_address_without_tls() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--listen", "0.0.0.0:0", "--data"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-cert"));
}

#[test]
fn one_service_per_data_folder_and_a_crash_never_blocks_a_restart() {
    let served = Served::start();
    let second = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(served.data.path())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("another clavepin service is using the data folder"), "{said}");

    // Killed without a chance to clean up, the first lets go of the folder all the same.
    let mut first = served;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let again = Served::start_in(first.data);
    assert!(again.url.starts_with("http://127.0.0.1:"));

    // A busy port: refused, and the folder this run would have made is not left behind.
    let port = again.url.rsplit(':').next().unwrap().to_owned();
    let fresh = tempfile::tempdir().unwrap().path().join("never-made");
    let busy = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
        .arg(&fresh)
        .output()
        .unwrap();
    assert!(!busy.status.success());
    assert!(!fresh.exists(), "the data folder was left behind");
    // A host name works as an address; a typo says what to write.
    let named = Served::start_with(&["--listen", "localhost:0"]);
    assert!(
        named.url.starts_with("http://127.0.0.1:") || named.url.starts_with("http://[::1]:"),
        "{}",
        named.url
    );
    let typo = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--listen", "localhost"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&typo.stderr).contains("give an address such as 127.0.0.1:8480")
    );
    assert!(again.stop().success());
    assert!(named.stop().success());
}

#[test]
fn a_wrong_or_silent_service_address_says_what_to_do() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("operator.token"), "a-token").unwrap();
    let admin = |url: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_clavepin"))
            .args(["admin", "--url", url, "--data"])
            .arg(data.path())
            .args(["outbox", "sms"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let said = admin("127.0.0.1:8480");
    assert!(said.contains("needs its scheme: http://127.0.0.1:8480"), "{said}");
    // Asked for JSON, the error comes as JSON on standard output too.
    let out = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["admin", "--url", "127.0.0.1:8480", "--json", "outbox", "sms"])
        .output()
        .unwrap();
    let error: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(error["error"].as_str().unwrap().contains("needs its scheme"), "{error}");
    // No service ever ran on this data folder: no operator address to find.
    let said = admin("http://127.0.0.1:8480");
    assert!(said.contains("no operator API address in"), "{said}");
    assert!(said.contains("--operator-url"), "{said}");
    // A port where nothing listens (bound, then let go).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    std::fs::write(data.path().join("operator.address"), format!("http://127.0.0.1:{port}\n"))
        .unwrap();
    let said = admin("http://127.0.0.1:8480");
    assert!(said.contains("is `clavepin serve` running there?"), "{said}");
    assert!(said.contains("--operator-url sets the address"), "{said}");
    assert!(!said.contains("error sending request"), "{said}");
    // The token never goes over plain HTTP to another machine.
    let out = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["admin", "--operator-url", "http://192.0.2.7:8481", "--data"])
        .arg(data.path())
        .args(["outbox", "sms"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("plain HTTP off this machine"), "{said}");
}

#[test]
fn admin_clients_registers_lists_and_removes_the_sites_that_sign_citizens_in() {
    let served =
        Served::start_with(&["--listen", "127.0.0.1:0", "--issuer", "http://localhost:9/"]);
    let out = served.admin(&[
        "clients",
        "add",
        "--name",
        "Sede de pruebas",
        "--redirect-uri",
        "https://sede.example.es/callback",
        "--scope",
        "profile",
    ]);
    let text = ok(out);
    let client_id = text
        .lines()
        .find_map(|l| l.strip_prefix("client_id: "))
        .unwrap_or_else(|| panic!("{text}"))
        .to_owned();
    let secret = text.lines().find_map(|l| l.strip_prefix("client_secret: ")).unwrap();
    assert!(secret.len() >= 43, "a 256-bit secret");
    let list = ok(served.admin(&["clients", "list"]));
    assert!(list.contains(&client_id) && list.contains("Sede de pruebas"), "{list}");
    assert!(list.contains("scopes openid profile") && !list.contains(secret), "{list}");
    // Discovery names the configured issuer, not the listening address.
    let discovery: serde_json::Value =
        serde_json::from_str(&http_get(&served.url, "/.well-known/openid-configuration")).unwrap();
    assert_eq!(discovery["issuer"], "http://localhost:9");
    // Refusals say what is wrong.
    let refused = served.admin(&[
        "clients",
        "add",
        "--name",
        "X",
        "--redirect-uri",
        "http://sede.example.es/cb",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("use https"), "{refused:?}");
    ok(served.admin(&["clients", "remove", &client_id]));
    let again = served.admin(&["clients", "remove", &client_id]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("no site has client_id"));
    // One base64url id in 64 begins with '-': it is an id, not a flag.
    let dashed = served.admin(&["clients", "remove", "-nosuchsite"]);
    assert!(
        String::from_utf8_lossy(&dashed.stderr).contains("no site has client_id"),
        "{dashed:?}"
    );
    assert!(ok(served.admin(&["clients", "list"])).contains("no sites registered"));
}

/// The body of a plain HTTP GET to loopback.
fn http_get(base: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let authority = base.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(authority).unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split_once("\r\n\r\n").unwrap().1.to_owned()
}

#[test]
fn serve_takes_every_flag_from_the_config_files_serve_table() {
    use std::io::{BufRead, Read};
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("clavepin.toml");
    std::fs::write(
        &config,
        "listen = \"127.0.0.1:0\"\n[serve]\nissuer = \"http://localhost:7\"\nlog_format = \"json\"\n\
         max_requests_in_flight_per_address = 3\nkeys = \"shared.key\"\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--config"])
        .arg(&config)
        .arg("--data")
        .arg(dir.path().join("svc"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut said = Vec::new();
    for _ in 0..6 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        said.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    let said = said.concat();
    // The key file is the one the table names (relative to the file), not DATA's.
    assert!(dir.path().join("shared.key").exists() && !dir.path().join("svc/service.key").exists());
    assert!(said.contains("clavepin service listening on http://127.0.0.1:"), "{said}");
    assert!(said.contains("OpenID Connect issuer: http://localhost:7\n"), "{said}");
    assert!(said.contains("gateways: embedded"), "{said}");
    let mut logs = String::new();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    let first = logs.lines().next().unwrap_or_else(|| panic!("no log line"));
    let line: serde_json::Value =
        serde_json::from_str(first).unwrap_or_else(|e| panic!("{e}: {first}"));
    assert!(line["level"].is_string() && line["timestamp"].is_string(), "{line}");

    // A typo in the table names the file and the key, and nothing starts.
    std::fs::write(&config, "[serve]\nlog_fromat = \"json\"\n").unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_clavepin"))
        .args(["serve", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(78));
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("log_fromat") && why.contains("clavepin.toml"), "{why}");
}

#[test]
fn serve_says_what_is_wrong_with_a_database_url_and_never_prints_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let serve = |url: &str| {
        Command::new(env!("CARGO_BIN_EXE_clavepin"))
            .args(["serve", "--listen", "127.0.0.1:0", "--database", url, "--data"])
            .arg(dir.path().join("svc"))
            .output()
            .unwrap()
    };
    let not_postgres = serve("sqlite:///tmp/x.db");
    assert!(!not_postgres.status.success());
    let why = String::from_utf8_lossy(&not_postgres.stderr);
    assert!(why.contains("postgres:// URL"), "{why}");
    // Nobody listens on port 1: refused at once, named without the password.
    let unreachable = serve("postgres://clave:s3cret@127.0.0.1:1/clavepin");
    assert!(!unreachable.status.success());
    let why = String::from_utf8_lossy(&unreachable.stderr);
    assert!(
        why.contains("cannot use the PostgreSQL database postgres://clave@127.0.0.1:1/clavepin"),
        "{why}"
    );
    assert!(!why.contains("s3cret"), "{why}");
}
