//! Staff handoff: a question the bot could not answer (or an urgent one, or
//! a voted-down answer) goes to the clinic's private staff channel at once,
//! with buttons to reply to the client in place, dismiss it, or teach
//! Frontdesk which unit should have answered.
//!
//! Invariant: the bot keeps no handoff state. Everything a button needs is in
//! its `custom_id` (where the client asked) or in the handoff post itself
//! (the question, in the embed's description), so buttons keep working after
//! a restart, and nothing about the client is written to disk.

use super::render::{clip, no_pings, DISCLAIMER};
use crate::answer::{Candidate, Kind, Reply};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInputText, CreateMessage, CreateModal, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption, Embed, InputTextStyle, RoleId,
};

/// Where the client asked: enough to link to the question and answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// `None` in a direct message.
    pub guild: Option<u64>,
    pub channel: u64,
    /// The client's message; `None` for a slash command (no message to reply to).
    pub message: Option<u64>,
    /// The client, pinged by a staff reply to a slash command.
    pub user: u64,
}

impl Origin {
    /// A link to the client's message, or where it was asked.
    pub fn link(&self) -> String {
        match (self.guild, self.message) {
            (None, _) => "in a direct message".into(),
            (Some(g), Some(m)) => format!("https://discord.com/channels/{g}/{}/{m}", self.channel),
            (Some(g), None) => format!(
                "https://discord.com/channels/{g}/{} (slash command)",
                self.channel
            ),
        }
    }

    /// `{channel}:{message or 0}:{user}`, the part of a custom id that says
    /// where to answer.
    fn encode(&self) -> String {
        format!(
            "{}:{}:{}",
            self.channel,
            self.message.unwrap_or(0),
            self.user
        )
    }

    fn decode(s: &str) -> Option<Origin> {
        let mut p = s.split(':');
        let channel = p.next()?.parse().ok()?;
        let message = p.next()?.parse::<u64>().ok()?;
        let user = p.next()?.parse().ok()?;
        Some(Origin {
            guild: None,
            channel,
            message: (message != 0).then_some(message),
            user,
        })
    }
}

/// Why a question is handed off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The bot said it was not sure.
    Unsure,
    /// The client described symptoms that may need care now.
    Urgent,
    /// A client voted the answer down.
    VotedDown,
}

/// What a handoff component asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Open the reply form.
    Reply(Origin),
    /// The reply form was sent.
    Send(Origin),
    Dismiss,
    /// Staff picked the unit that should have answered (`None`: add content).
    Teach(Option<(String, String)>),
}

/// The id of the text field in the reply form.
pub const ANSWER_INPUT: &str = "answer";
/// The select menu's value for "none of these".
const NONE: &str = "-";

/// Reads a handoff component's custom id (and a select menu's value).
pub fn parse(custom_id: &str, values: &[String]) -> Option<Action> {
    let rest = custom_id.strip_prefix("ho:")?;
    let (what, arg) = rest.split_once(':').unwrap_or((rest, ""));
    match what {
        "r" => Origin::decode(arg).map(Action::Reply),
        "m" => Origin::decode(arg).map(Action::Send),
        "d" => Some(Action::Dismiss),
        "t" => {
            let v = values.first()?;
            if v == NONE {
                return Some(Action::Teach(None));
            }
            let (page, field) = v.split_once('|')?;
            Some(Action::Teach(Some((page.to_string(), field.to_string()))))
        }
        _ => None,
    }
}

/// The post in the staff channel. Only an urgent one pings, and only `roles`.
pub fn post(
    reply: &Reply,
    voted: Option<(&str, &str)>,
    candidates: &[Candidate],
    origin: &Origin,
    why: Why,
    roles: &[u64],
) -> CreateMessage {
    let (title, colour) = match why {
        Why::Urgent => ("🚨 Urgent: the client was told to seek care now", 0xd9_3025),
        Why::Unsure => ("Frontdesk was not sure: a client is waiting", 0xf2_a33a),
        Why::VotedDown => ("A client voted an answer down", 0x8a_8a8a),
    };
    let replied = match (reply.kind, voted) {
        (_, Some((page, field))) => format!("answer from {page} / {field}"),
        (Kind::Answer, None) => format!(
            "answer from {} / {}",
            reply.page.as_deref().unwrap_or("?"),
            reply.field.as_deref().unwrap_or("")
        ),
        (kind, None) => kind.as_str().to_string(),
    };
    let closest = if candidates.is_empty() {
        "none".to_string()
    } else {
        candidates
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}. {} / {}", i + 1, c.page, field_label(&c.field)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let embed = CreateEmbed::new()
        .title(title)
        .description(clip(&reply.question, 2000))
        .colour(colour)
        .field("Frontdesk replied", clip(&replied, 1000), false)
        .field("Closest content", clip(&closest, 1000), false)
        .field("Where", origin.link(), false)
        .footer(CreateEmbedFooter::new(
            "Reply answers the client in place. Teach: which unit should have answered?",
        ));
    let mut m = CreateMessage::new()
        .embed(embed)
        .components(vec![buttons(origin), teach_menu(candidates)]);
    if why == Why::Urgent && !roles.is_empty() {
        let pings: Vec<String> = roles.iter().map(|r| format!("<@&{r}>")).collect();
        m = m.content(pings.join(" ")).allowed_mentions(
            CreateAllowedMentions::new().roles(roles.iter().map(|&r| RoleId::new(r))),
        );
    } else {
        m = m.allowed_mentions(no_pings());
    }
    m
}

