//! Shared harness for HTTP-level tests: a fresh database per test (SQLite by default, PostgreSQL
//! when CASEPORT_TEST_DATABASE_URL names a server), a manual clock, a real SMTP listener, and
//! helpers that drive the router the way a browser's forms and scripts do.
#![allow(dead_code)]

pub mod soft_passkey;

use app::infra::{
    clock::{Clock, ManualClock},
    crypto::{random_hex, Keys},
    db::Db,
    mail::{run_mail_sink, Mailer},
    passwords::PasswordHasher,
    state::{AppState, Policy},
};
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, HeaderMap, Method, Request, StatusCode},
    Router,
};
use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    sync::{Arc, LazyLock},
    time::Duration,
};
use tower::ServiceExt;

/// Held shared by every request a test sends and exclusively by a timing comparison, so that
/// comparison measures the server alone rather than the load of the tests running beside it.
static QUIET: LazyLock<tokio::sync::RwLock<()>> = LazyLock::new(|| tokio::sync::RwLock::new(()));

tokio::task_local! {
    /// Set inside [`alone`]: the measurement holds [`QUIET`] already.
    static HOLDS_QUIET: ();
}

/// Runs `measure` while no other test of this binary has a request in flight (requests that
/// start meanwhile wait), for comparisons of response times.
pub async fn alone<F: std::future::Future>(measure: F) -> F::Output {
    let _quiet = QUIET.write().await;
    HOLDS_QUIET.scope((), measure).await
}

/// The origin the test server believes it is served from.
pub const ORIGIN: &str = "https://caseport.test";
/// A fixed start time (2026-11-27T00:00:15Z) for the manual clock.
pub const START: i64 = 1_795_737_615;

/// A new, empty directory under the system's temporary directory, named `caseport-<label>-…`.
pub fn temp_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("caseport-{label}-{}", random_hex(8)));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// The URL of the PostgreSQL server CASEPORT_TEST_DATABASE_URL names, if it names one (otherwise
/// the tests run on SQLite).
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("CASEPORT_TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

/// Creates an empty database with a new name on the PostgreSQL server of `admin_url` and returns
/// its URL.
pub async fn create_postgres_database(admin_url: &str) -> String {
    let name = format!("caseport_test_{}", random_hex(8));
    let admin = Db::connect(admin_url)
        .await
        .expect("connect to PostgreSQL admin database");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin.pool)
        .await
        .expect("create test database");
    admin.pool.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .expect("URL with a database name");
    format!("{base}/{name}")
}

/// Opens a fresh, migrated database for one test.
pub async fn fresh_db() -> Db {
    let url = match postgres_admin_url() {
        Some(admin_url) => create_postgres_database(&admin_url).await,
        None => format!("sqlite://{}", temp_dir("test").join("test.db").display()),
    };
    let db = Db::connect(&url).await.expect("open the test database");
    db.migrate().await.expect("migrations apply");
    db
}

/// A running application with its clock, mail sink and router.
#[derive(Clone)]
pub struct TestApp {
    /// The state the router uses.
    pub state: AppState,
    /// The clock the state uses.
    pub clock: Arc<ManualClock>,
    /// Where the SMTP listener writes messages.
    pub outbox: PathBuf,
    /// The whole application router.
    pub router: Router,
}

/// A response with its body read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    /// The session cookie value set by this response, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with("__Host-caseport-session=") && !c.contains("Max-Age=0"))
            .and_then(|c| {
                c.split(';')
                    .next()
                    .map(|kv| kv["__Host-caseport-session=".len()..].to_owned())
            })
    }

    /// Every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// How a request is made (defaults: same-origin fetch from 127.0.0.1, no cookie).
#[derive(Clone)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub form: Vec<(String, String)>,
    pub cookie: Option<String>,
    pub peer: IpAddr,
    pub headers: Vec<(String, String)>,
    pub same_origin: bool,
    pub content_type: Option<String>,
    pub raw_body: Option<String>,
}

