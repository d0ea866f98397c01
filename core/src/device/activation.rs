//! Activation, screen by screen (SPEC.md flow 2): document and contrast data → the
//! SMS code → the keys and the sealing key → the security pattern. Each step's state
//! is in the store, so a restart resumes where it safely can: waiting for the code
//! (no keys exist yet), or waiting for the pattern (the keys are stored). A restart
//! during the code's round trip loses the X25519 private share, which never leaves
//! memory: the citizen asks for a new SMS code, and nothing half-made is stored.

use chrono::NaiveDate;
use clavepin_protocol::crypto::{
    ActivationTranscript, AgreementShare, DeviceSigningKey, KeyAgreement, b64_decode,
};
use clavepin_protocol::wire::{
    CompleteActivation, DeviceStatus, ErrorCode, StartActivation, activation_proof_input,
};
use clavepin_protocol::{ActivationCode, ContrastData, DocumentNumber, IdentityClaim, Timestamp};
use reqwest::Method;

use super::{Device, Session};
use crate::client::ClientError;
use crate::client::Signer;
use crate::error::{CoreError, CoreResult};
use crate::pattern::Pattern;
use crate::store::{CitizenState, PendingActivation, StoreError};

/// Which activation screen comes next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ActivationProgress {
    /// Nothing in progress.
    Idle,
    /// The SMS code was sent; the citizen types it.
    AwaitingCode {
        /// The citizen.
        document: DocumentNumber,
        /// The last digits of the phone it went to.
        phone_hint: String,
        /// When it stops working.
        code_expires_at: Timestamp,
    },
    /// Bound: the citizen draws the security pattern.
    AwaitingPattern {
        /// The citizen.
        document: DocumentNumber,
    },
}

impl Device {
    /// Where activation stands (after a restart too): a citizen waiting for their
    /// pattern first, then the newest activation waiting for its code.
    pub fn activation_progress(&self) -> CoreResult<ActivationProgress> {
        let store = self.store();
        if let Some(citizen) =
            store.citizens()?.into_iter().find(|c| c.state == CitizenState::NeedsPattern)
        {
            return Ok(ActivationProgress::AwaitingPattern { document: citizen.document });
        }
        Ok(store
            .pending_activations()?
            .into_iter()
            .next()
            .map_or(ActivationProgress::Idle, awaiting))
    }

    /// Where one citizen's activation stands: each citizen's is their own.
    pub fn activation_progress_for(&self, document: &str) -> CoreResult<ActivationProgress> {
        let document = Self::document(document)?;
        let store = self.store();
        if store.citizen(&document)?.is_some_and(|c| c.state == CitizenState::NeedsPattern) {
            return Ok(ActivationProgress::AwaitingPattern { document });
        }
        Ok(store.pending_activation(&document)?.map_or(ActivationProgress::Idle, awaiting))
    }

    /// The activations waiting for their SMS codes, newest first.
    pub fn pending_activations(&self) -> CoreResult<Vec<ActivationProgress>> {
        Ok(self.store().pending_activations()?.into_iter().map(awaiting).collect())
    }

    /// Step 1: the citizen's document and contrast datum, as typed. The service
    /// sends an SMS code to the registered phone.
    pub async fn start_activation(
        &self,
        document: &str,
        contrast: &str,
        permanent_dni: bool,
        today: NaiveDate,
    ) -> CoreResult<ActivationProgress> {
        let document = Self::document(document)?;
        let contrast = ContrastData::parse_for(&document, contrast, permanent_dni, today)?;
        let claim = IdentityClaim::new(document, contrast)?;
        match self.store().citizen(&document)?.map(|c| c.state) {
            // Activating again would replace this very device: say so instead.
            Some(CitizenState::Active) => return Err(CoreError::AlreadyActivated),
            Some(CitizenState::NeedsPattern) => {
                return Ok(ActivationProgress::AwaitingPattern { document });
            }
            Some(CitizenState::Replaced) | None => {}
        }
        let started = self
            .client()
            .start_activation(&StartActivation {
                document: claim.document(),
                contrast: claim.contrast(),
            })
            .await?;
        let pending = PendingActivation {
            document,
            activation_id: started.activation_id,
            code_expires_at: started.code_expires_at,
            phone_hint: started.phone_hint,
            started_at: self.now(),
        };
        self.store().save_pending_activation(&pending)?;
        Ok(ActivationProgress::AwaitingCode {
            document,
            phone_hint: pending.phone_hint,
            code_expires_at: pending.code_expires_at,
        })
    }

    /// Step 2, for the newest activation waiting for its code.
    pub async fn submit_activation_code(&self, code: &str) -> CoreResult<ActivationProgress> {
        let newest = self.store().pending_activations()?.into_iter().next();
        let pending = newest.ok_or(CoreError::NoActivationInProgress)?;
        self.submit_code(pending, code).await
    }

    /// Step 2, for one citizen's activation.
    pub async fn submit_activation_code_for(
        &self,
        document: &str,
        code: &str,
    ) -> CoreResult<ActivationProgress> {
        let document = Self::document(document)?;
        let pending =
            self.store().pending_activation(&document)?.ok_or(CoreError::NoActivationInProgress)?;
        self.submit_code(pending, code).await
    }

