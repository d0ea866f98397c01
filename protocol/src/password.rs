//! Cl@ve Permanente's password rules (seed 001) that need nothing stored: long enough,
//! characters from several groups, and nothing of the citizen's name or document
//! number inside, compared without case or accents. The rules that need the service
//! (none of the citizen's earlier passwords, expiry after two years) live there.

use unicode_normalization::UnicodeNormalization;

use crate::DocumentNumber;

/// Fewest characters a password may have.
pub const MIN_LEN: usize = 8;
/// Most characters a password may have: bounds the work its hash costs.
pub const MAX_LEN: usize = 128;
/// Fewest of the four groups (lower case, upper case, digits, special) it must use.
pub const GROUPS_NEEDED: u8 = 3;

/// Which rule a password breaks. The messages never repeat the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password has {length} characters: it needs at least {MIN_LEN}")]
    TooShort { length: usize },
    #[error("the password has more than {MAX_LEN} characters")]
    TooLong,
    #[error(
        "the password holds a control character (a tab or a line break): use letters, digits and signs"
    )]
    ControlCharacter,
    #[error(
        "the password uses {found} of the groups lower case, upper case, digits and special \
         characters: it needs at least {GROUPS_NEEDED}"
    )]
    TooFewGroups { found: u8 },
    #[error("the password holds \"{part}\" from the citizen's name (case and accents aside)")]
    ContainsName { part: String },
    #[error("the password holds the citizen's document number")]
    ContainsDocument,
}

/// Checks `password` against the rules for the citizen with `document` and
/// `full_name`, reporting the first rule it breaks.
pub fn check(
    password: &str,
    document: &DocumentNumber,
    full_name: &str,
) -> Result<(), PasswordError> {
    let length = password.chars().count();
    if length < MIN_LEN {
        return Err(PasswordError::TooShort { length });
    }
    if length > MAX_LEN {
        return Err(PasswordError::TooLong);
    }
    if password.chars().any(char::is_control) {
        return Err(PasswordError::ControlCharacter);
    }
    let found = groups(password);
    if found < GROUPS_NEEDED {
        return Err(PasswordError::TooFewGroups { found });
    }
    let folded = fold(password);
    // Every part, whatever its length: the seed makes no exception for short ones.
    if let Some(part) = name_parts(full_name).find(|part| folded.contains(&fold(part))) {
        return Err(PasswordError::ContainsName { part: part.to_owned() });
    }
    if document_forms(document).iter().any(|form| folded.contains(form.as_str())) {
        return Err(PasswordError::ContainsDocument);
    }
    Ok(())
}

/// How many of the four groups the password uses. Letters with accents count as
/// lower or upper case; anything that is neither a letter nor a digit is special.
fn groups(password: &str) -> u8 {
    let (mut lower, mut upper, mut digit, mut special) = (false, false, false, false);
    for c in password.chars() {
        if c.is_lowercase() {
            lower = true;
        } else if c.is_uppercase() {
            upper = true;
        } else if c.is_ascii_digit() {
            digit = true;
        } else {
            special = true;
        }
    }
    [lower, upper, digit, special].into_iter().map(u8::from).sum()
}

/// Lower case without accents: `Núñez` → `nunez`, `Çà` → `ca`.
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The name's parts: its runs of letters (`María-José O'Neill` → María, José, O, Neill).
fn name_parts(full_name: &str) -> impl Iterator<Item = &str> {
    full_name.split(|c: char| !c.is_alphabetic()).filter(|part| !part.is_empty())
}

/// The document number as it could appear in a password, folded: with and without its
/// control letter, and for an NIE its digits alone too.
fn document_forms(document: &DocumentNumber) -> Vec<String> {
    let whole = document.as_str().to_ascii_lowercase();
    let without_letter = whole[..whole.len() - 1].to_owned();
    let digits: String = without_letter.chars().filter(char::is_ascii_digit).collect();
    let mut forms = vec![whole, without_letter, digits];
    forms.dedup();
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> DocumentNumber {
        DocumentNumber::parse("12345678Z").unwrap()
    }

    const NAME: &str = "Ana María Núñez de la Peña";

    #[test]
    fn a_long_varied_password_without_the_citizens_data_passes() {
        assert_eq!(check("Tr3s-Tigres", &ana(), NAME), Ok(()));
        assert_eq!(check("bruj0s.v0r4ces", &ana(), NAME), Ok(()), "three groups suffice");
        assert_eq!(check("ÁRBOLES-tercos", &ana(), NAME), Ok(()), "accented capitals are capitals");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(check("Ñu-Ñu1", &ana(), NAME), Err(PasswordError::TooShort { length: 6 }));
        assert_eq!(check("Ñandú-1x", &ana(), NAME), Ok(()), "8 characters, 10 bytes");
        assert_eq!(check(&"Aa1-".repeat(33), &ana(), NAME), Err(PasswordError::TooLong));
    }

    #[test]
    fn too_few_groups_says_how_many_were_used() {
        assert_eq!(
            check("solominusculas", &ana(), NAME),
            Err(PasswordError::TooFewGroups { found: 1 })
        );
        assert_eq!(
            check("Minusculas", &ana(), NAME),
            Err(PasswordError::TooFewGroups { found: 2 })
        );
        assert_eq!(check("98765432", &ana(), NAME), Err(PasswordError::TooFewGroups { found: 1 }));
    }

    #[test]
    fn a_control_character_is_refused() {
        assert_eq!(check("Tr3s\tTigres", &ana(), NAME), Err(PasswordError::ControlCharacter));
    }

    #[test]
    fn any_part_of_the_name_is_found_whatever_its_case_accents_or_length() {
        let holds = |password: &str, part: &str| {
            assert_eq!(
                check(password, &ana(), NAME),
                Err(PasswordError::ContainsName { part: part.to_owned() }),
                "{password}"
            )
        };
        holds("NUNEZ-2024x", "Núñez");
        holds("x-Peña.9Z", "Peña");
        holds("Mar1a-MARIA!", "María");
        holds("Tr3s-DE-Tigres", "de");
        holds("Sol-Ana-77", "Ana");
    }

    #[test]
    fn hyphenated_and_apostrophe_names_split_into_their_parts() {
        let name = "José-Luis O'Neill";
        assert_eq!(
            check("Q!9xluisQ", &ana(), name),
            Err(PasswordError::ContainsName { part: "Luis".to_owned() })
        );
        assert_eq!(
            check("Q!9xNEILL", &ana(), name),
            Err(PasswordError::ContainsName { part: "Neill".to_owned() })
        );
    }

    #[test]
    fn the_document_number_is_found_with_or_without_its_letter() {
        assert_eq!(check("Aa-12345678", &ana(), "Li Wu"), Err(PasswordError::ContainsDocument));
        assert_eq!(check("Aa-12345678z", &ana(), "Li Wu"), Err(PasswordError::ContainsDocument));
        let nie = DocumentNumber::parse("X1234567L").unwrap();
        assert_eq!(check("Aa-x1234567", &nie, "Li Wu"), Err(PasswordError::ContainsDocument));
        assert_eq!(check("Aa-1234567!", &nie, "Li Wu"), Err(PasswordError::ContainsDocument));
        assert_eq!(check("Aa-1234568!", &nie, "Li Wu"), Ok(()), "another number is fine");
    }

    #[test]
    fn no_message_repeats_the_password() {
        for password in ["Ana", "solominusculas", "Tr3s\tTigres", "Aa-12345678"] {
            let said = check(password, &ana(), NAME).unwrap_err().to_string();
            assert!(!said.contains(password), "{said}");
        }
    }
}
