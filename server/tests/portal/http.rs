//! What the browser test cannot see: headers, cookie attributes, refused forms.
//! Plain HTTP with reqwest, cookies handled by hand.

use chrono::TimeDelta;
use clavepin_server::ServiceConfig;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;

use crate::support::*;

/// A browser as far as the service can tell: a cookie jar, and the
/// `Accept-Language` it sends with every request.
pub struct Client {
    http: reqwest::Client,
    base: String,
    lang: &'static str,
    cookies: std::collections::BTreeMap<String, String>,
    cookie: Option<String>,
    /// The last answer's `Retry-After`, if any.
    retry_after: Option<String>,
    /// The last GET's status and `Location`.
    pub last: (StatusCode, String),
}

impl Client {
    pub fn new(svc: &TestService, lang: &'static str) -> Client {
        let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        let cookies = Default::default();
        Client {
            http,
            base: svc.url.clone(),
            lang,
            cookies,
            cookie: None,
            retry_after: None,
            last: (StatusCode::OK, String::new()),
        }
    }

    /// The same browser, its next requests to another instance of the service (a
    /// load balancer's choice).
    pub fn at(&mut self, svc: &TestService) {
        self.base = svc.url.clone();
    }

    fn remember(&mut self, resp: &reqwest::Response) {
        for set in resp.headers().get_all(SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
        if !self.cookies.is_empty() {
            let pairs: Vec<_> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            self.cookie = Some(pairs.join("; "));
        }
    }

    pub async fn get(&mut self, path: &str) -> String {
        let mut req =
            self.http.get(format!("{}{path}", self.base)).header("accept-language", self.lang);
        if let Some(cookie) = &self.cookie {
            req = req.header("cookie", cookie);
        }
        let resp = req.send().await.unwrap();
        self.remember(&resp);
        let location = resp.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned());
        self.last = (resp.status(), location.unwrap_or_default());
        resp.text().await.unwrap()
    }

    pub async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("accept-language", self.lang)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(urlencode(form));
        if let Some(cookie) = &self.cookie {
            req = req.header("cookie", cookie);
        }
        let resp = req.send().await.unwrap();
        self.remember(&resp);
        self.retry_after =
            resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
        let status = resp.status();
        let location = resp
            .headers()
            .get(LOCATION)
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, location, resp.text().await.unwrap())
    }
}

