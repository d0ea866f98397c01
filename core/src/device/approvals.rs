//! Approving a sign-in (issue "The citizen in control"): the citizen scans the log-in
//! page's QR code (or the phone opens its link, or they type the short code), the
//! app shows who asks and since when, and the citizen approves by drawing the
//! pattern again, refuses, or says "this wasn't me". The code is the secret that
//! ties this phone's answer to that log-in page; a tap alone approves nothing.

use clavepin_protocol::wire::{
    ApprovalDecided, ApprovalDecision, ApprovalRequest, DecideApproval, LookUpApproval,
};
use clavepin_protocol::{ApprovalCode, DocumentNumber, Timestamp};
use reqwest::Method;

use super::Device;
use crate::error::CoreResult;
use crate::pattern::Pattern;

/// A sign-in waiting for the citizen's answer, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SignInToApprove {
    /// The code it was found by, to answer with.
    pub code: ApprovalCode,
    /// The site the citizen is signing in to; `None` for the Cl@ve portal itself.
    pub site: Option<String>,
    /// When the log-in page asked (the service's clock).
    pub requested_at: Timestamp,
    /// When the approval ends unanswered.
    pub expires_at: Timestamp,
}

impl Device {
    /// The code in what the camera read (the link the log-in page's QR code holds,
    /// which must be this device's service's) or the citizen typed.
    pub fn read_approval_code(&self, scanned: &str) -> CoreResult<ApprovalCode> {
        Ok(ApprovalCode::from_scan(scanned, self.client().base())?)
    }

    /// What a scanned or typed code is for. Needs the citizen unlocked; a wrong code
    /// counts against the approval on the service (the fifth ends it).
    pub async fn look_up_approval(
        &self,
        document: &str,
        code: &ApprovalCode,
    ) -> CoreResult<SignInToApprove> {
        let document = Self::document(document)?;
        let body = LookUpApproval { code: code.clone() };
        let request: ApprovalRequest =
            self.answer_approval(&document, "/device/approvals/look-up", &body).await?;
        Ok(SignInToApprove {
            code: code.clone(),
            site: request.site,
            requested_at: request.requested_at,
            expires_at: request.expires_at,
        })
    }

    /// Approves: the pattern is drawn again first and checked as an unlock is (a
    /// wrong one counts towards the wipe), so a phone left unlocked approves nothing.
    pub async fn approve_sign_in(
        &self,
        document: &str,
        code: &ApprovalCode,
        pattern: &Pattern,
    ) -> CoreResult<()> {
        self.unlock(document, pattern).await?;
        self.decide(document, code, ApprovalDecision::Approve).await.map(|_| ())
    }

    /// Refuses: the log-in page goes back to "Obtain PIN". With `not_me`, also "this
    /// wasn't me": PINs go by SMS until the instant returned, and the portal's "My
    /// devices" lists the report. Needs the citizen unlocked.
    pub async fn refuse_sign_in(
        &self,
        document: &str,
        code: &ApprovalCode,
        not_me: bool,
    ) -> CoreResult<Option<Timestamp>> {
        let decision = if not_me { ApprovalDecision::NotMe } else { ApprovalDecision::Refuse };
        Ok(self.decide(document, code, decision).await?.pushes_held_until)
    }

    async fn decide(
        &self,
        document: &str,
        code: &ApprovalCode,
        decision: ApprovalDecision,
    ) -> CoreResult<ApprovalDecided> {
        let document = Self::document(document)?;
        let body = DecideApproval { code: code.clone(), decision };
        self.answer_approval(&document, "/device/approvals/decide", &body).await
    }

    async fn answer_approval<B: serde::Serialize, R: serde::de::DeserializeOwned>(
        &self,
        document: &DocumentNumber,
        path: &str,
        body: &B,
    ) -> CoreResult<R> {
        let session = self.session(document)?;
        let answer = self.client().signed(session.signer(), Method::POST, path, Some(body)).await;
        answer.map_err(|e| self.learn_replacement(document, e.into()))
    }
}
