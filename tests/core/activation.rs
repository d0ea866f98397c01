//! Activating this device, screen by screen, as a citizen does.

use clavepin_core::store::CitizenState;
use clavepin_core::{ActivationProgress, CoreError, Pattern};
use clavepin_e2e::*;
use clavepin_protocol::wire::ErrorCode;
use clavepin_protocol::{DocumentKind, IdentityError};

#[tokio::test]
async fn a_citizen_activates_this_device_screen_by_screen() {
    let h = Harness::start().await;
    let device = h.device("phone");
    assert_eq!(device.activation_progress().unwrap(), ActivationProgress::Idle);

    let progress =
        device.start_activation("12.345.678-z", DNI_VALIDITY, false, today()).await.unwrap();
    let ActivationProgress::AwaitingCode { document, phone_hint, .. } = progress else {
        panic!("{progress:?}")
    };
    assert_eq!((document.as_str(), phone_hint.as_str()), (DNI, "•••••••78"));

    let code = h.last_sms_code().await;
    let progress = device.submit_activation_code(&code).await.unwrap();
    assert!(matches!(progress, ActivationProgress::AwaitingPattern { .. }));
    assert_eq!(device.citizens().unwrap()[0].state, CitizenState::NeedsPattern);

    assert_eq!(
        Pattern::parse("1-2-3").unwrap_err(),
        clavepin_core::pattern::PatternError::TooShort
    );
    device.set_pattern(DNI, &Pattern::parse("1-2-3-4").unwrap()).await.unwrap();
    assert!(matches!(
        device.set_pattern(DNI, &Pattern::parse("1-2-3-4").unwrap()).await,
        Err(CoreError::PatternAlreadySet)
    ));
    let citizens = device.citizens().unwrap();
    assert_eq!(citizens.len(), 1);
    assert_eq!(
        (citizens[0].state, citizens[0].unlocked, citizens[0].kind),
        (CitizenState::Active, true, DocumentKind::Dni)
    );
    assert_eq!(device.activation_progress().unwrap(), ActivationProgress::Idle);
    assert_eq!(device.check_status(DNI).await.unwrap(), CitizenState::Active);
}

#[tokio::test]
async fn each_failed_step_says_what_went_wrong() {
    let h = Harness::start().await;
    let device = h.device("phone");
    let err = device.start_activation("12345678A", DNI_VALIDITY, false, today()).await.unwrap_err();
    assert!(matches!(err, CoreError::Identity(IdentityError::WrongControlLetter)), "{err}");
    let err = device.start_activation(DNI, "31/01/2031", false, today()).await.unwrap_err();
    assert!(
        matches!(err, CoreError::Refused { code: ErrorCode::ContrastDataMismatch, .. }),
        "{err}"
    );
    let err = device.submit_activation_code("123456").await.unwrap_err();
    assert!(matches!(err, CoreError::NoActivationInProgress), "{err}");

    device.start_activation(DNI, DNI_VALIDITY, false, today()).await.unwrap();
    let right = h.last_sms_code().await;
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let err = device.submit_activation_code("12345").await.unwrap_err();
    assert!(
        matches!(err, CoreError::ActivationCode(_)),
        "a malformed code never reaches the service"
    );
    for left in [2, 1] {
        let err = device.submit_activation_code(wrong).await.unwrap_err();
        assert!(
            matches!(err, CoreError::Refused { code: ErrorCode::WrongCode, tries_left: Some(l), .. } if l == left),
            "{err}"
        );
    }
    let err = device.submit_activation_code(wrong).await.unwrap_err();
    assert!(matches!(err, CoreError::ActivationExpired), "{err}");
    assert_eq!(
        device.activation_progress().unwrap(),
        ActivationProgress::Idle,
        "back to the first screen"
    );
    assert!(device.citizens().unwrap().is_empty(), "nothing half-made was stored");

    let offline = h.device_at(&h.device_dir("offline"), "http://127.0.0.1:9");
    let err = offline.start_activation(DNI, DNI_VALIDITY, false, today()).await.unwrap_err();
    assert!(matches!(err, CoreError::Offline(_)), "{err}");
}

#[tokio::test]
async fn a_restart_resumes_where_it_safely_can() {
    let h = Harness::start().await;
    let device = h.device("phone");
    device.start_activation(DNI, DNI_VALIDITY, false, today()).await.unwrap();
    drop(device);
    // Restarted while waiting for the code: the code screen again.
    let device = h.device("phone");
    assert!(matches!(
        device.activation_progress().unwrap(),
        ActivationProgress::AwaitingCode { .. }
    ));
    device.submit_activation_code(&h.last_sms_code().await).await.unwrap();
    drop(device);
    // Restarted before drawing the pattern: the pattern screen again.
    let device = h.device("phone");
    assert!(matches!(
        device.activation_progress().unwrap(),
        ActivationProgress::AwaitingPattern { .. }
    ));
    device.set_pattern(DNI, &Pattern::parse(PATTERN).unwrap()).await.unwrap();
    assert_eq!(device.citizens().unwrap()[0].state, CitizenState::Active);
}

