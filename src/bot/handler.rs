//! Discord events -> engine questions -> rendered replies.
//!
//! [`Handler`] is the serenity entry point and stays thin: each event goes to
//! one method of [`Bot`], which decides whether to answer, asks the engine
//! (on the blocking pool: a search is CPU work), remembers what follow-ups
//! and buttons need, logs what staff should review, and sends the rendered
//! reply. Failures to send are logged in one place ([`Handler`]) and never
//! take the bot down.
//!
//! The bot adds no answering logic: what to say comes from the engine's four
//! kinds, how it looks from [`render`].

use super::handoff::{self, Action, Origin, Why};
use super::log::{FeedbackLog, Record, Vote};
use super::render::{self, Click, Rendered};
use super::rest::{Rest, SendError};
use super::state::{Asked, AskedStore, Followups, RateLimiter, Verdict};
use crate::answer::{Engine, Kind, Reply};
use serenity::all::{
    AutocompleteChoice, CommandInteraction, CommandOptionType, ComponentInteraction, Context,
    CreateAutocompleteResponse, CreateCommand, CreateCommandOption, CreateInteractionResponse,
    CreateInteractionResponseMessage, EventHandler, GuildId, Interaction, Message,
    ModalInteraction, Ready, ResolvedValue, ResumedEvent, RoleId, UserId,
};
use serenity::async_trait;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How many answers and clarify replies keep working buttons.
const BUTTON_MEMORY: usize = 5_000;
/// Unprompted messages in answer channels this short are answered when the
/// engine is sure ("botox price"), even without a question shape.
const KEYWORD_QUERY_WORDS: usize = 4;

/// Everything the bot holds, shared by all event tasks.
pub struct Bot {
    /// The answering engine (shared with the content watcher).
    pub engine: Arc<Engine>,
    rest: Rest,
    limiter: RateLimiter,
    followups: Followups,
    asked: AskedStore,
    log: Arc<FeedbackLog>,
    /// One rebuild at a time, whether from `/reload` or the watcher.
    rebuilding: tokio::sync::Mutex<()>,
    commands_registered: AtomicBool,
    /// Whether a refused handoff post was already logged (once is enough).
    handoff_warned: AtomicBool,
}

impl Bot {
    /// The bot over `engine`, sending through `rest`.
    pub fn new(engine: Arc<Engine>, rest: Rest) -> Bot {
        let config = engine.config();
        Bot {
            rest,
            limiter: RateLimiter::per_minute(config.discord.rate_limit_per_minute),
            followups: Followups::new(Duration::from_secs(config.discord.followup_seconds)),
            asked: AskedStore::new(BUTTON_MEMORY),
            log: Arc::new(FeedbackLog::new(&config.paths.data)),
            rebuilding: tokio::sync::Mutex::new(()),
            commands_registered: AtomicBool::new(false),
            handoff_warned: AtomicBool::new(false),
            engine,
        }
    }

    /// Rebuilds if the content changed; the report's text if it rebuilt.
    /// On any failure the engine keeps answering from the index it had.
    pub async fn refresh(&self) -> anyhow::Result<Option<String>> {
        let _one = self.rebuilding.lock().await;
        let engine = self.engine.clone();
        let report = tokio::task::spawn_blocking(move || engine.refresh_if_stale()).await??;
        Ok(report.map(|r| r.to_string()))
    }

    /// Rebuilds from the content unconditionally (`/reload`).
    async fn rebuild(&self) -> anyhow::Result<String> {
        let _one = self.rebuilding.lock().await;
        let engine = self.engine.clone();
        let report = tokio::task::spawn_blocking(move || engine.rebuild()).await??;
        Ok(report.to_string())
    }

    /// Asks the engine on the blocking pool. `None` only if the engine
    /// panicked, which must cost one reply, not the bot.
    async fn answer(&self, question: String, last_page: Option<String>) -> Option<Reply> {
        let engine = self.engine.clone();
        let task = tokio::task::spawn_blocking(move || {
            engine.answer_in_context(&question, last_page.as_deref())
        });
        task.await
            .map_err(|e| tracing::error!("the engine failed on a question: {e}"))
            .ok()
    }

