//! The two files that let a phone hand the log-in page's `/approve` links to the app
//! instead of the browser: Android's Digital Asset Links (`assetlinks.json`, checked
//! by the system for an `autoVerify` intent filter) and Apple's
//! `apple-app-site-association` (fetched through Apple's CDN for universal links).
//! Each names the apps the operator configured (`serve --android-app`, `--ios-app`);
//! with none, the file does not exist and links open the browser's page.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::portal::paths::APP_LINK;

/// The apps `/approve` links open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppLinks {
    android: Vec<(String, String)>,
    ios: Vec<String>,
}

/// Why an app named for the links is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppLinkError {
    #[error(
        "an Android app is PACKAGE:FINGERPRINT, e.g. es.clavepin.app:AB:CD:…, the package \
         name and the SHA-256 of its signing certificate as 32 hex pairs with colons"
    )]
    Android,
    #[error("an iOS app is TEAMID.BUNDLE_ID, e.g. A1B2C3D4E5.es.clavepin.app")]
    Ios,
}

impl AppLinks {
    /// `PACKAGE:FINGERPRINT`, as `keytool -list` prints the fingerprint.
    pub fn with_android(mut self, text: &str) -> Result<Self, AppLinkError> {
        let (package, fingerprint) = text.split_once(':').ok_or(AppLinkError::Android)?;
        let pairs: Vec<&str> = fingerprint.split(':').collect();
        let hex_pair = |p: &&str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit());
        if !is_dotted_name(package) || pairs.len() != 32 || !pairs.iter().all(hex_pair) {
            return Err(AppLinkError::Android);
        }
        self.android.push((package.to_owned(), fingerprint.to_ascii_uppercase()));
        Ok(self)
    }

    /// `TEAMID.BUNDLE_ID`: Apple's app identifier.
    pub fn with_ios(mut self, text: &str) -> Result<Self, AppLinkError> {
        let (team, bundle) = text.split_once('.').ok_or(AppLinkError::Ios)?;
        let team_ok = team.len() == 10 && team.bytes().all(|b| b.is_ascii_alphanumeric());
        if !team_ok || !is_dotted_name(bundle) {
            return Err(AppLinkError::Ios);
        }
        self.ios.push(text.to_owned());
        Ok(self)
    }
}

/// `a.b.c`: letters, digits, `_` and `-`, in at least two parts.
fn is_dotted_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

/// `GET /.well-known/assetlinks.json`.
pub async fn assetlinks(State(links): State<AppLinks>) -> Response {
    if links.android.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let statements: Vec<_> = links
        .android
        .iter()
        .map(|(package, fingerprint)| {
            json!({
                "relation": ["delegate_permission/common.handle_all_urls"],
                "target": {
                    "namespace": "android_app",
                    "package_name": package,
                    "sha256_cert_fingerprints": [fingerprint],
                },
            })
        })
        .collect();
    Json(statements).into_response()
}

/// `GET /.well-known/apple-app-site-association`: only `/approve` opens the app.
pub async fn apple_app_site_association(State(links): State<AppLinks>) -> Response {
    if links.ios.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    Json(json!({
        "applinks": {
            "details": [{ "appIDs": links.ios, "components": [{ "/": APP_LINK }] }],
        },
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FINGERPRINT: &str = "14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5";

    #[test]
    fn apps_are_named_as_their_platforms_name_them() {
        let links = AppLinks::default()
            .with_android(&format!("es.clavepin.app:{}", FINGERPRINT.to_lowercase()))
            .and_then(|l| l.with_ios("A1B2C3D4E5.es.clavepin.app"));
        let links = links.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(links.android, vec![("es.clavepin.app".to_owned(), FINGERPRINT.to_owned())]);
        for bad in [
            "es.clavepin.app",
            "clavepin:AB",
            &format!("app:{FINGERPRINT}"),
            &format!("es.x:{}", &FINGERPRINT[3..]),
        ] {
            assert_eq!(AppLinks::default().with_android(bad), Err(AppLinkError::Android), "{bad}");
        }
        for bad in ["es.clavepin.app", "A1B2C3D4E5", "A1B2C3D4E5.app", "A1B2C3D4E!.es.clavepin.app"]
        {
            assert_eq!(AppLinks::default().with_ios(bad), Err(AppLinkError::Ios), "{bad}");
        }
    }
}