#[tokio::test]
async fn a_restart_during_the_code_round_trip_asks_for_a_new_code() {
    let h = Harness::start().await;
    let device = h.device("phone");
    device.start_activation(DNI, DNI_VALIDITY, false, today()).await.unwrap();
    let code = h.last_sms_code().await;
    // The app sent the code with its new keys and died before storing the answer:
    // the service completed that attempt, and the X25519 share died with the app.
    let activation_id = h.pending_activation_id("phone");
    h.complete_activation_elsewhere(&activation_id, &code).await;
    drop(device);

    // Restarted, the app still shows the code screen and tries again with new keys.
    let device = h.device("phone");
    assert!(matches!(
        device.activation_progress().unwrap(),
        ActivationProgress::AwaitingCode { .. }
    ));
    let err = device.submit_activation_code(&code).await.unwrap_err();
    assert!(matches!(err, CoreError::ActivationExpired), "{err}");
    assert!(device.citizens().unwrap().is_empty(), "no half-made activation");
    assert_eq!(device.activation_progress().unwrap(), ActivationProgress::Idle);
    // A new SMS code works.
    h.activate(&device, DNI, DNI_VALIDITY).await;
}

#[tokio::test]
async fn one_phone_holds_several_citizens_and_removes_one() {
    let h = Harness::start().await;
    let device = h.device("family-phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    h.activate(&device, NIE, NIE_SUPPORT).await;
    let documents: Vec<_> =
        device.citizens().unwrap().iter().map(|c| c.document.to_string()).collect();
    assert_eq!(documents, [DNI, NIE]);

    assert!(device.remove_citizen(NIE).await.unwrap(), "the service was told");
    let documents: Vec<_> =
        device.citizens().unwrap().iter().map(|c| c.document.to_string()).collect();
    assert_eq!(documents, [DNI]);
    assert!(matches!(device.remove_citizen(NIE).await, Err(CoreError::UnknownCitizen)));
}

#[tokio::test]
async fn a_second_device_replaces_the_first_which_learns_it() {
    let h = Harness::start().await;
    let first = h.device("old-phone");
    h.activate(&first, DNI, DNI_VALIDITY).await;
    let second = h.device("new-phone");
    h.activate(&second, DNI, DNI_VALIDITY).await;
    assert_eq!(first.check_status(DNI).await.unwrap(), CitizenState::Replaced);
    assert_eq!(first.citizens().unwrap()[0].state, CitizenState::Replaced);
    assert_eq!(second.check_status(DNI).await.unwrap(), CitizenState::Active);
}

#[tokio::test]
async fn an_app_killed_mid_activation_leaves_the_citizens_working_phone_active() {
    let h = Harness::start().await;
    let working = h.device("working-phone");
    h.activate(&working, DNI, DNI_VALIDITY).await;
    // On a new phone the app proves the SMS code, and dies before storing its keys.
    let new = h.device("new-phone");
    new.start_activation(DNI, DNI_VALIDITY, false, today()).await.unwrap();
    let code = h.last_sms_code().await;
    let activation_id = h.pending_activation_id("new-phone");
    h.complete_activation_elsewhere(&activation_id, &code).await;
    drop(new);

    assert_eq!(working.check_status(DNI).await.unwrap(), CitizenState::Active);
    let created = h.obtain_pin(serde_json::json!({})).await;
    assert_eq!(created["channel"], "app");
    assert_eq!(
        working.pull(DNI).await.unwrap().len(),
        1,
        "the PIN still reaches the working phone"
    );

    // Activated for real, the new phone takes over and the old one learns it.
    let new = h.device("new-phone");
    h.activate(&new, DNI, DNI_VALIDITY).await;
    assert_eq!(working.check_status(DNI).await.unwrap(), CitizenState::Replaced);
}

#[tokio::test]
async fn two_citizens_activate_on_one_phone_each_with_their_own_code() {
    let h = Harness::start().await;
    let device = h.device("family-phone");
    device.start_activation(DNI, DNI_VALIDITY, false, today()).await.unwrap();
    let dni_code = h.last_sms_code().await;
    device.start_activation(NIE, NIE_SUPPORT, false, today()).await.unwrap();
    let nie_code = h.last_sms_code().await;
    assert_eq!(
        device.pending_activations().unwrap().len(),
        2,
        "the second did not replace the first"
    );
    device.submit_activation_code_for(DNI, &dni_code).await.unwrap();
    assert!(matches!(
        device.activation_progress_for(NIE).unwrap(),
        ActivationProgress::AwaitingCode { .. }
    ));
    device.set_pattern(DNI, &Pattern::parse(PATTERN).unwrap()).await.unwrap();
    device.submit_activation_code_for(NIE, &nie_code).await.unwrap();
    device.set_pattern(NIE, &Pattern::parse("7-5-3-1").unwrap()).await.unwrap();
    assert_eq!(device.citizens().unwrap().len(), 2);
    assert!(device.pending_activations().unwrap().is_empty());
    let again = device.start_activation(DNI, DNI_VALIDITY, false, today()).await;
    assert!(matches!(again, Err(CoreError::AlreadyActivated)), "{again:?}");
}
