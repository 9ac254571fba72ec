//! The bot's short-term memory: follow-ups, the per-user rate limit, and the
//! questions behind buttons.
//!
//! Invariant: nothing here is written anywhere. User and channel ids exist
//! only in this process's memory, only as long as they are useful (a
//! follow-up window, a rate-limit minute, the last few thousand buttons), and
//! every map is bounded so a busy server cannot grow it without limit.

use crate::answer::{Choice, Kind, Reply};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Maps above this many entries drop what has expired before growing further.
const PRUNE_ABOVE: usize = 10_000;

/// Locks a mutex, recovering from poisoning: the data behind these locks is a
/// cache that stays usable even if a task panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the rate limiter says about one more question from a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead; the question was counted.
    Allowed,
    /// Over the limit. `note` is true for the first refusal in a while, so
    /// the user hears why once instead of on every message.
    Limited { retry_in: Duration, note: bool },
}

/// Sliding-window limit of questions per user per minute.
///
/// A window per user (not a global one) so one eager client cannot silence
/// the bot for everybody else.
pub struct RateLimiter {
    per_window: u32,
    window: Duration,
    users: Mutex<HashMap<u64, Bucket>>,
}

#[derive(Default)]
struct Bucket {
    hits: VecDeque<Instant>,
    noted: Option<Instant>,
}

impl RateLimiter {
    /// `per_minute == 0` turns the limit off.
    pub fn per_minute(per_minute: u32) -> RateLimiter {
        RateLimiter::new(per_minute, Duration::from_secs(60))
    }