impl Req {
    /// A same-origin POST to a server function with form fields.
    pub fn api(endpoint: &str, form: &[(&str, &str)]) -> Self {
        Self {
            method: Method::POST,
            path: format!("/_fn/{endpoint}"),
            form: form
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            cookie: None,
            peer: "127.0.0.1".parse().unwrap(),
            headers: Vec::new(),
            same_origin: true,
            content_type: None,
            raw_body: None,
        }
    }

    /// The password step of signing in.
    pub fn sign_in(email: &str, password: &str) -> Self {
        Self::api("sign_in", &[("email", email), ("password", password)])
    }

    /// The authenticator-code step of signing in.
    pub fn verify_totp(code: &str) -> Self {
        Self::api("verify_totp", &[("code", code)])
    }

    /// Entering the code emailed at registration.
    pub fn verify_email(code: &str) -> Self {
        Self::api("verify_email", &[("code", code)])
    }

    /// A GET of a page.
    pub fn get(path: &str) -> Self {
        Self {
            method: Method::GET,
            path: path.to_owned(),
            ..Self::api("", &[])
        }
    }

    /// With this session cookie.
    pub fn cookie(mut self, cookie: Option<&str>) -> Self {
        self.cookie = cookie.map(str::to_owned);
        self
    }

    /// From this client address.
    #[expect(
        clippy::wrong_self_convention,
        reason = "a builder step that reads as 'a request from this IP'"
    )]
    pub fn from_ip(mut self, ip: &str) -> Self {
        self.peer = ip.parse().unwrap();
        self
    }

    /// With an extra header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Without the same-origin proof a browser would add.
    pub fn cross_site(mut self) -> Self {
        self.same_origin = false;
        self
    }
}

/// Policy used by tests unless changed.
pub fn test_policy() -> Policy {
    Policy {
        base_url: ORIGIN.into(),
        ..Policy::default()
    }
}

impl TestApp {
    /// A new app on a fresh database with the default policy.
    pub async fn new() -> Self {
        Self::with_policy(test_policy()).await
    }

    /// A new app on a fresh database with `policy`.
    pub async fn with_policy(policy: Policy) -> Self {
        Self::with_db(fresh_db().await, policy).await
    }

    /// A new app on `db`, with its outbox worker running.
    pub async fn with_db(db: Db, policy: Policy) -> Self {
        Self::build(db, policy, true).await
    }

    /// A new app on a fresh database whose queued mail is delivered only when the test says so
    /// (`app::infra::outbox::deliver_one`).
    pub async fn without_outbox_worker() -> Self {
        Self::build(fresh_db().await, test_policy(), false).await
    }