    async fn answer_for_page(&self, question: String, slug: String) -> Option<Reply> {
        let engine = self.engine.clone();
        let task = tokio::task::spawn_blocking(move || engine.answer_for_page(&question, &slug));
        task.await
            .map_err(|e| tracing::error!("the engine failed on a question: {e}"))
            .ok()
    }

    /// What a client reads when the engine failed.
    fn sorry(&self) -> Rendered {
        Rendered::text(format!(
            "Sorry, something went wrong on my side. {}",
            self.engine.config().clinic.contact
        ))
    }

    /// Remembers what a reply needs later and logs what staff should review;
    /// returns the key its buttons carry.
    async fn record(&self, reply: &Reply, origin: Origin) -> Option<String> {
        let (channel, user) = (origin.channel, origin.user);
        if let (Kind::Answer, Some(page)) = (reply.kind, &reply.page) {
            self.followups.remember(channel, user, page);
        }
        if matches!(reply.kind, Kind::Clarify | Kind::Fallback) {
            let record = Record::new(
                &reply.question,
                reply.kind,
                reply.page.as_deref(),
                reply.field.as_deref(),
                None,
            );
            self.append(record).await;
        }
        matches!(reply.kind, Kind::Answer | Kind::Clarify)
            .then(|| self.asked.insert(Asked::from_reply(reply, Some(origin))))
    }

