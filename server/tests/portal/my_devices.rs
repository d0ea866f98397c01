//! "My devices" after signing in, and "this wasn't me" as the citizen lives it: the
//! real core on the phone, the portal over HTTP.

use clavepin_core::Device;
use reqwest::StatusCode;

use crate::http::{Client, csrf};
use crate::support::*;

/// The phone's newest PIN for Ana: its request id and the PIN.
async fn newest_on_phone(phone: &Device) -> (clavepin_protocol::RequestId, String) {
    phone.pull(ANA).await.unwrap();
    let screen = phone.screen().unwrap();
    let latest = screen.citizens[0].latest.clone().expect("a PIN reached the phone");
    (latest.request_id, latest.pin.expect("unlocked").expose().to_owned())
}

/// Steps 1–3 for Ana; the PIN page's token.
async fn obtain(citizen: &mut Client) -> String {
    let token = csrf(&citizen.get("/").await);
    citizen.post("/", &[("csrf", &token), ("document", ANA)]).await;
    let token = csrf(&citizen.get("/access/contrast").await);
    citizen.post("/access/contrast", &[("csrf", &token), ("contrast", ANA_VALIDITY)]).await;
    let (status, location, _) = citizen.post("/access/obtain", &[("csrf", &token)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/pin"));
    token
}

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(&marker).nth(1).unwrap().split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn my_devices_shows_the_phone_and_the_activity_and_deactivates_the_phone() {
    let svc = TestService::start().await;
    let phone = svc.phone(&[(ANA, ANA_VALIDITY)]).await;
    let mut citizen = Client::new(&svc, "en");
    citizen.get("/access/devices").await;
    assert_eq!(citizen.last, (StatusCode::SEE_OTHER, "/".to_owned()), "only after signing in");

    // A PIN Ana did not ask for (someone knows her contrast data): she reports it.
    let mut intruder = Client::new(&svc, "en");
    let intruder_token = obtain(&mut intruder).await;
    let (request, pin) = newest_on_phone(&phone).await;
    phone.report_not_me(ANA, &request).await.unwrap();
    let (status, _, html) =
        intruder.post("/access/pin", &[("csrf", &intruder_token), ("pin", &pin)]).await;
    assert_eq!(status, StatusCode::GONE, "the reported PIN opens nothing: {html}");

    // Ana signs in herself: the PIN comes by SMS while pushes are held.
    let token = obtain(&mut citizen).await;
    let page = citizen.get("/access/pin").await;
    assert!(page.contains("SMS"), "the page says where the PIN went");
    let (_, pin) = svc.last_sms_pin().await;
    let (status, location, _) =
        citizen.post("/access/pin", &[("csrf", &token), ("pin", &pin)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/signed-in"));
    let page = citizen.get("/access/signed-in").await;
    assert!(page.contains("href=\"/access/devices\""), "the signed-in page links here");

    let page = citizen.get("/access/devices").await;
    assert_eq!(citizen.last.0, StatusCode::OK);
    for shown in ["Pixel de Ana", "Pixel 8", "Last used"] {
        assert!(page.contains(shown), "{shown} missing: {page}");
    }
    let rows: Vec<&str> = page.split("<tr class=\"").skip(1).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r.split('"').next().unwrap()).collect();
    assert_eq!(kinds, ["sign-in", "not-me", "device-activated"], "newest first: {page}");
    assert!(rows[0].contains("PIN by SMS") && rows[1].contains("PIN in the app"), "{page}");
    assert!(rows[2].contains("Pixel de Ana (Pixel 8)"));
    let spanish = citizen.get("/access/devices?lang=es").await;
    assert!(spanish.contains("Mis dispositivos") && spanish.contains("Aviso «No he sido yo»"));
    let page = citizen.get("/access/devices?lang=en").await;

    // Deactivating it: the phone is told on its next call, PINs go by SMS.
    let device = value_of(&page, "device");
    let token = csrf(&page);
    let form = [("csrf", token.as_str()), ("device", device.as_str())];
    let (status, location, _) = citizen.post("/access/devices/deactivate", &form).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/devices"));
    let page = citizen.get("/access/devices").await;
    assert!(page.contains("The device has been deactivated") && page.contains("id=\"no-device\""));
    assert!(page.contains("<tr class=\"device-removed\">"), "{page}");
    let state = phone.check_status(ANA).await;
    assert!(
        matches!(state, Ok(clavepin_core::store::CitizenState::Replaced)),
        "the phone learns it no longer receives PINs: {state:?}"
    );
    // The same form again (a second tab): nothing more happens, and nothing is said.
    let (status, _, _) = citizen.post("/access/devices/deactivate", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = citizen.get("/access/devices").await;
    assert!(!page.contains("The device has been deactivated"));
    assert_eq!(page.matches("<tr class=\"device-removed\">").count(), 1);
}

#[tokio::test]
async fn a_form_cannot_deactivate_someone_elses_device() {
    let svc = TestService::start().await;
    let phone = svc.phone(&[(ANA, ANA_VALIDITY)]).await;
    let mut citizen = Client::new(&svc, "en");
    let token = obtain(&mut citizen).await;
    let (_, pin) = newest_on_phone(&phone).await;
    citizen.post("/access/pin", &[("csrf", &token), ("pin", &pin)]).await;
    let page = citizen.get("/access/devices").await;
    let token = csrf(&page);
    for device in ["", "someone-elses-device-id", "' OR 1=1 --"] {
        let form = [("csrf", token.as_str()), ("device", device)];
        let (status, _, _) = citizen.post("/access/devices/deactivate", &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    assert!(citizen.get("/access/devices").await.contains("id=\"active-device\""));
    phone.check_status(ANA).await.unwrap();
}