    /// A limiter allowing `per_window` questions in any `window`.
    pub fn new(per_window: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            per_window,
            window,
            users: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a question from `user` if the window has room.
    pub fn check(&self, user: u64) -> Verdict {
        self.check_at(user, Instant::now())
    }

    fn check_at(&self, user: u64, now: Instant) -> Verdict {
        if self.per_window == 0 {
            return Verdict::Allowed;
        }
        let mut users = lock(&self.users);
        if users.len() > PRUNE_ABOVE {
            let window = self.window;
            users.retain(|_, b| {
                b.hits
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        let bucket = users.entry(user).or_default();
        while bucket
            .hits
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            bucket.hits.pop_front();
        }
        if bucket.hits.len() < self.per_window as usize {
            bucket.hits.push_back(now);
            return Verdict::Allowed;
        }
        let oldest = *bucket.hits.front().expect("full bucket is not empty");
        let retry_in = self.window.saturating_sub(now.duration_since(oldest));
        // One note per window: repeating it on every refused message would be
        // the bot spamming the channel it is asking to slow down.
        let note = bucket
            .noted
            .is_none_or(|t| now.duration_since(t) >= self.window);
        if note {
            bucket.noted = Some(now);
        }
        Verdict::Limited { retry_in, note }
    }
}

/// The service each user last got an answer about, per channel, for a while:
/// what turns "how much is it?" into a question about Botox.
pub struct Followups {
    ttl: Duration,
    last: Mutex<HashMap<(u64, u64), (String, Instant)>>,
}

impl Followups {
    /// Remembers services for `ttl` after each answer.
    pub fn new(ttl: Duration) -> Followups {
        Followups {
            ttl,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// The slug `user` last got an answer about in `channel`, if recent.
    pub fn get(&self, channel: u64, user: u64) -> Option<String> {
        let last = lock(&self.last);
        let (slug, at) = last.get(&(channel, user))?;
        (at.elapsed() < self.ttl).then(|| slug.clone())
    }

    /// Records that `user` just got an answer about `slug` in `channel`.
    pub fn remember(&self, channel: u64, user: u64, slug: &str) {
        if self.ttl.is_zero() {
            return;
        }
        let mut last = lock(&self.last);
        if last.len() > PRUNE_ABOVE {
            let ttl = self.ttl;
            last.retain(|_, (_, at)| at.elapsed() < ttl);
        }
        last.insert((channel, user), (slug.to_string(), Instant::now()));
    }
}

/// A question the bot showed buttons for: the clarify choices or the votes
/// under an answer. Clicks carry only a short key; this is what it stands for.
#[derive(Debug)]
pub struct Asked {
    /// The question as asked (a clarify choice answers it again).
    pub question: String,
    /// What the engine did with it.
    pub kind: Kind,
    /// Page and field of an answer (what a vote is about).
    pub page: Option<String>,
    /// See `page`.
    pub field: Option<String>,
    /// Candidate services of a clarify reply, in button order.
    pub options: Vec<Choice>,
    /// Where the client asked, for a handoff when the answer is voted down.
    pub origin: Option<super::handoff::Origin>,
    /// Who already voted on this answer (in memory only: one vote each).
    voters: Mutex<HashSet<u64>>,
    /// Whether a down-vote already handed it off (one handoff per answer).
    handed_off: std::sync::atomic::AtomicBool,
}

impl Asked {
    /// What the buttons under `reply` refer to, asked at `origin`.
    pub fn from_reply(reply: &Reply, origin: Option<super::handoff::Origin>) -> Asked {
        Asked {
            question: reply.question.clone(),
            kind: reply.kind,
            page: reply.page.clone(),
            field: reply.field.clone(),
            options: reply.options.clone(),
            origin,
            voters: Mutex::new(HashSet::new()),
            handed_off: Default::default(),
        }
    }

    /// True the first time only: the answer is handed off once.
    pub fn first_handoff(&self) -> bool {
        !self
            .handed_off
            .swap(true, std::sync::atomic::Ordering::SeqCst)
    }

    /// Records `user`'s vote; false if they had already voted on this answer.
    pub fn first_vote(&self, user: u64) -> bool {
        lock(&self.voters).insert(user)
    }
}

/// A bounded store of [`Asked`] entries keyed by `"<epoch>.<n>"`.
///
/// The epoch (the process start time) makes keys from a previous run of the
/// bot unknown instead of pointing at some other question after a restart;
/// the oldest entries go first when the store is full.
pub struct AskedStore {
    epoch: String,
    capacity: usize,
    inner: Mutex<StoreInner>,
}

struct StoreInner {
    next: u64,
    map: HashMap<u64, Arc<Asked>>,
    order: VecDeque<u64>,
}

impl AskedStore {
    /// A store keeping the last `capacity` entries.
    pub fn new(capacity: usize) -> AskedStore {
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        AskedStore {
            epoch: format!("{epoch:x}"),
            capacity: capacity.max(1),
            inner: Mutex::new(StoreInner {
                next: 1,
                map: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// Stores `asked` and returns its key (short enough for a custom id).
    pub fn insert(&self, asked: Asked) -> String {
        let mut inner = lock(&self.inner);
        let id = inner.next;
        inner.next += 1;
        inner.map.insert(id, Arc::new(asked));
        inner.order.push_back(id);
        while inner.order.len() > self.capacity {
            if let Some(old) = inner.order.pop_front() {
                inner.map.remove(&old);
            }
        }
        format!("{}.{id}", self.epoch)
    }

    /// The entry behind `key`, unless it is from another run or was evicted.
    pub fn get(&self, key: &str) -> Option<Arc<Asked>> {
        let (epoch, id) = key.split_once('.')?;
        if epoch != self.epoch {
            return None;
        }
        lock(&self.inner).map.get(&id.parse().ok()?).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_allows_n_per_window_then_notes_once() {
        let rl = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert_eq!(rl.check_at(1, t0), Verdict::Allowed);
        assert_eq!(
            rl.check_at(1, t0 + Duration::from_secs(1)),
            Verdict::Allowed
        );
        assert!(matches!(
            rl.check_at(1, t0 + Duration::from_secs(2)),
            Verdict::Limited { note: true, .. }
        ));
        assert!(matches!(
            rl.check_at(1, t0 + Duration::from_secs(3)),
            Verdict::Limited { note: false, .. }
        ));
        assert_eq!(
            rl.check_at(2, t0 + Duration::from_secs(3)),
            Verdict::Allowed,
            "other users are not affected"
        );
        assert_eq!(
            rl.check_at(1, t0 + Duration::from_secs(61)),
            Verdict::Allowed,
            "the window slides"
        );
    }

    #[test]
    fn rate_limit_zero_is_off() {
        let rl = RateLimiter::per_minute(0);
        assert!((0..100).all(|_| rl.check(1) == Verdict::Allowed));
    }

    #[test]
    fn followups_are_per_channel_and_user() {
        let f = Followups::new(Duration::from_secs(60));
        f.remember(1, 2, "botox");
        assert_eq!(f.get(1, 2).as_deref(), Some("botox"));
        assert_eq!(f.get(1, 3), None);
        assert_eq!(f.get(9, 2), None);
        let off = Followups::new(Duration::ZERO);
        off.remember(1, 2, "botox");
        assert_eq!(off.get(1, 2), None);
    }

    #[test]
    fn asked_store_is_bounded_and_rejects_foreign_keys() {
        let s = AskedStore::new(2);
        let reply = |q: &str| Asked {
            question: q.into(),
            kind: Kind::Answer,
            page: None,
            field: None,
            options: vec![],
            origin: None,
            voters: Mutex::new(HashSet::new()),
            handed_off: Default::default(),
        };
        let a = s.insert(reply("a"));
        let b = s.insert(reply("b"));
        let c = s.insert(reply("c"));
        assert!(s.get(&a).is_none(), "evicted");
        assert_eq!(s.get(&b).unwrap().question, "b");
        assert_eq!(s.get(&c).unwrap().question, "c");
        assert!(s.get("0.3").is_none(), "another run's key");
        assert!(s.get("garbage").is_none());
        let entry = s.get(&c).unwrap();
        assert!(entry.first_vote(7));
        assert!(!entry.first_vote(7));
    }
}
