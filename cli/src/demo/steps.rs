//! The demo's steps, in the order a citizen meets them. Each returns what it saw, or
//! why that was not what it should have been.

use chrono::{NaiveDate, TimeDelta};
use clavepin_core::Countdown;
use clavepin_core::countdown::refresh_instants;
use clavepin_protocol::{
    Clock, ContrastData, DocumentKind, DocumentNumber, IdentityClaim, IdentityError, ManualClock,
};

use super::Report;

pub fn run_all(report: &mut Report) {
    report.step("validate-documents", validate_documents());
    report.step("contrast-data", contrast_data());
    report.step("countdown-arithmetic", countdown());
}

/// Typed document numbers become normalised DNIs and NIEs; mistakes are named.
fn validate_documents() -> Result<String, String> {
    let valid = [
        ("12.345.678-z", "12345678Z", DocumentKind::Dni),
        ("x-1234567-l", "X1234567L", DocumentKind::Nie),
        ("Y1234567X", "Y1234567X", DocumentKind::Nie),
    ];
    for (typed, normalised, kind) in valid {
        let number = DocumentNumber::parse(typed).map_err(|e| format!("{typed:?} refused: {e}"))?;
        if number.as_str() != normalised || number.kind() != kind {
            return Err(format!("{typed:?} read as {} {}", number.kind(), number.as_str()));
        }
    }
    let invalid = [
        ("12345678A", IdentityError::WrongControlLetter),
        ("1234567Z", IdentityError::WrongDigitCount { expected: 8, found: 7 }),
        ("K1234567L", IdentityError::UnknownDocumentPrefix),
    ];
    for (typed, expected) in &invalid {
        match DocumentNumber::parse(typed) {
            Err(err) if &err == expected => {}
            other => return Err(format!("{typed:?} gave {other:?}, expected {expected:?}")),
        }
    }
    Ok(format!("{} valid numbers normalised, {} mistakes named", valid.len(), invalid.len()))
}

/// Each document gets the contrast datum it needs, and only that one.
fn contrast_data() -> Result<String, String> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("bad date")?;
    let dni = DocumentNumber::parse("12345678Z").map_err(|e| e.to_string())?;
    let nie = DocumentNumber::parse("X1234567L").map_err(|e| e.to_string())?;
    let validity =
        ContrastData::parse_for(&dni, "31/12/2030", false, today).map_err(|e| e.to_string())?;
    let permanent =
        ContrastData::parse_for(&dni, "02-03-2015", true, today).map_err(|e| e.to_string())?;
    let support =
        ContrastData::parse_for(&nie, "E12345678", false, today).map_err(|e| e.to_string())?;
    for (doc, datum) in [(dni, validity), (dni, permanent), (nie, support)] {
        IdentityClaim::new(doc, datum).map_err(|e| e.to_string())?;
    }
    match IdentityClaim::new(nie, validity) {
        Err(IdentityError::ContrastKindMismatch { .. }) => {}
        other => return Err(format!("a NIE with a DNI date gave {other:?}")),
    }
    match ContrastData::parse_for(&dni, "01-01-9999", false, today) {
        Err(IdentityError::PermanentDniNeedsIssueDate) => {}
        other => return Err(format!("01-01-9999 as a validity date gave {other:?}")),
    }
    Ok("DNI validity date, permanent DNI issue date and NIE support number accepted; mismatches refused".into())
}

/// A PIN's ten minutes, on a clock the demo moves: refreshes every 10 s, then expired.
fn countdown() -> Result<String, String> {
    let clock =
        ManualClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).ok_or("bad time")?);
    let expires = clock.now() + TimeDelta::minutes(10);
    let check = |c: Countdown, seconds: u32, expired: bool| {
        if c.seconds_left == seconds && c.expired == expired {
            Ok(())
        } else {
            Err(format!(
                "at {} expected {seconds}s left, saw {}s (expired: {})",
                clock.now(),
                c.seconds_left,
                c.expired
            ))
        }
    };
    check(Countdown::at(expires, clock.now()), 600, false)?;
    clock.advance(TimeDelta::milliseconds(3_500));
    let c = Countdown::at(expires, clock.now());
    check(c, 597, false)?;
    let first_refresh = c.next_refresh_at.ok_or("no refresh scheduled")?;
    clock.set(first_refresh);
    check(Countdown::at(expires, clock.now()), 590, false)?;
    let refreshes = refresh_instants(expires, clock.now()).count();
    clock.advance(TimeDelta::minutes(10));
    check(Countdown::at(expires, clock.now()), 0, true)?;
    Ok(format!("10:00 → 9:50 after the first refresh, {refreshes} more refreshes, then expired"))
}
