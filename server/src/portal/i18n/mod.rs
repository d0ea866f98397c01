//! Every word the portal's pages show, in Spanish, English, Catalan, Galician and
//! Basque (SPEC.md: the co-official languages, as on the real Cl@ve pages): one
//! [`Text`] per language (`es.rs`, `en.rs`, `ca.rs`, `gl.rs`, `eu.rs`), so a missing
//! field is a compile error, and a test fails on a text left untranslated. The
//! language comes from `?lang=`, then the session, then `Accept-Language`; Spanish
//! is the default.

mod ca;
mod en;
mod es;
mod eu;
mod gl;

use clavepin_protocol::{CodeError, IdentityError};

use crate::error::{PinError, RegistryError};

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    /// Spanish, the default.
    Es,
    /// English.
    En,
    /// Catalan (Valencian is read as Catalan: `ca-ES-valencia`).
    Ca,
    /// Galician.
    Gl,
    /// Basque.
    Eu,
}

impl Lang {
    /// Every language, in the order the switch lists them.
    pub const ALL: [Lang; 5] = [Lang::Es, Lang::Ca, Lang::Gl, Lang::Eu, Lang::En];

    /// The BCP 47 tag, for `<html lang>`, `hreflang` and `?lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
            Lang::Ca => "ca",
            Lang::Gl => "gl",
            Lang::Eu => "eu",
        }
    }

    /// The languages the switch offers from this one.
    pub fn others(self) -> impl Iterator<Item = Lang> {
        Lang::ALL.into_iter().filter(move |l| *l != self)
    }

    /// A tag's language (any case, any region): what `?lang=` carries.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default().trim();
        Lang::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.tag()))
    }

    /// The first supported language of a site's `ui_locales` (space-separated tags,
    /// in order of preference).
    pub fn from_locales(locales: &str) -> Option<Lang> {
        locales.split(' ').find_map(Lang::parse)
    }

    /// The best language for an `Accept-Language` header (RFC 9110 §12.5.4): the
    /// supported one with the highest weight, the first listed on a tie.
    pub fn negotiate(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, u16)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else { continue };
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Thousandths, as the RFC allows no more precision.
            let weight = (weight.clamp(0.0, 1.0) * 1000.0) as u16;
            if weight > 0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((lang, weight));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// This language's words.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::Es => &es::TEXT,
            Lang::En => &en::TEXT,
            Lang::Ca => &ca::TEXT,
            Lang::Gl => &gl::TEXT,
            Lang::Eu => &eu::TEXT,
        }
    }
}

