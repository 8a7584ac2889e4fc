//! The browser's half of a passkey ceremony: hands the server's options to WebAuthn and the
//! credential back as JSON, through the browser's own JSON helpers (no WebAuthn code in the
//! bundle).

use js_sys::{Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why the browser gave no credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserRefusal {
    /// The browser has no WebAuthn or no JSON helpers for it.
    Unsupported,
    /// The person cancelled, the key was not there, or the time ran out.
    NoCredential,
}

fn property(target: &JsValue, name: &str) -> Result<JsValue, BrowserRefusal> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
        .ok_or(BrowserRefusal::Unsupported)
}

fn function(target: &JsValue, name: &str) -> Result<Function, BrowserRefusal> {
    property(target, name)?
        .dyn_into()
        .map_err(|_| BrowserRefusal::Unsupported)
}

/// Runs `navigator.credentials[call]` with the options in `options_json` (the server's
/// `{"publicKey": …}`) read by `PublicKeyCredential[parser]`; returns the credential's JSON.
async fn ceremony(options_json: &str, parser: &str, call: &str) -> Result<String, BrowserRefusal> {
    let window: JsValue = web_sys::window().ok_or(BrowserRefusal::Unsupported)?.into();
    let class = property(&window, "PublicKeyCredential")?;
    let parse = function(&class, parser)?;
    let options = JSON::parse(options_json).map_err(|_| BrowserRefusal::Unsupported)?;
    let public_key = parse
        .call1(&class, &property(&options, "publicKey")?)
        .map_err(|_| BrowserRefusal::Unsupported)?;
    let request = Object::new();
    Reflect::set(&request, &JsValue::from_str("publicKey"), &public_key)
        .map_err(|_| BrowserRefusal::Unsupported)?;
    let credentials = property(&property(&window, "navigator")?, "credentials")?;
    let promise: Promise = function(&credentials, call)?
        .call1(&credentials, &request)
        .map_err(|_| BrowserRefusal::NoCredential)?
        .dyn_into()
        .map_err(|_| BrowserRefusal::Unsupported)?;
    let credential = JsFuture::from(promise)
        .await
        .map_err(|_| BrowserRefusal::NoCredential)?;
    let as_json = function(&credential, "toJSON")?
        .call0(&credential)
        .map_err(|_| BrowserRefusal::Unsupported)?;
    JSON::stringify(&as_json)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or(BrowserRefusal::Unsupported)
}

/// Makes a new passkey for the server's creation options; returns the credential as JSON.
pub async fn create(options_json: &str) -> Result<String, BrowserRefusal> {
    ceremony(options_json, "parseCreationOptionsFromJSON", "create").await
}

/// Asks a passkey to answer the server's request options; returns the assertion as JSON.
pub async fn get(options_json: &str) -> Result<String, BrowserRefusal> {
    ceremony(options_json, "parseRequestOptionsFromJSON", "get").await
}
