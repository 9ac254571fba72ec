//! Rendering: the engine's plain-data [`Reply`] as Discord messages.
//!
//! Pure functions from engine data to serenity builders, so what a client
//! sees can be read (and tested) without a connection. Two invariants live
//! here and nowhere else:
//! - every message and interaction response carries empty allowed mentions
//!   ([`no_pings`]): the bot never pings `@everyone`, a role or a user,
//!   whatever the question contained;
//! - every text is cut to Discord's limits before it is sent, so a long page
//!   row shortens an answer instead of failing it.
//!
//! Button custom ids are `pick:<key>:<n>` and `vote:<key>:up|down`, where
//! `<key>` names an [`Asked`](super::state::Asked) entry held in memory.

use crate::answer::{Kind, Reply, ServiceCard, ServiceSummary};
use crate::config::Clinic;
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponseMessage, CreateMessage, EditInteractionResponse,
    Message, MessageReference, ReactionType,
};
use std::time::Duration;

/// Shown under every answer and card.
pub const DISCLAIMER: &str = "General information, not medical advice.";

// Discord's limits (characters).
const CONTENT_MAX: usize = 2000;
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 4096;
const FIELD_NAME_MAX: usize = 256;
const FIELD_VALUE_MAX: usize = 1024;
const EMBED_TOTAL_MAX: usize = 6000;
const EMBED_FIELDS_MAX: usize = 25;
const BUTTON_LABEL_MAX: usize = 80;
const BUTTONS_PER_ROW: usize = 5;
/// Autocomplete: at most 25 choices, names of at most 100 characters.
pub const CHOICES_MAX: usize = 25;
/// Longest autocomplete choice name Discord accepts.
pub const CHOICE_NAME_MAX: usize = 100;

const ANSWER_COLOUR: u32 = 0x2a9d8f;

/// Allowed mentions that allow nothing: `{"parse":[],"users":[],"roles":[]}`.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

/// A rendered reply, before it becomes a message or an interaction response.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Plain text (clarify, fallback, urgent, notes).
    pub content: Option<String>,
    /// The answer or card.
    pub embed: Option<CreateEmbed>,
    /// Button rows (votes, clarify choices).
    pub rows: Vec<CreateActionRow>,
}

impl Rendered {
    /// Plain text, no embed, no buttons.
    pub fn text(content: impl Into<String>) -> Rendered {
        Rendered {
            content: Some(clip(&content.into(), CONTENT_MAX)),
            ..Rendered::default()
        }
    }

    /// As a reply to `question` (a message reference that does not fail when
    /// the question was deleted in the meantime).
    pub fn into_reply(self, question: &Message) -> CreateMessage {
        let mut m = CreateMessage::new()
            .reference_message(MessageReference::from(question).fail_if_not_exists(false))
            .allowed_mentions(no_pings())
            .components(self.rows);
        if let Some(c) = self.content {
            m = m.content(c);
        }
        if let Some(e) = self.embed {
            m = m.embed(e);
        }
        m
    }

    /// As an interaction response message. With `replace`, every part is set
    /// explicitly (an empty content, no embeds, no buttons) because an
    /// `UPDATE_MESSAGE` keeps whatever it does not mention.
    pub fn into_interaction(self, replace: bool) -> CreateInteractionResponseMessage {
        let mut m = CreateInteractionResponseMessage::new().allowed_mentions(no_pings());
        if replace || !self.rows.is_empty() {
            m = m.components(self.rows);
        }
        match self.content {
            Some(c) => m = m.content(c),
            None if replace => m = m.content(""),
            None => {}
        }
        match self.embed {
            Some(e) => m = m.embeds(vec![e]),
            None if replace => m = m.embeds(Vec::new()),
            None => {}
        }
        m
    }

    /// As an edit of a deferred interaction response.
    pub fn into_edit(self) -> EditInteractionResponse {
        let mut m = EditInteractionResponse::new()
            .allowed_mentions(no_pings())
            .components(self.rows);
        if let Some(c) = self.content {
            m = m.content(c);
        }
        if let Some(e) = self.embed {
            m = m.embed(e);
        }
        m
    }
}

