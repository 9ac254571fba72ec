//! End to end: the real serenity bot against a fake Discord on 127.0.0.1.
//!
//! Each test starts its own fake Discord (REST + gateway) and its own bot
//! over a private copy of `content/`, pushes gateway events, and asserts on
//! the requests the fake receives. Properties covered:
//! - a question gets exactly one reply: an embed with the service and field,
//!   a message reference to the question, and allowed mentions that ping nobody;
//! - answer channels answer questions unprompted and ignore chit-chat, bots
//!   and unaddressed messages elsewhere; DMs and mentions of the bot's role
//!   are answered;
//! - `/ask`, `/service` (autocomplete and card) and `/services` respond;
//! - clarify buttons answer the chosen service; follow-ups keep the service
//!   per user and channel;
//! - urgent and fallback replies are plain text; `@everyone` pings nobody;
//! - the per-user rate limit answers with a friendly note;
//! - a dropped gateway connection resumes (4000) or starts a new session
//!   (4009, unacknowledged heartbeats); REST 429s are retried after
//!   `retry_after`; 200 simultaneous questions all get their right reply;
//! - content edits reach the next answer; questions during rebuilds are all
//!   answered; `/reload` is for staff only;
//! - votes and unanswered questions are logged without user ids and reviewed;
//! - a missing or rejected token fails with one line naming `DISCORD_TOKEN`;
//!   a missing Message Content intent says what to enable.

mod support;

use serde_json::json;
use std::time::{Duration, Instant};
use support::*;

/// Long enough for a wrong reply to show up before we say there is none.
const QUIET: Duration = Duration::from_millis(600);

