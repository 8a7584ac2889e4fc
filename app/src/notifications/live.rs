//! `GET /live`: a server-sent event stream telling the signed-in person's open pages that one of
//! their cases changed (`event: case`, `data: <case id>`); the page then fetches again. The stream
//! reads the session without counting as activity (an open page must not keep a session alive),
//! checks it again every minute, and ends after ten minutes (the browser reconnects), or at once
//! when the session ends.

use crate::{
    infra::{request::cookie, state::AppState},
    session::store::{peek, SESSION_COOKIE},
};
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
    routing::get,
    Router,
};
use std::{convert::Infallible, time::Duration};
use tokio::sync::broadcast::error::RecvError;

/// Where the stream is served (the sessions middleware leaves this path to the handler).
pub const LIVE_PATH: &str = "/live";

/// How long one stream lasts before the browser reconnects.
const STREAM_LIFETIME: Duration = Duration::from_secs(600);
/// How often the session is checked again.
const SESSION_CHECK: Duration = Duration::from_secs(60);

/// The route of live updates.
pub fn router() -> Router<AppState> {
    Router::new().route(LIVE_PATH, get(live))
}

async fn signed_in(state: &AppState, token: &str) -> Option<String> {
    let auth = peek(&state.db, &state.policy, token, state.now())
        .await
        .ok()??;
    match auth {
        crate::session::model::AuthState::SignedIn { account_id } => Some(account_id),
        _ => None,
    }
}

async fn live(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = cookie(&headers, SESSION_COOKIE) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let Some(account_id) = signed_in(&state, &token).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut events = state.live.subscribe();
    // A task watches the hub and the session and feeds the response body; it ends when the
    // client goes away (the channel closes), the session ends, or the stream's time is up.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Event>(16);
    tokio::spawn(async move {
        let started = tokio::time::Instant::now();
        let mut check = tokio::time::interval(SESSION_CHECK);
        check.tick().await;
        loop {
            tokio::select! {
                received = events.recv() => match received {
                    Ok(event) if event.account_id == account_id => {
                        let message = Event::default().event("case").data(event.case_id);
                        if sender.send(message).await.is_err() {
                            return;
                        }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
                _ = check.tick() => {
                    let still = signed_in(&state, &token).await;
                    if started.elapsed() >= STREAM_LIFETIME || still.as_deref() != Some(account_id.as_str()) {
                        return;
                    }
                }
                () = sender.closed() => return,
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        receiver
            .poll_recv(cx)
            .map(|event| event.map(Ok::<Event, Infallible>))
    });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}
