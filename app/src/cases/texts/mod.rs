//! Everything the cases domain says, in every language: the status catalogue, form names, page
//! texts and messages. One page table per language (`en.rs`, `es.rs`) and one catalogue table
//! (`catalogue_en.rs`, `catalogue_es.rs`), in the order of `CaseStatus::ALL` and `FormType::ALL`.

mod catalogue_en;
mod catalogue_es;
mod en;
mod es;

use super::model::{CaseStatus, FormType, ReceiptProblem};
use crate::i18n::{fill, use_locale, Locale, Msg, PerLocale};
use serde::{Deserialize, Serialize};

/// One status of the catalogue in one language.
pub struct StatusText {
    /// The title, as Case Status Online shows it (e.g. "Case Was Approved").
    pub title: &'static str,
    /// What it means, addressed to the applicant; placeholders {date}, {form}, {form_name}, {receipt}.
    pub description: &'static str,
    /// One past-tense sentence for the case history; placeholders {form}, {form_name}.
    pub history: &'static str,
}

/// The catalogue of one language.
pub struct Catalogue {
    /// Per status, in the order of `CaseStatus::ALL`.
    pub statuses: &'static [StatusText; CaseStatus::ALL.len()],
    /// Per form, in the order of `FormType::ALL`.
    pub form_names: &'static [&'static str; FormType::ALL.len()],
    /// January first.
    pub months: &'static [&'static str; 12],
    /// A long date from `{day}`, `{month}` (a name from `months`) and `{year}`.
    pub long_date: &'static str,
}

static CATALOGUES: PerLocale<Catalogue> = [
    Catalogue {
        statuses: &catalogue_en::STATUSES,
        form_names: &catalogue_en::FORM_NAMES,
        months: &catalogue_en::MONTHS,
        long_date: "{month} {day}, {year}",
    },
    Catalogue {
        statuses: &catalogue_es::STATUSES,
        form_names: &catalogue_es::FORM_NAMES,
        months: &catalogue_es::MONTHS,
        long_date: "{day} de {month} de {year}",
    },
];

static TEXTS: PerLocale<CasesTexts> = [en::TEXTS, es::TEXTS];

/// The cases texts of `locale`.
pub fn texts(locale: Locale) -> &'static CasesTexts {
    locale.pick(&TEXTS)
}

/// The cases texts of the current page's language.
pub fn use_texts() -> &'static CasesTexts {
    texts(use_locale())
}

/// The status catalogue of `locale`.
pub fn catalogue(locale: Locale) -> &'static Catalogue {
    locale.pick(&CATALOGUES)
}

impl Catalogue {
    /// The texts of one status.
    pub fn status(&self, status: CaseStatus) -> &'static StatusText {
        &self.statuses[status.index()]
    }

    /// The official name of a form.
    pub fn form_name(&self, form: FormType) -> &'static str {
        self.form_names[form.index()]
    }

    /// A calendar date written out, e.g. "September 5, 2023" or "5 de septiembre de 2023".
    pub fn long_date(&self, year: i32, month: u8, day: u8) -> String {
        let month_name = self
            .months
            .get(usize::from(month.saturating_sub(1)))
            .copied()
            .unwrap_or_default();
        fill(
            self.long_date,
            &[("day", &day), ("month", &month_name), ("year", &year)],
        )
    }

    /// The description of `status` for one case, its placeholders filled in.
    pub fn description(
        &self,
        status: CaseStatus,
        date: &str,
        form: FormType,
        receipt: &str,
    ) -> String {
        fill(
            self.status(status).description,
            &[
                ("date", &date),
                ("form", &form.code()),
                ("form_name", &self.form_name(form)),
                ("receipt", &receipt),
            ],
        )
    }

    /// The history sentence of `status` for a case about `form`.
    pub fn history(&self, status: CaseStatus, form: FormType) -> String {
        fill(
            self.status(status).history,
            &[("form", &form.code()), ("form_name", &self.form_name(form))],
        )
    }
}

