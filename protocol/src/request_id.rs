//! A PIN request's id as the service issues it: 128 random bits in base64url
//! (`server/src/ids.rs`). The device puts it in URL paths (`/device/pins/{id}/ack`),
//! so one read from a push payload is parsed before it is used: no `/`, `.` or `%`
//! can reach a path.

use std::fmt;

/// Why a text is not a request id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestIdError {
    /// Empty, longer than 64 characters, or with a character outside base64url.
    #[error("not a PIN request id")]
    Malformed,
}

/// Longest id accepted; the service's are 22 characters.
const MAX_LEN: usize = 64;

/// A PIN request's id.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct RequestId(String);

impl RequestId {
    /// Parses an id: 1 to 64 characters of base64url (`A-Z a-z 0-9 - _`).
    pub fn parse(text: &str) -> Result<Self, RequestIdError> {
        let valid = !text.is_empty()
            && text.len() <= MAX_LEN
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid { Ok(Self(text.to_owned())) } else { Err(RequestIdError::Malformed) }
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({})", self.0)
    }
}

// Across the FFI an id is its text, wrapped by the shells in a class of their own that
// only the bindings construct; lifting parses it again.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(RequestId, String, {
    try_lift: |text| Ok(RequestId::parse(&text)?),
    lower: |id| id.0,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_base64url_ids_parse() {
        assert_eq!(
            RequestId::parse("Ab-_09xyzXYZ").map(|r| r.to_string()).as_deref(),
            Ok("Ab-_09xyzXYZ")
        );
        for bad in ["", "a/b", "../device", "a.b", "a%2F", "a b", "ñ", &"a".repeat(65)] {
            assert_eq!(RequestId::parse(bad), Err(RequestIdError::Malformed), "{bad}");
        }
    }
}