    async fn append(&self, record: Record) {
        let log = self.log.clone();
        match tokio::task::spawn_blocking(move || log.append(&record)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(path = %self.log.path().display(), "cannot write the feedback log: {e}")
            }
            Err(e) => tracing::warn!("cannot write the feedback log: {e}"),
        }
    }

    /// A message in a channel the bot can read.
    async fn on_message(&self, ctx: &Context, msg: &Message) -> Result<(), SendError> {
        let me = ctx.cache.current_user().id;
        if msg.author.bot || msg.author.id == me {
            return Ok(());
        }
        let discord = &self.engine.config().discord;
        let dm = msg.guild_id.is_none();
        if dm && !discord.dms {
            return Ok(());
        }
        // People often pick the bot's role from the @ list instead of the bot.
        let own_roles = own_role_mentions(ctx, msg, me);
        let mentioned = msg.mentions_user_id(me)
            || mention_in(&msg.content, me).is_some()
            || !own_roles.is_empty();
        let answer_channel = discord.answer_channels.contains(&msg.channel_id.get());
        let asked_directly = dm || mentioned;
        if !asked_directly && !answer_channel {
            return Ok(());
        }
        let question = strip_mentions(&msg.content, me, &own_roles);
        let send = |r: Rendered| async move {
            self.rest
                .create_message(&ctx.http, msg.channel_id, &r.into_reply(msg))
                .await
        };
        if question.is_empty() {
            // A bare mention gets a hint; an image in an answer channel, nothing.
            return if asked_directly {
                send(Rendered::text(render::hello(&self.engine.config().clinic))).await
            } else {
                Ok(())
            };
        }
        let (channel, user) = (msg.channel_id.get(), msg.author.id.get());
        let Some(reply) = self
            .answer(question.clone(), self.followups.get(channel, user))
            .await
        else {
            return send(self.sorry()).await;
        };
        if !asked_directly && !worth_answering_unasked(&question, &reply) {
            return Ok(());
        }
        if let Some((retry_in, note)) = self.over_limit(&reply, user) {
            if !note {
                return Ok(());
            }
            let text = render::rate_limited(retry_in, &self.engine.config().clinic);
            return send(Rendered::text(text)).await;
        }
        let origin = Origin {
            guild: msg.guild_id.map(|g| g.get()),
            channel,
            message: Some(msg.id.get()),
            user,
        };
        let key = self.record(&reply, origin).await;
        let sent = send(render::reply(
            &reply,
            &self.engine.config().clinic,
            key.as_deref(),
        ))
        .await;
        // The client is answered first; a handoff that fails changes nothing for them.
        self.hand_off_unsure(ctx, &reply, origin).await;
        sent
    }

    /// Hands a fallback or urgent reply off to staff.
    async fn hand_off_unsure(&self, ctx: &Context, reply: &Reply, origin: Origin) {
        let why = match reply.kind {
            Kind::Fallback => Why::Unsure,
            Kind::Urgent => Why::Urgent,
            _ => return,
        };
        self.hand_off(ctx, reply, None, &reply.candidates, origin, why)
            .await;
    }

    /// Posts a handoff in `[discord] handoff_channel`, if one is set. A post
    /// Discord refuses is logged once, with what to fix.
    async fn hand_off(
        &self,
        ctx: &Context,
        reply: &Reply,
        voted: Option<(&str, &str)>,
        candidates: &[crate::answer::Candidate],
        origin: Origin,
        why: Why,
    ) {
        let discord = &self.engine.config().discord;
        let Some(channel) = discord.handoff_channel else {
            return;
        };
        let post = handoff::post(
            reply,
            voted,
            candidates,
            &origin,
            why,
            &discord.handoff_roles,
        );
        if let Err(e) = self
            .rest
            .create_message(&ctx.http, serenity::all::ChannelId::new(channel), &post)
            .await
        {
            if !self.handoff_warned.swap(true, Ordering::SeqCst) {
                tracing::warn!(
                    channel,
                    "cannot post to the handoff channel ({e}): check [discord] handoff_channel, and that the bot may View Channel, Send Messages and Embed Links there; clients are still answered"
                );
            }
        }
    }

    /// `None`: go ahead. `Some((retry_in, note))`: refused; `note` says
    /// whether a message should tell the client (once per window). Urgent
    /// replies are never held back.
    fn over_limit(&self, reply: &Reply, user: u64) -> Option<(Duration, bool)> {
        if reply.kind == Kind::Urgent {
            return None;
        }
        match self.limiter.check(user) {
            Verdict::Allowed => None,
            Verdict::Limited { retry_in, note } => Some((retry_in, note)),
        }
    }

    /// Registers the slash commands once per process (READY also follows
    /// every fresh reconnect).
    async fn register_commands(&self, ctx: &Context) {
        if self.commands_registered.swap(true, Ordering::SeqCst) {
            return;
        }
        let guilds = &self.engine.config().discord.guild_ids;
        let result = if guilds.is_empty() {
            serenity::all::Command::set_global_commands(&ctx.http, commands())
                .await
                .map(drop)
        } else {
            let mut result = Ok(());
            for id in guilds {
                if let Err(e) = GuildId::new(*id).set_commands(&ctx.http, commands()).await {
                    result = Err(e);
                }
            }
            result
        };
        match result {
            Ok(()) if guilds.is_empty() => {
                tracing::info!("registered slash commands globally (may take an hour to appear)")
            }
            Ok(()) => tracing::info!(guilds = guilds.len(), "registered slash commands"),
            Err(e) => {
                self.commands_registered.store(false, Ordering::SeqCst);
                tracing::warn!("cannot register slash commands (is the bot invited with the applications.commands scope?): {e}");
            }
        }
    }

    async fn on_interaction(
        &self,
        ctx: &Context,
        interaction: Interaction,
    ) -> Result<(), SendError> {
        match interaction {
            Interaction::Command(cmd) => self.on_command(ctx, &cmd).await,
            Interaction::Autocomplete(cmd) => self.on_autocomplete(ctx, &cmd).await,
            Interaction::Component(click) if click.data.custom_id.starts_with("ho:") => {
                self.on_handoff_click(ctx, &click).await
            }
            Interaction::Component(click) => self.on_click(ctx, &click).await,
            Interaction::Modal(modal) => self.on_modal(ctx, &modal).await,
            _ => Ok(()),
        }
    }

    async fn on_command(&self, ctx: &Context, cmd: &CommandInteraction) -> Result<(), SendError> {
        let respond = |r: CreateInteractionResponse| async move {
            self.rest.respond(&ctx.http, cmd.id, &cmd.token, &r).await
        };
        let message = |r: Rendered| CreateInteractionResponse::Message(r.into_interaction(false));
        let clinic = &self.engine.config().clinic;
        match cmd.data.name.as_str() {
            "ask" => {
                let question = string_option(cmd, "question")
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                if question.is_empty() {
                    return respond(private(&render::hello(clinic))).await;
                }
                let (channel, user) = (cmd.channel_id.get(), cmd.user.id.get());
                let Some(reply) = self
                    .answer(question, self.followups.get(channel, user))
                    .await
                else {
                    return respond(message(self.sorry())).await;
                };
                if let Some((retry_in, _)) = self.over_limit(&reply, user) {
                    // An interaction must be answered: the note goes every time, privately.
                    return respond(private(&render::rate_limited(retry_in, clinic))).await;
                }
                let origin = Origin {
                    guild: cmd.guild_id.map(|g| g.get()),
                    channel,
                    message: None,
                    user,
                };
                let key = self.record(&reply, origin).await;
                let sent = respond(message(render::reply(&reply, clinic, key.as_deref()))).await;
                self.hand_off_unsure(ctx, &reply, origin).await;
                sent
            }
            "service" => {
                let name = string_option(cmd, "name").unwrap_or_default();
                let engine = self.engine.clone();
                let card = tokio::task::spawn_blocking(move || {
                    find_service(&engine, &name)
                        .and_then(|slug| engine.card(&slug))
                        .ok_or(name)
                })
                .await;
                match card {
                    Ok(Ok(card)) => respond(message(render::card(&card))).await,
                    Ok(Err(name)) => {
                        let text = format!(
                            "I don't know a service called \"{}\". Try /services for the list.",
                            render::clip(&name, 100)
                        );
                        respond(private(&text)).await
                    }
                    Err(e) => {
                        tracing::error!("the engine failed on a card: {e}");
                        respond(message(self.sorry())).await
                    }
                }
            }
            "services" => respond(message(render::services(&self.engine.services(), clinic))).await,
            "reload" => {
                if !self.is_staff(cmd) {
                    return respond(private(render::NOT_STAFF)).await;
                }
                // A rebuild can outlast the 3 seconds Discord waits for a response.
                let defer = CreateInteractionResponseMessage::new()
                    .ephemeral(true)
                    .allowed_mentions(render::no_pings());
                respond(CreateInteractionResponse::Defer(defer)).await?;
                let text = match self.rebuild().await {
                    Ok(report) => format!("Reloaded the content.\n```\n{}\n```", render::clip(&report, 1800)),
                    Err(e) => format!(
                        "The rebuild failed; I'm still answering from the previous content.\n```\n{}\n```",
                        render::clip(&format!("{e:#}"), 1700)
                    ),
                };
                let edit = Rendered::text(text).into_edit();
                self.rest
                    .edit_original(&ctx.http, cmd.application_id, &cmd.token, &edit)
                    .await
            }
            other => {
                tracing::warn!(
                    command = other,
                    "unknown command (registered by an older version?)"
                );
                respond(private("I don't know that command.")).await
            }
        }
    }

    /// Staff are members with one of `[discord] staff_roles`. No roles
    /// configured means no staff, not everybody.
    fn is_staff(&self, cmd: &CommandInteraction) -> bool {
        let staff = &self.engine.config().discord.staff_roles;
        cmd.member
            .as_ref()
            .is_some_and(|m| m.roles.iter().any(|r| staff.contains(&r.get())))
    }

    async fn on_autocomplete(
        &self,
        ctx: &Context,
        cmd: &CommandInteraction,
    ) -> Result<(), SendError> {
        let typed = cmd
            .data
            .autocomplete()
            .map(|o| o.value.to_string())
            .unwrap_or_default();
        let choices = service_choices(&self.engine, &typed)
            .into_iter()
            .map(|(title, slug)| {
                AutocompleteChoice::new(render::clip(&title, render::CHOICE_NAME_MAX), slug)
            })
            .collect();
        let response = CreateInteractionResponse::Autocomplete(
            CreateAutocompleteResponse::new().set_choices(choices),
        );
        self.rest
            .respond(&ctx.http, cmd.id, &cmd.token, &response)
            .await
    }

    async fn on_click(&self, ctx: &Context, click: &ComponentInteraction) -> Result<(), SendError> {
        let respond = |r: CreateInteractionResponse| async move {
            self.rest
                .respond(&ctx.http, click.id, &click.token, &r)
                .await
        };
        let user = click.user.id.get();
        let Some(parsed) = render::parse_click(&click.data.custom_id) else {
            return respond(private(render::LOST_TRACK)).await;
        };
        match parsed {
            Click::Pick { key, index } => {
                let Some((asked, choice)) = self
                    .asked
                    .get(key)
                    .and_then(|a| a.options.get(index).cloned().map(|c| (a, c)))
                else {
                    return respond(private(render::LOST_TRACK)).await;
                };
                let Some(reply) = self
                    .answer_for_page(asked.question.clone(), choice.page)
                    .await
                else {
                    return respond(private(&self.sorry().content.unwrap_or_default())).await;
                };
                let origin = asked.origin.unwrap_or(Origin {
                    guild: click.guild_id.map(|g| g.get()),
                    channel: click.channel_id.get(),
                    message: None,
                    user,
                });
                let key = self.record(&reply, origin).await;
                let rendered = render::reply(&reply, &self.engine.config().clinic, key.as_deref());
                // The clarify message becomes the answer: the question stays
                // answered in one place, and its buttons go away.
                respond(CreateInteractionResponse::UpdateMessage(
                    rendered.into_interaction(true),
                ))
                .await
            }
            Click::Vote { key, up } => {
                let Some(asked) = self.asked.get(key) else {
                    return respond(private(render::LOST_TRACK)).await;
                };
                if !asked.first_vote(user) {
                    return respond(private(render::VOTED_ALREADY)).await;
                }
                let vote = if up { Vote::Up } else { Vote::Down };
                let record = Record::new(
                    &asked.question,
                    asked.kind,
                    asked.page.as_deref(),
                    asked.field.as_deref(),
                    Some(vote),
                );
                self.append(record).await;
                let thanked = respond(private(render::VOTE_THANKS)).await;
                if let (false, Some(origin)) = (up, asked.origin) {
                    if asked.first_handoff() {
                        let engine = self.engine.clone();
                        let q = asked.question.clone();
                        let candidates = tokio::task::spawn_blocking(move || engine.candidates(&q))
                            .await
                            .unwrap_or_default();
                        let reply = Reply {
                            kind: asked.kind,
                            page: asked.page.clone(),
                            field: asked.field.clone(),
                            ..Reply::for_question(&asked.question)
                        };
                        let voted = (
                            asked.page.as_deref().unwrap_or("?"),
                            asked.field.as_deref().unwrap_or(""),
                        );
                        self.hand_off(
                            ctx,
                            &reply,
                            Some(voted),
                            &candidates,
                            origin,
                            Why::VotedDown,
                        )
                        .await;
                    }
                }
                thanked
            }
        }
    }

    /// Whether this member may use the staff buttons: anyone in the staff
    /// channel when no staff roles are set, else members with one.
    fn may_handle(&self, member: Option<&serenity::all::Member>) -> bool {
        let staff = &self.engine.config().discord.staff_roles;
        staff.is_empty() || member.is_some_and(|m| m.roles.iter().any(|r| staff.contains(&r.get())))
    }

    /// A button or the Teach menu on a handoff post.
    async fn on_handoff_click(
        &self,
        ctx: &Context,
        click: &ComponentInteraction,
    ) -> Result<(), SendError> {
        let respond = |r: CreateInteractionResponse| async move {
            self.rest
                .respond(&ctx.http, click.id, &click.token, &r)
                .await
        };
        if !self.may_handle(click.member.as_ref()) {
            return respond(private(render::NOT_STAFF_BUTTON)).await;
        }
        let values = match &click.data.kind {
            serenity::all::ComponentInteractionDataKind::StringSelect { values } => values.clone(),
            _ => Vec::new(),
        };
        let Some(action) = handoff::parse(&click.data.custom_id, &values) else {
            return respond(private(render::LOST_TRACK)).await;
        };
        let staff = click
            .user
            .global_name
            .clone()
            .unwrap_or_else(|| click.user.name.clone());
        match action {
            Action::Reply(origin) => {
                respond(CreateInteractionResponse::Modal(handoff::form(&origin))).await
            }
            Action::Send(_) => respond(private(render::LOST_TRACK)).await,
            Action::Dismiss => {
                let note = format!("Dismissed by {staff} at <t:{}:f>", now_secs());
                let (embed, rows) = handoff::handled(
                    click.message.embeds.first(),
                    &note,
                    handoff::teach_row_from(&click.message),
                );
                let update = CreateInteractionResponseMessage::new()
                    .embed(embed)
                    .components(rows)
                    .allowed_mentions(render::no_pings());
                respond(CreateInteractionResponse::UpdateMessage(update)).await
            }
            Action::Teach(None) => respond(private(render::TEACH_NONE)).await,
            Action::Teach(Some((page, field))) => {
                let question = click
                    .message
                    .embeds
                    .first()
                    .and_then(|e| e.description.clone())
                    .unwrap_or_default();
                let text = match self.teach(&question, &page, &field).await {
                    Ok(field) => format!(
                        "Taught: \"{}\" now answers from {page} / {field} (recorded in {}).",
                        render::clip(&question, 200),
                        self.engine.config().paths.learned.display()
                    ),
                    Err(e) => format!(
                        "Could not teach it: {}",
                        render::clip(&format!("{e:#}"), 1500)
                    ),
                };
                respond(private(&text)).await
            }
        }
    }

    /// Records a taught question and rebuilds so it answers at once. `field`
    /// may have been cut to fit Discord's select values: it is resolved
    /// against the page's fields by its start. Returns the field taught.
    async fn teach(&self, question: &str, page: &str, field: &str) -> anyhow::Result<String> {
        let units = self
            .engine
            .page_units(page)
            .ok_or_else(|| anyhow::anyhow!("the page `{page}` is no longer published"))?;
        let field = units
            .iter()
            .find(|u| u.field == field)
            .or_else(|| units.iter().find(|u| u.field.starts_with(field)))
            .map(|u| u.field.clone())
            .ok_or_else(|| anyhow::anyhow!("`{page}` no longer has the field {field:?}"))?;
        let entry = crate::learned::Taught {
            question: question.trim().to_string(),
            page: page.to_string(),
            field: field.clone(),
            date: crate::learned::today(),
        };
        let path = self.engine.config().paths.learned.clone();
        tokio::task::spawn_blocking(move || crate::learned::append(&path, &entry)).await??;
        self.rebuild().await?;
        Ok(field)
    }

    /// The reply form was sent: answer the client in place, then mark the
    /// handoff post answered.
    async fn on_modal(&self, ctx: &Context, modal: &ModalInteraction) -> Result<(), SendError> {
        let respond = |r: CreateInteractionResponse| async move {
            self.rest
                .respond(&ctx.http, modal.id, &modal.token, &r)
                .await
        };
        let Some(Action::Send(origin)) = handoff::parse(&modal.data.custom_id, &[]) else {
            return respond(private(render::LOST_TRACK)).await;
        };
        let text = modal
            .data
            .components
            .iter()
            .flat_map(|row| row.components.iter())
            .find_map(|c| match c {
                serenity::all::ActionRowComponent::InputText(t)
                    if t.custom_id == handoff::ANSWER_INPUT =>
                {
                    t.value.clone()
                }
                _ => None,
            })
            .unwrap_or_default();
        if text.trim().is_empty() {
            return respond(private("The answer was empty; nothing was sent.")).await;
        }
        let answer = handoff::staff_answer(&text, &self.engine.config().clinic.name, &origin);
        if let Err(e) = self
            .rest
            .create_message(
                &ctx.http,
                serenity::all::ChannelId::new(origin.channel),
                &answer,
            )
            .await
        {
            tracing::warn!(channel = origin.channel, "cannot send a staff reply: {e}");
            return respond(private(&format!(
                "Could not reach the client ({}): the message or channel may be gone.",
                render::clip(&e.to_string(), 300)
            )))
            .await;
        }
        let staff = modal
            .user
            .global_name
            .clone()
            .unwrap_or_else(|| modal.user.name.clone());
        let note = format!(
            "Answered by {staff} at <t:{}:f>:\n{}",
            now_secs(),
            render::clip(text.trim(), 900)
        );
        let (embed, rows) = match modal.message.as_deref() {
            Some(m) => handoff::handled(m.embeds.first(), &note, handoff::teach_row_from(m)),
            None => handoff::handled(None, &note, Vec::new()),
        };
        let update = CreateInteractionResponseMessage::new()
            .embed(embed)
            .components(rows)
            .allowed_mentions(render::no_pings());
        respond(CreateInteractionResponse::UpdateMessage(update)).await
    }
}

