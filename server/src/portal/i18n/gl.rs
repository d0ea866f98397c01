//! Galego. Os nomes de botóns e campos seguen a axuda oficial de Cl@ve ("Obter PIN").

use super::{Approve, Errors, MyDevices, Text};

pub static TEXT: Text = Text {
    language_name: "Galego",
    language_nav: "Lingua",
    brand: "Cl@ve PIN",
    footer: "Implementación de referencia ClavePIN. Non é o servizo Cl@ve da Administración.",
    error_prefix: "Erro: ",
    error_summary: "Hai un problema",
    start_again: "Comezar de novo",
    document_short: "DNI/NIE",
    signed_out: "Pechou a sesión.",
    form_expired_title: "Este formulario caducou",
    form_expired: "A súa sesión caducou (tras 15 minutos sen actividade) ou o formulario non se \
                   enviou desde este sitio. Non se fixo nada. Comece de novo.",
    privacy_link: "Protección de datos persoais",
    skip_to_content: "Ir ao contido",
    privacy_title: "Protección de datos persoais",
    privacy_intro: "Que fai este servizo cos seus datos persoais: a información que o Regulamento \
                    xeral de protección de datos (RGPD, artigo 13) nos obriga a darlle.",
    privacy_sections: [
        (
            "Responsable do tratamento",
            "O organismo público que presta este servizo Cl@ve PIN é o responsable do tratamento \
             dos seus datos, e ten un delegado de protección de datos ao que se pode dirixir. \
             Esta é a implementación de referencia ClavePIN: quen a desprega indica aquí o nome e \
             os datos de contacto dese organismo.",
        ),
        (
            "Finalidade",
            "Verificar a súa identidade cando accede con Cl@ve PIN, neste portal ou cando chega \
             aquí desde outro sitio web: compróbanse o seu DNI ou NIE e o seu dato de contraste \
             co rexistro, envíase o seu PIN á súa app ou por SMS e comunícaselle ao sitio web \
             quen é vostede.",
        ),
        (
            "Lexitimación",
            "O exercicio de poderes públicos e o cumprimento dunha misión de interese público \
             (RGPD, artigo 6.1.e), conforme á Lei 39/2015 (artigos 9 e 10) e ás normas do sistema \
             Cl@ve.",
        ),
        (
            "Persoas destinatarias",
            "O sitio web ao que accede recibe o seu nome, o seu número de documento e como se \
             identificou, e só cando remata de acceder. O provedor de SMS recibe o seu número de \
             móbil e o texto que envía. As notificacións á app pasan por Google ou Apple seladas: \
             non poden ler o PIN.",
        ),
        (
            "Conservación dos datos",
            "O que rexistrou, mentres siga rexistrado en Cl@ve. Un PIN, ata que se usa ou caduca, \
             e a súa solicitude un día máis. Os intentos fallidos, 24 horas. A sesión destas \
             páxinas, 15 minutos sen actividade. Nada do que escribe aquí queda no enderezo nin \
             nos rexistros do servizo.",
        ),
        (
            "Dereitos",
            "Pode solicitar o acceso aos seus datos, a súa rectificación ou supresión, a \
             limitación do seu tratamento ou opoñerse a el (RGPD, artigos 15 a 21), nunha oficina \
             de rexistro ou ante o organismo que presta o servizo.",
        ),
        (
            "Reclamacións",
            "Se considera que os seus datos non se trataron conforme á lei, pode presentar unha \
             reclamación ante a Axencia Española de Protección de Datos (AEPD), www.aepd.es.",
        ),
        (
            "Decisións automatizadas",
            "Non se toma ningunha decisión sobre vostede só por medios automatizados, alén de \
             comprobar que o que escribe coincide co rexistro. Facilitar os seus datos é \
             necesario para acceder: sen eles non pode usar Cl@ve PIN.",
        ),
    ],

    access_title: "Acceso mediante Cl@ve PIN",
    access_intro: "Introduza o seu DNI ou NIE para iniciar o proceso.",
    access_registered: "Antes debe estar rexistrado en Cl@ve, por internet ou nunha oficina de \
                        rexistro.",
    document_label: "DNI ou NIE",
    document_hint: "Por exemplo 12345678Z ou X1234567L.",
    continue_button: "Seguinte",

    contrast_title: "Dato de contraste",
    contrast_intro: "Para comprobar que o documento é seu, indique o dato de contraste que figura \
                     nel.",
    validity_label: "Data de validez",
    issue_date_label: "Data de expedición",
    date_hint: "Tal como figura no seu DNI, DD/MM/AAAA. Se o seu DNI é permanente, marque «O meu \
                DNI é permanente» e indique aquí a súa data de expedición.",
    date_placeholder: "DD/MM/AAAA",
    permanent_label: "O meu DNI é permanente",
    permanent_hint: "Márqueo se o seu DNI ten validez ata o 01-01-9999.",
    support_label: "Número de soporte do NIE",
    support_hint: "C ou E seguida de 8 cifras, tal como figura na súa tarxeta ou certificado.",
    help_heading: "Onde atopar os datos",
    help_validity_summary: "Data de validez do DNI",
    help_validity: "A data de validez figura no anverso do DNI, baixo «VÁLIDO HASTA».",
    help_permanent_summary: "Data de expedición dun DNI permanente",
    help_permanent: "Un DNI permanente ten como validez o 01-01-9999. A súa data de expedición \
                     figura no anverso, baixo «EMISIÓN».",
    help_support_summary: "Onde está o número de soporte do NIE",
    help_support: "Na tarxeta de identidade de estranxeiro (TIE) o número de soporte figura no \
                   anverso e comeza por E; no certificado en papel, arriba á dereita, e comeza \
                   por C.",

    obtain_title: "Obter PIN",
    obtain_intro: "Prema «Obter PIN» para recibir un PIN válido durante 10 minutos. Pode escoller \
                   o código de 4 caracteres que o acompaña.",
    customise_label: "Desexo personalizar a xeración do PIN",
    custom_code_label: "Código propio",
    custom_code_hint: "4 letras ou cifras; só se usa se marca a caixa anterior. Se non, o código \
                       escóllese ao chou.",
    channel_legend: "Como desexa recibir o PIN?",
    channel_app: "Na app Cl@ve PIN",
    channel_sms: "Por SMS ao meu móbil",
    sms_only: "O PIN enviarase por SMS ao número de móbil que rexistrou.",
    obtain_button: "Obter PIN",

    pin_title: "Autenticación co PIN",
    app_notice_heading: "Consulte a app Cl@ve PIN",
    app_notice: "O seu PIN enviouse á app Cl@ve PIN do seu dispositivo. Unha notificación móstrao \
                 coa opción «Copiar PIN»; tamén pode velo, co tempo que lle queda, ao desbloquear \
                 a app co seu patrón de seguridade.",
    app_fallback: "Se non pode usar a app, enviámoslle o mesmo PIN por SMS ao seu móbil.",
    request_sms_button: "Solicitar o envío de SMS ao seu móbil",
    sms_notice_heading: "Enviouse o PIN por SMS",
    sms_sent: |hint| format!("Enviouse un SMS co PIN ao seu número de móbil {hint}."),
    sms_again: "Se non o recibe, pode solicitalo de novo.",
    request_again_button: "Solicitar de novo",
    renewed: "Enviouse un PIN novo. O anterior xa non serve.",
    pin_life: "Lembre que debe usar o PIN nos 10 minutos seguintes á súa obtención.",
    code_label: "Código da solicitude",
    code_hint: "O código desta solicitude de PIN. Non se pode cambiar.",
    pin_label: "PIN",
    pin_hint: "3 letras ou cifras.",
    access_button: "Entrar",
    obtain_new: "Obter un PIN novo",

    signed_in_title: "Accedeu correctamente",
    signed_in_intro: "Identificouse con Cl@ve PIN.",
    name_label: "Nome",
    sign_out_button: "Pechar sesión",
    my: MyDevices {
        link: "Os meus dispositivos e actividade",
        title: "Os meus dispositivos",
        intro: "O dispositivo que recibe os seus PIN e o que se fixo ultimamente coa súa Cl@ve PIN.",
        active_heading: "Dispositivo activo",
        no_device: "Non hai ningún dispositivo activo: os seus PIN envíanse por SMS ao seu móbil rexistrado.",
        name_label: "Nome",
        model_label: "Modelo",
        activated_label: "Activado",
        last_used_label: "Último uso",
        not_yet: "Aínda non",
        unnamed: "(sen nome)",
        deactivate_button: "Desactivar este dispositivo",
        deactivate_hint: "Unha vez desactivado, non recibe máis PIN: envíanse por SMS ata que volva activar a aplicación.",
        deactivated: "Desactivouse o dispositivo. Os seus PIN envíanse agora por SMS.",
        new_phone_heading: "Cambiar de móbil",
        new_phone: "Active a aplicación Cl@ve PIN no móbil novo co seu DNI ou NIE e o código que lle enviamos por SMS. O móbil anterior deixa de recibir PIN nese momento; non ten que facer nada nel.",
        reinstall: "Se reinstalou a aplicación ou borrou os seus datos no mesmo móbil, actívea de novo do mesmo xeito.",
        activity_heading: "Actividade recente",
        no_activity: "Nada aínda.",
        when_label: "Cando",
        what_label: "Que",
        how_label: "Como",
        sign_in: "Identificación",
        not_me: "Aviso «Non fun eu»",
        device_activated: "Dispositivo activado",
        device_replaced: "Dispositivo substituído por un novo",
        device_removed: "Dispositivo desactivado",
        channel_app: "PIN na aplicación",
        channel_sms: "PIN por SMS",
        channel_approval: "Aprobado na aplicación",
        not_me_help: "Se non recoñece algo desta lista, desactive o dispositivo e chame ao teléfono de axuda de Cl@ve: alguén pode coñecer os seus datos de contraste.",
        back: "Volver atrás",
    },

    approve: Approve {
        channel_approve: "Aprobar na app cun código, sen PIN",
        title: "Aprobar na app",
        intro: "Abra a app Cl@ve PIN, escolla «Aprobar un acceso» e escanee este código QR, ou escriba o código de embaixo. Comprobe que a app mostra o mesmo sitio e confirme co seu patrón.",
        site_label: "Quen o solicita",
        this_portal: "Este portal Cl@ve PIN",
        code_label: "Código para escribir na app",
        qr_label: "Código QR co código de aprobación",
        valid_until_label: "Válido ata",
        time_left_label: "Tempo restante",
        this_phone_link: "Está no móbil coa app? Abra a app",
        waiting: "Agardando a súa resposta na app. Esta páxina continuará soa cando aprobe.",
        continue_button: "Xa aprobei: continuar",
        use_pin: "Usar un PIN no seu lugar",
        refused: "O acceso rexeitouse na app. Non se fixo nada: obteña un PIN ou volva aprobar.",
        expired: "Pasaron os 5 minutos para aprobar. Non se fixo nada: obteña un PIN ou volva aprobar.",
        landing_title: "Aprobar na app Cl@ve PIN",
        landing_intro: "Abra a app Cl@ve PIN neste móbil, escolla «Aprobar un acceso» e escriba o código que mostra a páxina onde se identifica. Aprobe só un acceso que iniciase vostede.",
        landing_no_app: "Se a app non está neste móbil, escanee o código QR co móbil que a ten, ou volva atrás e obteña un PIN.",
    },

    site_asks: |site| format!("{site} pídelle que se identifique con Cl@ve PIN."),
    cancel_site: |site| format!("Cancelar e volver a {site}"),
    bad_link_title: "Esta ligazón non funciona",
    bad_link_incomplete: "A ligazón pola que chegou está incompleta. Non se fixo nada: volva ao \
                          sitio web e ténteo de novo.",
    bad_link_unknown_site: "O sitio web desde o que chegou aquí non está dado de alta en Cl@ve. \
                            Non se fixo nada: volva ao sitio web e comuníquello.",
    bad_link_unregistered_return: "O sitio web desde o que chegou aquí pediu a resposta nun \
                                   enderezo que non deu de alta en Cl@ve, polo que a resposta non \
                                   se enviará alí. Non se fixo nada.",
    logout_title: "Pechar a sesión de Cl@ve",
    logout_asks: |site| format!("{site} solicita pechar a súa sesión de Cl@ve neste navegador."),
    logout_asks_anonymous: "Un sitio web solicita pechar a súa sesión de Cl@ve neste navegador.",
    bad_logout_link: "Esta ligazón de peche de sesión non funciona: non procede dun sitio web \
                      dado de alta en Cl@ve, ou indica un enderezo que o sitio web non deu de \
                      alta. Non se fixo nada.",

    err: Errors {
        document_missing: "Introduza o seu DNI ou NIE.",
        document_shape: "Introduza un DNI (8 cifras e unha letra) ou un NIE (X, Y ou Z, 7 cifras \
                         e unha letra).",
        document_letter: "A letra non corresponde ao número. Revise o documento.",
        date_missing: "Introduza a data.",
        date_format: "Escriba a data como DD/MM/AAAA.",
        date_calendar: "Esa data non existe. Revise o día e o mes.",
        date_range: "Revise o ano: os documentos de identidade existen desde 1944.",
        date_permanent: "O seu DNI é permanente (01-01-9999): marque «O meu DNI é permanente» e \
                         indique a súa data de expedición.",
        date_too_far: "Ningún DNI é válido durante máis de 10 anos. Revise a data de validez.",
        date_future: "A data de expedición non pode ser futura.",
        support_missing: "Introduza o número de soporte.",
        support_shape: "O número de soporte é unha C ou unha E seguida de 8 cifras.",
        contrast_mismatch: "O documento e o dato de contraste non coinciden cos nosos rexistros. \
                            Revíseos e ténteo de novo.",
        not_registered: "Este documento non está rexistrado en Cl@ve. Rexístrese antes por \
                         internet ou nunha oficina de rexistro.",
        code_missing: "Introduza o código de 4 caracteres, ou desmarque a caixa para obter un ao \
                       chou.",
        code_shape: "O código ten exactamente 4 letras ou cifras.",
        code_unticked: "Para usar este código, marque «Desexo personalizar a xeración do PIN»; ou \
                        deixe o campo baleiro para un código ao chou.",
        app_not_activated: "A app Cl@ve PIN non está activada para vostede. Escolla SMS.",
        pin_missing: "Introduza o PIN.",
        pin_shape: "O PIN ten 3 letras ou cifras (nunca 0, O, 1, I nin L).",
        wrong_pin: |n| match n {
            1 => "PIN incorrecto. Quédalle 1 intento.".into(),
            n => format!("PIN incorrecto. Quédanlle {n} intentos."),
        },
        pin_expired: "Este PIN caducou: os PIN duran 10 minutos. Obteña un novo.",
        pin_used: "Este PIN xa se utilizou. Obteña un novo.",
        pin_superseded: "Un PIN máis recente substituíu este. Use o máis recente ou obteña un \
                         novo.",
        pin_dead: "Demasiados intentos fallidos con este PIN. Obteña un novo.",
        unknown_request: "Esta solicitude de PIN xa non existe. Obteña un PIN novo.",
        sms_limit: "O PIN xa se enviou por SMS. Se non lle chega, obteña un novo.",
        pins_locked: "Os PIN están bloqueados tras demasiados intentos fallidos. Active de novo a \
                      app Cl@ve PIN ou acuda a unha oficina de rexistro.",
        too_many_attempts: |wait| {
            format!("Demasiados intentos fallidos con este documento. Ténteo de novo en {wait}.")
        },
        too_many_pins: |wait| format!("Solicitou demasiados PIN. Ténteo de novo en {wait}."),
        throttled: |wait| {
            format!("Demasiados PIN incorrectos. Agarde {wait} antes de volver intentalo.")
        },
        internal: "O servizo non puido completar a solicitude. Non se cambiou nada; ténteo de \
                   novo.",
        busy: "O servizo está ocupado. Ténteo de novo dentro duns minutos.",
        seconds: |n| if n == 1 { "1 segundo".into() } else { format!("{n} segundos") },
        minutes: |n| if n == 1 { "1 minuto".into() } else { format!("{n} minutos") },
    },
};
