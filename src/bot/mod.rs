//! The Discord front end: a serenity bot that answers the clinic's clients.
//!
//! The bot is conversation around the engine, nothing more: the engine
//! decides what to say ([`crate::answer::Reply`] and its four kinds), and the
//! bot decides when to speak, how it looks, and what to remember.
//!
//! - [`handler`]: events in (messages, slash commands, autocomplete, button
//!   clicks), replies out;
//! - [`render`]: replies as embeds, buttons and plain messages, within
//!   Discord's limits and with empty allowed mentions;
//! - [`state`]: follow-up memory, per-user rate limit, what buttons refer to
//!   (in memory only);
//! - [`log`]: the feedback log of unanswered questions and votes (no user
//!   ids or names), and the `frontdesk review` report over it;
//! - [`handoff`]: questions it could not answer, urgent ones and voted-down
//!   answers go to the staff channel, where staff reply in place or teach;
//! - [`watch`]: rebuilds the index when the content changes;
//! - [`rest`]: sends to the REST API, retrying 429s when serenity's
//!   ratelimiter is off (a non-default `api_url`).
//!
//! The token comes from `DISCORD_TOKEN` and is handed to serenity only; it is
//! never printed, logged or part of the configuration.

pub mod handler;
pub mod handoff;
pub mod log;
pub mod render;
pub mod rest;
pub mod state;
pub mod watch;

use crate::answer::Engine;
use crate::config::Config;
use anyhow::Context as _;
use handler::{Bot, Handler};
use rest::Rest;
use serenity::all::{ClientBuilder, GatewayIntents};
use serenity::gateway::GatewayError;
use serenity::http::{HttpBuilder, HttpError};
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

/// The environment variable holding the bot token.
pub const TOKEN_VAR: &str = "DISCORD_TOKEN";

/// The real API; any other `api_url` switches to proxy mode (see [`rest`]).
const DISCORD_API: &str = "https://discord.com";

/// Why the bot could not start. Each message is one line telling staff what
/// to do, because that is all `frontdesk serve` prints before exiting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// `DISCORD_TOKEN` is unset or empty.
    #[error("{TOKEN_VAR} is not set: set it to your bot's token (Discord Developer Portal > your application > Bot > Reset Token), e.g. {TOKEN_VAR}=... frontdesk serve")]
    MissingToken,
    /// Discord answered 401 on REST or closed the gateway with 4004.
    #[error("Discord rejected the token in {TOKEN_VAR}: set {TOKEN_VAR} to the current token of your bot (Developer Portal > Bot > Reset Token)")]
    TokenRejected,
    /// The gateway closed with 4013/4014: Message Content is privileged.
    #[error("Discord refused the gateway intents: enable \"Message Content Intent\" under Developer Portal > your application > Bot > Privileged Gateway Intents")]
    IntentsDisallowed,
    /// The API could not be asked at all (network, DNS, a proxy).
    #[error("cannot reach Discord at {url}: {message}")]
    Unreachable {
        /// The configured `api_url`.
        url: String,
        /// What went wrong, as serenity reports it (never the token).
        message: String,
    },
}

/// Runs the bot until Ctrl-C (`frontdesk serve`).
pub fn serve(config: Config) -> anyhow::Result<ExitCode> {
    // The token first: a missing one should fail before any slow work.
    let token = token_from_env()?;
    init_tracing();
    let (engine, report, err) =
        Engine::open_or_build(config).context("cannot open or build the index")?;
    if let Some(r) = report {
        tracing::info!("{}", r.to_string().lines().last().unwrap_or_default());
    }
    if let Some(e) = err {
        tracing::warn!("rebuild failed, answering from the previous index: {e}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(Arc::new(engine), token, async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    }))?;
    Ok(ExitCode::SUCCESS)
}

/// Most frequent unanswered and down-voted questions (`frontdesk review`),
/// each with the units that came closest when `engine` is given.
pub fn review(config: &Config, limit: usize, engine: Option<&Engine>) -> anyhow::Result<String> {
    let candidates = |q: &str| engine.map(|e| e.candidates(q)).unwrap_or_default();
    Ok(log::review(
        &config.paths.data.join(log::FILE_NAME),
        limit,
        &candidates,
    )?)
}

/// Connects to Discord (or `[discord] api_url`) with `token` and answers
/// until `shutdown` completes or the connection fails for good.
///
/// The async entry point behind [`serve`], used by the tests against a fake
/// Discord: the engine is built by the caller, so a test owns its content and
/// index directories.
pub async fn run(
    engine: Arc<Engine>,
    token: String,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let api_url = engine
        .config()
        .discord
        .api_url
        .trim_end_matches('/')
        .to_string();
    let mut http = HttpBuilder::new(&token).default_allowed_mentions(render::no_pings());
    let rest = if api_url == DISCORD_API {
        Rest::via_ratelimiter()
    } else {
        // serenity uses another base URL only with its ratelimiter off (its
        // ratelimiter ignores the proxy); `Rest` then retries 429s itself.
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        http = http
            .proxy(&api_url)
            .ratelimiter_disabled(true)
            .client(client.clone());
        Rest::direct(client, &api_url)
    };
    let http = http.build();
    drop(token);

    // Fail fast and clearly on a bad token (the gateway would only close).
    if let Err(e) = http.get_current_user().await {
        return Err(match e {
            serenity::Error::Http(HttpError::UnsuccessfulRequest(r))
                if r.status_code.as_u16() == 401 =>
            {
                StartError::TokenRejected
            }
            other => StartError::Unreachable {
                url: api_url,
                message: other.to_string(),
            },
        }
        .into());
    }

    let bot = Arc::new(Bot::new(engine, rest));
    let _watch = watch::spawn(bot.clone());
    let intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT;
    let mut client = ClientBuilder::new_with_http(http, intents)
        .event_handler(Handler(bot))
        .await?;
    let shards = client.shard_manager.clone();
    tokio::select! {
        result = client.start() => result.map_err(|e| match e {
            serenity::Error::Gateway(GatewayError::InvalidAuthentication) => StartError::TokenRejected.into(),
            serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents | GatewayError::InvalidGatewayIntents) => {
                StartError::IntentsDisallowed.into()
            }
            other => anyhow::Error::from(other),
        }),
        () = shutdown => {
            shards.shutdown_all().await;
            Ok(())
        }
    }
}

/// The token from the environment, trimmed; empty counts as missing.
fn token_from_env() -> Result<String, StartError> {
    match std::env::var(TOKEN_VAR) {
        Ok(t) if !t.trim().is_empty() => Ok(t.trim().to_string()),
        _ => Err(StartError::MissingToken),
    }
}

/// Logs to stderr; `RUST_LOG` overrides the default (Frontdesk at info,
/// everything else at warn).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,frontdesk=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