/// The words of one language. Fields are the fixed strings; `fn` fields fill in a
/// number, a wait or a phone hint.
#[derive(Debug)]
pub struct Text {
    // Every page.
    pub language_name: &'static str,
    pub language_nav: &'static str,
    pub brand: &'static str,
    pub footer: &'static str,
    pub error_prefix: &'static str,
    pub error_summary: &'static str,
    pub start_again: &'static str,
    pub document_short: &'static str,
    pub signed_out: &'static str,
    pub form_expired_title: &'static str,
    pub form_expired: &'static str,
    /// The footer's link to the privacy notice.
    pub privacy_link: &'static str,
    /// Screen readers' name for the skip link to the page's content.
    pub skip_to_content: &'static str,
    // The privacy notice (GDPR art. 13): a title, an introduction, and sections
    // (heading, text).
    pub privacy_title: &'static str,
    pub privacy_intro: &'static str,
    pub privacy_sections: [(&'static str, &'static str); 8],
    // Step 1: the document.
    pub access_title: &'static str,
    pub access_intro: &'static str,
    pub access_registered: &'static str,
    pub document_label: &'static str,
    pub document_hint: &'static str,
    pub continue_button: &'static str,
    // Step 2: contrast data.
    pub contrast_title: &'static str,
    pub contrast_intro: &'static str,
    pub validity_label: &'static str,
    pub issue_date_label: &'static str,
    pub date_hint: &'static str,
    /// The date field's placeholder, in the letters of the language.
    pub date_placeholder: &'static str,
    pub permanent_label: &'static str,
    pub permanent_hint: &'static str,
    pub support_label: &'static str,
    pub support_hint: &'static str,
    pub help_heading: &'static str,
    pub help_validity_summary: &'static str,
    pub help_validity: &'static str,
    pub help_permanent_summary: &'static str,
    pub help_permanent: &'static str,
    pub help_support_summary: &'static str,
    pub help_support: &'static str,
    // Step 3: obtain PIN.
    pub obtain_title: &'static str,
    pub obtain_intro: &'static str,
    pub customise_label: &'static str,
    pub custom_code_label: &'static str,
    pub custom_code_hint: &'static str,
    pub channel_legend: &'static str,
    pub channel_app: &'static str,
    pub channel_sms: &'static str,
    pub sms_only: &'static str,
    pub obtain_button: &'static str,
    // Step 4: the notice and "Access".
    pub pin_title: &'static str,
    pub app_notice_heading: &'static str,
    pub app_notice: &'static str,
    pub app_fallback: &'static str,
    pub request_sms_button: &'static str,
    pub sms_notice_heading: &'static str,
    pub sms_sent: fn(&str) -> String,
    pub sms_again: &'static str,
    pub request_again_button: &'static str,
    pub renewed: &'static str,
    pub pin_life: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub pin_label: &'static str,
    pub pin_hint: &'static str,
    pub access_button: &'static str,
    pub obtain_new: &'static str,
    // Step 5: signed in.
    pub signed_in_title: &'static str,
    pub signed_in_intro: &'static str,
    pub name_label: &'static str,
    pub sign_out_button: &'static str,
    /// "My devices", after signing in.
    pub my: MyDevices,
    /// Approving the sign-in in the app.
    pub approve: Approve,
    // Signing in for a site (OpenID Connect).
    pub site_asks: fn(&str) -> String,
    pub cancel_site: fn(&str) -> String,
    pub bad_link_title: &'static str,
    pub bad_link_incomplete: &'static str,
    pub bad_link_unknown_site: &'static str,
    pub bad_link_unregistered_return: &'static str,
    pub logout_title: &'static str,
    pub logout_asks: fn(&str) -> String,
    pub logout_asks_anonymous: &'static str,
    pub bad_logout_link: &'static str,
    // Refusals.
    pub err: Errors,
}

/// Approving the sign-in in the app: the page with the QR code and the short code,
/// and the page a link to the app opens in a browser without it.
#[derive(Debug)]
pub struct Approve {
    /// The choice beside "in the app" and "by SMS" on "Obtain PIN".
    pub channel_approve: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub site_label: &'static str,
    /// Who asks when no site does.
    pub this_portal: &'static str,
    pub code_label: &'static str,
    pub qr_label: &'static str,
    pub valid_until_label: &'static str,
    pub time_left_label: &'static str,
    /// On the phone that holds the app, the link that opens it.
    pub this_phone_link: &'static str,
    pub waiting: &'static str,
    pub continue_button: &'static str,
    pub use_pin: &'static str,
    pub refused: &'static str,
    pub expired: &'static str,
    pub landing_title: &'static str,
    pub landing_intro: &'static str,
    pub landing_no_app: &'static str,
}

/// "My devices": the active device, deactivating it, moving to a new phone, and the
/// citizen's recent activity.
#[derive(Debug)]
pub struct MyDevices {
    /// The signed-in page's link here.
    pub link: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub active_heading: &'static str,
    pub no_device: &'static str,
    pub name_label: &'static str,
    pub model_label: &'static str,
    pub activated_label: &'static str,
    pub last_used_label: &'static str,
    /// Last used: never yet.
    pub not_yet: &'static str,
    /// A device whose app gave no name.
    pub unnamed: &'static str,
    pub deactivate_button: &'static str,
    pub deactivate_hint: &'static str,
    /// The notice after deactivating.
    pub deactivated: &'static str,
    pub new_phone_heading: &'static str,
    pub new_phone: &'static str,
    pub reinstall: &'static str,
    pub activity_heading: &'static str,
    pub no_activity: &'static str,
    pub when_label: &'static str,
    pub what_label: &'static str,
    pub how_label: &'static str,
    pub sign_in: &'static str,
    pub not_me: &'static str,
    pub device_activated: &'static str,
    pub device_replaced: &'static str,
    pub device_removed: &'static str,
    pub channel_app: &'static str,
    pub channel_sms: &'static str,
    pub channel_approval: &'static str,
    /// What to do about an entry the citizen does not recognise.
    pub not_me_help: &'static str,
    pub back: &'static str,
}