/// A note only the one who clicked or ran the command sees.
fn private(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(Rendered::text(text).into_interaction(false).ephemeral(true))
}

/// Seconds since the epoch, for Discord's `<t:...>` timestamps.
fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The serenity event handler: forwards to [`Bot`] and logs failures.
pub struct Handler(pub Arc<Bot>);

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
        self.0.register_commands(&ctx).await;
    }

    async fn resume(&self, _ctx: Context, _: ResumedEvent) {
        tracing::info!("gateway session resumed");
    }

    async fn message(&self, ctx: Context, msg: Message) {
        if let Err(e) = self.0.on_message(&ctx, &msg).await {
            tracing::warn!(channel = msg.channel_id.get(), "cannot send a reply: {e}");
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let id = interaction.id();
        if let Err(e) = self.0.on_interaction(&ctx, interaction).await {
            tracing::warn!(interaction = id.get(), "cannot answer an interaction: {e}");
        }
    }
}

/// The slash commands, as registered.
fn commands() -> Vec<CreateCommand> {
    vec![
        CreateCommand::new("ask")
            .description("Ask about our treatments, prices and policies")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "question", "Your question")
                    .required(true)
                    .max_length(500),
            ),
        CreateCommand::new("service")
            .description("Everything about one service")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "name", "The service")
                    .required(true)
                    .set_autocomplete(true),
            ),
        CreateCommand::new("services").description("The services we offer"),
        CreateCommand::new("reload")
            .description("Staff only: reload the answers from the website content"),
    ]
}

