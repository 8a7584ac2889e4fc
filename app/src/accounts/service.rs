//! Registration, email verification and password sign-in: the rules that span several stores.

use super::{
    access_notices, emails,
    model::{
        normalise_answer, security_question_index, AccessCode, AccountNumber, Email, OneTimeCode,
        PasswordFeedback, PasswordRules, Profile, RegistrationForm, Role, ANSWER_LEN,
    },
    passwords::{check_password, strength},
    store::{self, AccountRow, NewAccount, NewRegistration},
    texts::AccountsMsg,
};
use crate::{
    error::{AppError, FieldError},
    i18n::{CommonMsg, Locale},
    infra::{
        crypto,
        db::is_unique_violation,
        outbox::{self, OutgoingEmail},
        passwords::secret,
        rate_limit,
        state::AppState,
    },
    session::{
        access::require_step,
        model::{AuthState, Step},
        store::SessionHandle,
    },
};
use rand::{rngs::OsRng, Rng};
use secrecy::SecretString;
use sqlx::{Any, Transaction};
use std::net::IpAddr;

/// Lifetime of an emailed code.
pub const EMAIL_CODE_TTL_SECS: i64 = 10 * 60;

/// A registration that passed every rule.
pub struct Registration {
    /// The normalised address.
    pub email: Email,
    /// The chosen password.
    pub password: SecretString,
    /// Question id and normalised answer, three of them (empty when questions are turned off).
    pub answers: Vec<(String, SecretString)>,
    /// The online account number and access code of an Account Access Notice, if given.
    pub notice: Option<(AccountNumber, AccessCode)>,
}

/// Validates a registration form, collecting every problem with the field it belongs to.
pub fn validate_registration(
    form: RegistrationForm,
    rules: &PasswordRules,
    with_questions: bool,
) -> Result<Registration, AppError> {
    let mut errors = Vec::new();
    let email = Email::parse(&form.email)
        .map_err(|m| errors.push(FieldError::new("email", m)))
        .ok();
    if let Err(message) = check_password(rules, &form.password, email.as_ref()) {
        errors.push(FieldError::new("password", message));
    } else if form.password != form.password_confirmation {
        errors.push(FieldError::new(
            "password_confirmation",
            AccountsMsg::PasswordMismatch.into(),
        ));
    }
    let mut answers = Vec::new();
    if with_questions {
        let mut seen = Vec::new();
        for (i, (question, answer)) in form.questions().into_iter().enumerate() {
            let n = i + 1;
            if security_question_index(question).is_none() {
                errors.push(FieldError::new(
                    &format!("question{n}"),
                    AccountsMsg::QuestionUnknown.into(),
                ));
            } else if seen.contains(&question) {
                errors.push(FieldError::new(
                    &format!("question{n}"),
                    AccountsMsg::QuestionsMustDiffer.into(),
                ));
            }
            seen.push(question);
            let normalised = normalise_answer(answer);
            let len = normalised.chars().count();
            if normalised.is_empty() {
                errors.push(FieldError::new(
                    &format!("answer{n}"),
                    CommonMsg::Required.into(),
                ));
            } else if len < ANSWER_LEN.0 {
                errors.push(FieldError::new(
                    &format!("answer{n}"),
                    AccountsMsg::AnswerTooShort { min: ANSWER_LEN.0 }.into(),
                ));
            } else if len > ANSWER_LEN.1 {
                errors.push(FieldError::new(
                    &format!("answer{n}"),
                    AccountsMsg::AnswerTooLong { max: ANSWER_LEN.1 }.into(),
                ));
            }
            answers.push((question.to_owned(), secret(normalised)));
        }
    }
    let notice = validate_notice(&form.notice_account_number, &form.notice_access_code)
        .map_err(|mut problems| errors.append(&mut problems))
        .ok()
        .flatten();
    match (errors.is_empty(), email) {
        (true, Some(email)) => Ok(Registration {
            email,
            password: secret(form.password),
            answers,
            notice,
        }),
        _ => Err(AppError::Validation {
            field_errors: errors,
        }),
    }
}

