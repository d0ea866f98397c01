//! Getting messages out. The rules queue each SMS and push in the transaction that
//! decided to send it (a transactional outbox, `outbox`): an activation code is never
//! stored without its SMS, nor a PIN pushed without being stored. After commit a
//! worker (`worker`) hands what is queued to the gateways (`gateways`), which see a
//! message, never a transaction, and retries with backoff what a gateway could not
//! take. So a real gateway (FCM, APNs, an SMS provider, SMTP) plugs in without
//! touching the rules. The FCM and APNs bodies are built in `payloads`; the real
//! gateways are `fcm` (FCM HTTP v1), `apns` (APNs over HTTP/2, token-based) and
//! `twilio` (SMS), over one hardened HTTP client (`https`).

pub mod apns;
pub mod fcm;
pub mod gateways;
pub mod https;
pub mod outbox;
pub mod payloads;
pub mod sealing;
pub mod twilio;
pub mod worker;
