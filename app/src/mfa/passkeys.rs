//! Passkeys and security keys (WebAuthn) as a second factor: adding and naming them after a
//! recent sign-in, signing in with one, and the relying party that checks their answers.

use super::{
    model::{PasskeyName, PasskeySummary},
    passkey_store::{self, AddRefusal, Ceremony, NewPasskey, PasskeyRow, Purpose},
    service::{self, FactorBudget},
    texts::MfaMsg,
};
use crate::{
    accounts::{history::Origin, model::AuthMethod},
    error::AppError,
    i18n::{long_date, Locale},
    infra::state::AppState,
    session::{
        access::{require_step, signed_in_account},
        model::Step,
        store::SessionHandle,
    },
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid, Webauthn, WebauthnBuilder,
};

/// How long the browser has to answer a ceremony.
const CEREMONY_SECS: i64 = 300;
/// The longest answer a browser may send (a credential with its attestation is a few KiB).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The relying party for the service's public address; `None` when that address is an IP
/// address, which WebAuthn does not accept (it needs a domain name).
pub fn relying_party(state: &AppState) -> Option<Webauthn> {
    let origin = url::Url::parse(state.policy.base_url.trim_end_matches('/')).ok()?;
    let rp_id = origin.domain()?.to_owned();
    WebauthnBuilder::new(&rp_id, &origin)
        .ok()?
        .rp_name("Caseport")
        .timeout(std::time::Duration::from_secs(CEREMONY_SECS as u64))
        .build()
        .ok()
}

fn unavailable() -> AppError {
    AppError::field("passkey", MfaMsg::MethodUnavailable.into())
}

fn failed() -> AppError {
    AppError::field("passkey", MfaMsg::PasskeyFailed.into())
}

fn credential_id(passkey: &Passkey) -> String {
    let bytes: &[u8] = passkey.cred_id().as_ref();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stable WebAuthn user handle of an account: keyed, so it says nothing about the account id.
fn user_handle(state: &AppState, account_id: &str) -> Result<Uuid, AppError> {
    let mac = state
        .keys
        .mac_hex(format!("webauthn-user|{account_id}").as_bytes());
    Uuid::parse_str(&mac[..32]).map_err(AppError::internal)
}

fn credentials(rows: &[PasskeyRow]) -> Result<Vec<Passkey>, AppError> {
    rows.iter()
        .map(|row| serde_json::from_str(&row.credential).map_err(AppError::internal))
        .collect()
}

/// The account's passkeys for the Sign-in and security page.
pub async fn summaries(
    state: &AppState,
    account_id: &str,
    locale: Locale,
) -> Result<Vec<PasskeySummary>, AppError> {
    Ok(passkey_store::list(&state.db, account_id)
        .await?
        .into_iter()
        .map(|row| PasskeySummary {
            id: row.id,
            name: row.name,
            added: long_date(row.created_at, locale),
            last_used: row.last_used_at.map(|at| long_date(at, locale)),
        })
        .collect())
}

/// Starts adding a passkey named `name` (needs a recent full sign-in): the options for the
/// browser's `navigator.credentials.create`, as JSON.
pub async fn start_registration(
    state: &AppState,
    session: &SessionHandle,
    name: &str,
) -> Result<String, AppError> {
    let now = state.now();
    let (account_id, session_id, account) = service::recent_account(state, session, now).await?;
    let name = PasskeyName::parse(name).map_err(|m| AppError::field("name", m))?;
    let party = relying_party(state).ok_or_else(unavailable)?;
    let existing = credentials(&passkey_store::list(&state.db, &account_id).await?)?;
    if existing.len() >= super::model::MAX_PASSKEYS {
        return Err(AppError::field("name", MfaMsg::PasskeyLimit.into()));
    }
    let exclude = existing.iter().map(|key| key.cred_id().clone()).collect();
    let (options, ceremony) = party
        .start_passkey_registration(
            user_handle(state, &account_id)?,
            &account.email,
            &account.email,
            Some(exclude),
        )
        .map_err(AppError::internal)?;
    let ceremony = Ceremony {
        account_id,
        name: Some(name.as_str().to_owned()),
        state: serde_json::to_string(&ceremony).map_err(AppError::internal)?,
        expires_at: now + CEREMONY_SECS,
    };
    passkey_store::save_ceremony(&state.db, &session_id, Purpose::Register, &ceremony).await?;
    serde_json::to_string(&options).map_err(AppError::internal)
}

/// Checks the browser's answer to [`start_registration`] and adds the passkey; the owner is told
/// by email.
pub async fn finish_registration(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    answer: &str,
) -> Result<(), AppError> {
    let now = state.now();
    let (account_id, session_id, account) = service::recent_account(state, session, now).await?;
    let ceremony = passkey_store::take_ceremony(&state.db, &session_id, Purpose::Register, now)
        .await?
        .filter(|ceremony| ceremony.account_id == account_id)
        .ok_or_else(failed)?;
    let name = ceremony.name.ok_or_else(failed)?;
    let registration: PasskeyRegistration =
        serde_json::from_str(&ceremony.state).map_err(AppError::internal)?;
    if answer.len() > MAX_ANSWER_BYTES {
        return Err(failed());
    }
    let answer: RegisterPublicKeyCredential = serde_json::from_str(answer).map_err(|_| failed())?;
    let party = relying_party(state).ok_or_else(unavailable)?;
    let passkey = party
        .finish_passkey_registration(&answer, &registration)
        .map_err(|error| {
            tracing::info!(account_id = %account_id, %error, "passkey registration refused");
            failed()
        })?;
    let notice = super::emails::passkey_added(locale, &account.email, &name);
    let added = NewPasskey {
        account_id: &account_id,
        credential_id: &credential_id(&passkey),
        name: &name,
        credential: &serde_json::to_string(&passkey).map_err(AppError::internal)?,
        notice: &notice,
        origin: &Origin::current(),
    };
    match passkey_store::add(&state.db, &state.keys, added, now).await? {
        Ok(()) => {}
        Err(AddRefusal::Taken) => {
            return Err(AppError::field("passkey", MfaMsg::PasskeyTaken.into()))
        }
        Err(AddRefusal::Limit) => return Err(AppError::field("name", MfaMsg::PasskeyLimit.into())),
        Err(AddRefusal::Foreign) => {
            tracing::warn!(account_id = %account_id, "passkey registered to another account offered");
            return Err(failed());
        }
    }
    state.wake_outbox();
    tracing::info!(account_id = %account_id, "passkey added");
    Ok(())
}

/// Starts the second sign-in step with a passkey: the options for the browser's
/// `navigator.credentials.get`, as JSON.
pub async fn start_sign_in(state: &AppState, session: &SessionHandle) -> Result<String, AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    let session_id = session.id_hash().ok_or(AppError::Unauthorized)?;
    let party = relying_party(state).ok_or_else(unavailable)?;
    let keys = credentials(&passkey_store::list(&state.db, &account_id).await?)?;
    if keys.is_empty() {
        return Err(unavailable());
    }
    let (options, ceremony) = party
        .start_passkey_authentication(&keys)
        .map_err(AppError::internal)?;
    let ceremony = Ceremony {
        account_id,
        name: None,
        state: serde_json::to_string(&ceremony).map_err(AppError::internal)?,
        expires_at: state.now() + CEREMONY_SECS,
    };
    passkey_store::save_ceremony(&state.db, &session_id, Purpose::SignIn, &ceremony).await?;
    serde_json::to_string(&options).map_err(AppError::internal)
}

