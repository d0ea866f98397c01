//! Binary values on the wire are base64url without padding (RFC 4648 §5).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// Encodes bytes as unpadded base64url.
pub fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url; `None` for anything else.
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Decodes padded standard base64 (RFC 4648 §4), the form public-key pins are written
/// in (`sha256/…`); `None` for anything else.
pub fn b64_decode_standard(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}