fn string_option(cmd: &CommandInteraction, name: &str) -> Option<String> {
    cmd.data
        .options()
        .into_iter()
        .find(|o| o.name == name)
        .and_then(|o| match o.value {
            ResolvedValue::String(s) => Some(s.to_string()),
            _ => None,
        })
}

/// Whether an unprompted message in an answer channel is for the bot: it
/// reads as a question, it is a short query the engine answers confidently
/// ("botox price"), or it describes an emergency (never left unanswered).
/// Chit-chat ("thanks everyone!") and images are left alone.
pub fn worth_answering_unasked(text: &str, reply: &Reply) -> bool {
    match reply.kind {
        Kind::Urgent => true,
        Kind::Answer if crate::text::words(text).len() <= KEYWORD_QUERY_WORDS => true,
        _ => reads_as_question(text),
    }
}

/// A question mark, or an opening that asks ("how", "can I", "is it", "tell me").
pub fn reads_as_question(text: &str) -> bool {
    const OPENERS: &[&str] = &[
        "how",
        "what",
        "whats",
        "when",
        "where",
        "which",
        "who",
        "why",
        "can",
        "could",
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "will",
        "would",
        "should",
        "may",
        "might",
        "am",
        "any",
        "anyone",
        "have",
        "has",
        "tell",
        "wondering",
        "explain",
    ];
    if text.contains('?') {
        return true;
    }
    let words = crate::text::words(text);
    let first = words.iter().map(String::as_str).find(|w| {
        !matches!(
            *w,
            "hi" | "hey" | "hello" | "so" | "and" | "ok" | "um" | "also"
        )
    });
    first.is_some_and(|w| OPENERS.contains(&w)) || text.to_lowercase().contains("i was wondering")
}

