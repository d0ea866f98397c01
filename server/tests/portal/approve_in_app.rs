//! Approving in the app instead of a PIN, as the citizen lives it: headless Chromium
//! on the portal's pages with the page's own script, the real core on the phone;
//! and the same page without script, refused, expired, and the link's landing page.

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use clavepin_core::Pattern;
use clavepin_protocol::ApprovalCode;
use reqwest::StatusCode;

use crate::http::{Client, csrf};
use crate::journey::{assert_accessible, open, submit};
use crate::support::*;

/// Steps 1–3 for Ana with "Approve in the app" chosen.
async fn choose_approval(citizen: &mut Client) {
    let token = csrf(&citizen.get("/").await);
    citizen.post("/", &[("csrf", &token), ("document", ANA)]).await;
    let token = csrf(&citizen.get("/access/contrast").await);
    citizen.post("/access/contrast", &[("csrf", &token), ("contrast", ANA_VALIDITY)]).await;
    let page = citizen.get("/access/obtain").await;
    assert!(page.contains("id=\"channel-approve\""), "offered to a citizen with the app");
    let form = [("csrf", token.as_str()), ("channel", "approve")];
    let (status, location, _) = citizen.post("/access/obtain", &form).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/approve"));
}

/// The code the page's link into the app holds, read as the phone reads it.
fn code_on(phone: &clavepin_core::Device, page: &str) -> ApprovalCode {
    let link = page.split("id=\"open-app\" href=\"").nth(1).unwrap().split('"').next().unwrap();
    phone.read_approval_code(link).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_goes_on_by_itself_once_the_phone_approves() {
    let svc = TestService::start().await;
    let phone = svc.phone(&[(JOHN, JOHN_SUPPORT)]).await;
    let (_driver, mut b) = open(&svc, "approve-en", "en-US").await;
    b.go(&format!("{}/", svc.url)).await;
    submit(&b, &[("#document", JOHN)], "#continue").await;
    submit(&b, &[("#contrast", JOHN_SUPPORT)], "#continue").await;
    b.expect_page("Obtain PIN").await;
    b.click("#channel-approve").await;
    b.press("#obtain").await;

    let page = b.expect_page("Approve in the app").await;
    assert!(page.contains("This Cl@ve PIN portal") && page.contains("5:00"), "{page}");
    assert!(b.has("#approve-qr").await, "the QR code");
    let shown = b.text("#approval-code").await;
    let link = b.attribute("#open-app", "href").await.unwrap();
    assert!(link.starts_with(&format!("{}/approve?code=", svc.url)), "{link}");
    let code = phone.read_approval_code(&link).unwrap();
    assert_eq!(code.grouped(), shown, "the QR code's link holds the code shown");
    assert_accessible(&b, "en").await;
    b.screenshot("approve-in-app").await;

    let asked = phone.look_up_approval(JOHN, &code).await.unwrap();
    assert_eq!(asked.site, None);
    phone.approve_sign_in(JOHN, &code, &Pattern::parse("1-2-3-6-9").unwrap()).await.unwrap();
    // The page's script asks every two seconds and goes on: nobody touches it.
    let deadline = Instant::now() + Duration::from_secs(20);
    while b.text("h1").await != "You have signed in" {
        assert!(Instant::now() < deadline, "still at {}", b.url().await);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(b.text("body").await.contains("John Smith"));
    b.screenshot("approved-signed-in").await;
    b.press("#my-devices").await;
    b.expect_page("My devices").await;
    assert!(b.text("#activity tr.sign-in").await.contains("Approved in the app"));
}

#[tokio::test]
async fn without_script_the_page_reloads_and_says_why_it_ended() {
    let svc = TestService::start().await;
    let phone = svc.phone(&[(ANA, ANA_VALIDITY)]).await;
    let mut citizen = Client::new(&svc, "en");
    choose_approval(&mut citizen).await;
    let page = citizen.get("/access/approve").await;
    assert_eq!(citizen.last.0, StatusCode::OK);
    assert!(page.contains("http-equiv=\"refresh\" content=\"5\""), "it reloads without script");
    assert!(page.contains("href=\"/access/obtain\""), "the PIN stays the fallback");

    // Its policy lets in its own script and nothing else; other pages run none.
    let http = reqwest::Client::new();
    let policy = |resp: &reqwest::Response| {
        resp.headers()["content-security-policy"].to_str().unwrap().to_owned()
    };
    let script = http.get(format!("{}/access/approve.js", svc.url)).send().await.unwrap();
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(policy(&script).starts_with("default-src 'none'"));
    let start = http.get(format!("{}/", svc.url)).send().await.unwrap();
    assert!(!policy(&start).contains("script-src"));

    // Refused on the phone: back to "Obtain PIN", saying so.
    let code = code_on(&phone, &page);
    phone.refuse_sign_in(ANA, &code, false).await.unwrap();
    assert!(citizen.get("/access/approve/status").await.contains("\"ended\""));
    citizen.get("/access/approve").await;
    assert_eq!(citizen.last, (StatusCode::SEE_OTHER, "/access/obtain".to_owned()));
    let page = citizen.get("/access/obtain").await;
    assert!(page.contains("The sign-in was refused in the app"), "{page}");

    // Left to expire: the same, with its own words.
    choose_approval(&mut citizen).await;
    assert!(citizen.get("/access/approve/status").await.contains("\"pending\""));
    svc.advance(TimeDelta::minutes(5));
    citizen.get("/access/approve").await;
    assert_eq!(citizen.last, (StatusCode::SEE_OTHER, "/access/obtain".to_owned()));
    assert!(citizen.get("/access/obtain").await.contains("The 5 minutes to approve are over"));

    // Approved: the reload signs in, once.
    choose_approval(&mut citizen).await;
    let code = code_on(&phone, &citizen.get("/access/approve").await);
    phone.approve_sign_in(ANA, &code, &Pattern::parse("1-2-3-6-9").unwrap()).await.unwrap();
    citizen.get("/access/approve").await;
    assert_eq!(citizen.last, (StatusCode::SEE_OTHER, "/access/signed-in".to_owned()));
    citizen.get("/access/approve").await;
    assert_eq!(citizen.last, (StatusCode::SEE_OTHER, "/".to_owned()), "the approval is spent");
    assert!(citizen.get("/access/approve/status").await.contains("\"ended\""));
}

#[tokio::test]
async fn the_link_into_the_app_lands_on_a_page_that_says_what_to_do() {
    let svc = TestService::start().await;
    let mut browser = Client::new(&svc, "es");
    // It does not repeat the code: a link someone else sends must not read as an
    // invitation to approve; the code belongs on the log-in page the citizen opened.
    let page = browser.get("/approve?code=abcdefgh").await;
    assert_eq!(browser.last.0, StatusCode::OK);
    assert!(page.contains("Aprobar un acceso") && !page.contains("ABCD-EFGH"), "{page}");
    for junk in ["%3Cscript%3E", "ABCDEFG0", ""] {
        let page = browser.get(&format!("/approve?code={junk}")).await;
        assert_eq!(browser.last.0, StatusCode::OK);
        assert!(!page.contains("class=\"approval-code\"") && !page.contains("<script>"), "{junk}");
    }
}
