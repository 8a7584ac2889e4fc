//! The letters Caseport prints for a case — the Account Access Notice of a paper filing and the
//! receipt, Request for Evidence, interview, approval and denial notices — composed in the
//! person's language from the case's facts and rendered by `infra::pdf`.

use super::{
    dates::long_date,
    model::{CaseStatus, FormType},
    texts::catalogue,
};
use crate::{
    i18n::{fill, Locale},
    infra::pdf::{Block, Letter},
};
use serde::{Deserialize, Serialize};

/// Which notice a case document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Receipt notice: the filing was received.
    Receipt,
    /// Request for Evidence.
    EvidenceRequest,
    /// Interview appointment.
    Interview,
    /// Approval notice.
    Approval,
    /// Denial notice.
    Denial,
}

impl NoticeKind {
    /// Every kind.
    pub const ALL: [NoticeKind; 5] = [
        NoticeKind::Receipt,
        NoticeKind::EvidenceRequest,
        NoticeKind::Interview,
        NoticeKind::Approval,
        NoticeKind::Denial,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Receipt => "receipt",
            NoticeKind::EvidenceRequest => "evidence_request",
            NoticeKind::Interview => "interview",
            NoticeKind::Approval => "approval",
            NoticeKind::Denial => "denial",
        }
    }

    /// The kind with this stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The notice a new status produces, if any (a Request for Evidence has its own, with the
    /// officer's instructions, issued by the request itself).
    pub fn for_status(status: CaseStatus) -> Option<Self> {
        match status {
            CaseStatus::CaseReceived => Some(NoticeKind::Receipt),
            CaseStatus::InterviewScheduled => Some(NoticeKind::Interview),
            CaseStatus::Approved => Some(NoticeKind::Approval),
            CaseStatus::Denied => Some(NoticeKind::Denial),
            _ => None,
        }
    }
}

/// What a notice says, fixed when it is issued (a later change to the case does not rewrite it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeFacts {
    /// The receipt number.
    pub receipt_number: String,
    /// The form's code (`I-485`).
    pub form: String,
    /// The applicant's name as filed.
    pub applicant_name: String,
    /// The online account number the case belongs to, if it has one yet.
    pub account_number: Option<String>,
    /// The status code at issue time.
    pub status: String,
    /// When the case was received (Unix seconds).
    pub received_at: i64,
    /// When the notice was issued (Unix seconds).
    pub issued_at: i64,
    /// For a Request for Evidence: what is needed, and the due date (Unix seconds).
    pub evidence: Option<(String, i64)>,
}

