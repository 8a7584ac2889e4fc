//! Registration, email verification and password sign-in: the rules that span several stores.

use super::{
    model::{
        normalise_answer, security_question_index, AccountNumber, Email, PasswordRules, Profile,
        ANSWER_LEN,
    },
    store::{self, AccountRow, NewAccount, PURPOSE_VERIFY_EMAIL},
};
use crate::{
    error::{AppError, FieldError},
    i18n::{Locale, Msg},
    infra::{
        crypto,
        db::is_unique_violation,
        passwords::{check_password, secret},
        rate_limit::{self, Limit},
        state::AppState,
    },
    mfa,
    session::{
        model::{AuthState, Role},
        store::SessionHandle,
    },
};
use rand::{rngs::OsRng, Rng};
use secrecy::SecretString;
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
}

/// The raw registration form.
pub struct RegistrationForm {
    /// As typed.
    pub email: String,
    /// As typed.
    pub password: String,
    /// As typed.
    pub password_confirmation: String,
    /// Three (question id, answer) pairs as submitted.
    pub questions: [(String, String); 3],
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
            Msg::PasswordMismatch,
        ));
    }
    let mut answers = Vec::new();
    if with_questions {
        let mut seen = Vec::new();
        for (i, (question, answer)) in form.questions.iter().enumerate() {
            let n = i + 1;
            if security_question_index(question).is_none() {
                errors.push(FieldError::new(
                    &format!("question{n}"),
                    Msg::QuestionUnknown,
                ));
            } else if seen.contains(question) {
                errors.push(FieldError::new(
                    &format!("question{n}"),
                    Msg::QuestionsMustDiffer,
                ));
            }
            seen.push(question.clone());
            let normalised = normalise_answer(answer);
            let len = normalised.chars().count();
            if normalised.is_empty() {
                errors.push(FieldError::new(&format!("answer{n}"), Msg::Required));
            } else if len < ANSWER_LEN.0 {
                errors.push(FieldError::new(
                    &format!("answer{n}"),
                    Msg::AnswerTooShort { min: ANSWER_LEN.0 },
                ));
            } else if len > ANSWER_LEN.1 {
                errors.push(FieldError::new(
                    &format!("answer{n}"),
                    Msg::AnswerTooLong { max: ANSWER_LEN.1 },
                ));
            }
            answers.push((question.clone(), secret(normalised)));
        }
    }
    match (errors.is_empty(), email) {
        (true, Some(email)) => Ok(Registration {
            email,
            password: secret(form.password),
            answers,
        }),
        _ => Err(AppError::Validation {
            field_errors: errors,
        }),
    }
}

fn new_account_number() -> AccountNumber {
    let mut body = [0u8; 11];
    for digit in &mut body {
        *digit = OsRng.gen_range(0..10);
    }
    AccountNumber::from_body(body)
}

fn new_email_code() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// Registers an account (or, for a known address, emails its owner instead) and starts the
/// email-verification step. Both paths do the same hashing work and give the same answer.
pub async fn register(
    state: &AppState,
    session: &SessionHandle,
    ip: IpAddr,
    locale: Locale,
    registration: Registration,
) -> Result<(), AppError> {
    let now = state.now();
    hit(
        state,
        &format!("register:ip:{}", rate_limit::ip_key(ip)),
        rate_limit::REGISTER_PER_IP,
        now,
    )
    .await?;
    let password_hash = state.hasher.hash(&registration.password).await?;
    let mut answer_hashes = Vec::new();
    for (question, answer) in &registration.answers {
        answer_hashes.push((question.clone(), state.hasher.hash(answer).await?));
    }
    let email = registration.email.as_str();
    let mut attempts = 0;
    let account_id = loop {
        attempts += 1;
        let mut tx = state.db.begin_write().await?;
        if store::email_taken(&mut tx, email).await? {
            tx.rollback().await?;
            break None;
        }
        let id = crypto::random_hex(16);
        let number = new_account_number();
        let account = NewAccount {
            id: &id,
            email,
            password_hash: &password_hash,
            account_number: &number,
            email_verified_at: None,
            role: Role::Applicant,
        };
        match store::insert_account(&mut tx, &account, now).await {
            Ok(()) => {
                store::insert_security_answers(&mut tx, &id, &answer_hashes, now).await?;
                tx.commit().await?;
                break Some(id);
            }
            // A concurrent registration of the same email, or (rarely) an account-number collision:
            // look again; the email check above decides which.
            Err(error) if is_unique_violation(&error) && attempts < 5 => continue,
            Err(error) => return Err(error.into()),
        }
    };
    match &account_id {
        Some(id) => {
            tracing::info!(account_id = %id, ip = %ip, "account registered");
            send_verification_code(state, id, email, locale, now).await?;
        }
        None => {
            // The owner is told at most as often as codes may be sent; beyond that the notice is
            // skipped silently, because an error here would reveal that the address has an account.
            let owner = store::find_by_email(&state.db, email).await?;
            let bucket = format!(
                "email_code_send:{}",
                owner.map(|a| a.id).unwrap_or_default()
            );
            if hit(state, &bucket, rate_limit::EMAIL_CODE_SENDS, now)
                .await
                .is_ok()
            {
                tracing::info!(ip = %ip, "registration for an existing email; owner notified");
                let (subject, body) = existing_account_email(locale, &state.policy.base_url);
                state
                    .mailer
                    .send(email, subject, body)
                    .await
                    .map_err(AppError::internal)?;
            } else {
                tracing::warn!(ip = %ip, "registration for an existing email; owner notice suppressed by rate limit");
            }
        }
    }
    session
        .rotate_to(&state.db, AuthState::VerifyingEmail { account_id }, now)
        .await
}

