//! The notification centre in Spanish.

use super::NotificationsTexts;

pub(super) const TEXTS: NotificationsTexts = NotificationsTexts {
    title: "Notificaciones",
    intro: "Cambios en sus casos, del más reciente al más antiguo. También le avisamos por correo electrónico o mensaje de texto si así lo elige abajo.",
    unread_count: "{n} sin leer",
    nothing_yet: "Todavía no hay notificaciones.",
    new_label: "Nueva",
    mark_all_read: "Marcar todas como leídas",
    settings_title: "Cómo le avisamos",
    by_email: "Enviarme un correo electrónico cuando cambie un caso",
    by_text: "Enviarme un mensaje de texto cuando cambie un caso",
    phone: "Número de teléfono móvil para mensajes de texto",
    phone_hint: "Con el código de país, por ejemplo +1 555 123 4567.",
    texts_unavailable: "Los mensajes de texto no están disponibles en este servicio.",
    save_settings: "Guardar",
    phone_invalid: "Introduzca un número móvil con su código de país, por ejemplo +1 555 123 4567.",
    phone_required: "Introduzca el número móvil al que deben ir los mensajes.",
    settings_saved: "Se guardó su configuración de notificaciones.",
    all_read: "Todas las notificaciones están marcadas como leídas.",
    link: "Notificaciones",
};