/// The second sign-in step with a passkey: checks the browser's answer to [`start_sign_in`]
/// (throttled and counted like every second factor) and signs the person in.
pub async fn finish_sign_in(
    state: &AppState,
    session: &SessionHandle,
    locale: Locale,
    answer: &str,
) -> Result<(), AppError> {
    let account_id = require_step(session, Step::AwaitingSecondFactor)?;
    match check_sign_in(state, session, &account_id, answer).await {
        Ok(()) => service::complete_sign_in(state, session, account_id, AuthMethod::Passkey).await,
        Err(Refusal::Checked(error)) => {
            service::record_failure(state, &account_id, locale, AuthMethod::Passkey, &error).await;
            Err(error)
        }
        Err(Refusal::Unchecked(error)) => Err(error),
    }
}

/// Why a passkey answer did not sign in.
enum Refusal {
    /// A key's answer was checked and refused: a failed try of the method (item 10).
    Checked(AppError),
    /// Nothing was checked (no ceremony, an unreadable answer, throttled, turned off): junk
    /// cannot be allowed to turn the owner's passkeys off.
    Unchecked(AppError),
}

async fn check_sign_in(
    state: &AppState,
    session: &SessionHandle,
    account_id: &str,
    answer: &str,
) -> Result<(), Refusal> {
    let now = state.now();
    let unchecked = Refusal::Unchecked;
    let session_id = session
        .id_hash()
        .ok_or(AppError::Unauthorized)
        .map_err(unchecked)?;
    service::throttle(state, account_id, FactorBudget::Account)
        .await
        .map_err(unchecked)?;
    service::ensure_on(
        state,
        account_id,
        AuthMethod::Passkey,
        FactorBudget::Account,
    )
    .await
    .map_err(unchecked)?;
    let ceremony = passkey_store::take_ceremony(&state.db, &session_id, Purpose::SignIn, now)
        .await
        .map_err(unchecked)?
        .filter(|ceremony| ceremony.account_id == account_id)
        .ok_or_else(|| unchecked(failed()))?;
    let authentication: PasskeyAuthentication = serde_json::from_str(&ceremony.state)
        .map_err(|error| unchecked(AppError::internal(error)))?;
    if answer.len() > MAX_ANSWER_BYTES {
        return Err(unchecked(failed()));
    }
    let answer: PublicKeyCredential =
        serde_json::from_str(answer).map_err(|_| unchecked(failed()))?;
    let party = relying_party(state).ok_or_else(|| unchecked(unavailable()))?;
    let result = party
        .finish_passkey_authentication(&answer, &authentication)
        .map_err(|error| {
            tracing::info!(account_id = %account_id, %error, "passkey sign-in refused");
            Refusal::Checked(failed())
        })?;
    let used = URL_SAFE_NO_PAD.encode(AsRef::<[u8]>::as_ref(result.cred_id()));
    let row = passkey_store::list(&state.db, account_id)
        .await
        .map_err(unchecked)?
        .into_iter()
        .find(|row| row.credential_id == used)
        .ok_or_else(|| Refusal::Checked(failed()))?;
    let mut passkey: Passkey = serde_json::from_str(&row.credential)
        .map_err(|error| unchecked(AppError::internal(error)))?;
    passkey.update_credential(&result);
    let credential =
        serde_json::to_string(&passkey).map_err(|error| unchecked(AppError::internal(error)))?;
    passkey_store::record_use(&state.db, account_id, &row.id, &credential, now)
        .await
        .map_err(unchecked)
}

/// Renames one of the signed-in account's passkeys.
pub async fn rename(
    state: &AppState,
    session: &SessionHandle,
    id: &str,
    name: &str,
) -> Result<(), AppError> {
    let account_id = signed_in_account(session)?;
    let name = PasskeyName::parse(name).map_err(|m| AppError::field("name", m))?;
    if passkey_store::rename(&state.db, &account_id, id, name.as_str()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