async fn hit(state: &AppState, bucket: &str, limit: Limit, now: i64) -> Result<(), AppError> {
    if state.policy.rate_limits {
        rate_limit::hit(&state.db, bucket, limit, now).await
    } else {
        Ok(())
    }
}

async fn send_verification_code(
    state: &AppState,
    account_id: &str,
    email: &str,
    locale: Locale,
    now: i64,
) -> Result<(), AppError> {
    hit(
        state,
        &format!("email_code_send:{account_id}"),
        rate_limit::EMAIL_CODE_SENDS,
        now,
    )
    .await?;
    let code = new_email_code();
    let code_hash = state
        .keys
        .mac_hex(format!("{account_id}:{code}").as_bytes());
    store::replace_email_code(
        &state.db,
        account_id,
        PURPOSE_VERIFY_EMAIL,
        &code_hash,
        now + EMAIL_CODE_TTL_SECS,
        now,
    )
    .await?;
    let (subject, body) = verification_email(locale, &code);
    state
        .mailer
        .send(email, subject, body)
        .await
        .map_err(AppError::internal)?;
    Ok(())
}

fn verification_email(locale: Locale, code: &str) -> (&'static str, String) {
    match locale {
        Locale::En => (
            "Your Caseport verification code",
            format!("Your verification code is {code}\n\nIt expires in 10 minutes. If you did not try to create a Caseport account, you can ignore this email.\n"),
        ),
        Locale::Es => (
            "Su código de verificación de Caseport",
            format!("Su código de verificación es {code}\n\nCaduca en 10 minutos. Si no intentó crear una cuenta de Caseport, puede ignorar este correo.\n\n(English) Your verification code is {code}\n"),
        ),
    }
}

fn existing_account_email(locale: Locale, base_url: &str) -> (&'static str, String) {
    match locale {
        Locale::En => (
            "Someone tried to create a Caseport account with your email",
            format!("Someone tried to create a new Caseport account with this email address, which already has an account.\n\nIf it was you, sign in at {base_url}/sign-in instead. If it was not you, you do not need to do anything: your account has not changed.\n"),
        ),
        Locale::Es => (
            "Alguien intentó crear una cuenta de Caseport con su correo",
            format!("Alguien intentó crear una cuenta nueva de Caseport con este correo electrónico, que ya tiene una cuenta.\n\nSi fue usted, inicie sesión en {base_url}/sign-in. Si no fue usted, no tiene que hacer nada: su cuenta no ha cambiado.\n"),
        ),
    }
}

fn verifying_account(session: &SessionHandle) -> Result<Option<String>, AppError> {
    match session.state() {
        Some(AuthState::VerifyingEmail { account_id }) => Ok(account_id),
        _ if session.expired() => Err(AppError::SessionExpired),
        _ => Err(AppError::Unauthorized),
    }
}

/// Checks the emailed code and moves the session on to authenticator set-up.
pub async fn verify_email(
    state: &AppState,
    session: &SessionHandle,
    code: &str,
) -> Result<AuthState, AppError> {
    let now = state.now();
    let account_id = verifying_account(session)?;
    let code = mfa::model::OneTimeCode::parse(code).map_err(|m| AppError::field("code", m))?;
    // Registrations for an existing address have no code to match; they are throttled the same way.
    let throttle_key = account_id
        .clone()
        .or_else(|| session.id_hash())
        .unwrap_or_default();
    hit(
        state,
        &format!("email_code_verify:{throttle_key}"),
        rate_limit::EMAIL_CODE_ATTEMPTS,
        now,
    )
    .await?;
    let Some(account_id) = account_id else {
        return Err(AppError::field("code", Msg::CodeInvalid));
    };
    let code_hash = state
        .keys
        .mac_hex(format!("{account_id}:{}", code.as_str()).as_bytes());
    if !store::consume_email_code(
        &state.db,
        &account_id,
        PURPOSE_VERIFY_EMAIL,
        &code_hash,
        now,
    )
    .await?
    {
        tracing::info!(account_id = %account_id, "wrong, expired or used email code");
        return Err(AppError::field("code", Msg::CodeInvalid));
    }
    store::mark_email_verified(&state.db, &account_id, now).await?;
    tracing::info!(account_id = %account_id, "email verified");
    let next = AuthState::EnrollingTotp { account_id };
    session.rotate_to(&state.db, next.clone(), now).await?;
    Ok(next)
}

