//! The demo's steps that put the citizen in control: "this wasn't me" on a PIN
//! someone else asked for, the portal's "My devices" after signing in, and
//! approving a sign-in in the app instead of typing a PIN.

use chrono::Local;
use clavepin_core::{Device, Pattern};
use reqwest::Method;
use serde_json::{Value, json};

use super::browser::Browser;
use crate::admin::OperatorClient;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The code and PIN of the newest SMS (`código CODE, PIN PIN`).
async fn last_sms_pin(operator: &OperatorClient) -> Result<(String, String), String> {
    let outbox: Value =
        operator.call::<(), _>(Method::GET, "/operator/outbox/sms", None, true).await?;
    let text = outbox["items"]
        .as_array()
        .and_then(|i| i.last())
        .and_then(|s| s["text"].as_str())
        .ok_or("no SMS sent")?;
    let after = |label: &str| {
        text.split(label)
            .nth(1)
            .and_then(|rest| rest.split([',', ' ']).find(|w| !w.is_empty()))
            .map(str::to_owned)
            .ok_or_else(|| format!("no {label}in the SMS"))
    };
    Ok((after("código ")?, after("PIN ")?))
}

/// "report-not-me": someone who knows the citizen's contrast data asks for a PIN;
/// the app's "This wasn't me" kills it, holds pushes, and tells the operators.
/// Returns the detail, and the PIN and code reported.
pub async fn report_not_me(
    url: &str,
    operator: &OperatorClient,
    device: &Device,
    document: &str,
    contrast: Value,
) -> Result<(String, String, String), String> {
    let http = reqwest::Client::new();
    let body = json!({ "document": document, "contrast": contrast, "code": "NOME" });
    let created: Value = http
        .post(format!("{url}/portal/pin-requests"))
        .json(&body)
        .send()
        .await
        .map_err(err)?
        .json()
        .await
        .map_err(err)?;
    let id = created["request_id"].as_str().ok_or("no request id")?.to_owned();
    device.pull(document).await.map_err(err)?;
    let latest = device.screen().map_err(err)?.latest.ok_or("the device shows no PIN")?;
    if latest.request_id.as_str() != id {
        return Err("the device shows another PIN".into());
    }
    let pin = latest.pin.ok_or("the device hides the PIN")?.expose().to_owned();
    let until = device.report_not_me(document, &latest.request_id).await.map_err(err)?;
    let verify = json!({ "code": "NOME", "pin": pin });
    let resp = http
        .post(format!("{url}/portal/pin-requests/{id}/verify"))
        .json(&verify)
        .send()
        .await
        .map_err(err)?;
    let status = resp.status().as_u16();
    let refused: Value = resp.json().await.map_err(err)?;
    if (status, refused["error"].as_str()) != (410, Some("pin_request_dead")) {
        return Err(format!("the reported PIN still answered {status}: {refused}"));
    }
    let reports: Value =
        operator.call::<(), _>(Method::GET, "/operator/reports", None, true).await?;
    let listed = reports["reports"].as_array().and_then(|r| r.last()).ok_or("no report listed")?;
    if listed["document"].as_str() != Some(document) {
        return Err(format!("the operators' list has {listed}"));
    }
    let detail = format!(
        "a PIN someone else asked for (code NOME): \"This wasn't me\" in the app killed it \
         (the right PIN now gets {status} pin_request_dead), pushes are held until {} (SMS \
         meanwhile), and the operators' list of reports has it",
        until.with_timezone(&Local).format("%H:%M")
    );
    Ok((detail, pin, "NOME".into()))
}

