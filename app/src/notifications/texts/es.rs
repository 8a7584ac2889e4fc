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
    texts_go_to: "Los mensajes de texto van a su número que termina en {ending}, el que usa para iniciar sesión.",
    change_phone: "Cambiar número de teléfono",
    no_phone: "Los mensajes de texto solo van a un número que usted confirmó con un código.",
    add_phone: "Agregar un número de teléfono",
    texts_unavailable: "Los mensajes de texto no están disponibles en este servicio.",
    save_settings: "Guardar",
    phone_required: "Agregue un número de teléfono y confírmelo con el código que le enviamos antes de elegir mensajes de texto.",
    settings_saved: "Se guardó su configuración de notificaciones.",
    all_read: "Todas las notificaciones están marcadas como leídas.",
    link: "Notificaciones",
};