/// Sends a fresh code (the old one stops working). Says the same whether or not an email went out.
pub async fn resend_verification_code(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
) -> Result<(), AppError> {
    let now = state.now();
    match verifying_account(session)? {
        Some(account_id) => {
            let account = store::find_by_id(&state.db, &account_id)
                .await?
                .ok_or(AppError::Unauthorized)?;
            send_verification_code(state, &account_id, &account.email, locale, now).await
        }
        None => Ok(()),
    }
}

/// One password sign-in attempt as it arrived.
pub struct SignInAttempt {
    /// The client address.
    pub ip: IpAddr,
    /// The language for any email this causes.
    pub locale: Locale,
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
        locale,
        email,
        password,
        device_token,
    } = attempt;
    let device_token = device_token.as_deref();
    let now = state.now();
    hit(
        state,
        &format!("sign_in:ip:{}", rate_limit::ip_key(ip)),
        rate_limit::SIGN_IN_PER_IP,
        now,
    )
    .await?;
    let email = Email::parse(&email).map_err(|m| AppError::field("email", m))?;
    if PasswordRules::length(secrecy::ExposeSecret::expose_secret(&password))
        > PasswordRules::HARD_CAP
    {
        return Err(AppError::field(
            "password",
            Msg::PasswordTooLong {
                max: PasswordRules::HARD_CAP,
            },
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
    if state.policy.rate_limits {
        rate_limit::reserve_attempt(&state.db, &subject, now).await?;
    }
    let verified = state
        .hasher
        .verify(
            &password,
            account.as_ref().map(|a| a.password_hash.as_str()),
        )
        .await?;
    let Some(account) = account.filter(|_| verified.matches) else {
        tracing::info!(ip = %ip, subject = %subject, known_device = known_device.is_some(), "sign-in failed");
        return Err(AppError::InvalidCredentials);
    };
    rate_limit::reset_account(&state.db, &subject).await?;
    if verified.needs_rehash {
        let upgraded = state.hasher.hash(&password).await?;
        store::update_password_hash(&state.db, &account.id, &upgraded, now).await?;
        tracing::info!(account_id = %account.id, "password hash upgraded");
    }
    let next = next_state_after_password(state, &account).await?;
    if let AuthState::VerifyingEmail { .. } = next {
        send_verification_code(state, &account.id, &account.email, locale, now).await?;
    }
    tracing::info!(account_id = %account.id, ip = %ip, known_device = known_device.is_some(), "password accepted");
    session.rotate_to(&state.db, next.clone(), now).await?;
    Ok(next)
}

async fn next_state_after_password(
    state: &AppState,
    account: &AccountRow,
) -> Result<AuthState, AppError> {
    let account_id = account.id.clone();
    if account.email_verified_at.is_none() {
        return Ok(AuthState::VerifyingEmail {
            account_id: Some(account_id),
        });
    }
    if mfa::store::confirmed(&state.db, &account.id)
        .await?
        .is_none()
    {
        return Ok(AuthState::EnrollingTotp { account_id });
    }
    Ok(AuthState::AwaitingSecondFactor { account_id })
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

/// Creates a verified account directly (admin command for demo and benchmark data).
pub async fn create_verified_account(
    state: &AppState,
    email: &str,
    password: &str,
    totp_secret: Option<&[u8]>,
    role: Role,
) -> Result<AccountNumber, AppError> {
    let now = state.now();
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    check_password(&state.policy.password, password, Some(&email))
        .map_err(|m| AppError::field("password", m))?;
    let password_hash = state.hasher.hash(&secret(password)).await?;
    let id = crypto::random_hex(16);
    let number = new_account_number();
    let mut tx = state.db.begin_write().await?;
    if store::email_taken(&mut tx, email.as_str()).await? {
        return Err(AppError::Conflict);
    }
    let account = NewAccount {
        id: &id,
        email: email.as_str(),
        password_hash: &password_hash,
        account_number: &number,
        email_verified_at: Some(now),
        role,
    };
    store::insert_account(&mut tx, &account, now).await?;
    tx.commit().await?;
    if let Some(secret_bytes) = totp_secret {
        let ciphertext = state.keys.encrypt(secret_bytes, &id);
        mfa::store::insert_confirmed(&state.db, &id, ciphertext, now).await?;
    }
    Ok(number)
}