/// The optional notice fields of the registration form: both empty, or a valid number and code.
fn validate_notice(
    number: &str,
    code: &str,
) -> Result<Option<(AccountNumber, AccessCode)>, Vec<FieldError>> {
    let (number, code) = (number.trim(), code.trim());
    let incomplete = || AccountsMsg::AccessNoticeIncomplete.into();
    match (number.is_empty(), code.is_empty()) {
        (true, true) => Ok(None),
        (false, true) => Err(vec![FieldError::new("notice_access_code", incomplete())]),
        (true, false) => Err(vec![FieldError::new("notice_account_number", incomplete())]),
        (false, false) => {
            let mut errors = Vec::new();
            let number = AccountNumber::parse(number)
                .ok_or_else(|| {
                    errors.push(FieldError::new(
                        "notice_account_number",
                        AccountsMsg::AccountNumberFormat.into(),
                    ))
                })
                .ok();
            let code = AccessCode::parse(code)
                .map_err(|m| errors.push(FieldError::new("notice_access_code", m)))
                .ok();
            match (number, code) {
                (Some(number), Some(code)) => Ok(Some((number, code))),
                _ => Err(errors),
            }
        }
    }
}

/// A fresh six-digit code for an email, uniform over 000000–999999.
pub fn new_email_code() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// Wrong codes after which a registration's emailed code dies (a new one must be sent).
pub const WRONG_CODES_BEFORE_CODE_DIES: i64 = 5;

fn registration_code_hash(state: &AppState, registration_id: &str, code: &str) -> String {
    state
        .keys
        .mac_hex(format!("registration-code|{registration_id}|{code}").as_bytes())
}

fn email_send_bucket(state: &AppState, email: &str) -> String {
    format!(
        "email_code_send:{}",
        state.keys.mac_hex(format!("email-send|{email}").as_bytes())
    )
}

/// The message a registration's address gets: the code, or — when the address already has an
/// account — a notice to its owner instead (the code is then never sent).
fn registration_email(
    state: &AppState,
    locale: Locale,
    email: &str,
    code: &str,
    address_has_account: bool,
) -> OutgoingEmail {
    if address_has_account {
        emails::address_already_registered(locale, email, &state.policy.base_url)
    } else {
        emails::verification_code(locale, email, code, EMAIL_CODE_TTL_SECS / 60)
    }
}

/// Starts a registration and emails its code. An address that already has an account takes the
/// same path — the same limits, hashing, rows and queued message (a notice to the owner instead
/// of the code) and the same answer — so registration reveals nothing about which addresses are
/// known. An unverified registration holds nothing: whoever proves the mailbox first gets it.
pub async fn register(
    state: &AppState,
    session: &SessionHandle,
    ip: IpAddr,
    locale: Locale,
    registration: Registration,
) -> Result<(), AppError> {
    let now = state.now();
    let email = registration.email.as_str();
    rate_limit::hit(
        state,
        &format!("register:ip:{}", rate_limit::ip_key(ip)),
        rate_limit::Limit {
            max: state.policy.registrations_per_hour,
            ..rate_limit::REGISTER_PER_IP
        },
    )
    .await?;
    rate_limit::hit(
        state,
        &email_send_bucket(state, email),
        rate_limit::EMAIL_CODE_SENDS,
    )
    .await?;
    if let Some((number, code)) = &registration.notice {
        access_notices::throttle(state, ip, number.digits()).await?;
        access_notices::check_for_registration(state, number, code, now).await?;
    }
    let password_hash = state.hasher.hash(&registration.password).await?;
    let mut answer_hashes = Vec::new();
    for (question, answer) in &registration.answers {
        answer_hashes.push((question.clone(), state.hasher.hash(answer).await?));
    }
    let answers = serde_json::to_string(&answer_hashes).map_err(AppError::internal)?;
    let id = crypto::random_hex(16);
    let code = new_email_code();
    let code_hash = registration_code_hash(state, &id, &code);
    let mut tx = state.db.begin_write().await?;
    let address_has_account = store::email_taken(&mut tx, email).await?;
    store::insert_registration(
        &mut tx,
        &NewRegistration {
            id: &id,
            email,
            password_hash: &password_hash,
            answers: &answers,
            code_hash: &code_hash,
            code_expires_at: now + EMAIL_CODE_TTL_SECS,
            reserved_account_number: registration
                .notice
                .as_ref()
                .map(|(number, _)| number.digits()),
            locale,
        },
        now,
    )
    .await?;
    let message = registration_email(state, locale, email, &code, address_has_account);
    outbox::enqueue(&mut *tx, &state.keys, &message, now).await?;
    tx.commit().await?;
    state.wake_outbox();
    tracing::info!(registration_id = %id, ip = %ip, "registration started");
    session
        .rotate_to(
            &state.db,
            AuthState::VerifyingEmail {
                registration_id: id,
            },
            now,
        )
        .await
}

