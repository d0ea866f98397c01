//! A citizen in headless Chromium, page by page as in the official help (seed 002),
//! once in Spanish and once in English: the document, the contrast data, "Obtain
//! PIN" with a custom code, the notice, the PIN read from the real device's screen,
//! a wrong PIN, "Access", signed in, signed out; then a PIN left to expire.

use std::time::Instant;

use chrono::TimeDelta;

use crate::support::*;
use crate::webdriver::{Browser, Driver};

/// Ten minutes and a second: the PIN's life has passed (SPEC.md: 10 minutes).
fn past_pin_life() -> TimeDelta {
    TimeDelta::minutes(10) + TimeDelta::seconds(1)
}

/// A browser for `lang`, its screenshots in `target/portal-screenshots/<lang>`.
pub async fn open(svc: &TestService, lang: &str, accept_language: &str) -> (Driver, Browser) {
    let shots = screenshot_dir(lang);
    println!("portal screenshots ({lang}): {}", shots.display());
    let driver = Driver::start(&shots.join("chromedriver.log")).await;
    let mut browser =
        driver.browser(&svc.scratch(&format!("chromium-{lang}")), accept_language).await;
    browser.keep_screenshots(shots);
    (driver, browser)
}

/// Types into a form and presses its button.
pub async fn submit(b: &Browser, fields: &[(&str, &str)], button: &str) {
    for (css, text) in fields {
        b.fill(css, text).await;
    }
    b.press(button).await;
}

/// The field is marked invalid, tied to its message, and the summary announces it.
async fn assert_invalid(b: &Browser, field: &str, message: &str) {
    let summary = b.text(".error-summary").await;
    assert!(summary.contains(message), "summary: {summary}");
    assert_eq!(b.attribute(".error-summary", "role").await.as_deref(), Some("alert"));
    let id = field.trim_start_matches('#');
    assert_eq!(b.attribute(field, "aria-invalid").await.as_deref(), Some("true"));
    let described = b.attribute(field, "aria-describedby").await.unwrap_or_default();
    assert!(described.split(' ').any(|d| d == format!("{id}-error")), "{described}");
    assert_eq!(b.text(&format!("#{id}-error")).await, message);
    assert!(b.has(&format!(".error-summary a[href=\"#{id}\"]")).await, "the summary links it");
}

/// An error for the whole page (no field), announced.
async fn assert_refused(b: &Browser, message: &str) {
    let summary = b.text(".error-summary[role=alert]").await;
    assert!(summary.contains(message), "summary: {summary}");
}

/// Nothing the citizen typed is ever in an address.
async fn assert_clean_url(b: &Browser, secrets: &[&str]) {
    let url = b.url().await.to_uppercase();
    for secret in secrets {
        assert!(!url.contains(&secret.to_uppercase()), "{secret} in {url}");
    }
}

