//! A fake Discord on 127.0.0.1: the REST API and the gateway websocket,
//! speaking just enough of Discord's JSON for a real serenity client.
//!
//! How it works:
//! - REST (`api_url`): a tiny HTTP/1.1 server. Every request is recorded as a
//!   [`Call`] (method, path without `/api/v10`, JSON body, the status the fake
//!   answered); tests assert on those. Message-creating calls also get the
//!   message object the fake "created" ([`Call::message`]), so a test can
//!   click its buttons. [`FakeDiscord::rate_limit_next`] makes the next
//!   message sends answer `429` with `retry_after`.
//! - Gateway (the `url` of `GET /gateway` or `/gateway/bot`): HELLO, then
//!   READY and GUILD_CREATE (with the bot's role) for IDENTIFY, or RESUMED
//!   for RESUME, heartbeat ACKs, and the events tests push with
//!   [`FakeDiscord::say`], [`FakeDiscord::command`], [`FakeDiscord::click`]...
//!   Events pushed while no connection is up wait in a queue and go out after
//!   the next READY/RESUMED, as Discord replays missed events on resume.
//!   [`FakeDiscord::close_gateway`] drops the connection with a close code.
//! - Every event the fake sends is first deserialized with serenity's own
//!   types, because serenity silently drops an event it cannot parse (it
//!   becomes `Event::Unknown`): a missing field fails the test right here,
//!   with serde's message, instead of as a timeout.
//!
//! Adding a case usually takes a few lines in a test: push an event, then
//! `wait_for` the call you expect. A new endpoint is one arm in
//! [`State::route`].

#![allow(dead_code)] // each test binary uses a different part of the fake

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use serenity::all::{CurrentUser, Event, GatewayEvent, Guild, Interaction, Message, Ready};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The bot's user id, which is also its application id.
pub const BOT_ID: u64 = 1000;
/// The token the fake refuses (401 on REST, close 4004 on the gateway).
pub const BAD_TOKEN: &str = "rejected-token";
/// How long any wait in a test may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// The guild every guild channel belongs to.
pub const GUILD: u64 = 10;
/// A guild channel where the bot answers only when mentioned.
pub const GENERAL: u64 = 20;
/// A guild channel configured as an answer channel.
pub const ANSWERS: u64 = 21;
/// A DM channel (no guild).
pub const DM: u64 = 30;
/// The role configured as staff.
pub const STAFF_ROLE: u64 = 77;
/// The private staff channel handoffs go to (when configured).
pub const HANDOFF: u64 = 22;
/// A role mentioned on urgent handoffs (when configured).
pub const ON_CALL_ROLE: u64 = 79;
/// The role Discord creates for the bot when it joins (tagged with its id).
pub const BOT_ROLE: u64 = 78;

/// Someone who writes in the fake guild.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub id: u64,
    pub name: &'static str,
    pub roles: &'static [u64],
    pub bot: bool,
}

pub const ALICE: Person = Person {
    id: 501,
    name: "alice",
    roles: &[],
    bot: false,
};
pub const BOB: Person = Person {
    id: 502,
    name: "bob",
    roles: &[],
    bot: false,
};
pub const STAFF: Person = Person {
    id: 503,
    name: "nurse.kim",
    roles: &[STAFF_ROLE],
    bot: false,
};
pub const OTHER_BOT: Person = Person {
    id: 504,
    name: "otherbot",
    roles: &[],
    bot: true,
};

impl Person {
    /// Someone with a made-up id (for the many-users test).
    pub fn numbered(id: u64) -> Person {
        Person {
            id,
            name: "client",
            roles: &[],
            bot: false,
        }
    }

    fn user(&self) -> Value {
        json!({
            "id": self.id.to_string(), "username": self.name, "discriminator": "0",
            "global_name": self.name, "avatar": null, "bot": self.bot,
        })
    }

    fn member(&self) -> Value {
        json!({
            "roles": self.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
            "joined_at": "2024-01-01T00:00:00.000000+00:00",
            "deaf": false, "mute": false, "flags": 0, "pending": false,
        })
    }
}

