//! English. Button and field names follow the official help page (seed 002).

use super::{Approve, Errors, MyDevices, Text};

pub static TEXT: Text = Text {
    language_name: "English",
    language_nav: "Language",
    brand: "Cl@ve PIN",
    footer: "ClavePIN reference implementation. It is not the government's Cl@ve service.",
    error_prefix: "Error: ",
    error_summary: "There is a problem",
    start_again: "Start again",
    document_short: "DNI/NIE",
    signed_out: "You have signed out.",
    form_expired_title: "This form has expired",
    form_expired: "Your session expired (after 15 minutes without activity) or the form was not \
                   sent from this site. Nothing was done. Start again.",
    privacy_link: "Data protection",
    skip_to_content: "Skip to content",
    privacy_title: "Data protection",
    privacy_intro: "What this service does with your personal data, as the General Data \
                    Protection Regulation (GDPR, article 13) requires us to tell you.",
    privacy_sections: [
        (
            "Who is responsible",
            "The public body that operates this Cl@ve PIN service is the controller of your \
             data, and has a data protection officer you can write to. This is the ClavePIN \
             reference implementation: whoever deploys it gives that body's name and contact \
             details here.",
        ),
        (
            "What your data is used for",
            "To identify you when you sign in with Cl@ve PIN, on this portal or for a site that \
             sends you here: your DNI or NIE and contrast data are checked against the registry, \
             your PIN is sent to your app or by SMS, and the site is told who you are.",
        ),
        (
            "On what legal basis",
            "The exercise of official authority and a task carried out in the public interest \
             (GDPR, article 6.1.e), under Law 39/2015 (articles 9 and 10) and the rules of the \
             Cl@ve system.",
        ),
        (
            "Who receives it",
            "A site you sign in to receives your name, your document number and how you \
             identified yourself, and only once you finish signing in. The SMS provider \
             receives your mobile number and the text it carries. Notifications to the app pass \
             through Google or Apple sealed: they cannot read the PIN.",
        ),
        (
            "How long it is kept",
            "What you registered, for as long as you stay registered in Cl@ve. A PIN, until it \
             is used or expires, and its request a day more. Failed attempts, 24 hours. The \
             session of these pages, 15 minutes without activity. Nothing you type here is kept \
             in the address or in the service's logs.",
        ),
        (
            "Your rights",
            "You may ask for access to your data, and for its rectification or erasure, to \
             restrict its processing or to object to it (GDPR, articles 15 to 21), at a \
             registration office or from the body that operates the service.",
        ),
        (
            "Complaints",
            "If you believe your data has not been handled lawfully, you may complain to the \
             Spanish Data Protection Agency (AEPD), www.aepd.es.",
        ),
        (
            "Automated decisions",
            "No decision about you is taken by automated means alone, beyond checking that what \
             you type matches the registry. Giving your data is needed to sign in: without it \
             you cannot use Cl@ve PIN.",
        ),
    ],

    access_title: "Access with Cl@ve PIN",
    access_intro: "Enter your DNI or NIE to start the process.",
    access_registered: "You need to be registered in Cl@ve first, online or at a registration \
                        office.",
    document_label: "DNI or NIE",
    document_hint: "For example 12345678Z or X1234567L.",
    continue_button: "Continue",

    contrast_title: "Contrast data",
    contrast_intro: "To check that the document is yours, give the contrast data printed on it.",
    validity_label: "Validity date",
    issue_date_label: "Issue date",
    date_hint: "As printed on your DNI, DD/MM/YYYY. For a permanent DNI, tick \"Permanent DNI\" \
                and give its issue date here instead.",
    date_placeholder: "DD/MM/YYYY",
    permanent_label: "Permanent DNI",
    permanent_hint: "Tick this if your DNI is valid until 01-01-9999.",
    support_label: "Support number",
    support_hint: "C or E followed by 8 digits, as printed on your card or certificate.",
    help_heading: "Where to find the data",
    help_validity_summary: "Validity date of the DNI",
    help_validity: "The DNI's validity date is on the front of the card, under \"VÁLIDO HASTA\" \
                    (valid until).",
    help_permanent_summary: "Issue date of a permanent DNI",
    help_permanent: "A permanent DNI shows 01-01-9999 as its validity. Its issue date is on the \
                     front of the card, under \"EMISIÓN\" (issue).",
    help_support_summary: "Support number of the NIE",
    help_support: "On a foreigner's identity card (TIE) the support number is on the front, \
                   starting with E; on a paper certificate it is at the top right, starting \
                   with C.",

    obtain_title: "Obtain PIN",
    obtain_intro: "Press \"Obtain PIN\" to receive a PIN valid for 10 minutes. You may choose the \
                   4-character code that goes with it.",
    customise_label: "I want to customise PIN generation",
    custom_code_label: "Custom code",
    custom_code_hint: "4 letters or digits, used only if you tick the box above; otherwise the \
                       code is chosen at random.",
    channel_legend: "How do you want to receive the PIN?",
    channel_app: "In the Cl@ve PIN app",
    channel_sms: "By SMS to my mobile",
    sms_only: "The PIN will be sent by SMS to the mobile number you registered.",
    obtain_button: "Obtain PIN",

    pin_title: "Authentication with PIN",
    app_notice_heading: "Look at the Cl@ve PIN app",
    app_notice: "Your PIN has been sent to the Cl@ve PIN app on your device. A notification \
                 shows it with the \"Copy PIN\" option; you can also see it, with the time \
                 left, when you unlock the app with your security pattern.",
    app_fallback: "If you cannot use the app, we can send the same PIN to your mobile by SMS.",
    request_sms_button: "Request SMS to be sent to your mobile",
    sms_notice_heading: "PIN sent by SMS",
    sms_sent: |hint| format!("An SMS with the PIN has been sent to your mobile number {hint}."),
    sms_again: "If you do not receive it, you can request it again.",
    request_again_button: "Request again",
    renewed: "A new PIN has been sent. The previous one no longer works.",
    pin_life: "Remember that you must use the PIN within 10 minutes of obtaining it.",
    code_label: "Code",
    code_hint: "The code of this PIN request. It cannot be changed.",
    pin_label: "PIN",
    pin_hint: "3 letters or digits.",
    access_button: "Access",
    obtain_new: "Obtain a new PIN",

    signed_in_title: "You have signed in",
    signed_in_intro: "You have identified yourself with Cl@ve PIN.",
    name_label: "Name",
    sign_out_button: "Sign out",
    my: MyDevices {
        link: "My devices and activity",
        title: "My devices",
        intro: "The device that receives your PINs, and what was done with your Cl@ve PIN lately.",
        active_heading: "Active device",
        no_device: "No device is active: your PINs go by SMS to your registered mobile phone.",
        name_label: "Name",
        model_label: "Model",
        activated_label: "Activated",
        last_used_label: "Last used",
        not_yet: "Not yet",
        unnamed: "(no name)",
        deactivate_button: "Deactivate this device",
        deactivate_hint: "Once deactivated, it receives no more PINs: they go by SMS until you activate the app again.",
        deactivated: "The device has been deactivated. Your PINs now go by SMS.",
        new_phone_heading: "Moving to a new phone",
        new_phone: "Activate the Cl@ve PIN app on the new phone with your DNI or NIE and the code sent to you by SMS. The old phone stops receiving PINs at that moment; you do not need to do anything on it.",
        reinstall: "If you reinstalled the app or cleared its data on the same phone, activate it again the same way.",
        activity_heading: "Recent activity",
        no_activity: "Nothing yet.",
        when_label: "When",
        what_label: "What",
        how_label: "How",
        sign_in: "Signed in",
        not_me: "Reported \"This wasn't me\"",
        device_activated: "Device activated",
        device_replaced: "Device replaced by a new one",
        device_removed: "Device deactivated",
        channel_app: "PIN in the app",
        channel_sms: "PIN by SMS",
        channel_approval: "Approved in the app",
        not_me_help: "If you do not recognise something here, deactivate the device and contact Cl@ve's help line: someone may know your contrast data.",
        back: "Back",
    },

    approve: Approve {
        channel_approve: "Approve in the app with a code, without a PIN",
        title: "Approve in the app",
        intro: "Open the Cl@ve PIN app, choose \"Approve a sign-in\" and scan this QR code, or type the code below. Check that the app names the same site, then confirm with your pattern.",
        site_label: "Who is asking",
        this_portal: "This Cl@ve PIN portal",
        code_label: "Code to type in the app",
        qr_label: "QR code holding the approval code",
        valid_until_label: "Valid until",
        time_left_label: "Time left",
        this_phone_link: "On the phone with the app? Open the app",
        waiting: "Waiting for your answer in the app. This page goes on by itself once you approve.",
        continue_button: "I have approved: continue",
        use_pin: "Use a PIN instead",
        refused: "The sign-in was refused in the app. Nothing was done: obtain a PIN, or approve again.",
        expired: "The 5 minutes to approve are over. Nothing was done: obtain a PIN, or approve again.",
        landing_title: "Approve in the Cl@ve PIN app",
        landing_intro: "Open the Cl@ve PIN app on this phone, choose \"Approve a sign-in\" and type the code shown on the page where you are signing in. Approve only a sign-in you started yourself.",
        landing_no_app: "Without the app on this phone, scan the QR code with the phone that has it, or go back and obtain a PIN instead.",
    },

    site_asks: |site| format!("{site} asks you to identify yourself with Cl@ve PIN."),
    cancel_site: |site| format!("Cancel and return to {site}"),
    bad_link_title: "This link does not work",
    bad_link_incomplete: "The link that brought you here is incomplete. Nothing was done: go \
                          back to the site and try again.",
    bad_link_unknown_site: "The site that sent you here is not registered with Cl@ve. Nothing \
                            was done: go back to the site and let it know.",
    bad_link_unregistered_return: "The site that sent you here asked to be answered at an \
                                   address it has not registered with Cl@ve, so you will not \
                                   be sent there. Nothing was done.",
    logout_title: "Sign out of Cl@ve",
    logout_asks: |site| format!("{site} asks to end your Cl@ve session in this browser."),
    logout_asks_anonymous: "A site asks to end your Cl@ve session in this browser.",
    bad_logout_link: "This sign-out link does not work: it is not from a site registered with \
                      Cl@ve, or names an address the site has not registered. Nothing was done.",

    err: Errors {
        document_missing: "Enter your DNI or NIE.",
        document_shape: "Enter a DNI (8 digits and a letter) or a NIE (X, Y or Z, 7 digits and \
                         a letter).",
        document_letter: "The letter does not match the number. Check the document.",
        date_missing: "Enter the date.",
        date_format: "Write the date as DD/MM/YYYY.",
        date_calendar: "That date does not exist. Check the day and month.",
        date_range: "Check the year: identity documents exist since 1944.",
        date_permanent: "Your DNI is permanent (01-01-9999): tick \"Permanent DNI\" and give its \
                         issue date.",
        date_too_far: "No DNI is valid for more than 10 years. Check the validity date.",
        date_future: "The issue date cannot be in the future.",
        support_missing: "Enter the support number.",
        support_shape: "A support number is C or E followed by 8 digits.",
        contrast_mismatch: "The document and the contrast data do not match our records. Check \
                            them and try again.",
        not_registered: "This document is not registered in Cl@ve. Register online or at a \
                         registration office first.",
        code_missing: "Enter the 4-character code, or untick the box for a random one.",
        code_shape: "The code has exactly 4 letters or digits.",
        code_unticked: "To use this code, tick \"I want to customise PIN generation\"; or leave \
                        the field empty for a random code.",
        app_not_activated: "The Cl@ve PIN app is not activated for you. Choose SMS.",
        pin_missing: "Enter the PIN.",
        pin_shape: "The PIN has 3 letters or digits (never 0, O, 1, I or L).",
        wrong_pin: |n| match n {
            1 => "Wrong PIN. You have 1 try left.".into(),
            n => format!("Wrong PIN. You have {n} tries left."),
        },
        pin_expired: "This PIN has expired: PINs last 10 minutes. Obtain a new one.",
        pin_used: "This PIN has already been used. Obtain a new one.",
        pin_superseded: "A newer PIN has replaced this one. Use the newest PIN, or obtain a new \
                         one.",
        pin_dead: "Too many wrong tries for this PIN. Obtain a new one.",
        unknown_request: "This PIN request no longer exists. Obtain a new PIN.",
        sms_limit: "The PIN has already been sent by SMS. If it does not arrive, obtain a new one.",
        pins_locked: "PINs are blocked after too many wrong tries. Activate the Cl@ve PIN app \
                      again or go to a registration office.",
        too_many_attempts: |wait| {
            format!("Too many failed attempts for this document. Try again in {wait}.")
        },
        too_many_pins: |wait| format!("Too many PINs requested. Try again in {wait}."),
        throttled: |wait| format!("Too many wrong PINs. Wait {wait} before trying again."),
        internal: "The service could not complete the request. Nothing was changed; try again.",
        busy: "The service is busy. Try again in a few minutes.",
        seconds: |n| if n == 1 { "1 second".into() } else { format!("{n} seconds") },
        minutes: |n| if n == 1 { "1 minute".into() } else { format!("{n} minutes") },
    },
};
