//! Sending to Discord's REST API, surviving `429 Too Many Requests`.
//!
//! Against the real API, serenity's ratelimiter tracks buckets and retries
//! 429s by itself, and every call goes through it. When `[discord] api_url`
//! points elsewhere (a test server, a proxy), serenity needs its ratelimiter
//! off to use that address at all, and then nothing retries a 429: the reply
//! would be lost. In that mode this module executes serenity-built requests
//! itself and retries a 429 after the `retry_after` the response asks for.
//! serenity's own error type cannot carry `retry_after` (it drops the body
//! fields it does not know), which is why the response is read here.

use serenity::all::{
    ApplicationId, ChannelId, CreateInteractionResponse, CreateMessage, EditInteractionResponse,
    InteractionId,
};
use serenity::http::{ErrorResponse, Http, HttpError, LightMethod, Request, Route};
use std::time::Duration;

/// Attempts per request before a 429 is given up on.
const MAX_ATTEMPTS: u32 = 5;
/// The longest single wait honoured; a longer `retry_after` fails the send
/// (a reply that late is worse than the error in the log).
const MAX_WAIT: Duration = Duration::from_secs(60);
/// Wait when a 429 names no `retry_after`.
const DEFAULT_WAIT: Duration = Duration::from_secs(1);

/// How replies reach Discord.
pub struct Rest {
    /// `Some` in proxy mode: the client executing requests, and the base URL
    /// (`http://127.0.0.1:PORT`) replacing `https://discord.com`.
    direct: Option<(reqwest::Client, String)>,
}

impl Rest {
    /// Through serenity's ratelimiter (the real Discord API).
    pub fn via_ratelimiter() -> Rest {
        Rest { direct: None }
    }

    /// Executed here with `client` against `base_url`, retrying 429s.
    pub fn direct(client: reqwest::Client, base_url: &str) -> Rest {
        Rest {
            direct: Some((client, base_url.trim_end_matches('/').to_string())),
        }
    }

    /// `POST /channels/{id}/messages`.
    pub async fn create_message(
        &self,
        http: &Http,
        channel_id: ChannelId,
        msg: &CreateMessage,
    ) -> Result<(), SendError> {
        let req = Request::new(Route::ChannelMessages { channel_id }, LightMethod::Post)
            .body(Some(json(msg)?));
        self.send(http, req).await.map(drop)
    }

    /// `POST /interactions/{id}/{token}/callback`.
    pub async fn respond(
        &self,
        http: &Http,
        interaction_id: InteractionId,
        token: &str,
        response: &CreateInteractionResponse,
    ) -> Result<(), SendError> {
        let route = Route::InteractionResponse {
            interaction_id,
            token,
        };
        self.send(
            http,
            Request::new(route, LightMethod::Post).body(Some(json(response)?)),
        )
        .await
        .map(drop)
    }

    /// `PATCH /webhooks/{application}/{token}/messages/@original`: the answer
    /// to a deferred interaction.
    pub async fn edit_original(
        &self,
        http: &Http,
        application_id: ApplicationId,
        token: &str,
        edit: &EditInteractionResponse,
    ) -> Result<(), SendError> {
        let route = Route::WebhookOriginalInteractionResponse {
            application_id,
            token,
        };
        self.send(
            http,
            Request::new(route, LightMethod::Patch).body(Some(json(edit)?)),
        )
        .await
        .map(drop)
    }

    async fn send(&self, http: &Http, req: Request<'_>) -> Result<reqwest::Response, SendError> {
        let Some((client, base)) = &self.direct else {
            return Ok(http.request(req).await?);
        };
        let method = req.method_ref().reqwest_method();
        for attempt in 1..=MAX_ATTEMPTS {
            let built = req
                .clone()
                .build(client, http.token(), Some(base))?
                .build()
                .map_err(HttpError::from)?;
            let response = client.execute(built).await.map_err(HttpError::from)?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if status != reqwest::StatusCode::TOO_MANY_REQUESTS {
                let error = ErrorResponse::from_response(response, method).await;
                return Err(serenity::Error::from(HttpError::UnsuccessfulRequest(error)).into());
            }
            let wait = retry_after(response).await;
            match wait.filter(|w| *w <= MAX_WAIT) {
                Some(wait) if attempt < MAX_ATTEMPTS => {
                    tracing::info!(
                        wait_ms = wait.as_millis() as u64,
                        attempt,
                        "Discord answered 429; retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    return Err(SendError::RateLimited {
                        attempts: attempt,
                        retry_after: wait,
                    })
                }
            }
        }
        unreachable!("the last attempt returns")
    }
}

/// Why a send failed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Discord (or the network) refused the request.
    #[error(transparent)]
    Discord(Box<serenity::Error>),
    /// Still 429 after every attempt, or asked to wait longer than we would.
    #[error("still rate limited after {attempts} attempts (retry_after {retry_after:?})")]
    RateLimited {
        attempts: u32,
        retry_after: Option<Duration>,
    },
}

impl From<serenity::Error> for SendError {
    fn from(e: serenity::Error) -> Self {
        SendError::Discord(Box::new(e))
    }
}

impl From<HttpError> for SendError {
    fn from(e: HttpError) -> Self {
        SendError::from(serenity::Error::from(e))
    }
}

fn json<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, SendError> {
    serde_json::to_vec(body).map_err(|e| SendError::from(serenity::Error::from(e)))
}

/// How long a 429 asks to wait: the body's `retry_after` (seconds, with a
/// fraction), else the `Retry-After` header, else a second. `None` when the
/// value is unusable.
async fn retry_after(response: reqwest::Response) -> Option<Duration> {
    let header = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok());
    let body = response.bytes().await.ok();
    let from_body = body
        .as_deref()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
        .and_then(|v| v.get("retry_after").and_then(serde_json::Value::as_f64));
    match from_body.or(header) {
        Some(s) => Duration::try_from_secs_f64(s).ok(),
        None => Some(DEFAULT_WAIT),
    }
}