fn bot_person() -> Person {
    Person {
        id: BOT_ID,
        name: "frontdesk",
        roles: &[],
        bot: true,
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// Path without `/api/v10` and without the query string.
    pub path: String,
    pub body: Value,
    /// The status the fake answered.
    pub status: u16,
    pub at: Instant,
    /// The message object this call created, if any.
    pub message: Option<Value>,
}

impl Call {
    /// The message part of the payload: the body itself, or `data` of an
    /// interaction callback.
    pub fn data(&self) -> &Value {
        if self.path.ends_with("/callback") {
            &self.body["data"]
        } else {
            &self.body
        }
    }

    /// Interaction callback type (4 message, 5 defer, 7 update, 8 autocomplete).
    pub fn callback_type(&self) -> u64 {
        self.body["type"].as_u64().unwrap_or_default()
    }

    pub fn content(&self) -> &str {
        self.data()["content"].as_str().unwrap_or_default()
    }

    /// The first embed, or `Null`.
    pub fn embed(&self) -> &Value {
        &self.data()["embeds"][0]
    }

    pub fn embed_count(&self) -> usize {
        self.data()["embeds"].as_array().map_or(0, Vec::len)
    }

    /// (label, custom_id) of every button.
    pub fn buttons(&self) -> Vec<(String, String)> {
        let rows = self.data()["components"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        rows.iter()
            .flat_map(|r| r["components"].as_array().cloned().unwrap_or_default())
            .map(|b| {
                (
                    b["label"].as_str().unwrap_or_default().to_string(),
                    b["custom_id"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Whether the response is only visible to the one who asked (flag 64).
    pub fn ephemeral(&self) -> bool {
        self.data()["flags"].as_u64().is_some_and(|f| f & 64 != 0)
    }

    /// Panics unless the payload allows no mentions at all.
    pub fn assert_pings_nobody(&self) {
        let am = &self.data()["allowed_mentions"];
        assert_eq!(
            am["parse"],
            json!([]),
            "allowed_mentions.parse must be empty: {}",
            self.body
        );
        assert!(
            am["users"].as_array().is_none_or(Vec::is_empty),
            "no user mentions: {}",
            self.body
        );
        assert!(
            am["roles"].as_array().is_none_or(Vec::is_empty),
            "no role mentions: {}",
            self.body
        );
        assert_ne!(
            am["replied_user"],
            json!(true),
            "the replied-to user is not pinged: {}",
            self.body
        );
    }
}

/// What the test wants the gateway connection to do.
enum Control {
    Close(u16),
}

/// A REST failure scripted by a test.
struct Scripted {
    remaining: usize,
    retry_after: f64,
}

struct State {
    ws_url: String,
    calls: Mutex<Vec<Call>>,
    /// Problems inside the fake's own tasks, reported by the next wait.
    problems: Mutex<Vec<String>>,
    next_id: AtomicU64,
    events: mpsc::UnboundedSender<(String, Value)>,
    queue: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<(String, Value)>>>,
    control: Mutex<Option<mpsc::UnboundedSender<Control>>>,
    seq: AtomicU64,
    identifies: AtomicUsize,
    resumes: AtomicUsize,
    heartbeats: AtomicUsize,
    heartbeat_interval: Duration,
    /// Cleared by a test to make the fake ignore heartbeats until the next
    /// IDENTIFY.
    ack_heartbeats: AtomicBool,
    /// Set by a test to close the next IDENTIFY with 4014.
    refuse_intents: AtomicBool,
    rate_limits: Mutex<Option<Scripted>>,
    /// Channel of each interaction the fake sent, for the messages it creates.
    interaction_channels: Mutex<HashMap<u64, u64>>,
    /// Channels a test deleted: sending there answers 404 Unknown Channel.
    missing_channels: Mutex<std::collections::HashSet<u64>>,
}

/// The fake. Dropping it stops nothing (its tasks end with the test's runtime).
pub struct FakeDiscord {
    /// `http://127.0.0.1:PORT`, for `[discord] api_url`.
    pub api_url: String,
    state: Arc<State>,
}

impl FakeDiscord {
    /// Binds both servers on ephemeral loopback ports and starts serving,
    /// with Discord's usual heartbeat interval (no heartbeat in a short test).
    pub async fn start() -> FakeDiscord {
        FakeDiscord::start_with_heartbeat(Duration::from_millis(41_250)).await
    }

    /// Like [`FakeDiscord::start`], asking the client to heartbeat every `interval`.
    pub async fn start_with_heartbeat(interval: Duration) -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind REST");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let api_url = format!("http://{}", rest.local_addr().unwrap());
        let (tx, rx) = mpsc::unbounded_channel();
        let state = Arc::new(State {
            ws_url: format!("ws://{}", gateway.local_addr().unwrap()),
            calls: Mutex::new(Vec::new()),
            problems: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(900_000),
            events: tx,
            queue: Arc::new(tokio::sync::Mutex::new(rx)),
            control: Mutex::new(None),
            seq: AtomicU64::new(0),
            identifies: AtomicUsize::new(0),
            resumes: AtomicUsize::new(0),
            heartbeats: AtomicUsize::new(0),
            heartbeat_interval: interval,
            ack_heartbeats: AtomicBool::new(true),
            refuse_intents: AtomicBool::new(false),
            rate_limits: Mutex::new(None),
            interaction_channels: Mutex::new(HashMap::new()),
            missing_channels: Mutex::new(Default::default()),
        });
        let s = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = rest.accept().await {
                tokio::spawn(serve_http(stream, s.clone()));
            }
        });
        let s = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = gateway.accept().await {
                tokio::spawn(serve_gateway(stream, s.clone()));
            }
        });
        FakeDiscord { api_url, state }
    }

    // ----- pushing events -------------------------------------------------

    /// `who` writes `text` in `channel` (guild channel, or [`DM`]).
    /// Returns the message id.
    pub fn say(&self, channel: u64, who: Person, text: &str) -> u64 {
        self.post(channel, who, text, vec![])
    }

    /// `who` writes `@Frontdesk text` in `channel`. Returns the message id.
    pub fn mention(&self, channel: u64, who: Person, text: &str) -> u64 {
        self.post(
            channel,
            who,
            &format!("<@{BOT_ID}> {text}"),
            vec![bot_person().user()],
        )
    }

    /// `who` writes `@Frontdesk text` but picks the bot's role from the list.
    pub fn mention_role(&self, channel: u64, who: Person, text: &str) -> u64 {
        self.post(channel, who, &format!("<@&{BOT_ROLE}> {text}"), vec![])
    }

    fn post(&self, channel: u64, who: Person, content: &str, mentions: Vec<Value>) -> u64 {
        let id = self.id();
        let mut m = message_json(id, channel, who, content);
        m["mentions"] = Value::Array(mentions);
        m["mention_everyone"] = json!(content.contains("@everyone"));
        // Role mentions, as Discord lists them: every `<@&id>` in the text.
        let roles: Vec<String> = content
            .split("<@&")
            .skip(1)
            .filter_map(|rest| rest.split_once('>').map(|(id, _)| id.to_string()))
            .collect();
        m["mention_roles"] = json!(roles);
        self.dispatch("MESSAGE_CREATE", m);
        id
    }

    /// `who` runs `/name` with `options` (Discord's `[{name,type,value}]`).
    /// Returns the interaction id.
    pub fn command(&self, who: Person, name: &str, options: Value) -> u64 {
        self.interaction(
            who,
            2,
            json!({"id": "4242", "name": name, "type": 1, "options": options}),
            None,
        )
    }

    /// Autocomplete while `who` types `value` into `/name option:`.
    pub fn autocomplete(&self, who: Person, name: &str, option: &str, value: &str) -> u64 {
        let options = json!([{"name": option, "type": 3, "value": value, "focused": true}]);
        self.interaction(
            who,
            4,
            json!({"id": "4242", "name": name, "type": 1, "options": options}),
            None,
        )
    }

    /// `who` clicks the button `custom_id` on `message` (a [`Call::message`]).
    pub fn click(&self, who: Person, message: &Value, custom_id: &str) -> u64 {
        let data = json!({"custom_id": custom_id, "component_type": 2});
        self.interaction(who, 3, data, Some(message.clone()))
    }

    /// `who` picks `values` in the select menu `custom_id` on `message`.
    pub fn select(&self, who: Person, message: &Value, custom_id: &str, values: &[&str]) -> u64 {
        let data = json!({"custom_id": custom_id, "component_type": 3, "values": values});
        self.interaction(who, 3, data, Some(message.clone()))
    }

    /// `who` submits the modal `custom_id` (opened from a button on
    /// `message`) with text inputs `fields` as (custom id, value).
    pub fn submit_modal(
        &self,
        who: Person,
        message: &Value,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> u64 {
        let rows: Vec<Value> = fields
            .iter()
            .map(|(id, value)| {
                json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]})
            })
            .collect();
        let data = json!({"custom_id": custom_id, "components": rows});
        self.interaction(who, 5, data, Some(message.clone()))
    }

    /// Deletes `channel`: messages sent there fail with 404 Unknown Channel.
    pub fn remove_channel(&self, channel: u64) {
        self.state.missing_channels.lock().unwrap().insert(channel);
    }

    fn interaction(&self, who: Person, kind: u8, data: Value, message: Option<Value>) -> u64 {
        let id = self.id();
        let channel = message
            .as_ref()
            .and_then(|m| m["channel_id"].as_str())
            .and_then(|c| c.parse().ok())
            .unwrap_or(GENERAL);
        let mut member = who.member();
        member["user"] = who.user();
        member["permissions"] = json!("0");
        let mut i = json!({
            "id": id.to_string(), "application_id": BOT_ID.to_string(), "type": kind,
            "token": format!("itoken{id}"), "version": 1,
            "guild_id": GUILD.to_string(), "channel_id": channel.to_string(),
            "member": member, "app_permissions": "0", "locale": "en-US", "guild_locale": "en-US",
            "entitlements": [], "authorizing_integration_owners": {}, "attachment_size_limit": 10_485_760,
            "data": data,
        });
        if let Some(m) = message {
            i["message"] = m;
        }
        self.state
            .interaction_channels
            .lock()
            .unwrap()
            .insert(id, channel);
        self.dispatch("INTERACTION_CREATE", i);
        id
    }

    /// Sends a dispatch event after checking serenity can read it.
    pub fn dispatch(&self, t: &str, d: Value) {
        if let Err(e) = validate(t, &d) {
            panic!("{e}");
        }
        self.state
            .events
            .send((t.to_string(), d))
            .expect("gateway queue open");
    }

    fn id(&self) -> u64 {
        self.state.next_id.fetch_add(1, Ordering::SeqCst)
    }

    // ----- steering -------------------------------------------------------

    /// Closes the current gateway connection with `code` (4000: resumable).
    pub fn close_gateway(&self, code: u16) {
        let control = self.state.control.lock().unwrap().take();
        control
            .expect("a gateway connection is up")
            .send(Control::Close(code))
            .expect("connection alive");
    }

    /// The next `n` message sends answer 429 with `retry_after` seconds.
    pub fn rate_limit_next(&self, n: usize, retry_after: f64) {
        *self.state.rate_limits.lock().unwrap() = Some(Scripted {
            remaining: n,
            retry_after,
        });
    }

    /// Stop answering heartbeats on this connection (the client should
    /// give up on it and connect again).
    pub fn stop_acking_heartbeats(&self) {
        self.state.ack_heartbeats.store(false, Ordering::SeqCst);
    }

    /// Close the next IDENTIFY with 4014 (privileged intent not enabled).
    pub fn refuse_intents(&self) {
        self.state.refuse_intents.store(true, Ordering::SeqCst);
    }

    /// Heartbeats received (acknowledged or not).
    pub fn heartbeats(&self) -> usize {
        self.state.heartbeats.load(Ordering::SeqCst)
    }

    pub fn identifies(&self) -> usize {
        self.state.identifies.load(Ordering::SeqCst)
    }

    pub fn resumes(&self) -> usize {
        self.state.resumes.load(Ordering::SeqCst)
    }

    // ----- asserting ------------------------------------------------------

    /// Every request so far.
    pub fn calls(&self) -> Vec<Call> {
        self.state.calls.lock().unwrap().clone()
    }

    /// Waits (at most [`WAIT`]) for a request matching `pred`.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Call) -> bool) -> Call {
        let deadline = Instant::now() + WAIT;
        loop {
            self.check_problems();
            if let Some(c) = self.state.calls.lock().unwrap().iter().find(|c| pred(c)) {
                return c.clone();
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out after {WAIT:?} waiting for {what}; calls so far:\n{}",
                    self.summary()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits (at most [`WAIT`]) until `cond` holds.
    pub async fn wait_until(&self, what: &str, cond: impl Fn(&FakeDiscord) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !cond(self) {
            self.check_problems();
            assert!(
                Instant::now() < deadline,
                "timed out after {WAIT:?} waiting for {what}; calls:\n{}",
                self.summary()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The bot's reply to message `id` (a successful message send whose
    /// message reference points at it).
    pub async fn reply_to(&self, id: u64) -> Call {
        self.wait_for(&format!("a reply to message {id}"), |c| is_reply_to(c, id))
            .await
    }

    /// Every successful reply to message `id` so far.
    pub fn replies_to(&self, id: u64) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| is_reply_to(c, id))
            .collect()
    }

    /// The bot's callback for interaction `id`.
    pub async fn callback(&self, id: u64) -> Call {
        let path = format!("/interactions/{id}/itoken{id}/callback");
        self.wait_for(&format!("the callback of interaction {id}"), |c| {
            c.path == path
        })
        .await
    }

    /// The edit of the original response of interaction `id`.
    pub async fn original_edit(&self, id: u64) -> Call {
        let path = format!("/webhooks/{BOT_ID}/itoken{id}/messages/@original");
        self.wait_for(&format!("the edited response of interaction {id}"), |c| {
            c.method == "PATCH" && c.path == path
        })
        .await
    }

    /// Waits `quiet`, then panics if any request matches `pred`.
    pub async fn assert_no_call(&self, what: &str, quiet: Duration, pred: impl Fn(&Call) -> bool) {
        tokio::time::sleep(quiet).await;
        self.check_problems();
        let hits: Vec<Call> = self.calls().into_iter().filter(|c| pred(c)).collect();
        assert!(hits.is_empty(), "expected no {what}, got: {hits:#?}");
    }

    fn check_problems(&self) {
        let problems = self.state.problems.lock().unwrap();
        assert!(
            problems.is_empty(),
            "the fake Discord saw problems: {problems:#?}"
        );
    }

    fn summary(&self) -> String {
        self.calls()
            .iter()
            .map(|c| {
                format!(
                    "  {} {} -> {} {}",
                    c.method,
                    c.path,
                    c.status,
                    render_short(&c.body)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn render_short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

fn is_reply_to(c: &Call, id: u64) -> bool {
    c.method == "POST"
        && c.status == 200
        && c.path.ends_with("/messages")
        && c.body["message_reference"]["message_id"].as_str() == Some(&id.to_string())
}

/// Checks a dispatch the way serenity reads it: first as its own type (for
/// serde's exact message), then as a gateway frame, where a payload serenity
/// cannot parse becomes `Event::Unknown` and would be dropped without a word.
fn validate(t: &str, d: &Value) -> Result<(), String> {
    fn typed<T: serde::de::DeserializeOwned>(t: &str, d: &Value) -> Result<(), String> {
        serde_json::from_value::<T>(d.clone())
            .map(drop)
            .map_err(|e| format!("the fake built a {t} serenity cannot read: {e}\n{d:#}"))
    }
    match t {
        "MESSAGE_CREATE" => typed::<Message>(t, d)?,
        "INTERACTION_CREATE" => typed::<Interaction>(t, d)?,
        "READY" => typed::<Ready>(t, d)?,
        "GUILD_CREATE" => typed::<Guild>(t, d)?,
        _ => {}
    }
    let frame = json!({"op": 0, "t": t, "s": 1, "d": d});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(u))) => {
            Err(format!("serenity would drop this {t} as unknown: {u:?}"))
        }
        Ok(_) => Ok(()),
        Err(e) => Err(format!("serenity cannot read this {t}: {e}\n{d:#}")),
    }
}

fn message_json(id: u64, channel: u64, who: Person, content: &str) -> Value {
    let mut m = json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": who.user(),
        "content": content, "timestamp": "2024-01-01T00:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 0,
    });
    if channel != DM {
        m["guild_id"] = json!(GUILD.to_string());
        m["member"] = who.member();
    }
    m
}

/// The guild as GUILD_CREATE describes it after READY: enough for the cache
/// to know the roles, in particular the one Discord made for the bot.
fn guild_json() -> Value {
    let role = |id: u64, name: &str, tags: Value| {
        json!({
            "id": id.to_string(), "name": name, "color": 0, "hoist": false,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}, "icon": null,
            "unicode_emoji": null, "position": 1, "permissions": "0", "managed": !tags.as_object().unwrap().is_empty(),
            "mentionable": true, "flags": 0, "tags": tags,
        })
    };
    json!({
        "id": GUILD.to_string(), "name": "Lumière clients", "icon": null, "icon_hash": null, "splash": null,
        "discovery_splash": null, "owner_id": "1", "afk_channel_id": null, "afk_timeout": 300,
        "verification_level": 1, "default_message_notifications": 1, "explicit_content_filter": 0,
        "roles": [
            role(GUILD, "@everyone", json!({})),
            role(STAFF_ROLE, "staff", json!({})),
            role(BOT_ROLE, "Frontdesk", json!({"bot_id": BOT_ID.to_string()})),
        ],
        "emojis": [], "features": [], "mfa_level": 0, "application_id": null, "system_channel_id": null,
        "system_channel_flags": 0, "rules_channel_id": null, "vanity_url_code": null, "description": null,
        "banner": null, "premium_tier": 0, "preferred_locale": "en-US", "public_updates_channel_id": null,
        "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false,
        "joined_at": "2024-01-01T00:00:00.000000+00:00", "large": false, "unavailable": false, "member_count": 3,
        "voice_states": [], "members": [], "channels": [], "threads": [], "presences": [],
        "stage_instances": [], "guild_scheduled_events": [],
    })
}

// ----- REST ---------------------------------------------------------------

/// What the fake answers one REST request with.
struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    /// JSON body; `None` for an empty one.
    body: Option<Value>,
    /// The message object the request created, kept on the [`Call`].
    created: Option<Value>,
}

impl Response {
    fn json(status: u16, body: Value) -> Response {
        Response {
            status,
            headers: vec![],
            body: Some(body),
            created: None,
        }
    }

    fn error(status: u16, message: &str) -> Response {
        Response::json(status, json!({"code": 0, "message": message}))
    }

    /// 200 with the created message as the body.
    fn created(message: Value) -> Response {
        Response {
            status: 200,
            headers: vec![],
            body: Some(message.clone()),
            created: Some(message),
        }
    }
}

async fn serve_http(stream: TcpStream, state: Arc<State>) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
        );
        let (mut length, mut auth) = (0usize, String::new());
        loop {
            let mut header = String::new();
            if read.read_line(&mut header).await.unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "authorization" => auth = value.trim().to_string(),
                    "transfer-encoding" => {
                        state.problem(format!("unexpected transfer-encoding on {method} {target}"))
                    }
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        if read.read_exact(&mut body).await.is_err() {
            return;
        }
        let body: Value = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&body).unwrap_or(Value::Null)
        };
        // Query strings come as `?&key=value`; no route here needs them.
        let path = target.split('?').next().unwrap_or_default();
        let path = path.strip_prefix("/api/v10").unwrap_or(path).to_string();
        let Response {
            status,
            headers,
            body: reply,
            created,
        } = state.route(&method, &path, &auth, &body);
        let call = Call {
            method,
            path,
            body,
            status,
            at: Instant::now(),
            message: created,
        };
        state.calls.lock().unwrap().push(call);
        let text = reply.map(|v| v.to_string()).unwrap_or_default();
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\n",
            reason(status),
            text.len()
        );
        if !text.is_empty() {
            head.push_str("content-type: application/json\r\n");
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if write.write_all(head.as_bytes()).await.is_err()
            || write.write_all(text.as_bytes()).await.is_err()
        {
            return;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Whatever",
    }
}

