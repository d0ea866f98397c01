//! Español. Los nombres de botones y campos siguen la ayuda oficial de Cl@ve
//! ("Obtener PIN", "Deseo personalizar la generación del PIN", "Solicitar de nuevo").

use super::{Approve, Errors, MyDevices, Text};

pub static TEXT: Text = Text {
    language_name: "Español",
    language_nav: "Idioma",
    brand: "Cl@ve PIN",
    footer: "Implementación de referencia ClavePIN. No es el servicio Cl@ve de la \
             Administración.",
    error_prefix: "Error: ",
    error_summary: "Hay un problema",
    start_again: "Volver a empezar",
    document_short: "DNI/NIE",
    signed_out: "Ha cerrado la sesión.",
    form_expired_title: "Este formulario ha caducado",
    form_expired: "Su sesión ha caducado (tras 15 minutos sin actividad) o el formulario no se \
                   envió desde este sitio. No se ha hecho nada. Vuelva a empezar.",
    privacy_link: "Protección de datos",
    skip_to_content: "Saltar al contenido",
    privacy_title: "Protección de datos",
    privacy_intro: "Qué hace este servicio con sus datos personales, como el Reglamento General de \
                    Protección de Datos (RGPD, artículo 13) nos obliga a informarle.",
    privacy_sections: [
        (
            "Responsable",
            "El organismo público que presta este servicio Cl@ve PIN es el responsable del \
             tratamiento de sus datos, y tiene un delegado de protección de datos al que puede \
             dirigirse. Esta es la implementación de referencia ClavePIN: quien la despliega \
             indica aquí el nombre y los datos de contacto de ese organismo.",
        ),
        (
            "Finalidad",
            "Identificarle cuando accede con Cl@ve PIN, en este portal o en un sitio que le envía \
             aquí: se comprueban su DNI o NIE y su dato de contraste con el registro, se envía su \
             PIN a su app o por SMS y se comunica al sitio quién es usted.",
        ),
        (
            "Legitimación",
            "El ejercicio de poderes públicos y el cumplimiento de una misión de interés público \
             (RGPD, artículo 6.1.e), conforme a la Ley 39/2015 (artículos 9 y 10) y a las normas \
             del sistema Cl@ve.",
        ),
        (
            "Destinatarios",
            "El sitio al que accede recibe su nombre, su número de documento y cómo se ha \
             identificado, y solo cuando termina de acceder. El proveedor de SMS recibe su número \
             de móvil y el texto que envía. Las notificaciones a la app pasan por Google o Apple \
             selladas: no pueden leer el PIN.",
        ),
        (
            "Conservación",
            "Lo que registró, mientras siga registrado en Cl@ve. Un PIN, hasta que se usa o \
             caduca, y su solicitud un día más. Los intentos fallidos, 24 horas. La sesión de \
             estas páginas, 15 minutos sin actividad. Nada de lo que escribe aquí queda en la \
             dirección ni en los registros del servicio.",
        ),
        (
            "Derechos",
            "Puede solicitar el acceso a sus datos, su rectificación o supresión, la limitación \
             de su tratamiento u oponerse a él (RGPD, artículos 15 a 21), en una oficina de \
             registro o ante el organismo que presta el servicio.",
        ),
        (
            "Reclamaciones",
            "Si considera que sus datos no se han tratado conforme a la ley, puede reclamar ante \
             la Agencia Española de Protección de Datos (AEPD), www.aepd.es.",
        ),
        (
            "Decisiones automatizadas",
            "No se toma ninguna decisión sobre usted solo por medios automatizados, más allá de \
             comprobar que lo que escribe coincide con el registro. Facilitar sus datos es \
             necesario para acceder: sin ellos no puede usar Cl@ve PIN.",
        ),
    ],

    access_title: "Acceso con Cl@ve PIN",
    access_intro: "Introduzca su DNI o NIE para iniciar el proceso.",
    access_registered: "Antes debe estar registrado en Cl@ve, por internet o en una oficina de \
                        registro.",
    document_label: "DNI o NIE",
    document_hint: "Por ejemplo 12345678Z o X1234567L.",
    continue_button: "Continuar",

    contrast_title: "Datos de contraste",
    contrast_intro: "Para comprobar que el documento es suyo, indique el dato de contraste que \
                     figura en él.",
    validity_label: "Fecha de validez",
    issue_date_label: "Fecha de expedición",
    date_hint: "Tal como figura en su DNI, DD/MM/AAAA. Si su DNI es permanente, marque «DNI \
                permanente» e indique aquí su fecha de expedición.",
    date_placeholder: "DD/MM/AAAA",
    permanent_label: "DNI permanente",
    permanent_hint: "Márquelo si su DNI tiene validez hasta el 01-01-9999.",
    support_label: "Número de soporte",
    support_hint: "C o E seguida de 8 cifras, tal como figura en su tarjeta o certificado.",
    help_heading: "Dónde encontrar los datos",
    help_validity_summary: "Fecha de validez del DNI",
    help_validity: "La fecha de validez figura en el anverso del DNI, bajo «VÁLIDO HASTA».",
    help_permanent_summary: "Fecha de expedición de un DNI permanente",
    help_permanent: "Un DNI permanente tiene como validez el 01-01-9999. Su fecha de expedición \
                     figura en el anverso, bajo «EMISIÓN».",
    help_support_summary: "Número de soporte del NIE",
    help_support: "En la tarjeta de identidad de extranjero (TIE) el número de soporte figura en \
                   el anverso y empieza por E; en el certificado en papel, arriba a la derecha, y \
                   empieza por C.",

    obtain_title: "Obtener PIN",
    obtain_intro: "Pulse «Obtener PIN» para recibir un PIN válido durante 10 minutos. Puede \
                   elegir el código de 4 caracteres que lo acompaña.",
    customise_label: "Deseo personalizar la generación del PIN",
    custom_code_label: "Código personalizado",
    custom_code_hint: "4 letras o cifras; solo se usa si marca la casilla anterior. Si no, el \
                       código se elige al azar.",
    channel_legend: "¿Cómo desea recibir el PIN?",
    channel_app: "En la app Cl@ve PIN",
    channel_sms: "Por SMS a mi móvil",
    sms_only: "El PIN se enviará por SMS al número de móvil que registró.",
    obtain_button: "Obtener PIN",

    pin_title: "Autenticación con PIN",
    app_notice_heading: "Consulte la app Cl@ve PIN",
    app_notice: "Su PIN se ha enviado a la app Cl@ve PIN de su dispositivo. Una notificación lo \
                 muestra con la opción «Copiar PIN»; también puede verlo, con el tiempo que le \
                 queda, al desbloquear la app con su patrón de seguridad.",
    app_fallback: "Si no puede usar la app, le enviamos el mismo PIN por SMS a su móvil.",
    request_sms_button: "Solicitar el envío de SMS a su móvil",
    sms_notice_heading: "PIN enviado por SMS",
    sms_sent: |hint| format!("Se ha enviado un SMS con el PIN a su número de móvil {hint}."),
    sms_again: "Si no lo recibe, puede solicitarlo de nuevo.",
    request_again_button: "Solicitar de nuevo",
    renewed: "Se ha enviado un PIN nuevo. El anterior ya no sirve.",
    pin_life: "Recuerde que debe usar el PIN en los 10 minutos siguientes a su obtención.",
    code_label: "Código",
    code_hint: "El código de esta solicitud de PIN. No se puede cambiar.",
    pin_label: "PIN",
    pin_hint: "3 letras o cifras.",
    access_button: "Acceder",
    obtain_new: "Obtener un PIN nuevo",

    signed_in_title: "Ha accedido correctamente",
    signed_in_intro: "Se ha identificado con Cl@ve PIN.",
    name_label: "Nombre",
    sign_out_button: "Cerrar sesión",
    my: MyDevices {
        link: "Mis dispositivos y actividad",
        title: "Mis dispositivos",
        intro: "El dispositivo que recibe sus PIN y lo que se ha hecho últimamente con su Cl@ve PIN.",
        active_heading: "Dispositivo activo",
        no_device: "No hay ningún dispositivo activo: sus PIN se envían por SMS a su móvil registrado.",
        name_label: "Nombre",
        model_label: "Modelo",
        activated_label: "Activado",
        last_used_label: "Último uso",
        not_yet: "Todavía no",
        unnamed: "(sin nombre)",
        deactivate_button: "Desactivar este dispositivo",
        deactivate_hint: "Una vez desactivado, no recibe más PIN: se envían por SMS hasta que vuelva a activar la aplicación.",
        deactivated: "El dispositivo se ha desactivado. Sus PIN se envían ahora por SMS.",
        new_phone_heading: "Cambiar de móvil",
        new_phone: "Active la aplicación Cl@ve PIN en el móvil nuevo con su DNI o NIE y el código que le enviamos por SMS. El móvil anterior deja de recibir PIN en ese momento; no tiene que hacer nada en él.",
        reinstall: "Si ha reinstalado la aplicación o borrado sus datos en el mismo móvil, actívela de nuevo de la misma forma.",
        activity_heading: "Actividad reciente",
        no_activity: "Nada todavía.",
        when_label: "Cuándo",
        what_label: "Qué",
        how_label: "Cómo",
        sign_in: "Identificación",
        not_me: "Aviso «No he sido yo»",
        device_activated: "Dispositivo activado",
        device_replaced: "Dispositivo sustituido por uno nuevo",
        device_removed: "Dispositivo desactivado",
        channel_app: "PIN en la aplicación",
        channel_sms: "PIN por SMS",
        channel_approval: "Aprobado en la aplicación",
        not_me_help: "Si no reconoce algo de esta lista, desactive el dispositivo y llame al teléfono de ayuda de Cl@ve: alguien puede conocer sus datos de contraste.",
        back: "Volver",
    },

    approve: Approve {
        channel_approve: "Aprobar en la app con un código, sin PIN",
        title: "Aprobar en la app",
        intro: "Abra la app Cl@ve PIN, elija «Aprobar un acceso» y escanee este código QR, o escriba el código de abajo. Compruebe que la app muestra el mismo sitio y confirme con su patrón.",
        site_label: "Quién lo solicita",
        this_portal: "Este portal Cl@ve PIN",
        code_label: "Código para escribir en la app",
        qr_label: "Código QR con el código de aprobación",
        valid_until_label: "Válido hasta",
        time_left_label: "Tiempo restante",
        this_phone_link: "¿Está en el móvil con la app? Abra la app",
        waiting: "Esperando su respuesta en la app. Esta página continuará sola cuando apruebe.",
        continue_button: "Ya he aprobado: continuar",
        use_pin: "Usar un PIN en su lugar",
        refused: "El acceso se rechazó en la app. No se ha hecho nada: obtenga un PIN o vuelva a aprobar.",
        expired: "Han pasado los 5 minutos para aprobar. No se ha hecho nada: obtenga un PIN o vuelva a aprobar.",
        landing_title: "Aprobar en la app Cl@ve PIN",
        landing_intro: "Abra la app Cl@ve PIN en este móvil, elija «Aprobar un acceso» y escriba el código que muestra la página donde se identifica. Apruebe solo un acceso que haya iniciado usted.",
        landing_no_app: "Si la app no está en este móvil, escanee el código QR con el móvil que la tiene, o vuelva atrás y obtenga un PIN.",
    },

    site_asks: |site| format!("{site} le pide que se identifique con Cl@ve PIN."),
    cancel_site: |site| format!("Cancelar y volver a {site}"),
    bad_link_title: "Este enlace no funciona",
    bad_link_incomplete: "El enlace por el que ha llegado está incompleto. No se ha hecho \
                          nada: vuelva al sitio e inténtelo de nuevo.",
    bad_link_unknown_site: "El sitio que le ha enviado aquí no está dado de alta en Cl@ve. No \
                            se ha hecho nada: vuelva al sitio y comuníqueselo.",
    bad_link_unregistered_return: "El sitio que le ha enviado aquí pidió la respuesta en una \
                                   dirección que no ha dado de alta en Cl@ve, así que no se le \
                                   enviará allí. No se ha hecho nada.",
    logout_title: "Cerrar la sesión de Cl@ve",
    logout_asks: |site| format!("{site} solicita cerrar su sesión de Cl@ve en este navegador."),
    logout_asks_anonymous: "Un sitio solicita cerrar su sesión de Cl@ve en este navegador.",
    bad_logout_link: "Este enlace de cierre de sesión no funciona: no procede de un sitio dado \
                      de alta en Cl@ve, o indica una dirección que el sitio no ha dado de alta. \
                      No se ha hecho nada.",

    err: Errors {
        document_missing: "Introduzca su DNI o NIE.",
        document_shape: "Introduzca un DNI (8 cifras y una letra) o un NIE (X, Y o Z, 7 cifras y \
                         una letra).",
        document_letter: "La letra no corresponde al número. Revise el documento.",
        date_missing: "Introduzca la fecha.",
        date_format: "Escriba la fecha como DD/MM/AAAA.",
        date_calendar: "Esa fecha no existe. Revise el día y el mes.",
        date_range: "Revise el año: los documentos de identidad existen desde 1944.",
        date_permanent: "Su DNI es permanente (01-01-9999): marque «DNI permanente» e indique su \
                         fecha de expedición.",
        date_too_far: "Ningún DNI es válido durante más de 10 años. Revise la fecha de \
                       validez.",
        date_future: "La fecha de expedición no puede ser futura.",
        support_missing: "Introduzca el número de soporte.",
        support_shape: "El número de soporte es una C o una E seguida de 8 cifras.",
        contrast_mismatch: "El documento y el dato de contraste no coinciden con nuestros \
                            registros. Revíselos e inténtelo de nuevo.",
        not_registered: "Este documento no está registrado en Cl@ve. Regístrese antes por \
                         internet o en una oficina de registro.",
        code_missing: "Introduzca el código de 4 caracteres, o desmarque la casilla para uno al \
                       azar.",
        code_shape: "El código tiene exactamente 4 letras o cifras.",
        code_unticked: "Para usar este código, marque «Deseo personalizar la generación del \
                        PIN»; o deje el campo vacío para un código al azar.",
        app_not_activated: "La app Cl@ve PIN no está activada para usted. Elija SMS.",
        pin_missing: "Introduzca el PIN.",
        pin_shape: "El PIN tiene 3 letras o cifras (nunca 0, O, 1, I ni L).",
        wrong_pin: |n| match n {
            1 => "PIN incorrecto. Le queda 1 intento.".into(),
            n => format!("PIN incorrecto. Le quedan {n} intentos."),
        },
        pin_expired: "Este PIN ha caducado: los PIN duran 10 minutos. Obtenga uno nuevo.",
        pin_used: "Este PIN ya se ha utilizado. Obtenga uno nuevo.",
        pin_superseded: "Un PIN más reciente ha sustituido a este. Use el más reciente u obtenga \
                         uno nuevo.",
        pin_dead: "Demasiados intentos fallidos con este PIN. Obtenga uno nuevo.",
        unknown_request: "Esta solicitud de PIN ya no existe. Obtenga un PIN nuevo.",
        sms_limit: "El PIN ya se ha enviado por SMS. Si no le llega, obtenga uno nuevo.",
        pins_locked: "Los PIN están bloqueados tras demasiados intentos fallidos. Active de nuevo \
                      la app Cl@ve PIN o acuda a una oficina de registro.",
        too_many_attempts: |wait| {
            format!("Demasiados intentos fallidos con este documento. Inténtelo dentro de {wait}.")
        },
        too_many_pins: |wait| format!("Ha solicitado demasiados PIN. Inténtelo dentro de {wait}."),
        throttled: |wait| {
            format!("Demasiados PIN incorrectos. Espere {wait} antes de volver a intentarlo.")
        },
        internal: "El servicio no ha podido completar la solicitud. No se ha cambiado nada; \
                   inténtelo de nuevo.",
        busy: "El servicio está ocupado. Inténtelo dentro de unos minutos.",
        seconds: |n| if n == 1 { "1 segundo".into() } else { format!("{n} segundos") },
        minutes: |n| if n == 1 { "1 minuto".into() } else { format!("{n} minutos") },
    },
};
