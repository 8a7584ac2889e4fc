//! The notification centre in English.

use super::NotificationsTexts;

pub(super) const TEXTS: NotificationsTexts = NotificationsTexts {
    title: "Notifications",
    intro: "Changes to your cases, newest first. We also tell you by email or text message if you choose so below.",
    unread_count: "{n} unread",
    nothing_yet: "No notifications yet.",
    new_label: "New",
    mark_all_read: "Mark all as read",
    settings_title: "How we tell you",
    by_email: "Email me when a case changes",
    by_text: "Send me a text message when a case changes",
    phone: "Mobile phone number for texts",
    phone_hint: "With the country code, for example +1 555 123 4567.",
    texts_unavailable: "Text messages are not available on this service.",
    save_settings: "Save",
    phone_invalid: "Enter a mobile number with its country code, for example +1 555 123 4567.",
    phone_required: "Enter the mobile number texts should go to.",
    settings_saved: "Your notification settings were saved.",
    all_read: "All notifications are marked as read.",
    link: "Notifications",
};