/// The words of the letters in one language.
pub struct LetterTexts {
    pub sender: &'static str,
    pub access_title: &'static str,
    pub access_intro: &'static str,
    pub receipt_number: &'static str,
    pub form: &'static str,
    pub applicant: &'static str,
    pub account_number: &'static str,
    pub access_code: &'static str,
    pub valid_until: &'static str,
    pub notice_date: &'static str,
    pub received: &'static str,
    pub status: &'static str,
    /// `{register}`, `{add}`: the two addresses.
    pub access_how: &'static str,
    pub access_warning: &'static str,
    pub titles: [&'static str; 5],
    pub evidence_needed: &'static str,
    pub evidence_due: &'static str,
    /// `{url}`: where to sign in.
    pub online: &'static str,
    pub footer: &'static str,
}

const EN: LetterTexts = LetterTexts {
    sender: "Caseport — online case services",
    access_title: "Account Access Notice",
    access_intro: "We received your paper filing. You can follow this case online with the online account number and the one-time access code below.",
    receipt_number: "Receipt number",
    form: "Form",
    applicant: "Applicant",
    account_number: "Online account number",
    access_code: "Access code",
    valid_until: "Code valid until",
    notice_date: "Notice date",
    received: "Received",
    status: "Status",
    access_how: "If you do not have an account, create one at {register} and enter the account number and access code: your account gets this number. If you already have an account, sign in and add the case at {add} with the receipt number and access code.",
    access_warning: "The access code works once. Keep this notice private: anyone with the code can link this case to their account.",
    titles: [
        "Receipt Notice",
        "Request for Evidence",
        "Interview Appointment Notice",
        "Approval Notice",
        "Decision Notice",
    ],
    evidence_needed: "Evidence needed",
    evidence_due: "Respond by",
    online: "Sign in at {url} to see your case, its history and your notices.",
    footer: "Caseport",
};

const ES: LetterTexts = LetterTexts {
    sender: "Caseport — servicios de casos en línea",
    access_title: "Aviso de Acceso a la Cuenta",
    access_intro: "Recibimos su solicitud en papel. Puede seguir este caso en línea con el número de cuenta en línea y el código de acceso de un solo uso que aparecen abajo.",
    receipt_number: "Número de recibo",
    form: "Formulario",
    applicant: "Solicitante",
    account_number: "Número de cuenta en línea",
    access_code: "Código de acceso",
    valid_until: "Código válido hasta",
    notice_date: "Fecha del aviso",
    received: "Recibido",
    status: "Estado",
    access_how: "Si no tiene una cuenta, cree una en {register} e introduzca el número de cuenta y el código de acceso: su cuenta recibirá este número. Si ya tiene una cuenta, inicie sesión y agregue el caso en {add} con el número de recibo y el código de acceso.",
    access_warning: "El código de acceso funciona una sola vez. Mantenga este aviso en privado: cualquier persona con el código puede vincular este caso a su cuenta.",
    titles: [
        "Aviso de Recibo",
        "Solicitud de Evidencia",
        "Aviso de Cita para Entrevista",
        "Aviso de Aprobación",
        "Aviso de Decisión",
    ],
    evidence_needed: "Evidencia requerida",
    evidence_due: "Responder antes del",
    online: "Inicie sesión en {url} para ver su caso, su historial y sus avisos.",
    footer: "Caseport",
};

fn texts(locale: Locale) -> &'static LetterTexts {
    match locale {
        Locale::En => &EN,
        Locale::Es => &ES,
    }
}

fn form_line(locale: Locale, form: &str) -> String {
    match FormType::parse(form) {
        Some(kind) => format!("{form} — {}", catalogue(locale).form_name(kind)),
        None => form.to_owned(),
    }
}

/// The Account Access Notice of a paper filing.
pub fn access_notice(
    locale: Locale,
    facts: &NoticeFacts,
    account_number: &str,
    access_code: &str,
    expires_at: i64,
    base_url: &str,
) -> Letter {
    let t = texts(locale);
    let base = base_url.trim_end_matches('/');
    Letter {
        title: t.access_title.to_owned(),
        lang: locale.tag(),
        sender: t.sender.to_owned(),
        blocks: vec![
            Block::Paragraph(t.access_intro.to_owned()),
            Block::Field(t.notice_date.to_owned(), long_date(facts.issued_at, locale)),
            Block::Field(t.receipt_number.to_owned(), facts.receipt_number.clone()),
            Block::Field(t.form.to_owned(), form_line(locale, &facts.form)),
            Block::Field(t.applicant.to_owned(), facts.applicant_name.clone()),
            Block::Field(t.account_number.to_owned(), account_number.to_owned()),
            Block::Field(t.access_code.to_owned(), access_code.to_owned()),
            Block::Field(t.valid_until.to_owned(), long_date(expires_at, locale)),
            Block::Heading(String::new()),
            Block::Paragraph(fill(
                t.access_how,
                &[
                    ("register", &format!("{base}/register")),
                    ("add", &format!("{base}/account/add-case")),
                ],
            )),
            Block::Paragraph(t.access_warning.to_owned()),
        ],
        footer: format!("{} — {}", t.footer, facts.receipt_number),
    }
}

/// The title of a notice in `locale`.
pub fn notice_title(locale: Locale, kind: NoticeKind) -> &'static str {
    let index = NoticeKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    texts(locale).titles[index]
}