impl State {
    fn problem(&self, p: String) {
        self.problems.lock().unwrap().push(p);
    }

    fn new_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::SeqCst)
    }

    /// Answers one REST request.
    fn route(&self, method: &str, path: &str, auth: &str, body: &Value) -> Response {
        if auth != format!("Bot {}", super::TOKEN) {
            return Response::error(401, "401: Unauthorized");
        }
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            ("GET", ["gateway"]) => Response::json(200, json!({"url": self.ws_url})),
            ("GET", ["gateway", "bot"]) => Response::json(
                200,
                json!({"url": self.ws_url, "shards": 1, "session_start_limit":
                    {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}}),
            ),
            ("GET", ["users", "@me"]) => {
                let mut me = bot_person().user();
                me["verified"] = json!(true);
                me["mfa_enabled"] = json!(false);
                me["flags"] = json!(0);
                if let Err(e) = serde_json::from_value::<CurrentUser>(me.clone()) {
                    self.problem(format!(
                        "the fake built a current user serenity cannot read: {e}"
                    ));
                }
                Response::json(200, me)
            }
            // Command registration, global or per guild: serenity reads the
            // registered commands back; an empty list is valid.
            ("PUT", ["applications", _, "commands"])
            | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
                Response::json(200, json!([]))
            }
            ("POST", ["channels", channel, "messages"])
                if self
                    .missing_channels
                    .lock()
                    .unwrap()
                    .contains(&channel.parse().unwrap_or_default()) =>
            {
                Response::json(404, json!({"message": "Unknown Channel", "code": 10003}))
            }
            ("POST", ["channels", channel, "messages"]) => {
                self.take_rate_limit().unwrap_or_else(|| {
                    Response::created(self.bot_message(channel.parse().unwrap_or_default(), body))
                })
            }
            ("POST", ["interactions", id, _token, "callback"]) => {
                // 4 (message) and 7 (update) put a message on screen.
                let created = matches!(body["type"].as_u64(), Some(4 | 7)).then(|| {
                    let id: u64 = id.parse().unwrap_or_default();
                    let channel = self.interaction_channels.lock().unwrap().get(&id).copied();
                    self.bot_message(channel.unwrap_or(GENERAL), &body["data"])
                });
                Response {
                    status: 204,
                    headers: vec![],
                    body: None,
                    created,
                }
            }
            ("PATCH", ["webhooks", _app, _token, "messages", "@original"]) => {
                Response::created(self.bot_message(GENERAL, body))
            }
            _ => Response::error(404, "404: Not Found"),
        }
    }

    /// A scripted 429, if one is due.
    fn take_rate_limit(&self) -> Option<Response> {
        let mut slot = self.rate_limits.lock().unwrap();
        let s = slot.as_mut().filter(|s| s.remaining > 0)?;
        s.remaining -= 1;
        let body = json!({"message": "You are being rate limited.", "retry_after": s.retry_after, "global": false});
        let mut r = Response::json(429, body);
        r.headers
            .push(("retry-after", format!("{}", s.retry_after.ceil())));
        Some(r)
    }

    /// The message Discord would create from a send payload.
    fn bot_message(&self, channel: u64, payload: &Value) -> Value {
        let mut m = message_json(
            self.new_id(),
            channel,
            bot_person(),
            payload["content"].as_str().unwrap_or_default(),
        );
        for key in ["embeds", "components"] {
            if let Some(v) = payload.get(key).filter(|v| v.is_array()) {
                m[key] = v.clone();
            }
        }
        if let Some(r) = payload.get("message_reference").filter(|r| r.is_object()) {
            m["message_reference"] = r.clone();
        }
        m.as_object_mut().unwrap().remove("member");
        if let Err(e) = serde_json::from_value::<Message>(m.clone()) {
            self.problem(format!(
                "the bot sent a message serenity cannot read back: {e}\n{payload:#}"
            ));
        }
        m
    }
}

