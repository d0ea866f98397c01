//! A browser as far as the portal can tell, for the demo's steps that go through
//! the portal's pages: a cookie jar, forms, redirects not followed.

use std::collections::BTreeMap;

use reqwest::Method;
use reqwest::header::{LOCATION, SET_COOKIE};

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A browser as far as the portal can tell: cookies, forms, redirects not followed.
pub(super) struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
}

/// An answer: status, `Location`, body.
pub(super) struct Page {
    pub status: u16,
    pub location: String,
    pub body: String,
}

impl Browser {
    pub fn new(base: &str) -> Result<Browser, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(err)?;
        Ok(Browser { http, base: base.to_owned(), cookies: BTreeMap::new() })
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<Page, String> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if !form.is_empty() {
            let body =
                url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
            req = req.header("content-type", "application/x-www-form-urlencoded").body(body);
        }
        if !self.cookies.is_empty() {
            let jar: Vec<_> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            req = req.header("cookie", jar.join("; "));
        }
        let resp = req.send().await.map_err(err)?;
        for set in resp.headers().get_all(SET_COOKIE) {
            let pair = set.to_str().unwrap_or_default().split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(Page { status, location, body: resp.text().await.map_err(err)? })
    }

    pub async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        then: &str,
    ) -> Result<Page, String> {
        let page = self.send(Method::POST, path, form).await?;
        if page.status != 303 || page.location != then {
            return Err(format!(
                "{path} answered {} → {:?}, not {then}",
                page.status, page.location
            ));
        }
        Ok(page)
    }
}

impl Browser {
    /// Steps 1–3 of "Access with Cl@ve PIN" from `first`, a page with the document
    /// form: the document, the contrast data, "Obtain PIN" (by `channel` if given;
    /// `approve` leads to the approval page instead).
    /// Returns the session's CSRF token, for the PIN page's form.
    pub async fn obtain_pin(
        &mut self,
        first: &Page,
        document: &str,
        validity: &str,
        channel: Option<&str>,
    ) -> Result<String, String> {
        let csrf = scrape(&first.body, "name=\"csrf\" value=\"")?;
        self.post("/", &[("csrf", &csrf), ("document", document)], "/access/contrast").await?;
        let page = self.send(Method::GET, "/access/contrast", &[]).await?;
        let csrf = scrape(&page.body, "name=\"csrf\" value=\"")?;
        self.post("/access/contrast", &[("csrf", &csrf), ("contrast", validity)], "/access/obtain")
            .await?;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(channel.map(|c| ("channel", c)));
        let then = if channel == Some("approve") { "/access/approve" } else { "/access/pin" };
        self.post("/access/obtain", &form, then).await?;
        Ok(csrf)
    }
}

/// The value of `attribute="…"` after `marker` in a page.
pub(super) fn scrape(html: &str, marker: &str) -> Result<String, String> {
    let rest = html.split(marker).nth(1).ok_or_else(|| format!("no {marker} on the page"))?;
    Ok(rest.split('"').next().unwrap_or_default().to_owned())
}