/// Checks the emailed code. The first registration of an address whose code is entered becomes
/// the account (with that registrant's password and answers); every other registration of the
/// address is deleted. Wrong codes are counted; the fifth kills the code.
pub async fn verify_email(
    state: &AppState,
    session: &SessionHandle,
    code: &str,
) -> Result<AuthState, AppError> {
    let now = state.now();
    let registration_id = require_step(session, Step::VerifyingEmail)?;
    let code = OneTimeCode::parse(code).map_err(|m| AppError::field("code", m))?;
    rate_limit::hit(
        state,
        &format!("email_code_verify:{registration_id}"),
        rate_limit::EMAIL_CODE_ATTEMPTS,
    )
    .await?;
    let registration = store::find_registration(&state.db, &registration_id)
        .await?
        .ok_or(AppError::field("code", AccountsMsg::CodeInvalid.into()))?;
    let expected = registration_code_hash(state, &registration.id, code.as_str());
    let matches = registration
        .code_hash
        .as_deref()
        .is_some_and(|stored| crypto::constant_time_eq(stored.as_bytes(), expected.as_bytes()))
        && registration.code_expires_at > now;
    if !matches {
        store::count_wrong_code(
            &state.db,
            &registration.id,
            WRONG_CODES_BEFORE_CODE_DIES,
            now,
        )
        .await?;
        tracing::info!(registration_id = %registration.id, "wrong, expired or dead email code");
        return Err(AppError::field("code", AccountsMsg::CodeInvalid.into()));
    }
    let answers: Vec<(String, String)> =
        serde_json::from_str(&registration.answers).map_err(AppError::internal)?;
    let account_id = crypto::random_hex(16);
    let reserved = match &registration.reserved_account_number {
        Some(digits) => Some(
            AccountNumber::parse(digits)
                .ok_or_else(|| AppError::internal("stored reserved number malformed"))?,
        ),
        None => None,
    };
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut tx = state.db.begin_write().await?;
        if store::email_taken(&mut tx, &registration.email).await? {
            // The address got its account meanwhile (or had one: this code was never sent).
            tx.rollback().await?;
            return Err(AppError::field("code", AccountsMsg::CodeInvalid.into()));
        }
        let number = match &reserved {
            Some(number) => number.clone(),
            None => {
                let number = access_notices::random_account_number();
                if access_notices::number_in_use(&mut tx, &number).await? && attempts < 5 {
                    tx.rollback().await?;
                    continue;
                }
                number
            }
        };
        let account = NewAccount {
            id: &account_id,
            email: &registration.email,
            password_hash: &registration.password_hash,
            account_number: &number,
            email_verified_at: Some(now),
            role: Role::Applicant,
            locale: Locale::from_tag(&registration.locale).unwrap_or_default(),
        };
        match store::insert_account(&mut tx, &account, now).await {
            Ok(()) => {
                // A registration made with an Account Access Notice claims it now, or fails if
                // another registration claimed it first or the code expired meanwhile.
                if let Some(number) = &reserved {
                    if !access_notices::claim_number(&mut tx, number, &account_id, now).await? {
                        tx.rollback().await?;
                        tracing::info!(registration_id = %registration.id, "access notice claimed meanwhile or expired");
                        return Err(AppError::field(
                            "code",
                            AccountsMsg::AccessNoticeUsed.into(),
                        ));
                    }
                }
                store::insert_security_answers(&mut tx, &account_id, &answers, now).await?;
                store::delete_registrations_for(&mut tx, &registration.email).await?;
                tx.commit().await?;
                break;
            }
            // A concurrent verification for the same address, or (rarely) an account-number
            // collision: look again; the email check above decides which.
            Err(error) if is_unique_violation(&error) && attempts < 5 => continue,
            Err(error) => return Err(error.into()),
        }
    }
    tracing::info!(account_id = %account_id, registration_id = %registration.id, "email verified; account created");
    let next = AuthState::EnrollingTotp { account_id };
    session.rotate_to(&state.db, next.clone(), now).await?;
    Ok(next)
}