fn is_message_send(c: &Call) -> bool {
    c.method == "POST" && c.path.ends_with("/messages") && c.status == 200
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn question_gets_one_reply_with_embed_reference_and_no_pings() {
    let bot = TestBot::start().await;
    let q = bot
        .fake
        .mention(GENERAL, ALICE, "how long is microneedling downtime");
    let reply = bot.fake.reply_to(q).await;

    assert_eq!(reply.path, format!("/channels/{GENERAL}/messages"));
    let embed = reply.embed();
    assert_eq!(embed["title"], "Microneedling", "{embed:#}");
    let description = embed["description"].as_str().unwrap();
    assert!(description.starts_with("**Downtime**\n"), "{description}");
    assert!(
        description.contains("redness"),
        "the row's text: {description}"
    );
    assert_eq!(
        embed["url"],
        "https://lumiere-aesthetics.example/services/microneedling/"
    );
    assert_eq!(
        embed["footer"]["text"],
        "General information, not medical advice."
    );
    assert_eq!(
        embed["fields"][0]["name"], "Recovery Time",
        "partner row: {embed:#}"
    );
    reply.assert_pings_nobody();
    assert_eq!(
        reply.body["allowed_mentions"],
        json!({"parse": [], "users": [], "roles": []})
    );
    let votes: Vec<String> = reply
        .buttons()
        .into_iter()
        .map(|(label, _)| label)
        .collect();
    assert_eq!(votes, ["Helpful", "Not helpful"]);

    bot.fake
        .assert_no_call("second reply", QUIET, |c| {
            is_message_send(c) && c.at > reply.at
        })
        .await;
    assert_eq!(bot.fake.replies_to(q).len(), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_channels_dms_and_what_is_ignored() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    // Ignored: chit-chat in an answer channel, other bots, unaddressed
    // messages elsewhere, a bare image (empty text) in an answer channel.
    let chatter = f.say(ANSWERS, BOB, "thanks everyone, see you tomorrow!");
    let from_bot = f.say(ANSWERS, OTHER_BOT, "how much is botox?");
    let unaddressed = f.say(GENERAL, BOB, "how much is botox?");
    let image = f.say(ANSWERS, BOB, "");
    // Picking the bot's role from the @ list counts as mentioning the bot.
    let by_role = f.mention_role(GENERAL, BOB, "how much is botox?");
    // Answered: questions in answer channels, short confident queries there, DMs.
    let question = f.say(ANSWERS, ALICE, "how much is lip filler?");
    let keywords = f.say(ANSWERS, ALICE, "botox price");
    let dm = f.say(DM, BOB, "where are you located");

    let r = f.reply_to(question).await;
    assert!(
        r.embed()["title"].as_str().unwrap().contains("Lip Filler"),
        "{:#}",
        r.body
    );
    assert!(r.embed()["description"].as_str().unwrap().contains("$550"));
    let r = f.reply_to(keywords).await;
    assert!(
        r.embed()["description"]
            .as_str()
            .unwrap()
            .starts_with("**Cost**"),
        "{:#}",
        r.body
    );
    let r = f.reply_to(by_role).await;
    assert!(
        r.embed()["description"]
            .as_str()
            .unwrap()
            .starts_with("**Cost**"),
        "{:#}",
        r.body
    );
    let r = f.reply_to(dm).await;
    assert_eq!(r.path, format!("/channels/{DM}/messages"));
    assert!(
        r.embed()["description"]
            .as_str()
            .unwrap()
            .contains("Riverside"),
        "{:#}",
        r.body
    );

    f.assert_no_call("reply to ignored messages", QUIET, |c| {
        [chatter, from_bot, unaddressed, image]
            .iter()
            .any(|id| c.body["message_reference"]["message_id"] == json!(id.to_string()))
    })
    .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_ask_service_autocomplete_and_services() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let registered = f.wait_for("registration", |c| c.method == "PUT").await;
    assert_eq!(
        registered.path,
        format!("/applications/{BOT_ID}/guilds/{GUILD}/commands")
    );
    let names: Vec<&str> = registered
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ask", "service", "services", "reload"]);

    let ask = f.command(
        ALICE,
        "ask",
        json!([option("question", "how long is microneedling downtime")]),
    );
    let r = f.callback(ask).await;
    assert_eq!(r.callback_type(), 4, "{:#}", r.body);
    assert_eq!(r.embed()["title"], "Microneedling");
    assert!(r.embed()["description"]
        .as_str()
        .unwrap()
        .starts_with("**Downtime**"));
    r.assert_pings_nobody();

    let typed = f.autocomplete(ALICE, "service", "name", "microne");
    let r = f.callback(typed).await;
    assert_eq!(r.callback_type(), 8, "{:#}", r.body);
    let values: Vec<&str> = r.body["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    for slug in ["microneedling", "prp-microneedling", "rf-microneedling"] {
        assert!(values.contains(&slug), "{slug} in {values:?}");
    }
    assert!(!values.contains(&"botox"), "{values:?}");
    assert_eq!(
        values[0], "microneedling",
        "names that start with the text come first: {values:?}"
    );

    let card = f.command(ALICE, "service", json!([option("name", "botox")]));
    let r = f.callback(card).await;
    let fields: Vec<&str> = r.embed()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(
        r.embed()["title"].as_str().unwrap().starts_with("Botox"),
        "{:#}",
        r.body
    );
    for field in ["Cost", "Downtime", "Results", "Side Effects"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    r.assert_pings_nobody();

    let unknown = f.command(ALICE, "service", json!([option("name", "liposuction")]));
    let r = f.callback(unknown).await;
    assert!(
        r.ephemeral() && r.content().contains("/services"),
        "{:#}",
        r.body
    );

    let list = f.command(ALICE, "services", json!([]));
    let r = f.callback(list).await;
    let text = r.embed()["description"].as_str().unwrap();
    assert!(
        text.contains("• Botox") && text.contains("• Microneedling"),
        "{text}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clarify_buttons_answer_the_chosen_service() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let q = f.mention(GENERAL, ALICE, "how much is prp");
    let clarify = f.reply_to(q).await;
    assert_eq!(clarify.embed_count(), 0);
    assert!(clarify.content().contains("Which"), "{:#}", clarify.body);
    clarify.assert_pings_nobody();
    let buttons = clarify.buttons();
    let labels: Vec<&str> = buttons.iter().map(|(l, _)| l.as_str()).collect();
    assert!(
        labels.contains(&"PRP Microneedling (Vampire Facial)")
            && labels.contains(&"PRP Hair Restoration"),
        "{labels:?}"
    );

    let (_, hair) = buttons
        .iter()
        .find(|(l, _)| l == "PRP Hair Restoration")
        .unwrap();
    let click = f.click(BOB, clarify.message.as_ref().unwrap(), hair);
    let r = f.callback(click).await;
    assert_eq!(
        r.callback_type(),
        7,
        "the clarify message becomes the answer: {:#}",
        r.body
    );
    assert_eq!(r.embed()["title"], "PRP Hair Restoration");
    let description = r.embed()["description"].as_str().unwrap();
    assert!(description.contains('$'), "a price: {description}");
    assert_eq!(r.content(), "", "the question text is replaced");
    assert_eq!(r.buttons().len(), 2, "votes replace the choices");
    r.assert_pings_nobody();

    let log = bot.log();
    assert!(
        log.iter()
            .any(|l| l["kind"] == "clarify" && l["question"] == "how much is prp"),
        "{log:?}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_up_keeps_the_service_for_the_same_person_and_channel() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let first = f.mention(GENERAL, ALICE, "how long does botox last?");
    let r = f.reply_to(first).await;
    assert!(r.embed()["title"].as_str().unwrap().starts_with("Botox"));
    assert!(r.embed()["description"]
        .as_str()
        .unwrap()
        .starts_with("**Results**"));

    let follow = f.mention(GENERAL, ALICE, "how much is it?");
    let r = f.reply_to(follow).await;
    assert!(
        r.embed()["title"].as_str().unwrap().starts_with("Botox"),
        "{:#}",
        r.body
    );
    assert!(
        r.embed()["description"]
            .as_str()
            .unwrap()
            .starts_with("**Cost**"),
        "{:#}",
        r.body
    );

    // Bob never asked about Botox, and Alice's memory is per channel.
    let bob = f.mention(GENERAL, BOB, "how much is it?");
    let elsewhere = f.say(DM, ALICE, "how much is it?");
    for id in [bob, elsewhere] {
        let r = f.reply_to(id).await;
        assert!(r.embed().is_null(), "no service to go on: {:#}", r.body);
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urgent_and_fallback_are_plain_text() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let urgent = f.mention(
        GENERAL,
        ALICE,
        "i cant breathe and my throat feels tight after my iv",
    );
    let r = f.reply_to(urgent).await;
    assert_eq!(r.embed_count(), 0, "{:#}", r.body);
    assert!(r.buttons().is_empty());
    assert!(
        r.content().contains("911") && r.content().contains("(512) 555-0142"),
        "{}",
        r.content()
    );
    assert!(
        r.content().starts_with("🚨 **"),
        "prominent: {}",
        r.content()
    );
    r.assert_pings_nobody();

    let fallback = f.mention(GENERAL, ALICE, "do you do liposuction");
    let r = f.reply_to(fallback).await;
    assert_eq!(r.embed_count(), 0);
    assert!(
        r.content().contains("(512) 555-0142"),
        "the clinic's contact: {}",
        r.content()
    );
    r.assert_pings_nobody();

    let log = bot.log();
    let entry = log
        .iter()
        .find(|l| l["question"] == "do you do liposuction")
        .expect("fallback logged");
    assert_eq!(entry["kind"], "fallback");
    assert!(
        !log.iter()
            .any(|l| l["question"].as_str().unwrap().contains("breathe")),
        "urgent is not 'unanswered'"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_and_role_mentions_in_a_question_ping_nobody() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let q = f.say(ANSWERS, ALICE, "@everyone <@&77> <@502> how much is botox?");
    let r = f.reply_to(q).await;
    r.assert_pings_nobody();
    let text = format!("{}{}", r.content(), r.embed());
    assert!(
        !text.contains("@everyone") && !text.contains("<@"),
        "the reply repeats no mention: {text}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_sends_a_friendly_note_once_and_never_holds_back_urgent() {
    let bot = TestBot::start_with(|c| c.discord.rate_limit_per_minute = 2).await;
    let f = &bot.fake;
    for q in ["how much is botox?", "does botox hurt?"] {
        let id = f.mention(GENERAL, ALICE, q);
        assert!(!f.reply_to(id).await.embed().is_null());
    }
    let third = f.mention(GENERAL, ALICE, "how long does botox last?");
    let note = f.reply_to(third).await;
    assert!(
        note.content().contains("wait about") && note.content().contains("seconds"),
        "{}",
        note.content()
    );
    note.assert_pings_nobody();

    let fourth = f.mention(GENERAL, ALICE, "is botox safe?");
    let urgent = f.mention(GENERAL, ALICE, "my lips turned white after filler");
    let r = f.reply_to(urgent).await;
    assert!(
        r.content().contains("911"),
        "urgent goes through: {}",
        r.content()
    );
    f.assert_no_call("a second note", QUIET, |c| {
        c.body["message_reference"]["message_id"] == json!(fourth.to_string())
    })
    .await;

    let other = f.mention(GENERAL, BOB, "how much is botox?");
    assert!(
        !f.reply_to(other).await.embed().is_null(),
        "the limit is per user"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_close_4000_resumes_and_answers_the_next_question() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let before = f.mention(GENERAL, ALICE, "how much is botox?");
    f.reply_to(before).await;

    f.close_gateway(4000);
    f.wait_until("the bot to resume", |f| f.resumes() == 1)
        .await;
    let after = f.mention(GENERAL, ALICE, "how long is microneedling downtime");
    let r = f.reply_to(after).await;
    assert_eq!(r.embed()["title"], "Microneedling");
    assert_eq!(f.identifies(), 1, "resumed, not re-identified");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_session_after_close_4009_or_unacknowledged_heartbeats() {
    let fake = FakeDiscord::start_with_heartbeat(Duration::from_millis(300)).await;
    let bot = TestBot::start_on(fake, |_| {}).await;
    let f = &bot.fake;
    f.wait_until("acknowledged heartbeats", |f| f.heartbeats() >= 2)
        .await;
    assert_eq!(
        f.identifies(),
        1,
        "acknowledged heartbeats keep the session"
    );

    // 4009: session timed out, not resumable: the client identifies again.
    f.close_gateway(4009);
    f.wait_until("a fresh IDENTIFY after 4009", |f| f.identifies() == 2)
        .await;
    let q = f.mention(GENERAL, ALICE, "how much is botox?");
    assert!(f.reply_to(q).await.embed()["description"]
        .as_str()
        .unwrap()
        .starts_with("**Cost**"));

    // A connection that stops acknowledging heartbeats is abandoned.
    f.stop_acking_heartbeats();
    f.wait_until("a new connection after missed acks", |f| {
        f.identifies() == 3
    })
    .await;
    let q = f.mention(GENERAL, ALICE, "how long is microneedling downtime");
    assert_eq!(f.reply_to(q).await.embed()["title"], "Microneedling");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_429_is_retried_after_retry_after() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    f.rate_limit_next(2, 0.4);
    let q = f.mention(GENERAL, ALICE, "how much is botox?");
    let r = f.reply_to(q).await;
    assert!(r.embed()["description"]
        .as_str()
        .unwrap()
        .starts_with("**Cost**"));
    let limited: Vec<Call> = f.calls().into_iter().filter(|c| c.status == 429).collect();
    assert_eq!(limited.len(), 2, "two 429s, then the send went through");
    assert!(
        limited[1].at.duration_since(limited[0].at) >= Duration::from_millis(400),
        "waited retry_after"
    );
    assert!(
        r.at.duration_since(limited[1].at) >= Duration::from_millis(400),
        "waited retry_after"
    );
    assert_eq!(f.replies_to(q).len(), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_questions_at_once_get_two_hundred_right_replies() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let questions = [
        "how long is microneedling downtime",
        "how much is botox?",
        "does laser hair removal hurt?",
        "how many sessions of hydrafacial do i need?",
        "how much is lip filler?",
        "where are you located?",
        "do you take apple pay?",
        "how long does botox last?",
    ];
    // What the engine says on its own is what Discord must show.
    let expected: Vec<(String, String)> = questions
        .iter()
        .map(|q| {
            let r = bot.engine.answer(q);
            assert_eq!(r.kind, frontdesk::Kind::Answer, "{q}");
            (
                r.title.unwrap(),
                format!("**{}**\n{}", r.field.unwrap(), r.answer),
            )
        })
        .collect();

    let started = Instant::now();
    let sent: Vec<(u64, usize)> = (0..200)
        .map(|i| {
            (
                f.say(
                    ANSWERS,
                    Person::numbered(10_000 + i as u64),
                    questions[i % questions.len()],
                ),
                i % questions.len(),
            )
        })
        .collect();
    f.wait_until("200 replies", |f| {
        f.calls().iter().filter(|c| is_message_send(c)).count() >= 200
    })
    .await;
    let elapsed = started.elapsed();
    println!("200 questions -> 200 replies through the fake Discord in {elapsed:?}");

    for (id, qi) in sent {
        let replies = f.replies_to(id);
        assert_eq!(replies.len(), 1, "one reply to {id}");
        assert_eq!(
            replies[0].embed()["title"],
            expected[qi].0.as_str(),
            "{}",
            questions[qi]
        );
        assert_eq!(
            replies[0].embed()["description"],
            expected[qi].1.as_str(),
            "{}",
            questions[qi]
        );
        replies[0].assert_pings_nobody();
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_edit_reaches_the_next_answer() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let q = f.mention(GENERAL, ALICE, "how much is botox?");
    assert!(f.reply_to(q).await.embed()["description"]
        .as_str()
        .unwrap()
        .contains("$12-$15 per unit"));

    let page = bot.content_file("services/botox.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("$12-$15 per unit", "$11-$14 per unit");
    std::fs::write(&page, text).unwrap();
    let engine = bot.engine.clone();
    eventually("the watcher to rebuild", || {
        engine
            .answer("how much is botox?")
            .answer
            .contains("$11-$14")
    })
    .await;

    let q = f.mention(GENERAL, BOB, "how much is botox?");
    let description = f.reply_to(q).await.embed()["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(description.contains("$11-$14 per unit"), "{description}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_during_rebuilds_are_all_answered() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let mut asked = Vec::new();
    for round in 0..3u64 {
        // A /reload and a content edit (the watcher) rebuild while questions arrive.
        let reload = f.command(STAFF, "reload", json!([]));
        let page = bot.content_file("services/microneedling.md");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, format!("{text}\n")).unwrap();
        for i in 0..20 {
            asked.push(f.say(
                ANSWERS,
                Person::numbered(20_000 + round * 100 + i),
                "how much is botox?",
            ));
        }
        assert!(f
            .original_edit(reload)
            .await
            .content()
            .starts_with("Reloaded"));
    }
    for id in asked {
        let r = f.reply_to(id).await;
        let description = r.embed()["description"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(description.contains("$12-$15 per unit"), "{:#}", r.body);
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_is_for_staff_only() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let refused = f.command(ALICE, "reload", json!([]));
    let r = f.callback(refused).await;
    assert_eq!(r.callback_type(), 4);
    assert!(r.ephemeral(), "only Alice sees the refusal");
    assert!(r.content().contains("Only clinic staff"), "{}", r.content());
    f.assert_no_call("a rebuild report", QUIET, |c| c.method == "PATCH")
        .await;

    let reload = f.command(STAFF, "reload", json!([]));
    let r = f.callback(reload).await;
    assert_eq!(
        r.callback_type(),
        5,
        "deferred while rebuilding: {:#}",
        r.body
    );
    assert!(r.ephemeral());
    let done = f.original_edit(reload).await;
    assert!(
        done.content().starts_with("Reloaded the content."),
        "{}",
        done.content()
    );
    assert!(
        done.content().contains("38 pages"),
        "the build summary: {}",
        done.content()
    );
    done.assert_pings_nobody();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_are_logged_without_who_voted_and_reviewed() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let q = f.mention(GENERAL, ALICE, "how much is botox?");
    let answer = f.reply_to(q).await;
    let message = answer.message.clone().unwrap();
    let down = answer
        .buttons()
        .into_iter()
        .find(|(l, _)| l == "Not helpful")
        .unwrap()
        .1;

    let r = f.callback(f.click(BOB, &message, &down)).await;
    assert!(
        r.ephemeral() && r.content().contains("Thanks"),
        "{:#}",
        r.body
    );
    let r = f.callback(f.click(BOB, &message, &down)).await;
    assert!(
        r.ephemeral() && r.content().contains("already"),
        "one vote per person: {:#}",
        r.body
    );
    let r = f.callback(f.click(ALICE, &message, "vote:0.1:down")).await;
    assert!(
        r.content().contains("lost track"),
        "unknown buttons: {:#}",
        r.body
    );
    let fallback = f.mention(GENERAL, ALICE, "do you do liposuction");
    f.reply_to(fallback).await;

    let log = bot.log();
    let votes: Vec<_> = log.iter().filter(|l| !l["vote"].is_null()).collect();
    assert_eq!(votes.len(), 1, "{log:?}");
    assert_eq!(votes[0]["vote"], "down");
    assert_eq!(votes[0]["page"], "botox");
    assert_eq!(votes[0]["field"], "Cost");
    assert_eq!(votes[0]["question"], "how much is botox?");
    // A record is exactly these six keys: nothing says who asked, or where.
    for record in &log {
        let keys: Vec<&str> = record
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["field", "kind", "page", "question", "time", "vote"],
            "{record}"
        );
        for who in [ALICE, BOB] {
            assert!(!record.to_string().contains(who.name), "no names: {record}");
        }
    }

    let report = frontdesk::bot::review(&bot.config, 10, Some(&bot.engine)).unwrap();
    assert!(report.contains("do you do liposuction"), "{report}");
    assert!(
        report.contains("1 down / 0 up  how much is botox?  -> botox / Cost"),
        "{report}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_fails_with_one_line_naming_the_variable() {
    let fake = FakeDiscord::start().await;
    let (_dir, config, engine) = prepare(&fake, |_| {}).await;
    drop(config);
    let run = frontdesk::bot::run(engine, BAD_TOKEN.to_string(), std::future::pending());
    let err = tokio::time::timeout(WAIT, run)
        .await
        .expect("fails fast")
        .expect_err("the token is rejected");
    let line = format!("{err:#}");
    assert!(
        line.contains("DISCORD_TOKEN") && !line.contains('\n'),
        "{line}"
    );
    assert!(
        !line.contains(BAD_TOKEN),
        "the token is never shown: {line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_message_content_intent_fails_with_what_to_enable() {
    let fake = FakeDiscord::start().await;
    fake.refuse_intents();
    let (_dir, _config, engine) = prepare(&fake, |_| {}).await;
    let run = frontdesk::bot::run(engine, TOKEN.to_string(), std::future::pending());
    let err = tokio::time::timeout(WAIT, run)
        .await
        .expect("fails fast")
        .expect_err("4014 stops the bot");
    let line = format!("{err:#}");
    assert!(
        line.contains("Message Content Intent") && !line.contains('\n'),
        "{line}"
    );
}

#[test]
fn serve_without_a_token_exits_non_zero_with_one_line() {
    let out = assert_cmd::Command::cargo_bin("frontdesk")
        .unwrap()
        .arg("serve")
        .env_remove("DISCORD_TOKEN")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .timeout(WAIT)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("DISCORD_TOKEN is not set"), "{stderr}");
}

/// The shipped binary, not only the library entry point: `frontdesk serve`
/// with a config file pointing at the fake connects, answers a question, and
/// reports its resident memory once connected (printed, for BENCHMARKS.md;
/// not asserted: memory is a benchmark, not a test).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_serve_binary_answers_against_the_fake() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[paths]\ncontent = {:?}\nindex = {:?}\ndata = {:?}\n[discord]\napi_url = {:?}\nguild_ids = [{GUILD}]\n",
            root.join("content"),
            dir.path().join("index"),
            dir.path().join("data"),
            fake.api_url
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("frontdesk"))
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .env("DISCORD_TOKEN", TOKEN)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("frontdesk serve starts");
    fake.wait_until("the binary to identify", |f| f.identifies() == 1)
        .await;
    let q = fake.mention(GENERAL, ALICE, "how much is botox");
    let reply = fake.reply_to(q).await;
    assert_eq!(reply.embed()["title"], "Botox (onabotulinumtoxinA)");
    reply.assert_pings_nobody();
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    if let Some(rss) = status.lines().find(|l| l.starts_with("VmRSS:")) {
        println!("frontdesk serve, connected and answering: {rss}");
    }
    child.kill().ok();
    child.wait().ok();
}

// ----- staff handoff ---------------------------------------------------------

/// A bot with the staff channel [`HANDOFF`] and [`ON_CALL_ROLE`] for urgent.
async fn with_handoff() -> TestBot {
    TestBot::start_with(|c| {
        c.discord.handoff_channel = Some(HANDOFF);
        c.discord.handoff_roles = vec![ON_CALL_ROLE];
    })
    .await
}

fn is_handoff(c: &Call) -> bool {
    c.method == "POST" && c.path == format!("/channels/{HANDOFF}/messages")
}

/// The embed field `name` of a handoff post.
fn field<'a>(post: &'a Call, name: &str) -> &'a str {
    post.embed()["fields"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["name"] == name))
        .and_then(|f| f["value"].as_str())
        .unwrap_or_else(|| panic!("no field {name}: {:#}", post.body))
}

/// The select menu's options (label, value) of a post.
fn teach_options(post: &Call) -> Vec<(String, String)> {
    post.data()["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["components"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["type"] == 3)
        .flat_map(|c| c["options"].as_array().cloned().unwrap_or_default())
        .map(|o| {
            (
                o["label"].as_str().unwrap_or_default().to_string(),
                o["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn button(post: &Call, label: &str) -> String {
    post.buttons()
        .into_iter()
        .find(|(l, _)| l == label)
        .unwrap_or_else(|| panic!("no {label} button: {:#}", post.body))
        .1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fallback_is_handed_off_with_candidates_and_a_link_pinging_nobody() {
    let bot = with_handoff().await;
    let f = &bot.fake;
    let q = f.mention(GENERAL, ALICE, "do you do liposuction on knees");
    let reply = f.reply_to(q).await;
    assert!(
        reply.content().contains("not sure") || reply.content().contains("Please"),
        "{:#}",
        reply.body
    );
    let post = f.wait_for("the handoff post", is_handoff).await;
    assert_eq!(
        post.embed()["description"],
        "do you do liposuction on knees"
    );
    assert_eq!(field(&post, "Frontdesk replied"), "fallback");
    let closest = field(&post, "Closest content");
    assert!(
        (1..=3).contains(&closest.lines().count()) && closest.contains(" / "),
        "{closest}"
    );
    assert_eq!(
        field(&post, "Where"),
        format!("https://discord.com/channels/{GUILD}/{GENERAL}/{q}")
    );
    post.assert_pings_nobody();
    assert_eq!(post.content(), "");
    let labels: Vec<String> = post.buttons().into_iter().map(|(l, _)| l).collect();
    assert!(
        labels.starts_with(&["Reply".to_string(), "Dismiss".to_string()]),
        "{labels:?}"
    );
    let options = teach_options(&post);
    assert!(
        options.len() >= 2 && options.last().unwrap().1 == "-",
        "{options:?}"
    );
    // One handoff per client message.
    f.assert_no_call("a second handoff", QUIET, |c| {
        is_handoff(c) && c.at > post.at
    })
    .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_urgent_handoff_mentions_exactly_the_on_call_roles() {
    let bot = with_handoff().await;
    let f = &bot.fake;
    let q = f.mention(GENERAL, ALICE, "I can't breathe and my throat feels tight");
    let reply = f.reply_to(q).await;
    reply.assert_pings_nobody();
    let post = f.wait_for("the urgent handoff", is_handoff).await;
    assert!(
        post.embed()["title"].as_str().unwrap().contains("Urgent"),
        "{:#}",
        post.body
    );
    assert_eq!(post.content(), format!("<@&{ON_CALL_ROLE}>"));
    let am = &post.body["allowed_mentions"];
    assert_eq!(am["parse"], json!([]));
    assert_eq!(am["roles"], json!([ON_CALL_ROLE.to_string()]));
    assert!(am["users"].as_array().is_none_or(Vec::is_empty), "{am}");
    assert_ne!(am["replied_user"], json!(true));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_vote_hands_the_answer_off() {
    let bot = with_handoff().await;
    let f = &bot.fake;
    let q = f.mention(GENERAL, ALICE, "how much is botox?");
    let answer = f.reply_to(q).await;
    f.assert_no_call("a handoff for an answer", QUIET, is_handoff)
        .await;
    let down = button(&answer, "Not helpful");
    let message = answer.message.clone().unwrap();
    f.callback(f.click(BOB, &message, &down)).await;
    let post = f.wait_for("the voted-down handoff", is_handoff).await;
    assert!(
        post.embed()["title"].as_str().unwrap().contains("voted"),
        "{:#}",
        post.body
    );
    assert_eq!(
        field(&post, "Frontdesk replied"),
        "answer from botox / Cost"
    );
    assert_eq!(
        field(&post, "Where"),
        format!("https://discord.com/channels/{GUILD}/{GENERAL}/{q}")
    );
    post.assert_pings_nobody();
    // A second down-vote on the same answer is not a second handoff.
    f.callback(f.click(ALICE, &message, &down)).await;
    f.assert_no_call("a second handoff", QUIET, |c| {
        is_handoff(c) && c.at > post.at
    })
    .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_reply_reaches_the_client_in_place_and_marks_the_post() {
    let bot = with_handoff().await;
    let f = &bot.fake;
    let q = f.mention(GENERAL, ALICE, "do you do liposuction on knees");
    f.reply_to(q).await;
    let post = f.wait_for("the handoff post", is_handoff).await;
    let message = post.message.clone().unwrap();
    let reply_id = button(&post, "Reply");
    let form = f.callback(f.click(STAFF, &message, &reply_id)).await;
    assert_eq!(form.callback_type(), 9, "a modal: {:#}", form.body);
    let modal_id = form.body["data"]["custom_id"].as_str().unwrap().to_string();
    let submit = f.submit_modal(
        STAFF,
        &message,
        &modal_id,
        &[(
            "answer",
            "We don't offer liposuction, but CoolSculpting may help. Happy to talk it through!",
        )],
    );
    let qid = q.to_string();
    let sent = f
        .wait_for("the staff answer", |c| {
            c.method == "POST"
                && c.path == format!("/channels/{GENERAL}/messages")
                && c.body["message_reference"]["message_id"].as_str() == Some(qid.as_str())
                && c.embed()["description"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("**From"))
        })
        .await;
    let text = sent.embed()["description"].as_str().unwrap();
    assert!(
        text.contains("team") && text.contains("CoolSculpting"),
        "{text}"
    );
    let am = &sent.body["allowed_mentions"];
    assert_eq!(am["parse"], json!([]), "only the asker is pinged: {am}");
    assert_eq!(am["replied_user"], json!(true), "{am}");
    assert!(am["users"].as_array().is_none_or(Vec::is_empty), "{am}");
    assert!(am["roles"].as_array().is_none_or(Vec::is_empty), "{am}");
    let edited = f.callback(submit).await;
    assert_eq!(
        edited.callback_type(),
        7,
        "the post is updated: {:#}",
        edited.body
    );
    let handled = field(&edited, "Handled");
    assert!(
        handled.starts_with("Answered by nurse.kim at <t:"),
        "{handled}"
    );
    assert!(
        !edited.buttons().iter().any(|(l, _)| l == "Reply"),
        "answered: no second reply button"
    );
    edited.assert_pings_nobody();
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handoff_buttons_still_work_after_a_restart() {
    let bot = with_handoff().await;
    let q = bot
        .fake
        .mention(GENERAL, ALICE, "do you do liposuction on knees");
    bot.fake.reply_to(q).await;
    let post = bot.fake.wait_for("the handoff post", is_handoff).await;
    let message = post.message.clone().unwrap();
    let bot = bot.restart().await;
    let f = &bot.fake;
    let form = f
        .callback(f.click(STAFF, &message, &button(&post, "Reply")))
        .await;
    assert_eq!(form.callback_type(), 9, "{:#}", form.body);
    let dismissed = f
        .callback(f.click(STAFF, &message, &button(&post, "Dismiss")))
        .await;
    assert_eq!(dismissed.callback_type(), 7, "{:#}", dismissed.body);
    assert!(field(&dismissed, "Handled").starts_with("Dismissed by nurse.kim"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teach_records_the_question_and_the_rebuilt_index_answers_it() {
    let bot = with_handoff().await;
    let f = &bot.fake;
    let question = "do you do liposuction on knees";
    let q = f.mention(GENERAL, ALICE, question);
    f.reply_to(q).await;
    let post = f.wait_for("the handoff post", is_handoff).await;
    let message = post.message.clone().unwrap();
    let (_, value) = teach_options(&post).into_iter().next().unwrap();
    let (page, field_name) = value.split_once('|').unwrap();
    let done = f
        .callback(f.select(STAFF, &message, "ho:t", &[&value]))
        .await;
    assert!(
        done.ephemeral() && done.content().starts_with("Taught"),
        "{:#}",
        done.body
    );
    let learned = std::fs::read_to_string(&bot.config.paths.learned).unwrap();
    assert!(
        learned.contains(question) && learned.contains(page),
        "{learned}"
    );
    for who in [ALICE, STAFF] {
        assert!(
            !learned.contains(who.name) && !learned.contains(&who.id.to_string()),
            "{learned}"
        );
    }
    let r = bot.engine.answer("Do you do liposuction on knees?");
    assert_eq!(
        (r.page.as_deref(), r.field.as_deref().unwrap_or("")),
        (Some(page), field_name),
        "{r:?}"
    );
    // And in Discord: the same question now gets that answer.
    let again = f.mention(GENERAL, BOB, "do you do liposuction on knees?");
    let reply = f.reply_to(again).await;
    assert_eq!(reply.embed_count(), 1, "an answer now: {:#}", reply.body);
    let none = f.callback(f.select(STAFF, &message, "ho:t", &["-"])).await;
    assert!(none.content().contains("content"), "{:#}", none.body);
    let r = f
        .callback(f.click(ALICE, &message, &button(&post, "Dismiss")))
        .await;
    assert!(
        r.ephemeral() && r.content().contains("staff"),
        "clients cannot: {:#}",
        r.body
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_handoff_has_no_link_and_the_staff_reply_lands_in_the_dm() {
    let bot = with_handoff().await;
    let f = &bot.fake;
    let q = f.say(DM, ALICE, "do you do liposuction on knees?");
    f.reply_to(q).await;
    let post = f.wait_for("the handoff post", is_handoff).await;
    assert_eq!(field(&post, "Where"), "in a direct message");
    let message = post.message.clone().unwrap();
    let form = f
        .callback(f.click(STAFF, &message, &button(&post, "Reply")))
        .await;
    assert_eq!(form.callback_type(), 9, "{:#}", form.body);
    let modal_id = form.body["data"]["custom_id"].as_str().unwrap().to_string();
    f.submit_modal(
        STAFF,
        &message,
        &modal_id,
        &[("answer", "Not at the moment, sorry!")],
    );
    let qid = q.to_string();
    let sent = f
        .wait_for("the staff answer in the DM", |c| {
            c.method == "POST"
                && c.path == format!("/channels/{DM}/messages")
                && c.body["message_reference"]["message_id"].as_str() == Some(qid.as_str())
                && c.embed()["description"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("**From"))
        })
        .await;
    assert!(sent.embed()["description"]
        .as_str()
        .unwrap()
        .contains("Not at the moment"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_handoff_channel_leaves_the_client_answered() {
    let fake = FakeDiscord::start().await;
    fake.remove_channel(HANDOFF);
    let bot = TestBot::start_on(fake, |c| c.discord.handoff_channel = Some(HANDOFF)).await;
    let f = &bot.fake;
    for (who, text) in [
        (ALICE, "do you do liposuction on knees"),
        (BOB, "do you do liposuction for knees"),
    ] {
        let q = f.mention(GENERAL, who, text);
        let reply = f.reply_to(q).await;
        assert!(!reply.content().is_empty());
    }
    let refused: Vec<_> = f
        .calls()
        .into_iter()
        .filter(|c| is_handoff(c) && c.status == 404)
        .collect();
    assert_eq!(
        refused.len(),
        2,
        "tried, refused, and the client answered anyway"
    );
    let q = f.mention(GENERAL, ALICE, "how much is botox?");
    assert_eq!(f.reply_to(q).await.embed_count(), 1, "still answering");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_handoff_channel_no_posts() {
    let bot = TestBot::start().await;
    let f = &bot.fake;
    let q = f.mention(GENERAL, ALICE, "do you do liposuction on knees");
    f.reply_to(q).await;
    let u = f.mention(GENERAL, ALICE, "I can't breathe and my throat feels tight");
    f.reply_to(u).await;
    f.assert_no_call("a handoff", QUIET, |c| {
        c.method == "POST"
            && c.path.starts_with("/channels/")
            && !c.path.contains(&GENERAL.to_string())
    })
    .await;
    bot.stop().await;
}
