//! The apps' languages (SPEC.md: Spanish by default, English, Catalan, Galician and
//! Basque): the [`Locale`], and every text the core hands a person — error
//! explanations and notifications — in each of them. The catalogue is a struct, so a
//! text missing in one language does not compile.

mod catalog;
mod explain;

pub(crate) use explain::ended;
pub use explain::explain;

pub(crate) use catalog::Catalog;

/// The language of the texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Locale {
    /// Spanish, the default.
    #[default]
    Es,
    /// English.
    En,
    /// Catalan (also Valencian).
    Ca,
    /// Galician.
    Gl,
    /// Basque.
    Eu,
}

impl Locale {
    /// From a BCP 47 tag or POSIX locale as the platform gives it (`es-ES`, `en_GB`,
    /// `ca-ES-valencia`, `gl`, `eu-ES`, `va`): its language, and Spanish for any other.
    pub fn from_tag(tag: &str) -> Self {
        let language = tag.split(['-', '_', '.', '@']).next().unwrap_or_default();
        match language.to_ascii_lowercase().as_str() {
            "en" => Locale::En,
            "ca" | "va" => Locale::Ca,
            "gl" => Locale::Gl,
            "eu" => Locale::Eu,
            _ => Locale::Es,
        }
    }

    pub(crate) fn catalog(self) -> &'static Catalog {
        match self {
            Locale::Es => &catalog::ES,
            Locale::En => &catalog::EN,
            Locale::Ca => &catalog::CA,
            Locale::Gl => &catalog::GL,
            Locale::Eu => &catalog::EU,
        }
    }
}

/// Fills `{name}` placeholders.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_the_language_and_spanish_is_the_fallback() {
        for (tag, locale) in [
            ("es-ES", Locale::Es),
            ("en_GB", Locale::En),
            ("EN", Locale::En),
            ("ca-ES-valencia", Locale::Ca),
            ("va", Locale::Ca),
            ("gl-ES", Locale::Gl),
            ("eu", Locale::Eu),
            ("fr-FR", Locale::Es),
            ("", Locale::Es),
        ] {
            assert_eq!(Locale::from_tag(tag), locale, "{tag}");
        }
    }
}