/// Sends a fresh code (the old one stops working; the wrong-code count stays). The same for new
/// and known addresses, like registration.
pub async fn resend_verification_code(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
) -> Result<(), AppError> {
    let now = state.now();
    let registration_id = require_step(session, Step::VerifyingEmail)?;
    let registration = store::find_registration(&state.db, &registration_id)
        .await?
        .ok_or(AppError::SessionExpired)?;
    rate_limit::hit(
        state,
        &email_send_bucket(state, &registration.email),
        rate_limit::EMAIL_CODE_SENDS,
    )
    .await?;
    let code = new_email_code();
    let code_hash = registration_code_hash(state, &registration.id, &code);
    let mut tx = state.db.begin_write().await?;
    let address_has_account = store::email_taken(&mut tx, &registration.email).await?;
    if !store::replace_registration_code(
        &mut tx,
        &registration.id,
        &code_hash,
        now + EMAIL_CODE_TTL_SECS,
        now,
    )
    .await?
    {
        return Err(AppError::SessionExpired);
    }
    let message = registration_email(
        state,
        locale,
        &registration.email,
        &code,
        address_has_account,
    );
    outbox::enqueue(&mut *tx, &state.keys, &message, now).await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(())
}

/// One password sign-in attempt as it arrived.
pub struct SignInAttempt {
    /// The client address.
    pub ip: IpAddr,
    /// The address as typed.
    pub email: String,
    /// The password as typed.
    pub password: SecretString,
    /// The known-device cookie the browser sent, if any.
    pub device_token: Option<String>,
}

/// The keyed digest an email address is throttled and logged under: the same for every spelling
/// of the address, unguessable without the server's key (a plain hash of a known address would
/// tell a log reader who it is).
pub fn login_subject(state: &AppState, email: &Email) -> String {
    state
        .keys
        .mac_hex(format!("login-subject|{}", email.as_str()).as_bytes())
}