/// A message of the cases domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CasesMsg {
    /// What is wrong with a typed receipt number.
    Receipt(ReceiptProblem),
    /// A well-formed receipt number that names no case.
    UnknownReceipt,
    /// A paper-filed case was added with its access code.
    CaseAdded,
}

impl From<CasesMsg> for Msg {
    fn from(msg: CasesMsg) -> Self {
        Msg::Cases(msg)
    }
}

impl CasesMsg {
    /// The message in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            CasesMsg::Receipt(problem) => match problem {
                ReceiptProblem::Empty => t.receipt_empty,
                ReceiptProblem::UnexpectedCharacter => t.receipt_unexpected_character,
                ReceiptProblem::MissingPrefix => t.receipt_missing_prefix,
                ReceiptProblem::UnknownCentre => t.receipt_unknown_centre,
                ReceiptProblem::TooFewDigits => t.receipt_too_few_digits,
                ReceiptProblem::TooManyDigits => t.receipt_too_many_digits,
            }
            .to_owned(),
            CasesMsg::UnknownReceipt => t.receipt_unknown.to_owned(),
            CasesMsg::CaseAdded => t.case_added.to_owned(),
        }
    }
}

/// The cases texts of one language; each field is named after the place it appears.
#[allow(missing_docs)]
pub struct CasesTexts {
    pub status_title: &'static str,
    pub status_intro: &'static str,
    pub receipt_number: &'static str,
    pub receipt_hint: &'static str,
    pub check_status: &'static str,
    pub current_status: &'static str,
    pub history_title: &'static str,
    pub form: &'static str,
    pub received: &'static str,
    pub last_updated: &'static str,
    pub my_cases_title: &'static str,
    pub my_cases_intro: &'static str,
    pub no_cases: &'static str,
    pub case_status_link: &'static str,
    pub case_queue: &'static str,
    /// `{receipt}`.
    pub case_title: &'static str,
    pub next_steps_title: &'static str,
    pub nothing_to_do: &'static str,
    pub evidence_requested: &'static str,
    /// `{date}`: the due date of the open Request for Evidence.
    pub evidence_due: &'static str,
    pub receipt_empty: &'static str,
    pub receipt_unexpected_character: &'static str,
    pub receipt_missing_prefix: &'static str,
    pub receipt_unknown_centre: &'static str,
    pub receipt_too_few_digits: &'static str,
    pub receipt_too_many_digits: &'static str,
    pub receipt_unknown: &'static str,
    pub add_case_link: &'static str,
    pub add_case_title: &'static str,
    pub add_case_intro: &'static str,
    pub access_code: &'static str,
    pub access_code_hint: &'static str,
    pub add_case_button: &'static str,
    pub case_added: &'static str,
    pub documents_title: &'static str,
    pub no_documents: &'static str,
    /// `{notice}`: the new notice's title.
    pub new_notice: &'static str,
    /// `{receipt}`, `{status}`.
    pub status_text_message: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_describes_every_status_with_only_known_placeholders() {
        for locale in Locale::ALL {
            let c = catalogue(locale);
            for status in CaseStatus::ALL {
                let text = c.status(status);
                assert!(!text.title.is_empty(), "{locale:?} {status:?}");
                let described = c.description(status, "DATE", FormType::I130, "IOE0912345678");
                assert!(described.contains("IOE0912345678"), "{locale:?} {status:?}");
                assert!(described.contains("DATE"), "{locale:?} {status:?}");
                assert!(
                    !described.contains(['{', '}', '<', '>']),
                    "{locale:?} {status:?}: {described}"
                );
                let history = c.history(status, FormType::N400);
                assert!(
                    !history.contains(['{', '}', '<', '>']),
                    "{locale:?} {status:?}: {history}"
                );
            }
        }
    }

    #[test]
    fn long_dates_follow_each_language() {
        assert_eq!(
            catalogue(Locale::En).long_date(2023, 9, 5),
            "September 5, 2023"
        );
        assert_eq!(
            catalogue(Locale::Es).long_date(2023, 9, 5),
            "5 de septiembre de 2023"
        );
    }
}