/// The accessibility every page keeps: no WCAG 2.1 A or AA failure axe-core can
/// find, and the basics it takes for granted: a language, one `<h1>`, a label for
/// every visible input.
pub async fn assert_accessible(b: &Browser, lang: &str) {
    let violations = b.accessibility_violations().await;
    assert!(violations.is_empty(), "at {}: {violations:#?}", b.url().await);
    assert_eq!(b.attribute("html", "lang").await.as_deref(), Some(lang));
    assert_eq!(b.find_all("h1").await.len(), 1);
    let inputs = b.find_all("input:not([type=hidden])").await.len();
    let labelled = b.find_all("input:not([type=hidden])[id]").await.len();
    assert_eq!(inputs, labelled);
    for id in ["document", "contrast", "permanent", "customise", "custom-code", "code", "pin"] {
        if b.has(&format!("#{id}")).await {
            assert!(b.has(&format!("label[for={id}]")).await, "#{id} has a label");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_signs_in_with_a_pin_from_the_app_in_spanish() {
    let started = Instant::now();
    let svc = TestService::start().await;
    let phone = svc.phone(&[(ANA, ANA_VALIDITY)]).await;
    let (_driver, mut b) = open(&svc, "es", "es-ES").await;
    let secrets = [ANA, ANA_VALIDITY];

    // 1. "Introduzca su DNI o NIE para iniciar el proceso."
    b.go(&format!("{}/", svc.url)).await;
    b.expect_page("Acceso con Cl@ve PIN").await;
    assert_accessible(&b, "es").await;
    b.screenshot("documento").await;
    submit(&b, &[("#document", "12345678A")], "#continue").await;
    assert_invalid(&b, "#document", "La letra no corresponde al número. Revise el documento.")
        .await;
    b.screenshot("documento-letra-incorrecta").await;
    submit(&b, &[("#document", "12.345.678-z")], "#continue").await;

    // 2. Datos de contraste: fecha de validez, con la casilla «DNI permanente».
    let page = b.expect_page("Datos de contraste").await;
    assert!(page.contains("*****678Z"), "{page}");
    assert_eq!(b.text("label[for=contrast]").await, "Fecha de validez");
    assert_eq!(b.text("label[for=permanent]").await, "DNI permanente");
    assert_accessible(&b, "es").await;
    b.screenshot("datos-de-contraste").await;
    submit(&b, &[("#contrast", "01/02/2030")], "#continue").await;
    let mismatch = "El documento y el dato de contraste no coinciden con nuestros registros. \
                    Revíselos e inténtelo de nuevo.";
    assert_invalid(&b, "#contrast", mismatch).await;
    b.screenshot("datos-de-contraste-no-coinciden").await;
    submit(&b, &[("#contrast", ANA_VALIDITY)], "#continue").await;

    // 3. Obtener PIN, personalizando el código; con la app activada, app o SMS.
    b.expect_page("Obtener PIN").await;
    assert_eq!(b.text("label[for=customise]").await, "Deseo personalizar la generación del PIN");
    assert_eq!(b.property("#channel-app", "checked").await, true);
    assert!(b.has("#channel-sms").await);
    assert_accessible(&b, "es").await;
    b.click("#customise").await;
    b.fill("#custom-code", "ab12").await;
    b.screenshot("obtener-pin").await;
    b.press("#obtain").await;

    // 4. El aviso: consulte la app; el código bloqueado.
    let page = b.expect_page("Autenticación con PIN").await;
    assert!(page.contains("Consulte la app Cl@ve PIN"), "{page}");
    assert_eq!(b.property("#code", "value").await, "AB12");
    assert!(b.attribute("#code", "readonly").await.is_some(), "the code is locked");
    assert_accessible(&b, "es").await;
    assert_clean_url(&b, &secrets).await;
    b.screenshot("aviso-app").await;
    b.press("#request-sms").await;
    let notice = b.text(".notice-box .notice").await;
    assert_eq!(notice, "Se ha enviado un SMS con el PIN a su número de móvil •••••••78.");
    assert!(!b.has("#request-sms").await, "once per request");
    b.screenshot("aviso-sms-solicitado").await;

    // The phone shows the PIN; the SMS carries the same one.
    let pin = pin_on_phone(&phone, ANA, "AB12").await;
    assert_eq!(svc.last_sms_pin().await, ("AB12".to_owned(), pin.clone()));
    submit(&b, &[("#pin", &wrong_pin(&pin))], "#access").await;
    assert_invalid(&b, "#pin", "PIN incorrecto. Le quedan 2 intentos.").await;
    b.screenshot("pin-incorrecto").await;
    submit(&b, &[("#pin", &pin.to_lowercase())], "#access").await;

    // 5. Dentro.
    let page = b.expect_page("Ha accedido correctamente").await;
    assert!(page.contains("Ana García López") && page.contains("*****678Z"), "{page}");
    assert!(!page.contains(ANA), "the document is shown masked");
    assert_clean_url(&b, &[ANA, &pin]).await;
    b.screenshot("sesion-iniciada").await;
    b.press("#sign-out").await;
    let page = b.expect_page("Acceso con Cl@ve PIN").await;
    assert!(page.contains("Ha cerrado la sesión."), "{page}");
    b.screenshot("sesion-cerrada").await;

    // A PIN left more than 10 minutes is refused. (A minute passes first: the
    // phone shows its newest PIN, and this one must be newer than the last.)
    svc.advance(TimeDelta::minutes(1));
    submit(&b, &[("#document", ANA)], "#continue").await;
    b.expect_page("Datos de contraste").await;
    submit(&b, &[("#contrast", ANA_VALIDITY)], "#continue").await;
    b.expect_page("Obtener PIN").await;
    b.press("#obtain").await;
    b.expect_page("Autenticación con PIN").await;
    let code = b.property("#code", "value").await.as_str().unwrap().to_owned();
    let pin = pin_on_phone(&phone, ANA, &code).await;
    svc.advance(past_pin_life());
    submit(&b, &[("#pin", &pin)], "#access").await;
    assert_refused(&b, "Este PIN ha caducado: los PIN duran 10 minutos. Obtenga uno nuevo.").await;
    b.screenshot("pin-caducado").await;

    // The switch on every page; the session remembers it.
    b.press("#lang-en").await;
    b.expect_page("Authentication with PIN").await;
    assert_eq!(b.attribute("html", "lang").await.as_deref(), Some("en"));
    b.screenshot("cambio-a-ingles").await;
    b.go(&format!("{}/access/obtain", svc.url)).await;
    b.expect_page("Obtain PIN").await;
    b.press("#lang-es").await;
    b.expect_page("Obtener PIN").await;
    println!("Spanish journey: {:.1} s", started.elapsed().as_secs_f64());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_signs_in_with_a_pin_from_the_app_in_english() {
    let started = Instant::now();
    let svc = TestService::start().await;
    let phone = svc.phone(&[(JOHN, JOHN_SUPPORT)]).await;
    let (_driver, mut b) = open(&svc, "en", "en-US").await;

    // 1. The document: a NIE, typed loosely.
    b.go(&format!("{}/", svc.url)).await;
    b.expect_page("Access with Cl@ve PIN").await;
    assert_accessible(&b, "en").await;
    b.screenshot("document").await;
    submit(&b, &[("#document", "x-1234567-l")], "#continue").await;

    // 2. A NIE's contrast datum is its support number; no "Permanent DNI" box.
    let page = b.expect_page("Contrast data").await;
    assert!(page.contains("*****567L"), "{page}");
    assert_eq!(b.text("label[for=contrast]").await, "Support number");
    assert!(!b.has("#permanent").await);
    b.screenshot("contrast-data").await;
    submit(&b, &[("#contrast", "E87654321")], "#continue").await;
    assert_invalid(
        &b,
        "#contrast",
        "The document and the contrast data do not match our records. Check them and try again.",
    )
    .await;
    b.screenshot("contrast-data-mismatch").await;
    submit(&b, &[("#contrast", JOHN_SUPPORT)], "#continue").await;

    // 3. "I want to customise PIN generation" without a code is refused.
    b.expect_page("Obtain PIN").await;
    assert_accessible(&b, "en").await;
    b.click("#customise").await;
    b.press("#obtain").await;
    assert_invalid(
        &b,
        "#custom-code",
        "Enter the 4-character code, or untick the box for a random one.",
    )
    .await;
    assert_eq!(b.property("#customise", "checked").await, true, "the box stays ticked");
    b.screenshot("obtain-pin-code-missing").await;
    b.fill("#custom-code", "en42").await;
    b.screenshot("obtain-pin").await;
    b.press("#obtain").await;

    // 4. The notice and the locked code.
    let page = b.expect_page("Authentication with PIN").await;
    assert!(page.contains("Look at the Cl@ve PIN app"), "{page}");
    assert!(b.has("#request-sms").await, "\"Request SMS to be sent to your mobile\"");
    assert_eq!(b.property("#code", "value").await, "EN42");
    assert_clean_url(&b, &[JOHN, JOHN_SUPPORT]).await;
    b.screenshot("notice-app").await;
    let pin = pin_on_phone(&phone, JOHN, "EN42").await;
    submit(&b, &[("#pin", &wrong_pin(&pin))], "#access").await;
    assert_invalid(&b, "#pin", "Wrong PIN. You have 2 tries left.").await;
    b.screenshot("wrong-pin").await;
    submit(&b, &[("#pin", &pin)], "#access").await;

    // 5. Signed in.
    let page = b.expect_page("You have signed in").await;
    assert!(page.contains("John Smith") && page.contains("*****567L"), "{page}");
    b.screenshot("signed-in").await;
    // "My devices": the phone, moving to a new one, the sign-in just made.
    b.press("#my-devices").await;
    let page = b.expect_page("My devices").await;
    assert!(page.contains("Pixel de Ana") && page.contains("Moving to a new phone"), "{page}");
    assert!(b.has("#active-device").await && b.has("#deactivate").await);
    assert!(b.has("#activity tr.sign-in").await, "the sign-in is listed");
    assert_accessible(&b, "en").await;
    b.screenshot("my-devices").await;
    b.press("#back").await;
    b.expect_page("You have signed in").await;
    b.press("#sign-out").await;
    assert!(b.expect_page("Access with Cl@ve PIN").await.contains("You have signed out."));
    b.screenshot("signed-out").await;

    // María: a permanent DNI (its issue date), no app, so the PIN goes by SMS.
    submit(&b, &[("#document", MARIA)], "#continue").await;
    b.expect_page("Contrast data").await;
    assert_eq!(b.text("label[for=contrast]").await, "Validity date");
    submit(&b, &[("#contrast", "01/01/9999")], "#continue").await;
    assert_invalid(
        &b,
        "#contrast",
        "Your DNI is permanent (01-01-9999): tick \"Permanent DNI\" and give its issue date.",
    )
    .await;
    b.screenshot("contrast-data-permanent-dni").await;
    b.click("#permanent").await;
    submit(&b, &[("#contrast", MARIA_ISSUED)], "#continue").await;
    let page = b.expect_page("Obtain PIN").await;
    assert!(!b.has("#channel-app").await, "no app: no choice");
    assert!(page.contains("The PIN will be sent by SMS"), "{page}");
    b.screenshot("obtain-pin-sms-only").await;
    b.press("#obtain").await;
    let page = b.expect_page("Authentication with PIN").await;
    assert!(page.contains("PIN sent by SMS"), "{page}");
    let sent = "An SMS with the PIN has been sent to your mobile number •••••••22.";
    assert!(page.contains(sent), "{page}");
    let code = b.property("#code", "value").await.as_str().unwrap().to_owned();
    assert_eq!(svc.last_sms_pin().await.0, code);
    b.screenshot("notice-sms").await;
    b.press("#request-again").await;
    let renewed = b.text(".notice-box .notice").await;
    assert_eq!(renewed, "A new PIN has been sent. The previous one no longer works.");
    let (again_code, pin) = svc.last_sms_pin().await;
    assert_eq!(again_code, code, "\"Request again\" keeps the code");
    b.screenshot("request-again").await;
    submit(&b, &[("#pin", &pin)], "#access").await;
    let page = b.expect_page("You have signed in").await;
    assert!(page.contains("María Pérez Ruiz") && page.contains("*****000T"), "{page}");
    b.screenshot("signed-in-by-sms").await;
    b.press("#sign-out").await;
    b.expect_page("Access with Cl@ve PIN").await;

    // A PIN left more than 10 minutes is refused. (A minute passes first: the
    // phone shows its newest PIN, and this one must be newer than the last.)
    svc.advance(TimeDelta::minutes(1));
    submit(&b, &[("#document", JOHN)], "#continue").await;
    b.expect_page("Contrast data").await;
    submit(&b, &[("#contrast", JOHN_SUPPORT)], "#continue").await;
    b.expect_page("Obtain PIN").await;
    b.press("#obtain").await;
    b.expect_page("Authentication with PIN").await;
    let code = b.property("#code", "value").await.as_str().unwrap().to_owned();
    let pin = pin_on_phone(&phone, JOHN, &code).await;
    svc.advance(past_pin_life());
    submit(&b, &[("#pin", &pin)], "#access").await;
    assert_refused(&b, "This PIN has expired: PINs last 10 minutes. Obtain a new one.").await;
    b.screenshot("pin-expired").await;
    b.press("#lang-es").await;
    b.expect_page("Autenticación con PIN").await;
    b.screenshot("switched-to-spanish").await;
    println!("English journey: {:.1} s", started.elapsed().as_secs_f64());
}

/// The start page in every language, the privacy notice one link from it, and the
/// pages around a site's sign-in, each checked by axe-core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_language_and_the_privacy_notice_pass_the_accessibility_checks() {
    let svc = TestService::start().await;
    let (_driver, mut b) = open(&svc, "languages", "es-ES").await;
    for (lang, title, privacy) in [
        ("es", "Acceso con Cl@ve PIN", "Protección de datos"),
        ("ca", "Accés amb Cl@ve PIN", "Protecció de dades"),
        ("gl", "Acceso mediante Cl@ve PIN", "Protección de datos persoais"),
        ("eu", "Cl@ve PIN bidezko sarbidea", "Datuen babesa"),
        ("en", "Access with Cl@ve PIN", "Data protection"),
    ] {
        b.go(&format!("{}/?lang={lang}", svc.url)).await;
        b.expect_page(title).await;
        assert_accessible(&b, lang).await;
        assert_eq!(b.find_all("ul.languages a").await.len(), 4, "the other four languages");
        b.screenshot(&format!("{lang}-inicio")).await;
        b.press("#privacy").await;
        let notice = b.expect_page(privacy).await;
        assert!(notice.contains("AEPD"), "{notice}");
        assert_accessible(&b, lang).await;
        b.screenshot(&format!("{lang}-privacidad")).await;
        // A wrong form, in each language: the error summary and the marked field.
        b.go(&format!("{}/?lang={lang}", svc.url)).await;
        submit(&b, &[("#document", "12345678A")], "#continue").await;
        assert!(b.has(".error-summary[role=alert]").await);
        assert_accessible(&b, lang).await;
    }
    // The language chosen last (English) is remembered.
    b.go(&format!("{}/oidc/authorize?client_id=nobody&redirect_uri=x", svc.url)).await;
    assert!(b.has("p[role=alert]").await);
    assert_accessible(&b, "en").await;
    b.go(&format!("{}/oidc/logout?ui_locales=eu", svc.url)).await;
    assert!(b.has("#sign-out").await);
    assert_accessible(&b, "eu").await;
}