    /// The SMS code. Makes the keys, proves the code, agrees the sealing key and checks
    /// the service's key confirmation; only then stores anything.
    async fn submit_code(
        &self,
        pending: PendingActivation,
        code: &str,
    ) -> CoreResult<ActivationProgress> {
        let code = ActivationCode::parse(code)?;
        let rng = ring::rand::SystemRandom::new();
        let signing =
            DeviceSigningKey::generate(&rng).map_err(|_| CoreError::Crypto("key generation"))?;
        let agreement =
            KeyAgreement::start(&rng).map_err(|_| CoreError::Crypto("key generation"))?;
        let device_share = agreement.share();
        let share_b64 = device_share.to_b64();
        let proof = signing
            .sign(&activation_proof_input(&pending.activation_id, &share_b64), &rng)
            .map_err(|_| CoreError::Crypto("signing"))?;
        let request = CompleteActivation {
            code: code.expose().to_owned(),
            signing_key: signing.public_key().to_b64(),
            agreement_share: share_b64,
            proof: proof.to_b64(),
            device_name: self.description().name.clone(),
            device_model: self.description().model.clone(),
        };
        let done = match self.client().complete_activation(&pending.activation_id, &request).await {
            Ok(done) => done,
            Err(ClientError::Refused {
                code:
                    ErrorCode::UnknownActivation | ErrorCode::CodeExpired | ErrorCode::CodeExhausted,
                ..
            }) => {
                // The attempt is over: the next screen asks for the document again.
                self.store().clear_pending_activation(&pending.document)?;
                return Err(CoreError::ActivationExpired);
            }
            Err(e) => return Err(e.into()),
        };
        if done.document != pending.document {
            return Err(CoreError::Protocol("the service bound another citizen".into()));
        }
        let service_share = AgreementShare::from_b64(&done.service_share)
            .map_err(|_| CoreError::KeyConfirmationFailed)?;
        let public = signing.public_key();
        let transcript = ActivationTranscript {
            activation_id: &pending.activation_id,
            document: &pending.document,
            device_signing_key: &public,
            device_share: &device_share,
            service_share: &service_share,
        };
        let sealing = agreement
            .finish(&service_share, &transcript)
            .map_err(|_| CoreError::KeyConfirmationFailed)?;
        let confirmed = b64_decode(&done.key_confirmation)
            .is_some_and(|tag| sealing.confirms(&transcript.hash(), &tag));
        if !confirmed {
            return Err(CoreError::KeyConfirmationFailed);
        }
        self.store().insert_bound_citizen(
            &pending.document,
            &done.device_id,
            done.activated_at,
            signing.pkcs8(),
            &sealing,
        )?;
        // A citizen activated again starts locked, with its new key.
        self.sessions().remove(&pending.document);
        self.notify_changed();
        // The service keeps the citizen's previous device until this one's first
        // signed request shows the keys are stored: send it now. Offline, the next
        // signed request (after the pattern) does it instead.
        let signer = Signer { device_id: &done.device_id, key: &signing };
        let confirmed: Result<DeviceStatus, _> =
            self.client().signed::<(), _>(signer, Method::GET, "/device/status", None).await;
        if let Err(e) = confirmed {
            tracing::info!("activation not yet confirmed with the service: {e}");
        }
        Ok(ActivationProgress::AwaitingPattern { document: pending.document })
    }

    /// Step 3: the security pattern. Locks the signing key under it (stretching off
    /// the caller's thread); the citizen is active and, having just drawn it, unlocked.
    pub async fn set_pattern(&self, document: &str, pattern: &Pattern) -> CoreResult<()> {
        let document = Self::document(document)?;
        let _gate = self.inner.pattern_gate.lock().await;
        let (citizen, pkcs8) = {
            let store = self.store();
            let citizen = store.citizen(&document)?.ok_or(CoreError::UnknownCitizen)?;
            if citizen.state != CitizenState::NeedsPattern {
                return Err(CoreError::PatternAlreadySet);
            }
            (citizen, store.unlocked_signing_key(&document)?)
        };
        let key = DeviceSigningKey::from_pkcs8(&pkcs8, self.store().rng())
            .map_err(|_| StoreError::Corrupt("signing key"))?;
        let epoch = self.lock_epoch();
        let lock = self.stretch_lock(pattern, pkcs8).await?;
        self.store().set_pattern_lock(&document, &lock)?;
        // Locked while stretching: the pattern is set, the citizen stays locked.
        if self.lock_epoch() == epoch {
            let session = Session { device_id: citizen.device_id, key };
            self.sessions().insert(document, std::sync::Arc::new(session));
        }
        self.notify_changed();
        Ok(())
    }

    /// Abandons the newest activation waiting for its code.
    pub fn cancel_activation(&self) -> CoreResult<()> {
        if let Some(newest) = self.store().pending_activations()?.into_iter().next() {
            self.store().clear_pending_activation(&newest.document)?;
        }
        Ok(())
    }

    /// Abandons one citizen's activation waiting for its code.
    pub fn cancel_activation_for(&self, document: &str) -> CoreResult<()> {
        let document = Self::document(document)?;
        if self.store().pending_activation(&document)?.is_none() {
            return Err(CoreError::NoActivationInProgress);
        }
        Ok(self.store().clear_pending_activation(&document)?)
    }
}

fn awaiting(p: PendingActivation) -> ActivationProgress {
    ActivationProgress::AwaitingCode {
        document: p.document,
        phone_hint: p.phone_hint,
        code_expires_at: p.code_expires_at,
    }
}
