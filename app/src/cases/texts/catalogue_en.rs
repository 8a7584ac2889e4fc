//! The case status catalogue in English: the words Case Status Online uses, so applicants read what they expect.

use super::StatusText;

/// Titles, descriptions and history sentences, in the order of `CaseStatus::ALL`.
pub(super) const STATUSES: [StatusText; 32] = [
    // CaseReceived
    StatusText {
        title: "Case Was Received",
        description: "On {date}, we received your Form {form}, {form_name}, Receipt Number {receipt}, and sent you the receipt notice that describes how we will process your case. Please follow the instructions in the notice. If you move, go to www.uscis.gov/addresschange to give us your new mailing address.",
        history: "We received your Form {form}, {form_name}.",
    },
    // ReceiptNoticeSent
    StatusText {
        title: "Case Was Received and A Receipt Notice Was Sent",
        description: "On {date}, we received your Form {form}, {form_name}, Receipt Number {receipt}, and mailed you a receipt notice. Please keep the notice for your records and use the receipt number whenever you contact us about this case.",
        history: "We received your Form {form}, {form_name}, and sent you a receipt notice.",
    },
    // FingerprintFeeReceived
    StatusText {
        title: "Fingerprint Fee Was Received",
        description: "On {date}, we received your biometrics services fee for your Form {form}, {form_name}, Receipt Number {receipt}. We will mail you a notice with the date, time and place of your biometrics appointment.",
        history: "We received the fingerprint fee for your Form {form}.",
    },
    // FingerprintsTaken
    StatusText {
        title: "Case Was Updated To Show Fingerprints Were Taken",
        description: "On {date}, we took your fingerprints for your Form {form}, {form_name}, Receipt Number {receipt}. We will send you a notice if we need anything else from you.",
        history: "We took your fingerprints for your Form {form}.",
    },
    // InitialEvidenceRequested
    StatusText {
        title: "Request for Initial Evidence Was Sent",
        description: "On {date}, we mailed a request for initial evidence for your Form {form}, {form_name}, Receipt Number {receipt}. The request explains what we need and how to send it. Please follow the instructions in the notice and respond by the date it gives.",
        history: "We asked you for initial evidence for your Form {form}.",
    },
    // EvidenceRequested
    StatusText {
        title: "Request for Evidence Was Sent",
        description: "On {date}, we mailed a request for evidence for your Form {form}, {form_name}, Receipt Number {receipt}. The request explains what we need from you. Please follow the instructions in the notice and respond by the date it gives.",
        history: "We asked you for more evidence for your Form {form}.",
    },
    // EvidenceResponseReceived
    StatusText {
        title: "Response To USCIS' Request For Evidence Was Received",
        description: "On {date}, we received your response to our request for evidence for your Form {form}, {form_name}, Receipt Number {receipt}. Your case is being processed, and we will mail you a decision or notice when we make one.",
        history: "We received your response to our request for evidence for your Form {form}.",
    },
    // ActivelyReviewed
    StatusText {
        title: "Case Is Being Actively Reviewed By USCIS",
        description: "On {date}, we began actively reviewing your Form {form}, {form_name}, Receipt Number {receipt}. We will let you know if we need anything from you, and we will mail you a decision or notice when we make one.",
        history: "We began reviewing your Form {form}, {form_name}.",
    },
    // ReadyForInterview
    StatusText {
        title: "Case is Ready to Be Scheduled for An Interview",
        description: "On {date}, your Form {form}, {form_name}, Receipt Number {receipt}, became ready to be scheduled for an interview. We will mail you a notice with the date, time and place of your interview.",
        history: "Your Form {form} became ready to be scheduled for an interview.",
    },
    // InterviewScheduled
    StatusText {
        title: "Interview Was Scheduled",
        description: "On {date}, we scheduled an interview for your Form {form}, {form_name}, Receipt Number {receipt}, and mailed you an interview notice. Please follow the instructions in the notice and bring the documents it lists.",
        history: "We scheduled an interview for your Form {form}.",
    },
    // InterviewCompleted
    StatusText {
        title: "Interview Was Completed And My Case Must Be Reviewed",
        description: "On {date}, we interviewed you for your Form {form}, {form_name}, Receipt Number {receipt}. Your case must now be reviewed, and we will mail you a decision or notice when we make one.",
        history: "We interviewed you for your Form {form}.",
    },
    // IntentToDenySent
    StatusText {
        title: "Notice Of Intent To Deny Was Sent",
        description: "On {date}, we mailed a notice of intent to deny your Form {form}, {form_name}, Receipt Number {receipt}. The notice explains why and how you may respond. Please follow the instructions in the notice and respond by the date it gives.",
        history: "We sent you a notice of intent to deny your Form {form}.",
    },
    // ActionsExplained
    StatusText {
        title: "Notice Explaining USCIS Actions Was Mailed",
        description: "On {date}, we mailed you a notice explaining the actions we took on your Form {form}, {form_name}, Receipt Number {receipt}. Please follow the instructions in the notice.",
        history: "We mailed you a notice explaining our actions on your Form {form}.",
    },
    // Approved
    StatusText {
        title: "Case Was Approved",
        description: "On {date}, we approved your Form {form}, {form_name}, Receipt Number {receipt}. We sent you an approval notice. Please follow the instructions in the notice. If you move, go to www.uscis.gov/addresschange to give us your new mailing address.",
        history: "We approved your Form {form}, {form_name}.",
    },
    // ApprovalAffirmed
    StatusText {
        title: "Case Approval Was Affirmed",
        description: "On {date}, we affirmed our approval of your Form {form}, {form_name}, Receipt Number {receipt}. We mailed you a notice explaining our decision. Please follow the instructions in the notice.",
        history: "We affirmed the approval of your Form {form}.",
    },
    // Denied
    StatusText {
        title: "Case Was Denied",
        description: "On {date}, we denied your Form {form}, {form_name}, Receipt Number {receipt}. We mailed you a decision notice that explains why we denied your case and any options you may have. Please follow the instructions in the notice.",
        history: "We denied your Form {form}, {form_name}.",
    },
    // RejectedImproperlyFiled
    StatusText {
        title: "Case Was Rejected Because It Was Improperly Filed",
        description: "On {date}, we rejected your Form {form}, {form_name}, Receipt Number {receipt}, because it was not filed correctly. We returned your case with a notice explaining why. Please follow the instructions in the notice if you wish to file again.",
        history: "We rejected your Form {form} because it was improperly filed.",
    },
    // RejectedIncorrectFee
    StatusText {
        title: "Case Rejected Because I Sent An Incorrect Fee",
        description: "On {date}, we rejected your Form {form}, {form_name}, Receipt Number {receipt}, because the fee you sent was incorrect. We returned your case with a notice explaining why. Please check the current fee before you file again.",
        history: "We rejected your Form {form} because the fee was incorrect.",
    },
    // Transferred
    StatusText {
        title: "Case Was Transferred And A New Office Has Jurisdiction",
        description: "On {date}, we transferred your Form {form}, {form_name}, Receipt Number {receipt}, to another office, which now has jurisdiction over your case. We mailed you a notice about the transfer. You do not need to do anything unless we ask you to.",
        history: "We transferred your Form {form} to a new office.",
    },
    // CardBeingProduced
    StatusText {
        title: "New Card Is Being Produced",
        description: "On {date}, we ordered your new card for your Form {form}, {form_name}, Receipt Number {receipt}. We will mail your card to the address you gave us. If you move, go to www.uscis.gov/addresschange to give us your new mailing address.",
        history: "We ordered your new card for your Form {form}.",
    },
    // CardMailed
    StatusText {
        title: "Card Was Mailed To Me",
        description: "On {date}, we mailed your new card for your Form {form}, {form_name}, Receipt Number {receipt}, to the address you gave us. If you do not receive your card within 30 days, please contact us.",
        history: "We mailed your new card for your Form {form}.",
    },
    // CardPickedUpByPostalService
    StatusText {
        title: "Card Was Picked Up By The United States Postal Service",
        description: "On {date}, the United States Postal Service picked up mail containing your new card for your Form {form}, {form_name}, Receipt Number {receipt}. The Postal Service will deliver it to the address you gave us.",
        history: "The Postal Service picked up your new card for your Form {form}.",
    },
    // CardDelivered
    StatusText {
        title: "Card Was Delivered To Me By The Post Office",
        description: "On {date}, the Post Office delivered your new card for your Form {form}, {form_name}, Receipt Number {receipt}, to the address you gave us. If you did not receive your card, please contact us.",
        history: "The Post Office delivered your new card for your Form {form}.",
    },
    // CardReturned
    StatusText {
        title: "Card Was Returned To USCIS",
        description: "On {date}, the Post Office returned your new card for your Form {form}, {form_name}, Receipt Number {receipt}, because it could not deliver it. Please update your mailing address at www.uscis.gov/addresschange so we can send it again.",
        history: "Your new card for your Form {form} was returned to us.",
    },
    // DocumentMailed
    StatusText {
        title: "Document Was Mailed To Me",
        description: "On {date}, we mailed the document for your Form {form}, {form_name}, Receipt Number {receipt}, to the address you gave us. If you do not receive it within 30 days, please contact us.",
        history: "We mailed the document for your Form {form}.",
    },
    // NoticeReturned
    StatusText {
        title: "Notice Was Returned To USCIS Because The Post Office Could Not Deliver It",
        description: "On {date}, the Post Office returned a notice we sent you about your Form {form}, {form_name}, Receipt Number {receipt}, because it could not deliver it. Please update your mailing address at www.uscis.gov/addresschange.",
        history: "A notice about your Form {form} was returned to us as undeliverable.",
    },
    // NameUpdated
    StatusText {
        title: "Name Was Updated",
        description: "On {date}, we updated the name on your Form {form}, {form_name}, Receipt Number {receipt}. We mailed you a notice confirming the change.",
        history: "We updated your name on your Form {form}.",
    },
    // FeeRefunded
    StatusText {
        title: "Fee Will Be Refunded",
        description: "On {date}, we decided to refund the fee you paid for your Form {form}, {form_name}, Receipt Number {receipt}. We mailed you a notice explaining the refund.",
        history: "We decided to refund the fee for your Form {form}.",
    },
    // WithdrawalAcknowledged
    StatusText {
        title: "Withdrawal Acknowledgement Notice Was Sent",
        description: "On {date}, we received your request to withdraw your Form {form}, {form_name}, Receipt Number {receipt}, and mailed you a notice acknowledging the withdrawal.",
        history: "We acknowledged the withdrawal of your Form {form}.",
    },
    // OathScheduled
    StatusText {
        title: "Oath Ceremony Was Scheduled",
        description: "On {date}, we scheduled your oath ceremony for your Form {form}, {form_name}, Receipt Number {receipt}, and mailed you a notice with the date, time and place. Please follow the instructions in the notice.",
        history: "We scheduled your oath ceremony for your Form {form}.",
    },
    // CertificateIssued
    StatusText {
        title: "Certificate Of Naturalization Was Issued",
        description: "On {date}, we issued your Certificate of Naturalization for your Form {form}, {form_name}, Receipt Number {receipt}. Congratulations on becoming a citizen of the United States.",
        history: "We issued your Certificate of Naturalization for your Form {form}.",
    },
    // SentToStateDepartment
    StatusText {
        title: "Case Was Sent To The Department of State",
        description: "On {date}, we sent your Form {form}, {form_name}, Receipt Number {receipt}, to the Department of State National Visa Center. The National Visa Center will contact you about the next steps.",
        history: "We sent your Form {form} to the Department of State.",
    },
];

/// The forms' official names, in the order of `FormType::ALL`.
pub(super) const FORM_NAMES: [&str; 9] = [
    "Petition for Alien Relative",
    "Application to Register Permanent Residence or Adjust Status",
    "Application for Employment Authorization",
    "Application to Replace Permanent Resident Card",
    "Application for Naturalization",
    "Application for Travel Document",
    "Alien's Change of Address Card",
    "Petition to Remove Conditions on Residence",
    "Application to Extend/Change Nonimmigrant Status",
];

/// Month names for long dates ("September 5, 2023"), January first.
pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