    async fn build(db: Db, policy: Policy, outbox_worker: bool) -> Self {
        install_log_router();
        let outbox = std::env::temp_dir().join(format!("caseport-mail-{}", random_hex(8)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind mail sink");
        let smtp_port = listener.local_addr().unwrap().port();
        tokio::spawn(run_mail_sink(listener, outbox.clone()));
        let clock = Arc::new(ManualClock::new(START));
        let state = AppState {
            db,
            clock: clock.clone() as Arc<dyn Clock>,
            keys: Arc::new(Keys::from_master(&[42u8; 32])),
            mailer: Arc::new(
                Mailer::new(
                    &format!("smtp://127.0.0.1:{smtp_port}"),
                    "Caseport <no-reply@caseport.test>",
                )
                .unwrap(),
            ),
            sms: Arc::new(app::infra::sms::SmsSender::Folder(outbox.join("sms"))),
            live: Arc::new(app::infra::live::LiveHub::new()),
            outbox_wakeup: Arc::new(tokio::sync::Notify::new()),
            hasher: Arc::new(PasswordHasher::new(2)),
            policy: Arc::new(policy),
            local_limits: Arc::new(app::infra::local_limit::LocalLimiter::new()),
            leptos_options: leptos::prelude::LeptosOptions::builder()
                .output_name("caseport")
                .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"))
                .build(),
        };
        let router = server::app(state.clone());
        // As `serve` does: on PostgreSQL, live updates arrive through LISTEN.
        if let (Some(admin_url), app::infra::db::DbKind::Postgres) =
            (postgres_admin_url(), state.db.kind)
        {
            let database: String = sqlx::query_scalar("SELECT current_database()::text")
                .fetch_one(&state.db.pool)
                .await
                .unwrap();
            let url = format!("{}/{database}", admin_url.rsplit_once('/').unwrap().0);
            tokio::spawn(app::infra::live::run_listener(state.clone(), url));
        }
        if outbox_worker {
            tokio::spawn(app::infra::outbox::run_worker(
                state.clone(),
                Duration::from_millis(50),
            ));
        }
        Self {
            state,
            clock,
            outbox,
            router,
        }
    }

    /// The same application (database, clock, outbox folder) with another mail relay.
    pub fn with_mailer(&self, mailer: Mailer) -> Self {
        self.with_state(|state| state.mailer = Arc::new(mailer))
    }

    /// The same application (database, clock, mail) with another password hasher.
    pub fn with_hasher(&self, hasher: PasswordHasher) -> Self {
        self.with_state(|state| state.hasher = Arc::new(hasher))
    }

    /// The same application serving the built site from `site_root` (static files and the bundle
    /// path pages name).
    pub fn with_site_root(&self, site_root: &std::path::Path) -> Self {
        self.with_state(|state| {
            state.leptos_options = leptos::prelude::LeptosOptions::builder()
                .output_name("caseport")
                .site_root(site_root.to_string_lossy().as_ref())
                .site_pkg_dir(server::static_files::pkg_dir(site_root))
                .build();
        })
    }

    /// The same application (database, clock, mail) with another policy.
    pub fn with_policy_changed(&self, change: impl FnOnce(&mut Policy)) -> Self {
        self.with_state(|state| {
            let mut policy = (*state.policy).clone();
            change(&mut policy);
            state.policy = Arc::new(policy);
        })
    }

    /// The same application with its state changed by `change`, and a router for that state.
    fn with_state(&self, change: impl FnOnce(&mut AppState)) -> Self {
        let mut state = self.state.clone();
        change(&mut state);
        Self {
            router: server::app(state.clone()),
            state,
            ..self.clone()
        }
    }

    /// Sends a request through the whole router.
    pub async fn send(&self, req: Req) -> TestResponse {
        let _shared = match HOLDS_QUIET.try_with(|_| ()) {
            Ok(()) => None,
            Err(_) => Some(QUIET.read().await),
        };
        let mut builder = Request::builder().method(req.method.clone()).uri(&req.path);
        if req.same_origin {
            builder = builder
                .header("sec-fetch-site", "same-origin")
                .header("origin", ORIGIN);
        }
        if let Some(cookie) = &req.cookie {
            builder = builder.header(header::COOKIE, format!("__Host-caseport-session={cookie}"));
        }
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = if req.method == Method::POST {
            let content_type = req
                .content_type
                .clone()
                .unwrap_or_else(|| "application/x-www-form-urlencoded".into());
            builder = builder
                .header(header::CONTENT_TYPE, content_type)
                .header(header::ACCEPT, "application/json");
            match &req.raw_body {
                Some(raw) => Body::from(raw.clone()),
                None => Body::from(form_body(&req.form)),
            }
        } else {
            builder = builder.header(header::ACCEPT, "text/html");
            Body::empty()
        };
        let mut request = builder.body(body).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(req.peer, 40000)));
        read_response(self.router.clone().oneshot(request).await.unwrap()).await
    }

    /// Every message the SMTP listener received, oldest first.
    pub fn mails(&self) -> Vec<String> {
        let mut paths: Vec<_> = std::fs::read_dir(&self.outbox)
            .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.sort();
        paths
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }

