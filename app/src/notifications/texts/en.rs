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
    texts_go_to: "Texts go to your phone number ending in {ending}, the one you sign in with.",
    change_phone: "Change phone number",
    no_phone: "Texts go only to a phone number you have confirmed with a code.",
    add_phone: "Add a phone number",
    texts_unavailable: "Text messages are not available on this service.",
    save_settings: "Save",
    phone_required: "Add a phone number and confirm it with the code we text it before choosing texts.",
    settings_saved: "Your notification settings were saved.",
    all_read: "All notifications are marked as read.",
    link: "Notifications",
};