/// Checks email and password and moves the session to the next step. Unknown addresses and wrong
/// passwords get the same error after the same work. Each attempt is reserved against its
/// subject before the password is checked — the browser's own subject when it presents a valid
/// known-device cookie for the account, otherwise the account's — and per client address.
pub async fn sign_in(
    state: &AppState,
    session: &SessionHandle,
    attempt: SignInAttempt,
) -> Result<AuthState, AppError> {
    let SignInAttempt {
        ip,
        email,
        password,
        device_token,
    } = attempt;
    let device_token = device_token.as_deref();
    let attempt_locale = crate::infra::request::request_locale();
    let now = state.now();
    rate_limit::hit(
        state,
        &format!("sign_in:ip:{}", rate_limit::ip_key(ip)),
        rate_limit::SIGN_IN_PER_IP,
    )
    .await?;
    let email = Email::parse(&email).map_err(|m| AppError::field("email", m))?;
    if PasswordRules::length(secrecy::ExposeSecret::expose_secret(&password))
        > PasswordRules::HARD_CAP
    {
        return Err(AppError::field(
            "password",
            AccountsMsg::PasswordTooLong {
                max: PasswordRules::HARD_CAP,
            }
            .into(),
        ));
    }
    let account = store::find_by_email(&state.db, email.as_str()).await?;
    let known_device = account
        .as_ref()
        .zip(device_token)
        .and_then(|(account, token)| super::devices::recognise(&state.keys, &account.id, token));
    let subject = known_device
        .clone()
        .unwrap_or_else(|| login_subject(state, &email));
    rate_limit::reserve_attempt(state, &subject).await?;
    let verified = state
        .hasher
        .verify(
            &password,
            account.as_ref().map(|a| a.password_hash.as_str()),
        )
        .await?;
    let known_account = account.as_ref().map(|a| a.id.clone());
    let Some(account) = account.filter(|_| verified.matches) else {
        tracing::info!(ip = %ip, subject = %subject, known_device = known_device.is_some(), "sign-in failed");
        if let Some(account_id) = &known_account {
            let event = super::history::NewEvent {
                account_id,
                kind: super::model::AccountEventKind::SignInFailed,
                method: Some(super::model::AuthMethod::Password),
                origin: &super::history::Origin {
                    ip: Some(ip),
                    ..super::history::Origin::current()
                },
            };
            super::history::record_after_answer(&state.db, &event, now);
            let failure = super::factor_lockout::Failure {
                account_id,
                method: super::model::AuthMethod::Password,
                locale: attempt_locale,
                origin: &super::history::Origin {
                    ip: Some(ip),
                    ..super::history::Origin::current()
                },
            };
            super::factor_lockout::count_failure_after_answer(state, failure, now);
        }
        return Err(AppError::InvalidCredentials);
    };
    if !super::factor_lockout::passed(&state.db, &account.id, super::model::AuthMethod::Password)
        .await?
    {
        tracing::warn!(account_id = %account.id, "right password, but the password is turned off");
        return Err(AppError::field(
            "password",
            AccountsMsg::PasswordTurnedOff.into(),
        ));
    }
    rate_limit::reset_account(&state.db, &subject).await?;
    if verified.needs_rehash {
        let upgraded = state.hasher.hash(&password).await?;
        store::update_password_hash(&state.db.pool, &account.id, &upgraded, now).await?;
        tracing::info!(account_id = %account.id, "password hash upgraded");
    }
    let next = next_state_after_password(&account);
    tracing::info!(account_id = %account.id, ip = %ip, known_device = known_device.is_some(), "password accepted");
    session.rotate_to(&state.db, next.clone(), now).await?;
    Ok(next)
}

/// After the password: the second factor, or its set-up if the account never finished enrolment.
fn next_state_after_password(account: &AccountRow) -> AuthState {
    let account_id = account.id.clone();
    match account.enrolled_at {
        Some(_) => AuthState::AwaitingSecondFactor { account_id },
        None => AuthState::EnrollingTotp { account_id },
    }
}

/// What the registration form shows while a password is typed: the first rule it breaks (the
/// server's full policy, blocklist included) and a strength estimate. Limited per client address.
pub async fn password_feedback(
    state: &AppState,
    ip: IpAddr,
    password: &str,
    email: &str,
    locale: Locale,
) -> Result<PasswordFeedback, AppError> {
    rate_limit::hit(
        state,
        &format!("password_check:ip:{}", rate_limit::ip_key(ip)),
        rate_limit::PASSWORD_CHECKS_PER_IP,
    )
    .await?;
    let email = Email::parse(email).ok();
    let problem = check_password(&state.policy.password, password, email.as_ref()).err();
    let score = match problem {
        Some(_) => 0,
        None => strength(password, email.as_ref()),
    };
    Ok(PasswordFeedback {
        problem: problem.map(|message| message.text(locale)),
        score,
    })
}

/// The Profile of an account.
pub async fn profile(state: &AppState, account_id: &str) -> Result<Profile, AppError> {
    let account = store::find_by_id(&state.db, account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let account_number = AccountNumber::parse(&account.account_number)
        .ok_or_else(|| AppError::internal("stored account number fails its check digit"))?;
    Ok(Profile {
        email: account.email,
        account_number,
    })
}

/// An account made by the admin command.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    /// The account's id (to bind a seeded factor to it).
    pub id: String,
    /// Its online account number.
    pub number: AccountNumber,
}