/// The position of a `<@id>` or `<@!id>` mention of `me` in `text`.
fn mention_in(text: &str, me: UserId) -> Option<usize> {
    text.find(&format!("<@{me}>"))
        .or_else(|| text.find(&format!("<@!{me}>")))
}

/// Mentions in `msg` of the role Discord made for this bot (from the cache:
/// the role whose tags name the bot).
fn own_role_mentions(ctx: &Context, msg: &Message, me: UserId) -> Vec<RoleId> {
    let Some(guild) = msg.guild_id.and_then(|g| ctx.cache.guild(g)) else {
        return Vec::new();
    };
    let own = |r: &RoleId| {
        guild
            .roles
            .get(r)
            .is_some_and(|role| role.tags.bot_id == Some(me))
    };
    msg.mention_roles.iter().copied().filter(own).collect()
}

/// The question without mentions of the bot or its role (and the comma
/// after one).
fn strip_mentions(text: &str, me: UserId, own_roles: &[RoleId]) -> String {
    let mut cleaned = text
        .replace(&format!("<@!{me}>"), " ")
        .replace(&format!("<@{me}>"), " ");
    for role in own_roles {
        cleaned = cleaned.replace(&format!("<@&{role}>"), " ");
    }
    cleaned
        .trim()
        .trim_start_matches([',', ':', '-'])
        .trim()
        .to_string()
}

