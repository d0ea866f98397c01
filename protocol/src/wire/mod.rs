//! The JSON messages and headers of the service's HTTP API (docs/PROTOCOL.md). Both
//! the service and the device's client serialise exactly these types.

mod activation;
mod control;
mod errors;
mod pins;
mod registry;
mod sites;

pub use activation::*;
pub use control::*;
pub use errors::*;
pub use pins::*;
pub use registry::*;
pub use sites::*;

use chrono::TimeDelta;

/// Which device (activation) signed a request.
pub const HEADER_DEVICE: &str = "x-clavepin-device";
/// When the device signed it, Unix milliseconds.
pub const HEADER_TIMESTAMP: &str = "x-clavepin-timestamp";
/// 16 random bytes, base64url, never accepted twice.
pub const HEADER_NONCE: &str = "x-clavepin-nonce";
/// ECDSA P-256 signature over the signing input, base64url.
pub const HEADER_SIGNATURE: &str = "x-clavepin-signature";
/// The service's clock on every response, Unix milliseconds; devices correct theirs.
pub const HEADER_SERVICE_TIME: &str = "x-clavepin-time";

/// Device requests older or newer than this are refused (SPEC.md, "Signing").
pub const MAX_REQUEST_AGE: TimeDelta = TimeDelta::minutes(5);

/// The largest request body the service reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