/// A case notice.
pub fn case_notice(
    locale: Locale,
    kind: NoticeKind,
    facts: &NoticeFacts,
    base_url: &str,
) -> Letter {
    let t = texts(locale);
    let c = catalogue(locale);
    let mut blocks = vec![
        Block::Field(t.notice_date.to_owned(), long_date(facts.issued_at, locale)),
        Block::Field(t.receipt_number.to_owned(), facts.receipt_number.clone()),
        Block::Field(t.form.to_owned(), form_line(locale, &facts.form)),
        Block::Field(t.applicant.to_owned(), facts.applicant_name.clone()),
    ];
    if let Some(number) = &facts.account_number {
        blocks.push(Block::Field(t.account_number.to_owned(), number.clone()));
    }
    blocks.push(Block::Field(
        t.received.to_owned(),
        long_date(facts.received_at, locale),
    ));
    if let (Some(status), Some(form)) = (
        CaseStatus::parse(&facts.status),
        FormType::parse(&facts.form),
    ) {
        blocks.push(Block::Field(
            t.status.to_owned(),
            c.status(status).title.to_owned(),
        ));
        blocks.push(Block::Paragraph(c.description(
            status,
            &long_date(facts.issued_at, locale),
            form,
            &facts.receipt_number,
        )));
    }
    if let Some((instructions, due_at)) = &facts.evidence {
        blocks.push(Block::Heading(t.evidence_needed.to_owned()));
        blocks.push(Block::Paragraph(instructions.clone()));
        blocks.push(Block::Field(
            t.evidence_due.to_owned(),
            long_date(*due_at, locale),
        ));
    }
    blocks.push(Block::Paragraph(fill(
        t.online,
        &[(
            "url",
            &format!("{}/sign-in", base_url.trim_end_matches('/')),
        )],
    )));
    Letter {
        title: notice_title(locale, kind).to_owned(),
        lang: locale.tag(),
        sender: t.sender.to_owned(),
        blocks,
        footer: format!("{} — {}", t.footer, facts.receipt_number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::pdf::{render, shown_text};

    fn facts() -> NoticeFacts {
        NoticeFacts {
            receipt_number: "IOE0912345678".into(),
            form: "I-485".into(),
            applicant_name: "Ana Núñez".into(),
            account_number: Some("1234 5678 9012".into()),
            status: CaseStatus::Approved.code().into(),
            received_at: 1_700_000_000,
            issued_at: 1_760_000_000,
            evidence: None,
        }
    }

    #[test]
    fn the_access_notice_carries_the_receipt_number_account_number_and_code_in_each_language() {
        for locale in Locale::ALL {
            let letter = access_notice(
                locale,
                &facts(),
                "1234 5678 9012",
                "ABCD-EFGH-JKLM",
                1_770_000_000,
                "https://caseport.example/",
            );
            let text = shown_text(&render(&letter));
            for needle in [
                "IOE0912345678",
                "1234 5678 9012",
                "ABCD-EFGH-JKLM",
                "Ana Núñez",
                "https://caseport.example/register",
                "https://caseport.example/account/add-case",
            ] {
                assert!(
                    text.contains(needle),
                    "{locale:?}: {needle} missing from {text}"
                );
            }
            assert!(text.contains(texts(locale).access_title));
            assert!(!text.contains('{'), "{text}");
        }
    }

    #[test]
    fn every_notice_kind_has_a_title_per_language_and_prints_the_status() {
        for locale in Locale::ALL {
            for kind in NoticeKind::ALL {
                assert_eq!(NoticeKind::parse(kind.code()), Some(kind));
                let mut facts = facts();
                facts.evidence = (kind == NoticeKind::EvidenceRequest)
                    .then(|| ("Birth certificate".to_owned(), 1_765_000_000));
                let text = shown_text(&render(&case_notice(
                    locale,
                    kind,
                    &facts,
                    "https://caseport.example",
                )));
                assert!(
                    text.contains(notice_title(locale, kind)),
                    "{locale:?} {kind:?}"
                );
                assert!(text.contains(catalogue(locale).status(CaseStatus::Approved).title));
                assert!(text.contains("1234 5678 9012"));
                assert_eq!(
                    text.contains("Birth certificate"),
                    kind == NoticeKind::EvidenceRequest
                );
            }
            let titles: std::collections::HashSet<_> = NoticeKind::ALL
                .iter()
                .map(|k| notice_title(locale, *k))
                .collect();
            assert_eq!(titles.len(), NoticeKind::ALL.len());
        }
        assert_ne!(
            notice_title(Locale::En, NoticeKind::Approval),
            notice_title(Locale::Es, NoticeKind::Approval)
        );
    }
}