/// Resolves what a client typed (or picked) in `/service name:` to a slug:
/// the slug itself, then an exact title or name, then a partial match.
fn find_service(engine: &Engine, typed: &str) -> Option<String> {
    let services = engine.services();
    let t = crate::text::normalize(typed);
    if t.is_empty() {
        return None;
    }
    let norm = crate::text::normalize;
    services
        .iter()
        .find(|s| s.slug == typed.trim())
        .or_else(|| {
            services
                .iter()
                .find(|s| norm(&s.title) == t || s.names.iter().any(|n| norm(n) == t))
        })
        .or_else(|| {
            services.iter().find(|s| {
                norm(&s.title).contains(&t) || s.names.iter().any(|n| norm(n).contains(&t))
            })
        })
        .map(|s| s.slug.clone())
}

/// Autocomplete for `/service`: (title, slug) of services whose title, slug
/// or names contain what was typed, those starting with it first.
fn service_choices(engine: &Engine, typed: &str) -> Vec<(String, String)> {
    let t = crate::text::normalize(typed);
    let norm = crate::text::normalize;
    let mut hits: Vec<(bool, String, String)> = engine
        .services()
        .into_iter()
        .filter_map(|s| {
            let hay: Vec<String> = std::iter::once(norm(&s.title))
                .chain(std::iter::once(norm(&s.slug.replace('-', " "))))
                .chain(s.names.iter().map(|n| norm(n)))
                .collect();
            if !t.is_empty() && !hay.iter().any(|h| h.contains(&t)) {
                return None;
            }
            let starts = t.is_empty() || hay.iter().any(|h| h.starts_with(&t));
            Some((starts, s.title, s.slug))
        })
        .collect();
    hits.sort_by_key(|(starts, _, _)| !*starts);
    hits.into_iter()
        .take(render::CHOICES_MAX)
        .map(|(_, title, slug)| (title, slug))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_shapes() {
        assert!(reads_as_question("how much is botox"));
        assert!(reads_as_question("Hi! Can I get filler while pregnant"));
        assert!(reads_as_question("botox for my forehead?"));
        assert!(!reads_as_question("thanks everyone!"));
        assert!(!reads_as_question("see you tomorrow"));
    }

    #[test]
    fn mentions_are_stripped() {
        let me = UserId::new(42);
        assert_eq!(
            strip_mentions("<@42> how much is botox", me, &[]),
            "how much is botox"
        );
        assert_eq!(
            strip_mentions("<@!42>, how much is botox", me, &[]),
            "how much is botox"
        );
        assert_eq!(strip_mentions("hey <@42>", me, &[]), "hey");
        let role = RoleId::new(9);
        assert_eq!(
            strip_mentions("<@&9> botox price", me, &[role]),
            "botox price"
        );
        assert_eq!(
            strip_mentions("<@&8> botox price", me, &[role]),
            "<@&8> botox price"
        );
        assert_eq!(mention_in("hi <@!42>", me), Some(3));
        assert_eq!(mention_in("hi <@43>", me), None);
    }
}