/// Refusals, as the citizen reads them.
#[derive(Debug)]
pub struct Errors {
    pub document_missing: &'static str,
    pub document_shape: &'static str,
    pub document_letter: &'static str,
    pub date_missing: &'static str,
    pub date_format: &'static str,
    pub date_calendar: &'static str,
    pub date_range: &'static str,
    pub date_permanent: &'static str,
    pub date_too_far: &'static str,
    pub date_future: &'static str,
    pub support_missing: &'static str,
    pub support_shape: &'static str,
    pub contrast_mismatch: &'static str,
    pub not_registered: &'static str,
    pub code_missing: &'static str,
    pub code_shape: &'static str,
    pub code_unticked: &'static str,
    pub app_not_activated: &'static str,
    pub pin_missing: &'static str,
    pub pin_shape: &'static str,
    pub wrong_pin: fn(u32) -> String,
    pub pin_expired: &'static str,
    pub pin_used: &'static str,
    pub pin_superseded: &'static str,
    pub pin_dead: &'static str,
    pub unknown_request: &'static str,
    pub sms_limit: &'static str,
    pub pins_locked: &'static str,
    pub too_many_attempts: fn(&str) -> String,
    pub too_many_pins: fn(&str) -> String,
    pub throttled: fn(&str) -> String,
    pub internal: &'static str,
    pub busy: &'static str,
    pub seconds: fn(i64) -> String,
    pub minutes: fn(i64) -> String,
}

impl Text {
    /// A wait, rounded up to whole minutes from a minute on.
    pub fn wait(&self, secs: i64) -> String {
        if secs < 60 {
            (self.err.seconds)(secs.max(1))
        } else {
            (self.err.minutes)((secs + 59) / 60)
        }
    }

