//! The case status catalogue in Spanish: the words of the Spanish Case Status Online, addressed with "usted".

use super::StatusText;

/// Titles, descriptions and history sentences, in the order of `CaseStatus::ALL`.
pub(super) const STATUSES: [StatusText; 32] = [
    // CaseReceived
    StatusText {
        title: "Caso Fue Recibido",
        description: "El {date}, recibimos su Formulario {form}, {form_name}, Número de Recibo {receipt}, y le enviamos el aviso de recibo que describe cómo procesaremos su caso. Por favor, siga las instrucciones del aviso. Si se muda, visite www.uscis.gov/addresschange para darnos su nueva dirección postal.",
        history: "Recibimos su Formulario {form}, {form_name}.",
    },
    // ReceiptNoticeSent
    StatusText {
        title: "Caso Fue Recibido y Se Envió un Aviso de Recibo",
        description: "El {date}, recibimos su Formulario {form}, {form_name}, Número de Recibo {receipt}, y le enviamos por correo un aviso de recibo. Por favor, guarde el aviso y use el número de recibo siempre que se comunique con nosotros sobre este caso.",
        history: "Recibimos su Formulario {form}, {form_name}, y le enviamos un aviso de recibo.",
    },
    // FingerprintFeeReceived
    StatusText {
        title: "Se Recibió el Pago por las Huellas Digitales",
        description: "El {date}, recibimos el pago por los servicios biométricos de su Formulario {form}, {form_name}, Número de Recibo {receipt}. Le enviaremos por correo un aviso con la fecha, la hora y el lugar de su cita de servicios biométricos.",
        history: "Recibimos el pago por las huellas digitales de su Formulario {form}.",
    },
    // FingerprintsTaken
    StatusText {
        title: "Caso Fue Actualizado para Mostrar que Se Tomaron las Huellas Digitales",
        description: "El {date}, tomamos sus huellas digitales para su Formulario {form}, {form_name}, Número de Recibo {receipt}. Le enviaremos un aviso si necesitamos algo más de usted.",
        history: "Tomamos sus huellas digitales para su Formulario {form}.",
    },
    // InitialEvidenceRequested
    StatusText {
        title: "Se Envió una Solicitud de Evidencia Inicial",
        description: "El {date}, le enviamos por correo una solicitud de evidencia inicial para su Formulario {form}, {form_name}, Número de Recibo {receipt}. La solicitud explica lo que necesitamos y cómo enviarlo. Por favor, siga las instrucciones del aviso y responda antes de la fecha indicada.",
        history: "Le solicitamos evidencia inicial para su Formulario {form}.",
    },
    // EvidenceRequested
    StatusText {
        title: "Se Envió una Solicitud de Evidencia",
        description: "El {date}, le enviamos por correo una solicitud de evidencia para su Formulario {form}, {form_name}, Número de Recibo {receipt}. La solicitud explica lo que necesitamos de usted. Por favor, siga las instrucciones del aviso y responda antes de la fecha indicada.",
        history: "Le solicitamos más evidencia para su Formulario {form}.",
    },
    // EvidenceResponseReceived
    StatusText {
        title: "Se Recibió la Respuesta a la Solicitud de Evidencia de USCIS",
        description: "El {date}, recibimos su respuesta a nuestra solicitud de evidencia para su Formulario {form}, {form_name}, Número de Recibo {receipt}. Su caso se está procesando y le enviaremos por correo una decisión o un aviso cuando lo tengamos.",
        history: "Recibimos su respuesta a nuestra solicitud de evidencia para su Formulario {form}.",
    },
    // ActivelyReviewed
    StatusText {
        title: "Caso Está Siendo Revisado Activamente por USCIS",
        description: "El {date}, comenzamos a revisar activamente su Formulario {form}, {form_name}, Número de Recibo {receipt}. Le informaremos si necesitamos algo de usted y le enviaremos por correo una decisión o un aviso cuando lo tengamos.",
        history: "Comenzamos a revisar su Formulario {form}, {form_name}.",
    },
    // ReadyForInterview
    StatusText {
        title: "Caso Está Listo para Programar una Entrevista",
        description: "El {date}, su Formulario {form}, {form_name}, Número de Recibo {receipt}, quedó listo para programar una entrevista. Le enviaremos por correo un aviso con la fecha, la hora y el lugar de su entrevista.",
        history: "Su Formulario {form} quedó listo para programar una entrevista.",
    },
    // InterviewScheduled
    StatusText {
        title: "Se Programó una Entrevista",
        description: "El {date}, programamos una entrevista para su Formulario {form}, {form_name}, Número de Recibo {receipt}, y le enviamos por correo un aviso de entrevista. Por favor, siga las instrucciones del aviso y traiga los documentos que se indican.",
        history: "Programamos una entrevista para su Formulario {form}.",
    },
    // InterviewCompleted
    StatusText {
        title: "Se Completó la Entrevista y Mi Caso Debe Ser Revisado",
        description: "El {date}, realizamos su entrevista para su Formulario {form}, {form_name}, Número de Recibo {receipt}. Ahora su caso debe ser revisado y le enviaremos por correo una decisión o un aviso cuando lo tengamos.",
        history: "Realizamos su entrevista para su Formulario {form}.",
    },
    // IntentToDenySent
    StatusText {
        title: "Se Envió un Aviso de Intención de Denegar",
        description: "El {date}, le enviamos por correo un aviso de intención de denegar su Formulario {form}, {form_name}, Número de Recibo {receipt}. El aviso explica los motivos y cómo puede responder. Por favor, siga las instrucciones del aviso y responda antes de la fecha indicada.",
        history: "Le enviamos un aviso de intención de denegar su Formulario {form}.",
    },
    // ActionsExplained
    StatusText {
        title: "Se Envió por Correo un Aviso que Explica las Acciones de USCIS",
        description: "El {date}, le enviamos por correo un aviso que explica las acciones que tomamos sobre su Formulario {form}, {form_name}, Número de Recibo {receipt}. Por favor, siga las instrucciones del aviso.",
        history: "Le enviamos un aviso que explica nuestras acciones sobre su Formulario {form}.",
    },
    // Approved
    StatusText {
        title: "Caso Fue Aprobado",
        description: "El {date}, aprobamos su Formulario {form}, {form_name}, Número de Recibo {receipt}. Le enviamos un aviso de aprobación. Por favor, siga las instrucciones del aviso. Si se muda, visite www.uscis.gov/addresschange para darnos su nueva dirección postal.",
        history: "Aprobamos su Formulario {form}, {form_name}.",
    },
    // ApprovalAffirmed
    StatusText {
        title: "Se Confirmó la Aprobación del Caso",
        description: "El {date}, confirmamos la aprobación de su Formulario {form}, {form_name}, Número de Recibo {receipt}. Le enviamos por correo un aviso que explica nuestra decisión. Por favor, siga las instrucciones del aviso.",
        history: "Confirmamos la aprobación de su Formulario {form}.",
    },
    // Denied
    StatusText {
        title: "Caso Fue Denegado",
        description: "El {date}, denegamos su Formulario {form}, {form_name}, Número de Recibo {receipt}. Le enviamos por correo un aviso de decisión que explica por qué denegamos su caso y las opciones que pueda tener. Por favor, siga las instrucciones del aviso.",
        history: "Denegamos su Formulario {form}, {form_name}.",
    },
    // RejectedImproperlyFiled
    StatusText {
        title: "Caso Fue Rechazado Porque Se Presentó Incorrectamente",
        description: "El {date}, rechazamos su Formulario {form}, {form_name}, Número de Recibo {receipt}, porque no se presentó correctamente. Le devolvimos su caso con un aviso que explica el motivo. Por favor, siga las instrucciones del aviso si desea presentarlo de nuevo.",
        history: "Rechazamos su Formulario {form} porque se presentó incorrectamente.",
    },
    // RejectedIncorrectFee
    StatusText {
        title: "Caso Fue Rechazado Porque Envié una Tarifa Incorrecta",
        description: "El {date}, rechazamos su Formulario {form}, {form_name}, Número de Recibo {receipt}, porque la tarifa que envió era incorrecta. Le devolvimos su caso con un aviso que explica el motivo. Por favor, verifique la tarifa vigente antes de presentarlo de nuevo.",
        history: "Rechazamos su Formulario {form} porque la tarifa era incorrecta.",
    },
    // Transferred
    StatusText {
        title: "Caso Fue Transferido y una Nueva Oficina Tiene Jurisdicción",
        description: "El {date}, transferimos su Formulario {form}, {form_name}, Número de Recibo {receipt}, a otra oficina, que ahora tiene jurisdicción sobre su caso. Le enviamos por correo un aviso sobre la transferencia. No necesita hacer nada a menos que se lo pidamos.",
        history: "Transferimos su Formulario {form} a una nueva oficina.",
    },
    // CardBeingProduced
    StatusText {
        title: "Se Está Produciendo una Nueva Tarjeta",
        description: "El {date}, ordenamos la producción de su nueva tarjeta para su Formulario {form}, {form_name}, Número de Recibo {receipt}. Le enviaremos la tarjeta por correo a la dirección que nos dio. Si se muda, visite www.uscis.gov/addresschange para darnos su nueva dirección postal.",
        history: "Ordenamos la producción de su nueva tarjeta para su Formulario {form}.",
    },
    // CardMailed
    StatusText {
        title: "Se Me Envió la Tarjeta por Correo",
        description: "El {date}, le enviamos por correo su nueva tarjeta para su Formulario {form}, {form_name}, Número de Recibo {receipt}, a la dirección que nos dio. Si no recibe su tarjeta en un plazo de 30 días, por favor comuníquese con nosotros.",
        history: "Le enviamos por correo su nueva tarjeta para su Formulario {form}.",
    },
    // CardPickedUpByPostalService
    StatusText {
        title: "El Servicio Postal de los Estados Unidos Recogió la Tarjeta",
        description: "El {date}, el Servicio Postal de los Estados Unidos recogió el correo que contiene su nueva tarjeta para su Formulario {form}, {form_name}, Número de Recibo {receipt}. El Servicio Postal la entregará en la dirección que nos dio.",
        history: "El Servicio Postal recogió su nueva tarjeta para su Formulario {form}.",
    },
    // CardDelivered
    StatusText {
        title: "La Oficina de Correos Me Entregó la Tarjeta",
        description: "El {date}, la Oficina de Correos entregó su nueva tarjeta para su Formulario {form}, {form_name}, Número de Recibo {receipt}, en la dirección que nos dio. Si no recibió su tarjeta, por favor comuníquese con nosotros.",
        history: "La Oficina de Correos entregó su nueva tarjeta para su Formulario {form}.",
    },
    // CardReturned
    StatusText {
        title: "La Tarjeta Fue Devuelta a USCIS",
        description: "El {date}, la Oficina de Correos nos devolvió su nueva tarjeta para su Formulario {form}, {form_name}, Número de Recibo {receipt}, porque no pudo entregarla. Por favor, actualice su dirección postal en www.uscis.gov/addresschange para que podamos enviarla de nuevo.",
        history: "Nos devolvieron su nueva tarjeta para su Formulario {form}.",
    },
    // DocumentMailed
    StatusText {
        title: "Se Me Envió el Documento por Correo",
        description: "El {date}, le enviamos por correo el documento de su Formulario {form}, {form_name}, Número de Recibo {receipt}, a la dirección que nos dio. Si no lo recibe en un plazo de 30 días, por favor comuníquese con nosotros.",
        history: "Le enviamos por correo el documento de su Formulario {form}.",
    },
    // NoticeReturned
    StatusText {
        title: "El Aviso Fue Devuelto a USCIS Porque la Oficina de Correos No Pudo Entregarlo",
        description: "El {date}, la Oficina de Correos nos devolvió un aviso que le enviamos sobre su Formulario {form}, {form_name}, Número de Recibo {receipt}, porque no pudo entregarlo. Por favor, actualice su dirección postal en www.uscis.gov/addresschange.",
        history: "Nos devolvieron como no entregable un aviso sobre su Formulario {form}.",
    },
    // NameUpdated
    StatusText {
        title: "Se Actualizó el Nombre",
        description: "El {date}, actualizamos el nombre en su Formulario {form}, {form_name}, Número de Recibo {receipt}. Le enviamos por correo un aviso que confirma el cambio.",
        history: "Actualizamos su nombre en su Formulario {form}.",
    },
    // FeeRefunded
    StatusText {
        title: "Se Reembolsará la Tarifa",
        description: "El {date}, decidimos reembolsarle la tarifa que pagó por su Formulario {form}, {form_name}, Número de Recibo {receipt}. Le enviamos por correo un aviso que explica el reembolso.",
        history: "Decidimos reembolsarle la tarifa de su Formulario {form}.",
    },
    // WithdrawalAcknowledged
    StatusText {
        title: "Se Envió el Aviso de Acuse de Recibo del Retiro",
        description: "El {date}, recibimos su solicitud para retirar su Formulario {form}, {form_name}, Número de Recibo {receipt}, y le enviamos por correo un aviso que acusa recibo del retiro.",
        history: "Acusamos recibo del retiro de su Formulario {form}.",
    },
    // OathScheduled
    StatusText {
        title: "Se Programó la Ceremonia de Juramentación",
        description: "El {date}, programamos su ceremonia de juramentación para su Formulario {form}, {form_name}, Número de Recibo {receipt}, y le enviamos por correo un aviso con la fecha, la hora y el lugar. Por favor, siga las instrucciones del aviso.",
        history: "Programamos su ceremonia de juramentación para su Formulario {form}.",
    },
    // CertificateIssued
    StatusText {
        title: "Se Emitió el Certificado de Naturalización",
        description: "El {date}, emitimos su Certificado de Naturalización para su Formulario {form}, {form_name}, Número de Recibo {receipt}. Felicitaciones por obtener la ciudadanía de los Estados Unidos.",
        history: "Emitimos su Certificado de Naturalización para su Formulario {form}.",
    },
    // SentToStateDepartment
    StatusText {
        title: "Caso Fue Enviado al Departamento de Estado",
        description: "El {date}, enviamos su Formulario {form}, {form_name}, Número de Recibo {receipt}, al Centro Nacional de Visas del Departamento de Estado. El Centro Nacional de Visas se comunicará con usted sobre los próximos pasos.",
        history: "Enviamos su Formulario {form} al Departamento de Estado.",
    },
];

/// The forms' official names, in the order of `FormType::ALL`.
pub(super) const FORM_NAMES: [&str; 9] = [
    "Petición de Familiar Extranjero",
    "Solicitud de Registro de Residencia Permanente o Ajuste de Estatus",
    "Solicitud de Autorización de Empleo",
    "Solicitud para Reemplazar la Tarjeta de Residente Permanente",
    "Solicitud de Naturalización",
    "Solicitud de Documento de Viaje",
    "Tarjeta de Cambio de Dirección del Extranjero",
    "Petición para Cancelar las Condiciones de Residencia",
    "Solicitud para Extender/Cambiar el Estatus de No Inmigrante",
];

/// Month names for long dates ("5 de septiembre de 2023"), January first.
pub(super) const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
