-- Texts now go only to the phone an account confirmed by text (its text-message factor). The
-- numbers typed into the notification settings were never confirmed and may be other people's:
-- they are not kept.
UPDATE notification_settings SET phone = NULL;