/// Creates a verified account directly (admin command for demo and benchmark data). A second
/// factor is bound separately (`mfa::service::seed_authenticator`); until then the account's
/// next sign-in goes to authenticator set-up.
pub async fn create_verified_account(
    state: &AppState,
    email: &str,
    password: &str,
    role: Role,
) -> Result<CreatedAccount, AppError> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    let password_hash = hash_new_password(state, &email, password).await?;
    let mut tx = state.db.begin_write().await?;
    let created = insert_verified_account(
        &mut tx,
        &email,
        &password_hash,
        role,
        Locale::default(),
        state.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

/// Checks a new password against the rules (and the email it belongs to) and hashes it; a broken
/// rule is a field error on `password`.
pub async fn hash_new_password(
    state: &AppState,
    email: &Email,
    password: &str,
) -> Result<String, AppError> {
    check_password(&state.policy.password, password, Some(email))
        .map_err(|m| AppError::field("password", m))?;
    state.hasher.hash(&secret(password)).await
}

/// Inserts an account whose email is already proven (by an admin, or by an emailed staff
/// invitation), inside the caller's transaction, with a fresh account number. `Conflict` if the
/// address has an account.
pub async fn insert_verified_account(
    tx: &mut Transaction<'static, Any>,
    email: &Email,
    password_hash: &str,
    role: Role,
    locale: Locale,
    now: i64,
) -> Result<CreatedAccount, AppError> {
    let id = crypto::random_hex(16);
    let number = access_notices::random_account_number();
    if store::email_taken(tx, email.as_str()).await? {
        return Err(AppError::Conflict);
    }
    if access_notices::number_in_use(tx, &number).await? {
        return Err(AppError::internal("drew an account number already in use"));
    }
    let account = NewAccount {
        id: &id,
        email: email.as_str(),
        password_hash,
        account_number: &number,
        email_verified_at: Some(now),
        role,
        locale,
    };
    match store::insert_account(tx, &account, now).await {
        Ok(()) => {}
        Err(error) if is_unique_violation(&error) => return Err(AppError::Conflict),
        Err(error) => return Err(error.into()),
    }
    Ok(CreatedAccount { id, number })
}

/// A password change as submitted.
pub struct PasswordChange {
    /// The current password (proves the person at the keyboard knows it: item 6).
    pub current: SecretString,
    /// The new password.
    pub new: String,
    /// Its confirmation.
    pub confirmation: String,
    /// Whether every other session ends (on by default).
    pub sign_out_others: bool,
}

/// Changes the signed-in account's password: needs a recent full sign-in (item 33) and the current
/// password (item 6; a wrong one is throttled like a sign-in and changes nothing), then stores the
/// new hash, ends the other sessions if asked, notifies the address and records it.
pub async fn change_password(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    change: PasswordChange,
) -> Result<(), AppError> {
    let now = state.now();
    let account_id = crate::session::access::recently_signed_in(session, now)?;
    let account = store::find_by_id(&state.db, &account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let email = Email::parse(&account.email).map_err(|_| AppError::internal("stored email"))?;
    let subject = login_subject(state, &email);
    rate_limit::reserve_attempt(state, &subject).await?;
    let verified = state
        .hasher
        .verify(&change.current, Some(&account.password_hash))
        .await?;
    if !verified.matches {
        tracing::info!(account_id = %account_id, "password change: current password wrong");
        return Err(AppError::CurrentPasswordWrong);
    }
    rate_limit::reset_account(&state.db, &subject).await?;
    if change.new != change.confirmation {
        return Err(AppError::field(
            "password_confirmation",
            AccountsMsg::PasswordMismatch.into(),
        ));
    }
    let password_hash = hash_new_password(state, &email, &change.new).await?;
    let keep = session.id_hash().ok_or(AppError::Unauthorized)?;
    let notice = emails::password_changed(locale, &account.email);
    let mut tx = state.db.begin_write().await?;
    store::update_password_hash(&mut *tx, &account_id, &password_hash, now).await?;
    store::expire_password_resets(&mut tx, &account_id, now).await?;
    if change.sign_out_others {
        crate::session::store::end_other_sessions(&mut tx, &account_id, &keep).await?;
    }
    outbox::enqueue(&mut *tx, &state.keys, &notice, now).await?;
    let event = super::history::NewEvent {
        account_id: &account_id,
        kind: super::model::AccountEventKind::PasswordChanged,
        method: None,
        origin: &super::history::Origin::current(),
    };
    super::history::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    state.wake_outbox();
    tracing::info!(account_id = %account_id, others_signed_out = change.sign_out_others, "password changed");
    Ok(())
}