/// "my-devices": the citizen signs in on the portal's pages (by SMS: pushes are
/// held) and reads "My devices": the device with its name and model, and the
/// activity with the report. Returns the detail, and the PIN and code used.
pub async fn my_devices(
    url: &str,
    operator: &OperatorClient,
    document: &str,
    validity: &str,
    device_name: &str,
) -> Result<(String, String, String), String> {
    let mut browser = Browser::new(url)?;
    let page = browser.send(Method::GET, "/?lang=en", &[]).await?;
    let csrf = browser.obtain_pin(&page, document, validity, None).await?;
    let (code, pin) = last_sms_pin(operator).await?;
    browser.post("/access/pin", &[("csrf", &csrf), ("pin", &pin)], "/access/signed-in").await?;
    let page = browser.send(Method::GET, "/access/devices", &[]).await?;
    if page.status != 200 {
        return Err(format!("\"My devices\" answered {}", page.status));
    }
    let rows: Vec<&str> =
        page.body.split("<tr class=\"").skip(1).filter_map(|r| r.split('"').next()).collect();
    if !page.body.contains(device_name) || rows.first() != Some(&"sign-in") {
        return Err(format!("\"My devices\" shows {rows:?}"));
    }
    for expected in ["not-me", "device-activated"] {
        if !rows.contains(&expected) {
            return Err(format!("the activity lacks {expected}: {rows:?}"));
        }
    }
    let detail = format!(
        "signed in on the portal's pages by SMS (code {code}); \"My devices\" shows \
         {device_name} as the active device and the activity, newest first: {}",
        rows.join(", ")
    );
    Ok((detail, pin, code))
}

/// "approve-in-app": the citizen chooses "Approve in the app" on the portal's pages,
/// the app reads the code from the link the QR code holds, shows who asks, and
/// approves with the pattern; the page, asking as its script does, goes on to the
/// signed-in page. Returns the detail.
pub async fn approve_in_app(
    url: &str,
    device: &Device,
    document: &str,
    validity: &str,
    pattern: &str,
) -> Result<String, String> {
    let mut browser = Browser::new(url)?;
    let page = browser.send(Method::GET, "/?lang=en", &[]).await?;
    browser.obtain_pin(&page, document, validity, Some("approve")).await?;
    let page = browser.send(Method::GET, "/access/approve", &[]).await?;
    if page.status != 200 || !page.body.contains("<svg") {
        return Err(format!("the approval page answered {} without a QR code", page.status));
    }
    let shown = super::browser::scrape(&page.body, "class=\"approval-code\">")
        .map(|s| s.split('<').next().unwrap_or_default().to_owned())?;
    let link = super::browser::scrape(&page.body, "id=\"open-app\" href=\"")?;
    let code = device.read_approval_code(&link).map_err(err)?;
    if code.grouped() != shown {
        return Err(format!("the QR code's link holds another code than the page shows ({shown})"));
    }
    let state = |page: &super::browser::Page| {
        serde_json::from_str::<Value>(&page.body)
            .ok()
            .and_then(|v| v["state"].as_str().map(str::to_owned))
    };
    let before = browser.send(Method::GET, "/access/approve/status", &[]).await?;
    if state(&before).as_deref() != Some("pending") {
        return Err(format!("before the app answered, the page's status was {}", before.body));
    }
    let asked = device.look_up_approval(document, &code).await.map_err(err)?;
    if asked.site.is_some() {
        return Err(format!("the app was told {:?} asks, not the portal", asked.site));
    }
    let pattern = Pattern::parse(pattern).map_err(|e| err(clavepin_core::CoreError::from(e)))?;
    device.approve_sign_in(document, &code, &pattern).await.map_err(err)?;
    let after = browser.send(Method::GET, "/access/approve/status", &[]).await?;
    if state(&after).as_deref() != Some("approved") {
        return Err(format!("after the app approved, the page's status was {}", after.body));
    }
    let onwards = browser.send(Method::GET, "/access/approve", &[]).await?;
    if (onwards.status, onwards.location.as_str()) != (303, "/access/signed-in") {
        return Err(format!("the approved page went to {} {:?}", onwards.status, onwards.location));
    }
    let signed_in = browser.send(Method::GET, "/access/signed-in", &[]).await?;
    if signed_in.status != 200 {
        return Err(format!("the signed-in page answered {}", signed_in.status));
    }
    Ok(format!(
        "chose \"Approve in the app\" on the portal's pages: the page showed code {shown} and a QR \
         code of {link}; the app read the code from that link, was told the portal asks \
         (valid until {}), and approved with the pattern drawn again; the page's status \
         went pending → approved and the page went on to the signed-in page, no PIN typed",
        asked.expires_at.with_timezone(&Local).format("%H:%M:%S"),
    ))
}