/// Renders one engine reply. `key` names the in-memory entry its buttons
/// refer to (votes under an answer, choices of a clarify); without it the
/// reply gets no buttons.
pub fn reply(reply: &Reply, clinic: &Clinic, key: Option<&str>) -> Rendered {
    match reply.kind {
        Kind::Answer => answer(reply, key),
        Kind::Clarify => clarify(reply, key),
        // The engine's fallback text already ends with the clinic's contact.
        Kind::Fallback => Rendered::text(&reply.answer),
        Kind::Urgent => urgent(reply, clinic),
    }
}

fn answer(reply: &Reply, key: Option<&str>) -> Rendered {
    let title = reply.title.as_deref().unwrap_or("Answer");
    let field = reply.field.as_deref().unwrap_or("About");
    let mut embed = CreateEmbed::new()
        .title(clip(title, TITLE_MAX))
        .description(clip(
            &format!("**{field}**\n{}", reply.answer),
            DESCRIPTION_MAX,
        ))
        .colour(ANSWER_COLOUR)
        .footer(CreateEmbedFooter::new(DISCLAIMER));
    if let Some(url) = &reply.url {
        embed = embed.url(url.clone());
    }
    for r in reply.related.iter().take(EMBED_FIELDS_MAX) {
        embed = embed.field(
            clip(&r.field, FIELD_NAME_MAX),
            clip(&r.text, FIELD_VALUE_MAX),
            false,
        );
    }
    let rows = key.map(|k| vec![vote_row(k)]).unwrap_or_default();
    Rendered {
        content: None,
        embed: Some(embed),
        rows,
    }
}

fn vote_row(key: &str) -> CreateActionRow {
    CreateActionRow::Buttons(vec![
        CreateButton::new(format!("vote:{key}:up"))
            .style(ButtonStyle::Secondary)
            .emoji(ReactionType::Unicode("👍".into()))
            .label("Helpful"),
        CreateButton::new(format!("vote:{key}:down"))
            .style(ButtonStyle::Secondary)
            .emoji(ReactionType::Unicode("👎".into()))
            .label("Not helpful"),
    ])
}

fn clarify(reply: &Reply, key: Option<&str>) -> Rendered {
    let mut r = Rendered::text(&reply.answer);
    if let Some(key) = key {
        let buttons: Vec<CreateButton> = reply
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                CreateButton::new(format!("pick:{key}:{i}"))
                    .style(ButtonStyle::Primary)
                    .label(clip(&o.title, BUTTON_LABEL_MAX))
            })
            .collect();
        r.rows = buttons
            .chunks(BUTTONS_PER_ROW)
            .take(5)
            .map(|c| CreateActionRow::Buttons(c.to_vec()))
            .collect();
    }
    r
}

/// Urgent: the emergency advice and the phone number, prominent, and nothing
/// else: no embed to skim past, no buttons, no page content.
fn urgent(reply: &Reply, clinic: &Clinic) -> Rendered {
    let mut text = format!("🚨 **{}**", reply.answer.trim());
    if !reply.answer.contains(&clinic.phone) {
        text.push_str(&format!("\n📞 **{}**", clinic.phone));
    }
    Rendered::text(text)
}

/// A whole service card: every row as a field, cut to fit one embed.
pub fn card(card: &ServiceCard) -> Rendered {
    let title = clip(&card.title, TITLE_MAX);
    let description = card
        .description
        .as_deref()
        .map(|d| clip(d, 1000))
        .unwrap_or_default();
    let mut used = title.chars().count() + description.chars().count() + DISCLAIMER.len() + 100;
    let mut embed = CreateEmbed::new().title(title).colour(ANSWER_COLOUR);
    if let Some(url) = &card.url {
        embed = embed.url(url.clone());
    }
    if !description.is_empty() {
        embed = embed.description(description);
    }
    let mut shown = 0;
    for row in &card.rows {
        let name = clip(&row.field, FIELD_NAME_MAX);
        let value = clip(&row.text, FIELD_VALUE_MAX);
        let size = name.chars().count() + value.chars().count();
        if shown == EMBED_FIELDS_MAX || used + size > EMBED_TOTAL_MAX - 200 {
            break;
        }
        used += size;
        shown += 1;
        embed = embed.field(name, value, false);
    }
    let footer = if shown < card.rows.len() {
        format!("{DISCLAIMER} {} more on the page.", card.rows.len() - shown)
    } else {
        DISCLAIMER.to_string()
    };
    Rendered {
        embed: Some(embed.footer(CreateEmbedFooter::new(footer))),
        ..Rendered::default()
    }
}