/// `application/x-www-form-urlencoded`, as a browser writes it (reqwest's `form`
/// feature is not enabled in this workspace).
pub fn urlencode(form: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                b => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    form.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

/// The CSRF token in a page's forms.
pub fn csrf(html: &str) -> String {
    let rest = html.split("name=\"csrf\" value=\"").nth(1).expect("a form with a CSRF token");
    rest.split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn pages_carry_a_strict_policy_and_a_strict_session_cookie() {
    let svc = TestService::start().await;
    let resp = reqwest::Client::new()
        .get(format!("{}/", svc.url))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let headers = resp.headers();
    assert_eq!(
        headers[CONTENT_SECURITY_POLICY],
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; \
         base-uri 'none'"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    let cookie = headers[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("clavepin-session="), "{cookie}");
    for attribute in ["; Path=/", "; HttpOnly", "; SameSite=Strict"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Secure"), "plain loopback HTTP: a Secure cookie would not return");
    let html = resp.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"), "Accept-Language chose English");
    assert!(!html.contains("<script") && !html.contains(" style="), "nothing the policy blocks");
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/access/style.css\">"));

    let css = reqwest::get(format!("{}/access/style.css", svc.url)).await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

#[tokio::test]
async fn served_over_tls_the_cookie_is_secure_and_host_prefixed() {
    let svc =
        TestService::start_with(|config: ServiceConfig| config.with_secure_cookies(true)).await;
    let resp = reqwest::get(format!("{}/", svc.url)).await.unwrap();
    let cookie = resp.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-clavepin-session="), "{cookie}");
    assert!(cookie.ends_with("; Path=/; HttpOnly; SameSite=Strict; Secure"), "{cookie}");
}

#[tokio::test]
async fn a_post_needs_the_session_and_its_token() {
    let svc = TestService::start().await;
    let mut anonymous = Client::new(&svc, "es");
    let (status, _, html) = anonymous.post("/", &[("csrf", "x"), ("document", ANA)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no session: nothing happens");
    assert!(html.contains("Este formulario ha caducado"));

    let mut citizen = Client::new(&svc, "es");
    let page = citizen.get("/").await;
    let token = csrf(&page);
    let (status, _, _) =
        citizen.post("/", &[("csrf", "forged-token-aaaaaaaaaa"), ("document", ANA)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a wrong token: nothing happens");
    let (status, _, _) = citizen.post("/", &[("document", ANA)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no token: nothing happens");
    let (status, location, _) = citizen.post("/", &[("csrf", &token), ("document", ANA)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/contrast"));
    assert!(!location.contains(ANA), "the document travels only in the body");

    // Fifteen idle minutes end the session: the same cookie and token are refused.
    svc.advance(TimeDelta::minutes(15));
    let (status, _, _) = citizen.post("/", &[("csrf", &token), ("document", ANA)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn what_the_citizen_typed_comes_back_escaped() {
    let svc = TestService::start().await;
    let mut citizen = Client::new(&svc, "en");
    let page = citizen.get("/").await;
    let token = csrf(&page);
    let typed = "\"><script>alert(1)</script>";
    let (status, _, html) = citizen.post("/", &[("csrf", &token), ("document", typed)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("value=\"&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;\""),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""));
}

#[tokio::test]
async fn wrong_contrast_data_counts_against_the_same_guess_limit_as_the_api() {
    let svc = TestService::start().await;
    let mut citizen = Client::new(&svc, "en");
    let page = citizen.get("/").await;
    let token = csrf(&page);
    citizen.post("/", &[("csrf", &token), ("document", ANA)]).await;
    let token = csrf(&citizen.get("/access/contrast").await);
    for _ in 0..5 {
        let (status, _, html) =
            citizen.post("/access/contrast", &[("csrf", &token), ("contrast", "01/02/2030")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("do not match our records"));
    }
    let (status, _, html) =
        citizen.post("/access/contrast", &[("csrf", &token), ("contrast", ANA_VALIDITY)]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right data waits now");
    let wait: i64 = citizen.retry_after.as_deref().expect("a 429 page says when").parse().unwrap();
    assert!(wait > 3000, "{wait}");
    assert!(html.contains("Too many failed attempts for this document. Try again in 60 minutes."));
}

#[tokio::test]
async fn after_ten_wrong_pins_the_pin_page_says_how_long_to_wait() {
    let svc = TestService::start().await;
    let mut citizen = Client::new(&svc, "en");
    let token = csrf(&citizen.get("/").await);
    citizen.post("/", &[("csrf", &token), ("document", MARIA)]).await;
    let token = csrf(&citizen.get("/access/contrast").await);
    let (status, location, _) = citizen
        .post(
            "/access/contrast",
            &[("csrf", &token), ("contrast", MARIA_ISSUED), ("permanent", "yes")],
        )
        .await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/obtain"));
    // Three requests die after three wrong PINs each; the fourth's first is the 10th.
    for request in 0..4 {
        let (status, location, _) = citizen.post("/access/obtain", &[("csrf", &token)]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/pin"));
        let (_, pin) = svc.last_sms_pin().await;
        let tries = if request < 3 { 3 } else { 1 };
        for _ in 0..tries {
            let wrong = wrong_pin(&pin);
            citizen.post("/access/pin", &[("csrf", &token), ("pin", &wrong)]).await;
        }
    }
    let (_, pin) = svc.last_sms_pin().await;
    let (status, _, html) = citizen.post("/access/pin", &[("csrf", &token), ("pin", &pin)]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right PIN waits");
    assert!(html.contains("Too many wrong PINs. Wait 1 minute before trying again."), "{html}");
    assert!(html.contains("role=\"alert\""));
}

#[tokio::test]
async fn page_views_store_no_session_so_a_flood_turns_nobody_away() {
    let svc = TestService::start().await;
    let flood = reqwest::Client::new();
    for _ in 0..300 {
        let resp = flood.get(format!("{}/", svc.url)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
    assert_eq!(svc.service.portal_sessions().await.unwrap(), 0, "a page view stored a session");
    // A visitor who goes on is stored from the first step, under a new cookie.
    let mut citizen = Client::new(&svc, "es");
    let token = csrf(&citizen.get("/").await);
    let (status, location, _) = citizen.post("/", &[("csrf", &token), ("document", ANA)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/contrast"));
    assert_eq!(svc.service.portal_sessions().await.unwrap(), 1);
    let page = citizen.get("/access/contrast").await;
    assert!(page.contains("name=\"csrf\""), "{page}");
    assert_ne!(csrf(&page), token, "the stored session has its own token");
    // The language an anonymous visitor picks is kept in a cookie, not a session.
    let mut english = Client::new(&svc, "es");
    assert!(english.get("/?lang=en").await.contains("<html lang=\"en\">"));
    assert!(english.get("/").await.contains("<html lang=\"en\">"));
    assert_eq!(svc.service.portal_sessions().await.unwrap(), 1);
}

#[tokio::test]
async fn a_citizen_goes_on_whichever_instance_answers() {
    let svc = TestService::start().await;
    let Some(other) = svc.another_instance().await else {
        eprintln!("one instance on SQLite: nothing to balance between");
        return;
    };
    let mut citizen = Client::new(&svc, "en");
    let token = csrf(&citizen.get("/").await);
    let (status, location, _) = citizen.post("/", &[("csrf", &token), ("document", ANA)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/contrast"));
    // Every step lands on the other instance than the one before.
    citizen.at(&other);
    let page = citizen.get("/access/contrast").await;
    assert_eq!(citizen.last.0, StatusCode::OK, "the other instance knows the session");
    let token = csrf(&page);
    let (status, location, _) =
        citizen.post("/access/contrast", &[("csrf", &token), ("contrast", ANA_VALIDITY)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/obtain"));
    citizen.at(&svc);
    let (status, location, _) = citizen.post("/access/obtain", &[("csrf", &token)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/pin"));
    let (_, pin) = svc.last_sms_pin().await;
    citizen.at(&other);
    let (status, location, _) =
        citizen.post("/access/pin", &[("csrf", &token), ("pin", &pin)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/signed-in"));
    citizen.at(&svc);
    let page = citizen.get("/access/signed-in").await;
    assert!(page.contains("Ana García López"), "{page}");
    // Signing out on one instance ends the session on every one.
    let token = csrf(&page);
    citizen.post("/access/sign-out", &[("csrf", &token)]).await;
    citizen.at(&other);
    citizen.get("/access/signed-in").await;
    assert_eq!(citizen.last.0, StatusCode::SEE_OTHER, "signed out everywhere");
}
