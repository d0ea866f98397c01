//! Euskara. Botoien eta eremuen izenak Cl@veren laguntza ofizialari jarraitzen diote; NAN eta
//! AIZ, aplikazioetan bezala («Lortu PINa»).

use super::{Approve, Errors, MyDevices, Text};

pub static TEXT: Text = Text {
    language_name: "Euskara",
    language_nav: "Hizkuntza",
    brand: "Cl@ve PIN",
    footer: "ClavePIN erreferentzia-inplementazioa. Ez da Administrazioaren Cl@ve zerbitzua.",
    error_prefix: "Errorea: ",
    error_summary: "Arazo bat dago",
    start_again: "Berriro hasi",
    document_short: "NAN/AIZ",
    signed_out: "Saioa itxi duzu.",
    form_expired_title: "Inprimaki hau iraungi da",
    form_expired: "Zure saioa iraungi da (15 minutuz jarduerarik gabe egon ondoren) edo \
                   inprimakia ez da gune honetatik bidali. Ez da ezer egin. Hasi berriro.",
    privacy_link: "Datuen babesa",
    skip_to_content: "Joan edukira",
    privacy_title: "Datuen babesa",
    privacy_intro: "Zer egiten duen zerbitzu honek zure datu pertsonalekin, Datuak Babesteko \
                    Erregelamendu Orokorrak (DBEO, 13. artikulua) jakinarazteko eskatzen digun \
                    bezala.",
    privacy_sections: [
        (
            "Arduraduna",
            "Cl@ve PIN zerbitzu hau ematen duen erakunde publikoa da zure datuen tratamenduaren \
             arduraduna, eta datuak babesteko ordezkari bat du; harengana jo dezakezu. Hau \
             ClavePIN erreferentzia-inplementazioa da: hedatzen duenak erakunde horren izena eta \
             harremanetarako datuak adierazten ditu hemen.",
        ),
        (
            "Helburua",
            "Zu identifikatzea Cl@ve PINekin sartzen zarenean, atari honetan edo hona bidaltzen \
             zaituen webgune batean: zure NANa edo AIZa eta zure kontraste-datua erregistroarekin \
             egiaztatzen dira, zure PINa zure aplikaziora edo SMS bidez bidaltzen da, eta \
             webguneari nor zaren jakinarazten zaio.",
        ),
        (
            "Legitimazioa",
            "Botere publikoak egikaritzea eta interes publikoko eginkizun bat betetzea (DBEO, \
             6.1.e artikulua), 39/2015 Legearen (9. eta 10. artikuluak) eta Cl@ve sistemaren \
             arauen arabera.",
        ),
        (
            "Hartzaileak",
            "Sartzen zaren webguneak zure izena, zure dokumentu-zenbakia eta nola identifikatu \
             zaren jasotzen ditu, eta sartzen amaitzen duzunean bakarrik. SMS hornitzaileak zure \
             mugikor-zenbakia eta bidaltzen duen testua jasotzen ditu. Aplikaziorako \
             jakinarazpenak Googleren edo Appleren bidez igarotzen dira, zigilatuta: ezin dute \
             PINa irakurri.",
        ),
        (
            "Kontserbazioa",
            "Erregistratu zenuena, Cl@ve-n erregistratuta jarraitzen duzun bitartean. PIN bat, \
             erabili edo iraungi arte, eta haren eskaera egun bat gehiago. Huts egindako \
             saiakerak, 24 ordu. Orri hauetako saioa, 15 minutu jarduerarik gabe. Hemen idazten \
             duzun ezer ez da geratzen helbidean, ezta zerbitzuaren erregistroetan ere.",
        ),
        (
            "Eskubideak",
            "Zure datuak eskuratzeko, zuzentzeko edo ezabatzeko eska dezakezu, baita haien \
             tratamendua mugatzeko edo horren aurka egiteko ere (DBEO, 15. artikulutik 21.era), \
             erregistro-bulego batean edo zerbitzua ematen duen erakundearen aurrean.",
        ),
        (
            "Erreklamazioak",
            "Zure datuak legearen arabera tratatu ez direla uste baduzu, erreklamazioa aurkez \
             dezakezu Datuak Babesteko Espainiako Agentzian (AEPD), www.aepd.es.",
        ),
        (
            "Erabaki automatizatuak",
            "Ez da zuri buruzko erabakirik hartzen bitarteko automatizatuen bidez soilik, idazten \
             duzuna erregistroarekin bat datorrela egiaztatzeaz harago. Zure datuak ematea \
             beharrezkoa da sartzeko: horiek gabe ezin duzu Cl@ve PIN erabili.",
        ),
    ],

    access_title: "Cl@ve PIN bidezko sarbidea",
    access_intro: "Sartu zure NANa edo AIZa prozesua hasteko.",
    access_registered: "Lehenago Cl@ve-n erregistratuta egon behar duzu, internet bidez edo \
                        erregistro-bulego batean.",
    document_label: "NAN edo AIZ",
    document_hint: "Adibidez, 12345678Z edo X1234567L.",
    continue_button: "Jarraitu",

    contrast_title: "Kontraste-datuak",
    contrast_intro: "Dokumentua zurea dela egiaztatzeko, adierazi bertan agertzen den \
                     kontraste-datua.",
    validity_label: "Baliozkotasun-data",
    issue_date_label: "Igorpen-data",
    date_hint: "NANean agertzen den bezala, EE/HH/UUUU. Zure NANa iraunkorra bada, markatu «NAN \
                iraunkorra» eta adierazi hemen igorpen-data.",
    date_placeholder: "EE/HH/UUUU",
    permanent_label: "NAN iraunkorra",
    permanent_hint: "Markatu lauki hau zure NANak 01-01-9999 arteko baliozkotasuna badu.",
    support_label: "Euskarri-zenbakia",
    support_hint: "C edo E, eta ondoren 8 zifra, zure txartelean edo ziurtagirian agertzen den \
                   bezala.",
    help_heading: "Non aurkitu datuak",
    help_validity_summary: "NANaren baliozkotasun-data",
    help_validity: "Baliozkotasun-data NANaren aurrealdean dago, «VÁLIDO HASTA» azpian.",
    help_permanent_summary: "NAN iraunkor baten igorpen-data",
    help_permanent: "NAN iraunkor batek 01-01-9999 du baliozkotasun gisa. Igorpen-data \
                     aurrealdean dago, «EMISIÓN» azpian.",
    help_support_summary: "AIZaren euskarri-zenbakia",
    help_support: "Atzerritarren identitate-txartelean (TIE), euskarri-zenbakia aurrealdean dago \
                   eta E letraz hasten da; paperezko ziurtagirian, goian eskuinean dago, eta C \
                   letraz hasten da.",

    obtain_title: "Lortu PINa",
    obtain_intro: "Sakatu «Lortu PINa» 10 minutuz baliozkoa den PIN bat jasotzeko. Harekin batera \
                   doan 4 karaktereko kodea aukera dezakezu.",
    customise_label: "PINaren sorrera pertsonalizatu nahi dut",
    custom_code_label: "Kode pertsonalizatua",
    custom_code_hint: "4 letra edo zifra; goiko laukia markatzen baduzu bakarrik erabiltzen da. \
                       Bestela, kodea ausaz aukeratzen da.",
    channel_legend: "Nola jaso nahi duzu PINa?",
    channel_app: "Cl@ve PIN aplikazioan",
    channel_sms: "SMS bidez, nire mugikorrera",
    sms_only: "PINa SMS bidez bidaliko da erregistratu zenuen mugikor-zenbakira.",
    obtain_button: "Lortu PINa",

    pin_title: "PIN bidezko autentifikazioa",
    app_notice_heading: "Begiratu Cl@ve PIN aplikazioa",
    app_notice: "Zure PINa zure gailuko Cl@ve PIN aplikaziora bidali da. Jakinarazpen batek \
                 erakusten du, «Kopiatu PINa» aukerarekin; aplikazioa zure segurtasun-ereduarekin \
                 desblokeatzean ere ikus dezakezu, geratzen zaion denborarekin batera.",
    app_fallback: "Aplikazioa erabili ezin baduzu, PIN bera SMS bidez bidaliko dizugu zure \
                   mugikorrera.",
    request_sms_button: "SMSa zure mugikorrera bidaltzeko eskatu",
    sms_notice_heading: "PINa SMS bidez bidali da",
    sms_sent: |hint| format!("PINa duen SMS bat bidali da zure mugikor-zenbakira: {hint}."),
    sms_again: "Jasotzen ez baduzu, berriro eska dezakezu.",
    request_again_button: "Berriro eskatu",
    renewed: "PIN berri bat bidali da. Aurrekoak ez du balio jada.",
    pin_life: "Gogoratu PINa lortu eta hurrengo 10 minutuetan erabili behar duzula.",
    code_label: "Kodea",
    code_hint: "PIN eskaera honen kodea. Ezin da aldatu.",
    pin_label: "PINa",
    pin_hint: "3 letra edo zifra.",
    access_button: "Sartu",
    obtain_new: "Lortu PIN berri bat",

    signed_in_title: "Behar bezala sartu zara",
    signed_in_intro: "Cl@ve PINekin identifikatu zara.",
    name_label: "Izena",
    sign_out_button: "Saioa itxi",
    my: MyDevices {
        link: "Nire gailuak eta jarduera",
        title: "Nire gailuak",
        intro: "Zure PINak jasotzen dituen gailua, eta azkenaldian zure Cl@ve PINarekin egindakoa.",
        active_heading: "Gailu aktiboa",
        no_device: "Ez dago gailu aktiborik: zure PINak SMS bidez bidaltzen dira erregistratutako mugikorrera.",
        name_label: "Izena",
        model_label: "Eredua",
        activated_label: "Aktibatua",
        last_used_label: "Azken erabilera",
        not_yet: "Oraindik ez",
        unnamed: "(izenik gabe)",
        deactivate_button: "Desaktibatu gailu hau",
        deactivate_hint: "Desaktibatu ondoren, ez du PIN gehiagorik jasotzen: SMS bidez bidaltzen dira aplikazioa berriro aktibatu arte.",
        deactivated: "Gailua desaktibatu da. Zure PINak SMS bidez bidaltzen dira orain.",
        new_phone_heading: "Mugikorrez aldatzea",
        new_phone: "Aktibatu Cl@ve PIN aplikazioa mugikor berrian zure NAN edo AIZ zenbakiarekin eta SMS bidez bidaltzen dizugun kodearekin. Aurreko mugikorrak une horretan uzten dio PINak jasotzeari; ez duzu ezer egin behar hartan.",
        reinstall: "Mugikor berean aplikazioa berriro instalatu baduzu edo haren datuak ezabatu badituzu, aktibatu berriro modu berean.",
        activity_heading: "Azken jarduera",
        no_activity: "Ezer ez oraindik.",
        when_label: "Noiz",
        what_label: "Zer",
        how_label: "Nola",
        sign_in: "Identifikazioa",
        not_me: "«Ez naiz ni izan» abisua",
        device_activated: "Gailua aktibatu da",
        device_replaced: "Gailua berri batekin ordeztu da",
        device_removed: "Gailua desaktibatu da",
        channel_app: "PINa aplikazioan",
        channel_sms: "PINa SMS bidez",
        channel_approval: "Aplikazioan onartua",
        not_me_help: "Zerrenda honetako zerbait ezagutzen ez baduzu, desaktibatu gailua eta deitu Cl@ve-ren laguntza-telefonora: norbaitek zure egiaztapen-datuak ezagut ditzake.",
        back: "Itzuli",
    },

    approve: Approve {
        channel_approve: "Aplikazioan onartu kode batekin, PINik gabe",
        title: "Aplikazioan onartu",
        intro: "Ireki Cl@ve PIN aplikazioa, aukeratu «Sarbide bat onartu» eta eskaneatu QR kode hau, edo idatzi beheko kodea. Egiaztatu aplikazioak gune bera erakusten duela, eta berretsi zure ereduarekin.",
        site_label: "Nork eskatzen du",
        this_portal: "Cl@ve PIN atari hau",
        code_label: "Aplikazioan idazteko kodea",
        qr_label: "Onarpen-kodea duen QR kodea",
        valid_until_label: "Noiz arte balio du",
        time_left_label: "Geratzen den denbora",
        this_phone_link: "Aplikazioa duen mugikorrean zaude? Ireki aplikazioa",
        waiting: "Aplikazioko zure erantzunaren zain. Orri hau bere kabuz jarraituko du onartzen duzunean.",
        continue_button: "Onartu dut: jarraitu",
        use_pin: "Erabili PIN bat horren ordez",
        refused: "Sarbidea aplikazioan baztertu da. Ez da ezer egin: lortu PIN bat edo onartu berriro.",
        expired: "Onartzeko 5 minutuak igaro dira. Ez da ezer egin: lortu PIN bat edo onartu berriro.",
        landing_title: "Cl@ve PIN aplikazioan onartu",
        landing_intro: "Ireki Cl@ve PIN aplikazioa mugikor honetan, aukeratu «Sarbide bat onartu» eta idatzi identifikatzen zaren orriak erakusten duen kodea. Onartu bakarrik zuk zeuk hasitako sarbide bat.",
        landing_no_app: "Aplikazioa mugikor honetan ez badago, eskaneatu QR kodea aplikazioa duen mugikorrarekin, edo itzuli eta lortu PIN bat.",
    },

    site_asks: |site| format!("{site} webguneak Cl@ve PINekin identifikatzeko eskatzen dizu."),
    cancel_site: |site| format!("Utzi eta itzuli {site} webgunera"),
    bad_link_title: "Esteka honek ez du funtzionatzen",
    bad_link_incomplete: "Hona ekarri zaituen esteka osatu gabe dago. Ez da ezer egin: itzuli \
                          webgunera eta saiatu berriro.",
    bad_link_unknown_site: "Hona bidali zaituen webgunea ez dago Cl@ve-n alta emanda. Ez da ezer \
                            egin: itzuli webgunera eta jakinarazi.",
    bad_link_unregistered_return: "Hona bidali zaituen webguneak Cl@ve-n alta eman ez duen \
                                   helbide batean eskatu du erantzuna; beraz, ez zaitugu hara \
                                   bidaliko. Ez da ezer egin.",
    logout_title: "Cl@ve saioa itxi",
    logout_asks: |site| {
        format!("{site} webguneak zure Cl@ve saioa nabigatzaile honetan ixteko eskatzen du.")
    },
    logout_asks_anonymous: "Webgune batek zure Cl@ve saioa nabigatzaile honetan ixteko eskatzen \
                            du.",
    bad_logout_link: "Saioa ixteko esteka honek ez du funtzionatzen: ez dator Cl@ve-n alta \
                      emandako webgune batetik, edo webguneak alta eman ez duen helbide bat \
                      adierazten du. Ez da ezer egin.",

    err: Errors {
        document_missing: "Sartu zure NANa edo AIZa.",
        document_shape: "Sartu NAN bat (8 zifra eta letra bat) edo AIZ bat (X, Y edo Z, 7 zifra \
                         eta letra bat).",
        document_letter: "Letra ez dator bat zenbakiarekin. Egiaztatu dokumentua.",
        date_missing: "Sartu data.",
        date_format: "Idatzi data EE/HH/UUUU formatuan.",
        date_calendar: "Data hori ez da existitzen. Egiaztatu eguna eta hilabetea.",
        date_range: "Egiaztatu urtea: nortasun-agiriak 1944az geroztik daude.",
        date_permanent: "Zure NANa iraunkorra da (01-01-9999): markatu «NAN iraunkorra» eta \
                         adierazi igorpen-data.",
        date_too_far: "NAN bat ere ez da 10 urtetik gorako eperako baliozkoa. Egiaztatu \
                       baliozkotasun-data.",
        date_future: "Igorpen-data ezin da etorkizunekoa izan.",
        support_missing: "Sartu euskarri-zenbakia.",
        support_shape: "Euskarri-zenbakia C edo E bat da, eta ondoren 8 zifra.",
        contrast_mismatch: "Dokumentua eta kontraste-datua ez datoz bat gure erregistroekin. \
                            Egiaztatu eta saiatu berriro.",
        not_registered: "Dokumentu hau ez dago Cl@ve-n erregistratuta. Erregistratu lehenik \
                         internet bidez edo erregistro-bulego batean.",
        code_missing: "Sartu 4 karaktereko kodea, edo desmarkatu laukia ausazko kode bat izateko.",
        code_shape: "Kodeak zehazki 4 letra edo zifra ditu.",
        code_unticked: "Kode hau erabiltzeko, markatu «PINaren sorrera pertsonalizatu nahi dut»; \
                        edo utzi eremua hutsik ausazko kode baterako.",
        app_not_activated: "Cl@ve PIN aplikazioa ez dago zuretzat aktibatuta. Aukeratu SMS.",
        pin_missing: "Sartu PINa.",
        pin_shape: "PINak 3 letra edo zifra ditu (inoiz ez 0, O, 1, I edo L).",
        wrong_pin: |n| match n {
            1 => "PIN okerra. Saiakera 1 geratzen zaizu.".into(),
            n => format!("PIN okerra. {n} saiakera geratzen zaizkizu."),
        },
        pin_expired: "PIN hau iraungi da: PINek 10 minutu irauten dute. Lortu beste bat.",
        pin_used: "PIN hau erabili da jada. Lortu beste bat.",
        pin_superseded: "PIN berriago batek ordeztu du hau. Erabili berriena edo lortu beste bat.",
        pin_dead: "Huts egindako saiakera gehiegi PIN honekin. Lortu beste bat.",
        unknown_request: "PIN eskaera hau ez da existitzen jada. Lortu PIN berri bat.",
        sms_limit: "PINa SMS bidez bidali da jada. Iristen ez bazaizu, lortu beste bat.",
        pins_locked: "PINak blokeatuta daude huts egindako saiakera gehiegiren ondoren. Aktibatu \
                      berriro Cl@ve PIN aplikazioa edo joan erregistro-bulego batera.",
        too_many_attempts: |wait| {
            format!(
                "Huts egindako saiakera gehiegi dokumentu honekin. Saiatu berriro {wait} barru."
            )
        },
        too_many_pins: |wait| format!("PIN gehiegi eskatu dituzu. Saiatu berriro {wait} barru."),
        throttled: |wait| format!("PIN oker gehiegi. Itxaron {wait} berriro saiatu aurretik."),
        internal: "Zerbitzuak ezin izan du eskaera osatu. Ez da ezer aldatu; saiatu berriro.",
        busy: "Zerbitzua lanpetuta dago. Saiatu berriro minutu batzuk barru.",
        seconds: |n| if n == 1 { "segundo 1".into() } else { format!("{n} segundo") },
        minutes: |n| if n == 1 { "minutu 1".into() } else { format!("{n} minutu") },
    },
};