fn field_label(field: &str) -> &str {
    if field.is_empty() {
        "(paragraph)"
    } else {
        field
    }
}

fn buttons(origin: &Origin) -> CreateActionRow {
    CreateActionRow::Buttons(vec![
        CreateButton::new(format!("ho:r:{}", origin.encode()))
            .label("Reply")
            .style(ButtonStyle::Primary),
        CreateButton::new("ho:d")
            .label("Dismiss")
            .style(ButtonStyle::Secondary),
    ])
}

/// The Teach menu: each candidate as `page|field` (cut to Discord's 100
/// characters; [`crate::bot`] resolves a cut field by its start), and none.
fn teach_menu(candidates: &[Candidate]) -> CreateActionRow {
    let mut options: Vec<CreateSelectMenuOption> = candidates
        .iter()
        .map(|c| {
            let label = clip(&format!("{} / {}", c.title, field_label(&c.field)), 100);
            let value: String = format!("{}|{}", c.page, c.field)
                .chars()
                .take(100)
                .collect();
            CreateSelectMenuOption::new(label, value)
        })
        .collect();
    options.push(CreateSelectMenuOption::new(
        "None of these: add it to the site's content",
        NONE,
    ));
    CreateActionRow::SelectMenu(
        CreateSelectMenu::new("ho:t", CreateSelectMenuKind::String { options })
            .placeholder("Teach: which content should have answered?"),
    )
}

/// The reply form.
pub fn form(origin: &Origin) -> CreateModal {
    CreateModal::new(format!("ho:m:{}", origin.encode()), "Reply to the client").components(vec![
        CreateActionRow::InputText(
            CreateInputText::new(InputTextStyle::Paragraph, "Your answer", ANSWER_INPUT)
                .max_length(1500),
        ),
    ])
}

/// The staff answer as the client reads it: labelled as the team's, pinging
/// only the asker (by the reply, or by name after a slash command).
pub fn staff_answer(text: &str, clinic: &str, origin: &Origin) -> CreateMessage {
    let team = if clinic.is_empty() {
        "the clinic's team".to_string()
    } else {
        format!("the {clinic} team")
    };
    let body = format!("**From {team}:** {}", clip(text.trim(), 1800));
    let m = CreateMessage::new().embed(
        CreateEmbed::new()
            .description(body.clone())
            .footer(CreateEmbedFooter::new(DISCLAIMER)),
    );
    match origin.message {
        Some(id) => m
            .reference_message((
                serenity::all::ChannelId::new(origin.channel),
                serenity::all::MessageId::new(id),
            ))
            .allowed_mentions(CreateAllowedMentions::new().replied_user(true)),
        None => m.content(format!("<@{}>", origin.user)).allowed_mentions(
            CreateAllowedMentions::new().users([serenity::all::UserId::new(origin.user)]),
        ),
    }
}

/// The handoff post after staff handled it: the same embed with who did what
/// and when; the Teach menu stays, the other buttons go.
pub fn handled(
    original: Option<&Embed>,
    note: &str,
    keep: Vec<CreateActionRow>,
) -> (CreateEmbed, Vec<CreateActionRow>) {
    let embed = original
        .cloned()
        .map(CreateEmbed::from)
        .unwrap_or_else(CreateEmbed::new)
        .field("Handled", clip(note, 1000), false);
    (embed, keep)
}

/// The post's Teach menu, rebuilt from the message Discord sends back with
/// the interaction, so a handled post keeps it.
pub fn teach_row_from(message: &serenity::all::Message) -> Vec<CreateActionRow> {
    use serenity::all::ActionRowComponent;
    message
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .filter_map(|c| match c {
            ActionRowComponent::SelectMenu(menu) if menu.custom_id.as_deref() == Some("ho:t") => {
                let options = menu
                    .options
                    .iter()
                    .map(|o| CreateSelectMenuOption::new(o.label.clone(), o.value.clone()))
                    .collect();
                Some(CreateActionRow::SelectMenu(
                    CreateSelectMenu::new("ho:t", CreateSelectMenuKind::String { options })
                        .placeholder("Teach: which content should have answered?"),
                ))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_carry_everything_a_button_needs() {
        let o = Origin {
            guild: Some(10),
            channel: 21,
            message: Some(9_999_999_999_999_999_999),
            user: 501,
        };
        let id = format!("ho:r:{}", o.encode());
        assert!(id.len() <= 100);
        assert_eq!(
            parse(&id, &[]),
            Some(Action::Reply(Origin { guild: None, ..o }))
        );
        let slash = Origin { message: None, ..o };
        assert_eq!(
            parse(&format!("ho:m:{}", slash.encode()), &[]),
            Some(Action::Send(Origin {
                guild: None,
                ..slash
            }))
        );
        assert_eq!(parse("ho:d", &[]), Some(Action::Dismiss));
        assert_eq!(
            parse("ho:t", &["botox|Cost".into()]),
            Some(Action::Teach(Some(("botox".into(), "Cost".into()))))
        );
        assert_eq!(parse("ho:t", &["-".into()]), Some(Action::Teach(None)));
        assert_eq!(parse("vote:x:up", &[]), None);
    }

    #[test]
    fn links_point_at_the_message_or_say_dm() {
        let o = Origin {
            guild: Some(10),
            channel: 21,
            message: Some(7),
            user: 1,
        };
        assert_eq!(o.link(), "https://discord.com/channels/10/21/7");
        assert_eq!(Origin { guild: None, ..o }.link(), "in a direct message");
    }
}
