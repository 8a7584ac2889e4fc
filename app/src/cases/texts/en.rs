//! The cases domain's page texts in English.

use super::CasesTexts;

pub(super) const TEXTS: CasesTexts = CasesTexts {
    status_title: "Check your case status",
    status_intro: "Enter the receipt number from your receipt notice to see the current status of your case and its history. You do not need to sign in.",
    receipt_number: "Receipt number",
    receipt_hint: "Three letters and ten digits, for example IOE0912345678. Spaces and dashes are fine.",
    check_status: "Check status",
    current_status: "Current status",
    history_title: "Case history",
    form: "Form",
    received: "Received",
    last_updated: "Last updated",
    my_cases_title: "Your cases",
    my_cases_intro: "The cases linked to your account, most recently updated first.",
    no_cases: "No cases are linked to your account yet.",
    case_status_link: "Check the status of any case by receipt number",
    case_queue: "Go to the case queue",
    case_title: "Case {receipt}",
    next_steps_title: "What to do next",
    nothing_to_do: "Nothing is needed from you right now. We will tell you when something changes.",
    evidence_requested: "We need more evidence from you. Read the request in your notices and send what it asks for by the date it gives.",
    evidence_due: "Send the evidence by {date}.",
    receipt_empty: "Enter a receipt number.",
    receipt_unexpected_character: "A receipt number has only letters and digits (spaces and dashes are fine), for example IOE0912345678.",
    receipt_missing_prefix: "A receipt number starts with three letters, for example IOE0912345678.",
    receipt_unknown_centre: "The three letters must name a service centre: EAC, WAC, LIN, SRC, NBC, MSC, IOE or YSC.",
    receipt_too_few_digits: "A receipt number has ten digits after the three letters; this one has fewer.",
    receipt_too_many_digits: "A receipt number has ten digits after the three letters; this one has more.",
    receipt_unknown: "We could not find a case with this receipt number. Check it against your receipt notice and try again.",
};
