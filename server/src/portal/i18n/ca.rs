//! Català. Els noms de botons i camps segueixen l'ajuda oficial de Cl@ve ("Obtenir PIN");
//! tractament de vós, com a les apps ("Introduïu", "el vostre DNI").

use super::{Approve, Errors, MyDevices, Text};

pub static TEXT: Text = Text {
    language_name: "Català",
    language_nav: "Llengua",
    brand: "Cl@ve PIN",
    footer: "Implementació de referència ClavePIN. No és el servei Cl@ve de l'Administració.",
    error_prefix: "Errada: ",
    error_summary: "Hi ha un problema",
    start_again: "Tornar a començar",
    document_short: "DNI/NIE",
    signed_out: "Heu tancat la sessió.",
    form_expired_title: "Aquest formulari ha caducat",
    form_expired: "La vostra sessió ha caducat (després de 15 minuts sense activitat) o el \
                   formulari no s'ha enviat des d'aquest lloc. No s'ha fet res. Torneu a \
                   començar.",
    privacy_link: "Protecció de dades",
    skip_to_content: "Anar al contingut",
    privacy_title: "Protecció de dades",
    privacy_intro: "Què fa aquest servei amb les vostres dades personals: la informació que el \
                    Reglament general de protecció de dades (RGPD, article 13) ens obliga a \
                    donar-vos.",
    privacy_sections: [
        (
            "Responsable del tractament",
            "L'organisme públic que presta aquest servei Cl@ve PIN és el responsable del \
             tractament de les vostres dades, i té un delegat de protecció de dades al qual us \
             podeu adreçar. Aquesta és la implementació de referència ClavePIN: qui la desplega \
             indica aquí el nom i les dades de contacte d'aquest organisme.",
        ),
        (
            "Finalitat",
            "Verificar la vostra identitat quan accediu amb Cl@ve PIN, en aquest portal o des \
             d'un lloc web que us envia aquí: es comproven el vostre DNI o NIE i la vostra dada \
             de contrast amb el registre, s'envia el PIN a la vostra app o per SMS i es comunica \
             al lloc web qui sou.",
        ),
        (
            "Legitimació",
            "L'exercici de poders públics i el compliment d'una missió d'interès públic (RGPD, \
             article 6.1.e), d'acord amb la Llei 39/2015 (articles 9 i 10) i amb les normes del \
             sistema Cl@ve.",
        ),
        (
            "Destinataris",
            "El lloc web al qual accediu rep el vostre nom, el vostre número de document i com us \
             heu identificat, i només quan acabeu d'accedir-hi. El proveïdor d'SMS rep el vostre \
             número de mòbil i el text que envia. Les notificacions a l'app passen per Google o \
             Apple segellades: no poden llegir el PIN.",
        ),
        (
            "Conservació",
            "El que vau registrar, mentre continueu registrat a Cl@ve. Un PIN, fins que \
             s'utilitza o caduca, i la seva sol·licitud un dia més. Els intents fallits, 24 \
             hores. La sessió d'aquestes pàgines, 15 minuts sense activitat. Res del que escriviu \
             aquí no queda a l'adreça ni als registres del servei.",
        ),
        (
            "Drets",
            "Podeu sol·licitar l'accés a les vostres dades, la rectificació o supressió, la \
             limitació del tractament o oposar-vos-hi (RGPD, articles 15 a 21), en una oficina de \
             registre o davant l'organisme que presta el servei.",
        ),
        (
            "Reclamacions",
            "Si considereu que les vostres dades no s'han tractat d'acord amb la llei, podeu \
             presentar una reclamació davant l'Agència Espanyola de Protecció de Dades (AEPD), \
             www.aepd.es.",
        ),
        (
            "Decisions automatitzades",
            "No es pren cap decisió sobre vós únicament per mitjans automatitzats, més enllà de \
             comprovar que el que escriviu coincideix amb el registre. Facilitar les vostres \
             dades és necessari per accedir-hi: sense aquestes dades no podeu utilitzar \
             Cl@ve PIN.",
        ),
    ],

    access_title: "Accés amb Cl@ve PIN",
    access_intro: "Introduïu el vostre DNI o NIE per iniciar el procés.",
    access_registered: "Abans heu d'estar registrat a Cl@ve, per internet o en una oficina de \
                        registre.",
    document_label: "Número de DNI o NIE",
    document_hint: "Per exemple 12345678Z o X1234567L.",
    continue_button: "Següent",

    contrast_title: "Dades de contrast",
    contrast_intro: "Per comprovar que el document és vostre, indiqueu la dada de contrast que hi \
                     figura.",
    validity_label: "Data de validesa",
    issue_date_label: "Data d'expedició",
    date_hint: "Tal com figura al vostre DNI, DD/MM/AAAA. Si el vostre DNI és permanent, marqueu \
                «DNI permanent» i indiqueu aquí la data d'expedició.",
    date_placeholder: "DD/MM/AAAA",
    permanent_label: "DNI permanent",
    permanent_hint: "Marqueu aquesta casella si el vostre DNI té validesa fins al 01-01-9999.",
    support_label: "Número de suport",
    support_hint: "C o E seguida de 8 xifres, tal com figura a la vostra targeta o certificat.",
    help_heading: "On trobar les dades",
    help_validity_summary: "Data de validesa del DNI",
    help_validity: "La data de validesa figura a l'anvers del DNI, sota «VÁLIDO HASTA».",
    help_permanent_summary: "Data d'expedició d'un DNI permanent",
    help_permanent: "Un DNI permanent té com a validesa el 01-01-9999. La data d'expedició figura \
                     a l'anvers, sota «EMISIÓN».",
    help_support_summary: "Número de suport del NIE",
    help_support: "A la targeta d'identitat d'estranger (TIE) el número de suport figura a \
                   l'anvers i comença per E; al certificat en paper, a dalt a la dreta, i comença \
                   per C.",

    obtain_title: "Obtenir PIN",
    obtain_intro: "Premeu «Obtenir PIN» per rebre un PIN vàlid durant 10 minuts. Podeu triar el \
                   codi de 4 caràcters que l'acompanya.",
    customise_label: "Vull personalitzar la generació del PIN",
    custom_code_label: "Codi personalitzat",
    custom_code_hint: "4 lletres o xifres; només s'utilitza si marqueu la casella anterior. Si \
                       no, el codi es tria a l'atzar.",
    channel_legend: "Com voleu rebre el PIN?",
    channel_app: "A l'app Cl@ve PIN",
    channel_sms: "Per SMS al meu mòbil",
    sms_only: "El PIN s'enviarà per SMS al número de mòbil que vau registrar.",
    obtain_button: "Obtenir PIN",

    pin_title: "Autenticació amb PIN",
    app_notice_heading: "Consulteu l'app Cl@ve PIN",
    app_notice: "El vostre PIN s'ha enviat a l'app Cl@ve PIN del vostre dispositiu. Una \
                 notificació el mostra amb l'opció «Copia el PIN»; també el podeu veure, amb el \
                 temps que li queda, en desbloquejar l'app amb el vostre patró de seguretat.",
    app_fallback: "Si no podeu utilitzar l'app, us enviem el mateix PIN per SMS al vostre mòbil.",
    request_sms_button: "Sol·licitar l'enviament d'SMS al vostre mòbil",
    sms_notice_heading: "PIN enviat per SMS",
    sms_sent: |hint| format!("S'ha enviat un SMS amb el PIN al vostre número de mòbil {hint}."),
    sms_again: "Si no el rebeu, el podeu sol·licitar de nou.",
    request_again_button: "Sol·licitar de nou",
    renewed: "S'ha enviat un PIN nou. L'anterior ja no serveix.",
    pin_life: "Recordeu que heu d'utilitzar el PIN dins dels 10 minuts següents a la seva \
               obtenció.",
    code_label: "Codi",
    code_hint: "El codi d'aquesta sol·licitud de PIN. No es pot canviar.",
    pin_label: "PIN",
    pin_hint: "3 lletres o xifres.",
    access_button: "Accedir",
    obtain_new: "Obtenir un PIN nou",

    signed_in_title: "Heu accedit correctament",
    signed_in_intro: "Us heu identificat amb Cl@ve PIN.",
    name_label: "Nom",
    sign_out_button: "Tancar la sessió",
    my: MyDevices {
        link: "Els meus dispositius i activitat",
        title: "Els meus dispositius",
        intro: "El dispositiu que rep els vostres PIN i el que s'ha fet darrerament amb la vostra Cl@ve PIN.",
        active_heading: "Dispositiu actiu",
        no_device: "No hi ha cap dispositiu actiu: els vostres PIN s'envien per SMS al mòbil registrat.",
        name_label: "Nom",
        model_label: "Model",
        activated_label: "Activat",
        last_used_label: "Darrer ús",
        not_yet: "Encara no",
        unnamed: "(sense nom)",
        deactivate_button: "Desactiva aquest dispositiu",
        deactivate_hint: "Un cop desactivat, ja no rep PIN: s'envien per SMS fins que torneu a activar l'aplicació.",
        deactivated: "S'ha desactivat el dispositiu. Ara els vostres PIN s'envien per SMS.",
        new_phone_heading: "Canviar de mòbil",
        new_phone: "Activeu l'aplicació Cl@ve PIN al mòbil nou amb el vostre DNI o NIE i el codi que us enviem per SMS. El mòbil anterior deixa de rebre PIN en aquell moment; no cal fer-hi res.",
        reinstall: "Si heu reinstal·lat l'aplicació o n'heu esborrat les dades al mateix mòbil, torneu-la a activar de la mateixa manera.",
        activity_heading: "Activitat recent",
        no_activity: "Encara res.",
        when_label: "Quan",
        what_label: "Què",
        how_label: "Com",
        sign_in: "Identificació",
        not_me: "Avís «No he estat jo»",
        device_activated: "Dispositiu activat",
        device_replaced: "Dispositiu substituït per un de nou",
        device_removed: "Dispositiu desactivat",
        channel_app: "PIN a l'aplicació",
        channel_sms: "PIN per SMS",
        channel_approval: "Aprovat a l'aplicació",
        not_me_help: "Si no reconeixeu alguna cosa d'aquesta llista, desactiveu el dispositiu i truqueu al telèfon d'ajuda de Cl@ve: algú pot conèixer les vostres dades de contrast.",
        back: "Tornar",
    },

    approve: Approve {
        channel_approve: "Aprovar a l'app amb un codi, sense PIN",
        title: "Aprovar a l'app",
        intro: "Obriu l'app Cl@ve PIN, trieu «Aprovar un accés» i escanegeu aquest codi QR, o escriviu el codi de sota. Comproveu que l'app mostra el mateix lloc i confirmeu amb el vostre patró.",
        site_label: "Qui ho sol·licita",
        this_portal: "Aquest portal Cl@ve PIN",
        code_label: "Codi per escriure a l'app",
        qr_label: "Codi QR amb el codi d'aprovació",
        valid_until_label: "Vàlid fins a",
        time_left_label: "Temps restant",
        this_phone_link: "Sou al mòbil amb l'app? Obriu l'app",
        waiting: "S'espera la vostra resposta a l'app. Aquesta pàgina continuarà sola quan aproveu.",
        continue_button: "Ja he aprovat: continuar",
        use_pin: "Fer servir un PIN",
        refused: "L'accés s'ha rebutjat a l'app. No s'ha fet res: obteniu un PIN o torneu a aprovar.",
        expired: "Han passat els 5 minuts per aprovar. No s'ha fet res: obteniu un PIN o torneu a aprovar.",
        landing_title: "Aprovar a l'app Cl@ve PIN",
        landing_intro: "Obriu l'app Cl@ve PIN en aquest mòbil, trieu «Aprovar un accés» i escriviu el codi que mostra la pàgina on us identifiqueu. Aproveu només un accés que hàgiu iniciat vosaltres.",
        landing_no_app: "Si l'app no és en aquest mòbil, escanegeu el codi QR amb el mòbil que la té, o torneu enrere i obteniu un PIN.",
    },

    site_asks: |site| format!("{site} us demana que us identifiqueu amb Cl@ve PIN."),
    cancel_site: |site| format!("Cancel·lar i tornar a {site}"),
    bad_link_title: "Aquest enllaç no funciona",
    bad_link_incomplete: "L'enllaç pel qual heu arribat és incomplet. No s'ha fet res: torneu al \
                          lloc web i torneu-ho a provar.",
    bad_link_unknown_site: "El lloc web des del qual heu arribat aquí no està donat d'alta a \
                            Cl@ve. No s'ha fet res: torneu al lloc web i comuniqueu-li-ho.",
    bad_link_unregistered_return: "El lloc web des del qual heu arribat aquí va demanar la \
                                   resposta en una adreça que no ha donat d'alta a Cl@ve, de \
                                   manera que la resposta no s'hi enviarà. No s'ha fet res.",
    logout_title: "Tancar la sessió de Cl@ve",
    logout_asks: |site| {
        format!("{site} sol·licita tancar la vostra sessió de Cl@ve en aquest navegador.")
    },
    logout_asks_anonymous: "Un lloc web sol·licita tancar la vostra sessió de Cl@ve en aquest \
                            navegador.",
    bad_logout_link: "Aquest enllaç de tancament de sessió no funciona: no prové d'un lloc web \
                      donat d'alta a Cl@ve, o indica una adreça que el lloc web no ha donat \
                      d'alta. No s'ha fet res.",

    err: Errors {
        document_missing: "Introduïu el vostre DNI o NIE.",
        document_shape: "Introduïu un DNI (8 xifres i una lletra) o un NIE (X, Y o Z, 7 xifres i \
                         una lletra).",
        document_letter: "La lletra no correspon al número. Reviseu el document.",
        date_missing: "Introduïu la data.",
        date_format: "Escriviu la data com a DD/MM/AAAA.",
        date_calendar: "Aquesta data no existeix. Reviseu el dia i el mes.",
        date_range: "Reviseu l'any: els documents d'identitat existeixen des del 1944.",
        date_permanent: "El vostre DNI és permanent (01-01-9999): marqueu «DNI permanent» i \
                         indiqueu la data d'expedició.",
        date_too_far: "Cap DNI no és vàlid durant més de 10 anys. Reviseu la data de validesa.",
        date_future: "La data d'expedició no pot ser futura.",
        support_missing: "Introduïu el número de suport.",
        support_shape: "El número de suport és una C o una E seguida de 8 xifres.",
        contrast_mismatch: "El document i la dada de contrast no coincideixen amb els nostres \
                            registres. Reviseu-los i torneu-ho a provar.",
        not_registered: "Aquest document no està registrat a Cl@ve. Registreu-vos abans per \
                         internet o en una oficina de registre.",
        code_missing: "Introduïu el codi de 4 caràcters, o desmarqueu la casella per obtenir-ne \
                       un a l'atzar.",
        code_shape: "El codi té exactament 4 lletres o xifres.",
        code_unticked: "Per utilitzar aquest codi, marqueu «Vull personalitzar la generació del \
                        PIN»; o deixeu el camp buit per a un codi a l'atzar.",
        app_not_activated: "L'app Cl@ve PIN no està activada per a vós. Trieu SMS.",
        pin_missing: "Introduïu el PIN.",
        pin_shape: "El PIN té 3 lletres o xifres (mai 0, O, 1, I ni L).",
        wrong_pin: |n| match n {
            1 => "PIN incorrecte. Us queda 1 intent.".into(),
            n => format!("PIN incorrecte. Us queden {n} intents."),
        },
        pin_expired: "Aquest PIN ha caducat: els PIN duren 10 minuts. Obtingueu-ne un de nou.",
        pin_used: "Aquest PIN ja s'ha utilitzat. Obtingueu-ne un de nou.",
        pin_superseded: "Aquest PIN ha estat substituït per un de més recent. Utilitzeu el més \
                         recent o obtingueu-ne un de nou.",
        pin_dead: "Massa intents fallits amb aquest PIN. Obtingueu-ne un de nou.",
        unknown_request: "Aquesta sol·licitud de PIN ja no existeix. Obtingueu un PIN nou.",
        sms_limit: "El PIN ja s'ha enviat per SMS. Si no us arriba, obtingueu-ne un de nou.",
        pins_locked: "Els PIN estan bloquejats després de massa intents fallits. Torneu a activar \
                      l'app Cl@ve PIN o adreceu-vos a una oficina de registre.",
        too_many_attempts: |wait| {
            format!(
                "Massa intents fallits amb aquest document. Torneu-ho a provar d'aquí a {wait}."
            )
        },
        too_many_pins: |wait| {
            format!("Heu sol·licitat massa PIN. Torneu-ho a provar d'aquí a {wait}.")
        },
        throttled: |wait| {
            format!("Massa PIN incorrectes. Espereu {wait} abans de tornar-ho a provar.")
        },
        internal: "El servei no ha pogut completar la sol·licitud. No s'ha canviat res; torneu-ho \
                   a provar.",
        busy: "El servei està ocupat. Torneu-ho a provar d'aquí a uns minuts.",
        seconds: |n| if n == 1 { "1 segon".into() } else { format!("{n} segons") },
        minutes: |n| if n == 1 { "1 minut".into() } else { format!("{n} minuts") },
    },
};
