//! A citizen's contact data, parsed once when registered.

use std::fmt;

use crate::error::RegistryError;

/// A mobile number in E.164 form (`+34612345678`).
#[derive(Clone, PartialEq, Eq)]
pub struct MobileNumber(String);

impl MobileNumber {
    /// Accepts Spanish mobiles as 9 digits starting with 6 or 7 (with or without +34
    /// or 0034), and other countries' numbers in international form. Spaces, dots,
    /// hyphens and parentheses are ignored.
    pub fn parse(input: &str) -> Result<Self, RegistryError> {
        let bad = || RegistryError::Invalid("the mobile number is not valid".into());
        let compact: String =
            input.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
        let international = if let Some(rest) = compact.strip_prefix('+') {
            rest.to_owned()
        } else if let Some(rest) = compact.strip_prefix("00") {
            rest.to_owned()
        } else if compact.len() == 9 {
            format!("34{compact}")
        } else {
            return Err(bad());
        };
        if !international.bytes().all(|b| b.is_ascii_digit())
            || !(8..=15).contains(&international.len())
        {
            return Err(bad());
        }
        if let Some(national) = international.strip_prefix("34") {
            // Spanish mobile ranges start with 6 or 7 (CNMC numbering plan).
            if national.len() != 9 || !matches!(national.as_bytes().first(), Some(b'6' | b'7')) {
                return Err(bad());
            }
        }
        Ok(Self(format!("+{international}")))
    }

    /// E.164 form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Only the last two digits, to tell the citizen where the SMS went.
    pub fn hint(&self) -> String {
        let tail = self.0.get(self.0.len().saturating_sub(2)..).unwrap_or_default();
        format!("•••••••{tail}")
    }
}

impl fmt::Debug for MobileNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MobileNumber({})", self.hint())
    }
}

/// An e-mail address, checked for shape only (RFC 5321's lengths, one `@`, a dotted
/// domain); whether it receives mail is for a confirmation e-mail to tell.
#[derive(Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses an address; the domain is lower-cased.
    pub fn parse(input: &str) -> Result<Self, RegistryError> {
        let bad = || RegistryError::Invalid("the e-mail address is not valid".into());
        let input = input.trim();
        let (local, domain) = input.split_once('@').ok_or_else(bad)?;
        let labels_ok = domain.split('.').count() >= 2
            && domain.split('.').all(|l| {
                !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if local.is_empty()
            || local.len() > 64
            || input.len() > 254
            || local.chars().any(|c| c.is_whitespace() || c == '@' || c.is_control())
            || !labels_ok
        {
            return Err(bad());
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_and_international_mobiles() {
        for (input, e164) in [
            ("612345678", "+34612345678"),
            ("612 34 56 78", "+34612345678"),
            ("+34 712-345-678", "+34712345678"),
            ("0034612345678", "+34612345678"),
            ("+33 6 12 34 56 78", "+33612345678"),
        ] {
            assert_eq!(MobileNumber::parse(input).unwrap().as_str(), e164, "{input}");
        }
        for bad in [
            "",
            "912345678",
            "+34912345678",
            "61234567",
            "6123456789",
            "+34 6123 4567a",
            "+1234567",
        ] {
            assert!(MobileNumber::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(MobileNumber::parse("612345678").unwrap().hint(), "•••••••78");
    }

    #[test]
    fn email_shapes() {
        assert_eq!(
            Email::parse(" Ana.Garcia@Correo.ES ").unwrap().as_str(),
            "Ana.Garcia@correo.es"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@correo.es",
            "ana@correo",
            "ana@@correo.es",
            "a na@correo.es",
            "ana@correo..es",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