/// The list of services for `/services`.
pub fn services(list: &[ServiceSummary], clinic: &Clinic) -> Rendered {
    let mut lines = String::new();
    for s in list {
        let line = format!("• {}\n", s.title);
        if lines.chars().count() + line.chars().count() > DESCRIPTION_MAX - 2 {
            lines.push('…');
            break;
        }
        lines.push_str(&line);
    }
    let embed = CreateEmbed::new()
        .title(clip(&format!("What {} offers", clinic.name), TITLE_MAX))
        .url(clinic.site_url.clone())
        .description(lines)
        .footer(CreateEmbedFooter::new(
            "Use /service to see one in full, or just ask me a question.",
        ));
    Rendered {
        embed: Some(embed),
        ..Rendered::default()
    }
}

/// The friendly note for a client over the rate limit.
pub fn rate_limited(retry_in: Duration, clinic: &Clinic) -> String {
    let secs = retry_in.as_secs().max(1);
    format!(
        "You're asking faster than I can keep up! Please wait about {secs} seconds and ask again. \
         If it's urgent, call us at {}.",
        clinic.phone
    )
}

/// Reply to a bare mention or an empty DM.
pub fn hello(clinic: &Clinic) -> String {
    format!(
        "Hi! I answer questions about {}'s treatments, prices and policies. \
         Ask me something like \"how much is Botox?\", or use /ask.",
        clinic.name
    )
}

/// A button from a run of the bot that no longer remembers it.
pub const LOST_TRACK: &str = "Sorry, I've lost track of that question. Please ask it again.";
/// `/reload` by someone without a staff role.
pub const NOT_STAFF: &str = "Only clinic staff can reload the content.";
/// A handoff button pressed by someone without a staff role.
pub const NOT_STAFF_BUTTON: &str = "Only clinic staff can use these buttons.";
/// Teach: none of the candidates answers.
pub const TEACH_NONE: &str = "Noted. Add the answer to the site's content; Frontdesk picks it up once it is published (or run /reload).";
/// After a vote.
pub const VOTE_THANKS: &str = "Thanks for the feedback! It helps the team improve these answers.";
/// After a second vote on the same answer.
pub const VOTED_ALREADY: &str = "You already voted on this answer. Thanks!";

/// What a button click asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Click<'a> {
    /// A clarify choice: the `index`-th option of the entry `key`.
    Pick { key: &'a str, index: usize },
    /// A vote on the answer `key`.
    Vote { key: &'a str, up: bool },
}

/// Parses a custom id made by this module.
pub fn parse_click(custom_id: &str) -> Option<Click<'_>> {
    let mut parts = custom_id.splitn(3, ':');
    let (what, key, arg) = (parts.next()?, parts.next()?, parts.next()?);
    match (what, arg) {
        ("pick", n) => Some(Click::Pick {
            key,
            index: n.parse().ok()?,
        }),
        ("vote", "up") => Some(Click::Vote { key, up: true }),
        ("vote", "down") => Some(Click::Vote { key, up: false }),
        _ => None,
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip() {
        assert_eq!(
            parse_click("pick:abc.7:2"),
            Some(Click::Pick {
                key: "abc.7",
                index: 2
            })
        );
        assert_eq!(
            parse_click("vote:abc.7:down"),
            Some(Click::Vote {
                key: "abc.7",
                up: false
            })
        );
        assert_eq!(parse_click("vote:abc.7:sideways"), None);
        assert_eq!(parse_click("something-else"), None);
    }

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("héllo", 5), "héllo");
        assert_eq!(clip("héllo wörld", 6), "héllo…");
    }

    #[test]
    fn allowed_mentions_allow_nothing() {
        let v = serde_json::to_value(no_pings()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"parse": [], "users": [], "roles": []})
        );
    }
}