// ----- gateway ------------------------------------------------------------

async fn serve_gateway(stream: TcpStream, state: Arc<State>) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let send = |v: Value| WsMessage::Text(v.to_string());
    if ws
        .send(send(json!({"op": 10, "d": {"heartbeat_interval": state.heartbeat_interval.as_millis() as u64}})))
        .await
        .is_err()
    {
        return;
    }
    let first: Value = match ws.next().await {
        Some(Ok(WsMessage::Text(t))) => serde_json::from_str(&t).unwrap_or_default(),
        _ => return,
    };
    let token = first["d"]["token"].as_str().unwrap_or_default();
    let refusal = if token.trim_start_matches("Bot ") != super::TOKEN {
        Some((4004, "Authentication failed."))
    } else if first["op"] == 2 && state.refuse_intents.load(Ordering::SeqCst) {
        Some((4014, "Disallowed intent(s)."))
    } else {
        None
    };
    if let Some((code, reason)) = refusal {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        };
        let _ = ws.close(Some(frame)).await;
        return;
    }
    let hello = match first["op"].as_u64() {
        Some(2) => {
            let session = state.identifies.fetch_add(1, Ordering::SeqCst) + 1;
            state.seq.store(0, Ordering::SeqCst);
            state.ack_heartbeats.store(true, Ordering::SeqCst);
            let ready = json!({
                "v": 10, "user": bot_person().user(), "guilds": [{"id": GUILD.to_string(), "unavailable": true}],
                "session_id": format!("fake-session-{session}"), "resume_gateway_url": state.ws_url,
                "shard": [0, 1], "application": {"id": BOT_ID.to_string(), "flags": 0},
            });
            ("READY", ready)
        }
        Some(6) => {
            state.resumes.fetch_add(1, Ordering::SeqCst);
            ("RESUMED", json!({}))
        }
        other => {
            state.problem(format!(
                "expected IDENTIFY or RESUME first, got op {other:?}: {first}"
            ));
            return;
        }
    };
    if let Err(e) = validate(hello.0, &hello.1) {
        return state.problem(e);
    }
    let s = state.seq.fetch_add(1, Ordering::SeqCst) + 1;
    if ws
        .send(send(json!({"op": 0, "t": hello.0, "s": s, "d": hello.1})))
        .await
        .is_err()
    {
        return;
    }
    if hello.0 == "READY" {
        // As Discord does, the guild follows READY.
        let guild = guild_json();
        if let Err(e) = validate("GUILD_CREATE", &guild) {
            return state.problem(e);
        }
        let s = state.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let frame = json!({"op": 0, "t": "GUILD_CREATE", "s": s, "d": guild});
        if ws.send(send(frame)).await.is_err() {
            return;
        }
    }
    let (control_tx, mut control) = mpsc::unbounded_channel();
    *state.control.lock().unwrap() = Some(control_tx);
    // Only one connection drains the event queue at a time; events pushed
    // while none is up wait here.
    let mut queue = state.queue.clone().lock_owned().await;
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(WsMessage::Text(t))) => {
                    let v: Value = serde_json::from_str(&t).unwrap_or_default();
                    if v["op"] == 1 {
                        state.heartbeats.fetch_add(1, Ordering::SeqCst);
                        let ack = state.ack_heartbeats.load(Ordering::SeqCst);
                        if ack && ws.send(send(json!({"op": 11}))).await.is_err() {
                            return;
                        }
                    }
                }
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            Some((t, d)) = queue.recv() => {
                let s = state.seq.fetch_add(1, Ordering::SeqCst) + 1;
                if ws.send(send(json!({"op": 0, "t": t, "s": s, "d": d}))).await.is_err() {
                    return;
                }
            }
            Some(Control::Close(code)) = control.recv() => {
                let frame = CloseFrame { code: CloseCode::from(code), reason: "fake says goodbye".into() };
                let _ = ws.close(Some(frame)).await;
                return;
            }
        }
    }
}