    /// Why a typed document number was refused. The parser's own messages are
    /// English and technical; the citizen gets one of three plain sentences.
    pub fn document_error(&self, e: &IdentityError) -> &'static str {
        match e {
            IdentityError::EmptyDocument => self.err.document_missing,
            IdentityError::WrongControlLetter => self.err.document_letter,
            _ => self.err.document_shape,
        }
    }

    /// Why typed contrast data was refused.
    pub fn contrast_error(&self, e: &IdentityError) -> &'static str {
        match e {
            IdentityError::DateFormat => self.err.date_format,
            IdentityError::NotACalendarDate => self.err.date_calendar,
            IdentityError::DateOutOfRange => self.err.date_range,
            IdentityError::PermanentDniNeedsIssueDate => self.err.date_permanent,
            IdentityError::ValidityTooFarAhead => self.err.date_too_far,
            IdentityError::IssueDateInFuture => self.err.date_future,
            _ => self.err.support_shape,
        }
    }

    /// Why a custom code was refused.
    pub fn code_error(&self, _: &CodeError) -> &'static str {
        self.err.code_shape
    }

    /// A refusal from the PIN and registry rules, in words.
    pub fn service_error(&self, e: &PinError) -> String {
        use PinError as E;
        use RegistryError as R;
        let err = &self.err;
        match e {
            E::Registry(R::ContrastDataMismatch) => err.contrast_mismatch.into(),
            E::Registry(R::NotRegistered) => err.not_registered.into(),
            E::Registry(R::TooManyAttempts { retry_after_secs }) => {
                (err.too_many_attempts)(&self.wait(*retry_after_secs))
            }
            E::AppNotActivated => err.app_not_activated.into(),
            E::TooManyPins { retry_after_secs } => {
                (err.too_many_pins)(&self.wait(*retry_after_secs))
            }
            E::Throttled { retry_after_secs } => (err.throttled)(&self.wait(*retry_after_secs)),
            E::PinsLocked => err.pins_locked.into(),
            E::WrongPin { tries_left } => (err.wrong_pin)(*tries_left),
            E::PinExpired => err.pin_expired.into(),
            E::PinUsed => err.pin_used.into(),
            E::PinSuperseded => err.pin_superseded.into(),
            E::PinRequestDead => err.pin_dead.into(),
            E::UnknownPinRequest | E::UnknownApproval | E::ApprovalPending => {
                err.unknown_request.into()
            }
            E::SmsLimit => err.sms_limit.into(),
            E::Invalid(_) => err.pin_shape.into(),
            E::Registry(_) | E::Store(_) | E::Fault(_) => err.internal.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Fault;

    #[test]
    fn accept_language_picks_the_heaviest_supported_tag() {
        assert_eq!(Lang::negotiate("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::negotiate("es-ES,es;q=0.9,en;q=0.8"), Some(Lang::Es));
        assert_eq!(Lang::negotiate("fr-FR, en;q=0.5, es;q=0.7"), Some(Lang::Es));
        assert_eq!(Lang::negotiate("de, fr;q=0.9"), None);
        assert_eq!(Lang::negotiate("en;q=0, es;q=0.1"), Some(Lang::Es));
        assert_eq!(Lang::negotiate(""), None);
        assert_eq!(Lang::negotiate("EN-gb"), Some(Lang::En));
    }

    #[test]
    fn waits_read_as_seconds_then_whole_minutes() {
        let en = Lang::En.text();
        assert_eq!(en.wait(0), "1 second");
        assert_eq!(en.wait(30), "30 seconds");
        assert_eq!(en.wait(60), "1 minute");
        assert_eq!(en.wait(61), "2 minutes");
        assert_eq!(Lang::Es.text().wait(3600), "60 minutos");
    }

    #[test]
    fn every_refusal_a_page_can_meet_has_its_own_words() {
        use PinError as E;
        let refusals = [
            E::Registry(RegistryError::ContrastDataMismatch),
            E::Registry(RegistryError::NotRegistered),
            E::Registry(RegistryError::TooManyAttempts { retry_after_secs: 120 }),
            E::AppNotActivated,
            E::TooManyPins { retry_after_secs: 30 },
            E::Throttled { retry_after_secs: 300 },
            E::PinsLocked,
            E::WrongPin { tries_left: 2 },
            E::PinExpired,
            E::PinUsed,
            E::PinSuperseded,
            E::PinRequestDead,
            E::UnknownPinRequest,
            E::SmsLimit,
            E::Invalid("pin".into()),
        ];
        for lang in Lang::ALL {
            let t = lang.text();
            let mut seen = std::collections::HashSet::new();
            for e in &refusals {
                let words = t.service_error(e);
                assert_ne!(words, t.err.internal, "{e:?}");
                assert!(seen.insert(words), "{e:?} shares its words");
            }
            assert_eq!(t.service_error(&E::Fault(Fault("x"))), t.err.internal);
        }
        assert_eq!(
            Lang::En.text().service_error(&E::Throttled { retry_after_secs: 300 }),
            "Too many wrong PINs. Wait 5 minutes before trying again."
        );
    }

    /// The string literals of a `Debug` rendering, in order: every fixed text of a
    /// [`Text`], whatever fields it gains.
    fn literals(debug: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = debug.chars();
        while let Some(c) = chars.next() {
            if c != '"' {
                continue;
            }
            let mut literal = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => literal.extend(chars.next()),
                    '"' => break,
                    c => literal.push(c),
                }
            }
            out.push(literal);
        }
        out
    }

    /// What each language's `fn` fields say for the same arguments.
    fn filled_in(t: &Text) -> Vec<String> {
        vec![
            (t.site_asks)("SITE"),
            (t.cancel_site)("SITE"),
            (t.logout_asks)("SITE"),
            (t.sms_sent)("•••••••78"),
            (t.err.wrong_pin)(1),
            (t.err.wrong_pin)(2),
            (t.err.too_many_attempts)("WAIT"),
            (t.err.too_many_pins)("WAIT"),
            (t.err.throttled)("WAIT"),
            (t.err.seconds)(1),
            (t.err.seconds)(30),
            (t.err.minutes)(1),
            (t.err.minutes)(15),
        ]
    }

    /// Names and codes that read the same in every language.
    const THE_SAME_EVERYWHERE: &[&str] =
        &["Cl@ve PIN", "DNI/NIE", "PIN", "DNI", "NIE", "DD/MM/AAAA"];

    /// Words a language shares with Spanish or English, rightly.
    const COGNATES: &[(Lang, &str)] = &[
        (Lang::Gl, "1 segundo"),
        (Lang::Gl, "30 segundos"),
        (Lang::Gl, "1 minuto"),
        (Lang::Gl, "15 minutos"),
        (Lang::Gl, "PIN por SMS"),
        (Lang::Gl, "Dispositivo desactivado"),
        (Lang::Gl, "Dispositivo activado"),
        (Lang::Gl, "Identificación"),
        (Lang::Gl, "Desactivar este dispositivo"),
        (Lang::Gl, "Último uso"),
        (Lang::Gl, "Activado"),
        (Lang::Gl, "Modelo"),
        (Lang::Gl, "Dispositivo activo"),
        (Lang::Ca, "Model"),
        (Lang::Gl, "Este portal Cl@ve PIN"),
    ];

    #[test]
    fn every_language_has_every_text_translated() {
        let es = Lang::Es.text();
        let en = Lang::En.text();
        let (es_fixed, en_fixed) = (literals(&format!("{es:?}")), literals(&format!("{en:?}")));
        let (es_filled, en_filled) = (filled_in(es), filled_in(en));
        assert!(es_fixed.len() > 100, "the scan sees every text: {}", es_fixed.len());
        for lang in [Lang::Ca, Lang::Gl, Lang::Eu] {
            let t = lang.text();
            let fixed = literals(&format!("{t:?}"));
            assert_eq!(fixed.len(), es_fixed.len(), "{lang:?}: the same texts");
            let own = fixed.iter().chain(filled_in(t).iter()).cloned().collect::<Vec<_>>();
            let spanish = es_fixed.iter().chain(es_filled.iter());
            let english = en_fixed.iter().chain(en_filled.iter());
            for ((text, es), en) in own.iter().zip(spanish).zip(english) {
                assert!(
                    !text.trim().is_empty(),
                    "{lang:?}: an empty text where Spanish has {es:?}"
                );
                let copied = text == es || text == en;
                let shared = THE_SAME_EVERYWHERE.contains(&text.as_str())
                    || COGNATES.contains(&(lang, text.as_str()));
                assert!(!copied || shared, "{lang:?} has {text:?} untranslated");
            }
            assert_eq!(
                t.language_name,
                match lang {
                    Lang::Ca => "Català",
                    Lang::Gl => "Galego",
                    _ => "Euskara",
                }
            );
        }
        assert_eq!(Lang::parse("ca-ES-valencia"), Some(Lang::Ca));
        assert_eq!(Lang::negotiate("eu-ES,es;q=0.5"), Some(Lang::Eu));
        assert_eq!(Lang::from_locales("fr gl en"), Some(Lang::Gl));
    }

    #[test]
    fn both_languages_say_how_many_tries_are_left() {
        assert_eq!((Lang::En.text().err.wrong_pin)(1), "Wrong PIN. You have 1 try left.");
        assert_eq!((Lang::Es.text().err.wrong_pin)(2), "PIN incorrecto. Le quedan 2 intentos.");
    }
}
