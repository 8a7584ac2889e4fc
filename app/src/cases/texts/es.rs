//! The cases domain's page texts in Spanish.

use super::CasesTexts;

pub(super) const TEXTS: CasesTexts = CasesTexts {
    status_title: "Verifique el estatus de su caso",
    status_intro: "Escriba el número de recibo que aparece en su notificación de recibo para ver el estatus actual de su caso y su historial. No necesita iniciar sesión.",
    receipt_number: "Número de recibo",
    receipt_hint: "Tres letras y diez dígitos, por ejemplo IOE0912345678. Puede usar espacios y guiones.",
    check_status: "Verificar estatus",
    current_status: "Estatus actual",
    history_title: "Historial del caso",
    form: "Formulario",
    received: "Recibido",
    last_updated: "Última actualización",
    my_cases_title: "Sus casos",
    my_cases_intro: "Los casos vinculados a su cuenta, primero los actualizados más recientemente.",
    no_cases: "Todavía no hay casos vinculados a su cuenta.",
    case_status_link: "Verifique el estatus de cualquier caso con su número de recibo",
    case_queue: "Ir a la cola de casos",
    case_title: "Caso {receipt}",
    next_steps_title: "Qué hacer ahora",
    nothing_to_do: "Por ahora no necesitamos nada de usted. Le avisaremos cuando algo cambie.",
    evidence_requested: "Necesitamos más evidencia de usted. Lea la solicitud en sus notificaciones y envíe lo que pide antes de la fecha indicada.",
    evidence_due: "Envíe la evidencia a más tardar el {date}.",
    receipt_empty: "Escriba un número de recibo.",
    receipt_unexpected_character: "Un número de recibo tiene solo letras y dígitos (puede usar espacios y guiones), por ejemplo IOE0912345678.",
    receipt_missing_prefix: "Un número de recibo empieza con tres letras, por ejemplo IOE0912345678.",
    receipt_unknown_centre: "Las tres letras deben ser las de un centro de servicio: EAC, WAC, LIN, SRC, NBC, MSC, IOE o YSC.",
    receipt_too_few_digits: "Un número de recibo tiene diez dígitos después de las tres letras; este tiene menos.",
    receipt_too_many_digits: "Un número de recibo tiene diez dígitos después de las tres letras; este tiene más.",
    receipt_unknown: "No encontramos un caso con este número de recibo. Compárelo con su notificación de recibo e inténtelo de nuevo.",
};
