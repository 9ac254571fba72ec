//! Test support: a bot running against the fake Discord.
//!
//! [`TestBot::start`] copies the repository's `content/` into a temp dir,
//! builds its own index there, starts [`FakeDiscord`] and the real serenity
//! bot pointed at it, and waits for READY. Tests are independent and can run
//! in parallel; nothing touches the network beyond 127.0.0.1.

#![allow(dead_code)] // each test binary uses a different part of the support

pub mod fake_discord;

pub use fake_discord::*;

use frontdesk::{Config, Engine};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The token the fake accepts (not a real one, and never printed).
pub const TOKEN: &str = "fake-token-for-tests";

/// The real bot, connected to a fake Discord.
pub struct TestBot {
    pub fake: FakeDiscord,
    pub engine: Arc<Engine>,
    pub config: Config,
    /// Keeps the temp dir (content, index, data) alive.
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestBot {
    /// Starts a bot with the test defaults: guild-scoped commands, [`ANSWERS`]
    /// as an answer channel, [`STAFF_ROLE`] as staff.
    pub async fn start() -> TestBot {
        TestBot::start_with(|_| {}).await
    }

    /// Starts a bot after `tweak` adjusted the test defaults.
    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> TestBot {
        TestBot::start_on(FakeDiscord::start().await, tweak).await
    }

    /// Starts a bot against a fake the test set up itself.
    pub async fn start_on(fake: FakeDiscord, tweak: impl FnOnce(&mut Config)) -> TestBot {
        init_tracing();
        let (dir, config, engine) = prepare(&fake, tweak).await;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(frontdesk::bot::run(
            engine.clone(),
            TOKEN.to_string(),
            async move {
                let _ = stopped.await;
            },
        ));
        let bot = TestBot {
            fake,
            engine,
            config,
            dir,
            stop: Some(stop),
            task: Some(task),
        };
        bot.fake
            .wait_until("the bot to identify", |f| f.identifies() == 1)
            .await;
        bot.fake
            .wait_for("slash command registration", |c| {
                c.method == "PUT" && c.path.ends_with("/commands")
            })
            .await;
        bot
    }

    /// Stops the bot and starts a new one (a new process, as far as the bot
    /// can tell: nothing in memory survives) on the same fake, config and
    /// files.
    pub async fn restart(mut self) -> TestBot {
        let identified = self.fake.identifies();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(WAIT, task).await;
        }
        let c = self.config.clone();
        let engine = tokio::task::spawn_blocking(move || Engine::open(c))
            .await
            .unwrap()
            .expect("the index opens again");
        let engine = Arc::new(engine);
        let (stop, stopped) = oneshot::channel::<()>();
        self.task = Some(tokio::spawn(frontdesk::bot::run(
            engine.clone(),
            TOKEN.to_string(),
            async move {
                let _ = stopped.await;
            },
        )));
        self.stop = Some(stop);
        self.engine = engine;
        self.fake
            .wait_until("the new bot to identify", |f| f.identifies() > identified)
            .await;
        self
    }

    /// Stops the bot and checks it stopped cleanly (within [`WAIT`]).
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = self.task.take().expect("running");
        let result = tokio::time::timeout(WAIT, task)
            .await
            .expect("the bot stops within the wait");
        result
            .expect("the bot task did not panic")
            .expect("the bot ended without error");
    }

    /// The feedback log's lines, parsed.
    pub fn log(&self) -> Vec<serde_json::Value> {
        let path = self.config.paths.data.join("feedback.jsonl");
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("log lines are JSON"))
            .collect()
    }

    /// A content file of this bot's own copy.
    pub fn content_file(&self, rel: &str) -> PathBuf {
        self.config.paths.content.join(rel)
    }
}

impl Drop for TestBot {
    fn drop(&mut self) {
        // A test that panicked before `stop` must not leave the bot running.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A private copy of the repository's `content/`, an index built from it
/// and a data dir, all in a new temp dir, with a config pointing the bot at
/// `fake` (guild-scoped commands, [`ANSWERS`] as an answer channel,
/// [`STAFF_ROLE`] as staff) after `tweak` adjusted it.
pub async fn prepare(
    fake: &FakeDiscord,
    tweak: impl FnOnce(&mut Config),
) -> (tempfile::TempDir, Config, Arc<Engine>) {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &dir.path().join("content"),
    );
    let mut config = Config::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml"),
        true,
    )
    .expect("shipped config.toml loads");
    config.site.now = "2026-12-01T12:00:00Z".into();
    config.paths.content = dir.path().join("content");
    config.paths.index = dir.path().join("index");
    config.paths.data = dir.path().join("data");
    config.paths.learned = dir.path().join("learned.yaml");
    config.discord.api_url = fake.api_url.clone();
    config.discord.guild_ids = vec![GUILD];
    config.discord.answer_channels = vec![ANSWERS];
    config.discord.staff_roles = vec![STAFF_ROLE];
    tweak(&mut config);
    let c = config.clone();
    let (engine, _, _) = tokio::task::spawn_blocking(move || Engine::open_or_build(c))
        .await
        .unwrap()
        .expect("the test content builds");
    (dir, config, Arc::new(engine))
}

/// An option of a slash command, as Discord sends it.
pub fn option(name: &str, value: &str) -> serde_json::Value {
    serde_json::json!({"name": name, "type": 3, "value": value})
}

/// Polls `cond` every 50 ms for at most [`WAIT`].
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + WAIT;
    while !cond() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {WAIT:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Bot logs go to the test's captured output (shown when a test fails);
/// `RUST_LOG` picks the level.
fn init_tracing() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,frontdesk=info"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    });
}