    /// Waits until at least `count` messages have arrived.
    pub async fn wait_for_mails(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {count} emails, got {:?}", self.mails());
    }

    /// Waits until a message to `email` containing `text` has arrived.
    pub async fn wait_for_mail_to(&self, email: &str, text: &str) -> String {
        for _ in 0..300 {
            if let Some(mail) = self
                .mails()
                .into_iter()
                .find(|m| m.contains(&format!("To: {email}")) && m.contains(text))
            {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "no message to {email} containing {text:?}: {:?}",
            self.mails()
        );
    }

    /// The token of the link to `path` (on the configured origin) in the first email to `email`
    /// containing `text`.
    pub async fn mailed_link_token(&self, email: &str, text: &str, path: &str) -> String {
        // The body is quoted-printable: join its soft line breaks and decode its `=`.
        let mail = self
            .wait_for_mail_to(email, text)
            .await
            .replace("=\r\n", "")
            .replace("=3D", "=");
        let marker = format!("{ORIGIN}{path}?token=");
        let start = mail
            .find(&marker)
            .unwrap_or_else(|| panic!("a link to {path} on the configured origin in {mail}"))
            + marker.len();
        mail[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    /// Every verification code sent to `email`, oldest first.
    pub fn codes_for(&self, email: &str) -> Vec<String> {
        self.mails()
            .iter()
            .filter(|m| m.contains(&format!("To: {email}")))
            .filter_map(|m| verification_code(m))
            .collect()
    }

    /// The newest verification code sent to `email`.
    pub async fn latest_code_for(&self, email: &str) -> String {
        for _ in 0..200 {
            let found = self
                .mails()
                .iter()
                .rev()
                .filter(|m| m.contains(email))
                .find_map(|m| verification_code(m));
            if let Some(code) = found {
                return code;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no verification code for {email}");
    }

    /// Every text message sent to `phone`, oldest first.
    pub fn texts_to(&self, phone: &str) -> Vec<String> {
        let mut texts: Vec<(std::time::SystemTime, String)> =
            std::fs::read_dir(self.outbox.join("sms"))
                .map(|dir| {
                    dir.filter_map(|entry| {
                        let entry = entry.ok()?;
                        let modified = entry.metadata().ok()?.modified().ok()?;
                        Some((modified, std::fs::read_to_string(entry.path()).ok()?))
                    })
                    .collect()
                })
                .unwrap_or_default();
        texts.sort();
        texts
            .into_iter()
            .map(|(_, text)| text)
            .filter(|text| text.starts_with(&format!("To: {phone}\n")))
            .collect()
    }

    /// Waits until `count` texts have been sent to `phone` and returns the code in the newest.
    pub async fn text_code(&self, phone: &str, count: usize) -> String {
        for _ in 0..300 {
            let texts = self.texts_to(phone);
            if texts.len() >= count {
                return sent_code(texts.last().unwrap()).expect("a code in the text");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "expected {count} texts to {phone}, got {:?}",
            self.texts_to(phone)
        );
    }

    /// Waits until `count` code emails have been sent to `email` and returns the newest code.
    pub async fn emailed_code(&self, email: &str, count: usize) -> String {
        for _ in 0..300 {
            let codes: Vec<String> = self
                .mails()
                .iter()
                .filter(|m| m.contains(&format!("To: {email}")))
                .filter_map(|m| sent_code(m))
                .collect();
            if codes.len() >= count {
                return codes.last().unwrap().clone();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {count} code emails to {email}");
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap()
    }

    /// Registers `email` with `password` and returns the session cookie (at the verify-email step).
    pub async fn register(&self, email: &str, password: &str) -> TestResponse {
        self.send(Req::api("register", &registration_form(email, password)))
            .await
    }

    /// Enters the newest code emailed to `email` in the session `cookie`.
    pub async fn verify_latest_code(&self, email: &str, cookie: Option<&str>) -> TestResponse {
        let code = self.latest_code_for(email).await;
        self.send(Req::verify_email(&code).cookie(cookie)).await
    }

    /// Registers `email` and enters the emailed code: returns the session cookie, now at the
    /// authenticator set-up step.
    pub async fn verified(&self, email: &str, password: &str) -> String {
        let registered = self.register(email, password).await;
        assert_eq!(registered.status, 200, "register: {registered:?}");
        let cookie = registered
            .session_cookie()
            .expect("session after registration");
        let verified = self.verify_latest_code(email, Some(&cookie)).await;
        assert_eq!(verified.status, 200, "verify: {verified:?}");
        verified
            .session_cookie()
            .expect("rotated session after verification")
    }

    /// The authenticator set-up offered to the session `cookie`: (its response, the secret bytes).
    pub async fn totp_enrolment(&self, cookie: &str) -> (TestResponse, Vec<u8>) {
        let enrolment = self
            .send(Req::api("get_totp_enrolment", &[]).cookie(Some(cookie)))
            .await;
        assert_eq!(enrolment.status, 200, "enrolment: {enrolment:?}");
        let grouped = enrolment.json()["secret_grouped"]
            .as_str()
            .expect("secret_grouped")
            .to_owned();
        let secret = app::mfa::totp::decode_base32(&grouped).expect("Base32 secret");
        (enrolment, secret)
    }

    /// The authenticator secret offered to the session `cookie`.
    pub async fn enrolment_secret(&self, cookie: &str) -> Vec<u8> {
        self.totp_enrolment(cookie).await.1
    }

    /// Confirms the authenticator set-up of the session `cookie` with the code `secret` gives now.
    pub async fn confirm_enrolment(&self, cookie: &str, secret: &[u8]) -> TestResponse {
        let code = totp_at(secret, self.clock.now());
        self.send(Req::api("confirm_totp_enrolment", &[("code", &code)]).cookie(Some(cookie)))
            .await
    }

    /// Registers, verifies the email and enrols TOTP: returns (cookie, TOTP secret bytes).
    pub async fn signed_up(&self, email: &str, password: &str) -> (String, Vec<u8>) {
        let cookie = self.verified(email, password).await;
        let secret = self.enrolment_secret(&cookie).await;
        let confirmed = self.confirm_enrolment(&cookie, &secret).await;
        assert_eq!(confirmed.status, 200, "confirm: {confirmed:?}");
        // The "authentication app added" notice is queued with the binding; wait for it, so that
        // tests counting mail start after everything sign-up sends.
        self.wait_for_mail_to(email, "authentication app was added")
            .await;
        (
            confirmed.session_cookie().expect("signed-in session"),
            secret,
        )
    }

    /// The step `current_step` reports for the session `cookie` ("SignedOut", "SignedIn", ...).
    pub async fn step_of(&self, cookie: Option<&str>) -> String {
        let response = self
            .send(Req::api("current_step", &[]).cookie(cookie))
            .await;
        assert_eq!(response.status, 200, "{response:?}");
        response.json().as_str().unwrap_or_default().to_owned()
    }

    /// Moves the clock past the 20-minute window of a recent full sign-in (item 33) while keeping
    /// the session `cookie` alive (a request every 10 minutes, under the idle timeout).
    pub async fn outlast_recent_sign_in(&self, cookie: &str) {
        for _ in 0..2 {
            self.clock.advance(10 * 60);
            assert_eq!(self.profile_status(cookie).await, 200, "still signed in");
        }
        self.clock.advance(60);
    }

    /// The status of `get_profile` for the session `cookie` (200 signed in, 401 not).
    pub async fn profile_status(&self, cookie: &str) -> u16 {
        self.send(Req::api("get_profile", &[]).cookie(Some(cookie)))
            .await
            .status
            .as_u16()
    }

    /// Signs `email` up (password and authenticator) and gives the account `role` (`officer`,
    /// `supervisor`, `support`); returns its signed-in session cookie.
    pub async fn signed_up_as(&self, email: &str, role: &str) -> String {
        let (cookie, _) = self.signed_up(email, PASSWORD).await;
        sqlx::query("UPDATE accounts SET role = $1 WHERE email = $2")
            .bind(role)
            .bind(email)
            .execute(&self.state.db.pool)
            .await
            .unwrap();
        cookie
    }

    /// How many audit log entries record `action`.
    pub async fn audited(&self, action: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// The id of the account registered with `email`.
    pub async fn account_id(&self, email: &str) -> String {
        sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Signs in with password and the TOTP code of `step_offset` steps from now; returns the final response.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        secret: &[u8],
        step_offset: i64,
    ) -> TestResponse {
        let first = self.send(Req::sign_in(email, password)).await;
        let Some(cookie) = first.session_cookie() else {
            return first;
        };
        let code = totp_at(secret, self.clock.now() + step_offset * 30);
        self.send(Req::verify_totp(&code).cookie(Some(&cookie)))
            .await
    }
}

/// Where a server function's answer sends the browser (`Location`, or the header the framework
/// uses for callers that follow redirects themselves); empty when it sends it nowhere.
pub fn redirect_target(response: &TestResponse) -> String {
    response
        .header("location")
        .or_else(|| response.header("serverfnredirect"))
        .unwrap_or_default()
}

/// An emailed link's button answered for a dead link: its page again, saying so, and no token in
/// the address.
pub fn assert_dead_link_page(response: &TestResponse, page: &str) {
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{response:?}"
    );
    assert!(
        redirect_target(response).ends_with(&format!("{page}?invalid=1")),
        "back to {page} saying the link is dead: {response:?}"
    );
}

/// The numeric `Retry-After` of a 429, checked against the JSON body.
pub fn retry_after(response: &TestResponse, context: &str) -> i64 {
    assert_eq!(
        response.status, 429,
        "{context}: expected 429 Too Many Requests: {response:?}"
    );
    let header = response
        .header("retry-after")
        .unwrap_or_else(|| panic!("{context}: 429 without Retry-After: {response:?}"));
    let seconds: i64 = header.trim().parse().unwrap_or_else(|_| {
        panic!("{context}: Retry-After is not a number of seconds: {header:?}")
    });
    assert!(seconds > 0, "{context}: Retry-After {seconds}");
    assert_eq!(
        response.json()["RateLimited"]["retry_after"].as_i64(),
        Some(seconds),
        "{context}: body and Retry-After header agree"
    );
    seconds
}

/// The message of the first field error of a 422.
pub fn field_message(response: &TestResponse) -> serde_json::Value {
    response.json()["Validation"]["field_errors"][0]["message"].clone()
}

/// A code that is not valid for any step in [now - 3 steps, now + 3 steps].
pub fn wrong_code(secret: &[u8], now: i64) -> String {
    let valid: Vec<String> = (-3..=3).map(|k| totp_at(secret, now + k * 30)).collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !valid.contains(c))
        .unwrap()
}

/// The verification code in a message, if it carries one.
fn verification_code(mail: &str) -> Option<String> {
    const LEAD: &str = "verification code is ";
    let index = mail.find(LEAD)? + LEAD.len();
    Some(mail[index..index + 6].to_owned())
}

/// The code in a text ("Caseport code: 123456.") or a code email ("Your Caseport code is 123456.").
fn sent_code(message: &str) -> Option<String> {
    let index = ["Caseport code: ", "Caseport code is "]
        .iter()
        .find_map(|lead| message.find(lead).map(|i| i + lead.len()))?;
    let code = message.get(index..index + 6)?;
    code.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| code.to_owned())
}

/// Reads a whole response into a [`TestResponse`].
pub async fn read_response(response: axum::response::Response) -> TestResponse {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap();
    TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A complete registration form with three different questions.
pub fn registration_form<'a>(email: &'a str, password: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("email", email),
        ("password", password),
        ("password_confirmation", password),
        ("question1", "first_school"),
        ("answer1", "Lincoln Elementary"),
        ("question2", "parents_city"),
        ("answer2", "Oaxaca"),
        ("question3", "first_car"),
        ("answer3", "Volkswagen"),
    ]
}

/// An independent RFC 6238 implementation (HMAC-SHA1 via the `hmac`/`sha1` crates would do too;
/// this uses totp-rs only through its raw generator with explicit parameters).
pub fn totp_at(secret: &[u8], unix: i64) -> String {
    let totp = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        secret.to_vec(),
        None,
        String::new(),
    );
    totp.generate(unix as u64)
}

/// Fields as an `application/x-www-form-urlencoded` body, as a browser's form sends them.
pub fn form_body<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k.as_ref()), encode(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A strong password for tests.
pub const PASSWORD: &str = "correct horse battery staple";

/// Sends a hand-built request through a router for `app`'s state.
pub async fn raw(
    router: &Router,
    method: Method,
    path: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> TestResponse {
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, value.as_str());
    }
    let mut request = builder.body(Body::from(body)).unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    read_response(router.clone().oneshot(request).await.unwrap()).await
}

/// Every registered server function: (path, method), sorted, with sign-out last (it ends the session).
pub fn server_fn_routes() -> Vec<(String, Method)> {
    let mut routes: Vec<(String, Method)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method))
        .collect();
    routes.sort_by_key(|(path, _)| (path.ends_with("/sign_out"), path.clone()));
    assert!(
        routes.len() >= 10,
        "server functions not registered: {routes:?}"
    );
    for expected in [
        "/_fn/sign_in",
        "/_fn/register",
        "/_fn/get_profile",
        "/_fn/verify_totp",
        "/_fn/sign_out",
    ] {
        assert!(
            routes.iter().any(|(p, _)| p == expected),
            "{expected} missing from {routes:?}"
        );
    }
    routes
}

/// Asserts that the median times of two kinds of request differ by less than 10% (no account
/// enumeration by timing, SECURITY.md item 8).
pub fn assert_same_median_time(known: &mut [f64], unknown: &mut [f64]) {
    let median = |v: &mut [f64]| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let (k, u) = (median(known), median(unknown));
    let difference = (k - u).abs() / k.max(u);
    assert!(
        difference < 0.10,
        "median known {k:.5}s vs unknown {u:.5}s differ by {:.1}%",
        difference * 100.0
    );
}

/// What this test thread logs, in the production JSON format, while the returned guard lives.
/// One subscriber is installed for the whole test binary (a per-test `set_default` races with
/// tests on other threads over tracing's cached callsite interest and can lose events); it writes
/// each line to the capture of the thread that logged it, and drops lines no test is capturing.
/// `#[tokio::test]` runs a test on one thread, so its requests log to its own capture.
pub fn capture_logs() -> LogCapture {
    install_log_router();
    let log = CapturedLog::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(log.clone()));
    LogCapture(log)
}

/// Installs the binary's one subscriber (every [`TestApp`] does, before its first request, so
/// no event's interest is decided without it).
fn install_log_router() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let subscriber =
            server::json_log_subscriber(tracing_subscriber::EnvFilter::new("info"), || {
                ThreadCapture
            });
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the test binary");
    });
}

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<CapturedLog>> = const { std::cell::RefCell::new(None) };
}

/// Writes to the capture of the current thread, if it has one.
struct ThreadCapture;

impl std::io::Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(log) = capture.borrow().as_ref() {
                log.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A running capture (see [`capture_logs`]); capturing stops when it is dropped.
pub struct LogCapture(CapturedLog);

impl LogCapture {
    /// Everything logged on this thread since the capture began.
    pub fn text(&self) -> String {
        self.0.text()
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        CAPTURE.with(|capture| *capture.borrow_mut() = None);
    }
}

/// The lines a capture holds (shared between the capture and its writer).
#[derive(Clone, Default)]
pub struct CapturedLog(Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLog {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
