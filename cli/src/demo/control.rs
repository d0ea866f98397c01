//! The demo's steps that put the citizen in control: "this wasn't me" on a PIN
//! someone else asked for, and the portal's "My devices" after signing in.

use chrono::Local;
use clavepin_core::Device;
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
