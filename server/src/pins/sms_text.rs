//! The text of a PIN's SMS: Spanish first, as Cl@ve sends it, then English.

use clavepin_protocol::{Pin, PinCode};

pub(super) fn pin_sms(code: &PinCode, pin: &Pin) -> String {
    format!(
        "Cl@ve PIN: código {code}, PIN {} (válido 10 minutos, un solo uso). No lo comparta. \
         / Code {code}, PIN {}.",
        pin.expose(),
        pin.expose()
    )
}
