//! The feedback log: unanswered questions and votes, for staff to review.
//!
//! One JSON object per line in `<data>/feedback.jsonl`, appended as things
//! happen, read back by `frontdesk review`. JSON lines because the file is
//! append-only, survives a crash mid-write (a torn last line is skipped), and
//! staff can read or `grep` it without tools.
//!
//! Invariant: a record holds the question text, what the bot did with it,
//! the vote and the time; never a user id, name, channel or guild. Clients
//! ask about their health here, and the log must not tie a question to a
//! person.

use crate::answer::Kind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// File name of the log inside `[paths] data`.
pub const FILE_NAME: &str = "feedback.jsonl";

/// A client's verdict on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vote {
    /// 👍: the answer helped.
    Up,
    /// 👎: it did not; staff should look at the page row or the wording.
    Down,
}

/// One line of the log. The fields are the whole record, by design (see the
/// module doc): nothing in it identifies who asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// RFC 3339, UTC.
    pub time: String,
    /// The question as the client wrote it (mentions of the bot removed).
    pub question: String,
    /// `answer`, `clarify`, `fallback` or `urgent`.
    pub kind: String,
    /// Slug of the page answered from, if any.
    pub page: Option<String>,
    /// Field answered, if any.
    pub field: Option<String>,
    /// Set on vote records; `null` on unanswered ones.
    pub vote: Option<Vote>,
}

impl Record {
    /// A record stamped now.
    pub fn new(
        question: &str,
        kind: Kind,
        page: Option<&str>,
        field: Option<&str>,
        vote: Option<Vote>,
    ) -> Record {
        Record {
            time: serenity::model::Timestamp::now().to_string(),
            question: question.to_string(),
            kind: kind.as_str().to_string(),
            page: page.map(str::to_string),
            field: field.map(str::to_string),
            vote,
        }
    }
}

/// Appends records to the log file; one writer per process.
pub struct FeedbackLog {
    path: PathBuf,
    write: Mutex<()>,
}

impl FeedbackLog {
    /// The log in `data_dir` (created on the first write).
    pub fn new(data_dir: &Path) -> FeedbackLog {
        FeedbackLog {
            path: data_dir.join(FILE_NAME),
            write: Mutex::new(()),
        }
    }

    /// Where the log lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as a single line (one `write` call, so concurrent
    /// appenders never interleave within a line).
    pub fn append(&self, record: &Record) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let _guard = self.write.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(&line)
    }
}

/// The staff report: most frequent unanswered questions, most down-voted
/// answers. Questions are grouped by their normalized text, so "How much is
/// PRP?" and "how much is prp" count together.
pub fn review(
    path: &Path,
    limit: usize,
    candidates: &dyn Fn(&str) -> Vec<crate::answer::Candidate>,
) -> std::io::Result<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(format!(
                "No questions logged yet ({} does not exist; the bot writes it while it runs).\n",
                path.display()
            ))
        }
        Err(e) => return Err(e),
    };
    let mut unanswered: HashMap<String, Tally> = HashMap::new();
    let mut voted: HashMap<VoteKey, Tally> = HashMap::new();
    let (mut records, mut bad) = (0usize, 0usize);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(r) = serde_json::from_str::<Record>(line) else {
            bad += 1;
            continue;
        };
        records += 1;
        let key = crate::text::normalize(&r.question);
        match r.vote {
            None => unanswered.entry(key).or_default().add(&r),
            Some(_) => voted
                .entry((key, r.page.clone(), r.field.clone()))
                .or_default()
                .add(&r),
        }
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "Frontdesk review of {} ({records} records)",
        path.display()
    );
    if bad > 0 {
        let _ = writeln!(out, "({bad} unreadable lines skipped)");
    }

    let mut top: Vec<&Tally> = unanswered.values().collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then(b.last_time.cmp(&a.last_time)));
    let _ = writeln!(
        out,
        "\nMost frequent unanswered questions (candidates for new content or vocabulary):"
    );
    if top.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for t in top.iter().take(limit) {
        let mut kinds: Vec<_> = t.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        kinds.sort();
        let _ = writeln!(
            out,
            "  {:>4}x  {}  [{}]",
            t.count,
            t.example,
            kinds.join(", ")
        );
        write_candidates(&mut out, &t.example, candidates);
    }

    let mut down: Vec<(&VoteKey, &Tally)> = voted.iter().filter(|(_, t)| t.down > 0).collect();
    down.sort_by(|a, b| {
        b.1.down
            .cmp(&a.1.down)
            .then(a.1.up.cmp(&b.1.up))
            .then(b.1.last_time.cmp(&a.1.last_time))
    });
    let _ = writeln!(
        out,
        "\nMost down-voted answers (check the page row or the question's wording):"
    );
    if down.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for ((_, page, field), t) in down.iter().take(limit) {
        let _ = writeln!(
            out,
            "  {:>4} down / {} up  {}  -> {} / {}",
            t.down,
            t.up,
            t.example,
            page.as_deref().unwrap_or("?"),
            field.as_deref().unwrap_or("?")
        );
        write_candidates(&mut out, &t.example, candidates);
    }
    let _ = writeln!(
        out,
        "\nTo teach one: frontdesk learn \"QUESTION\" --page PAGE --field FIELD (a candidate above, or any unit)"
    );
    Ok(out)
}

/// The units that came closest, as `frontdesk learn` takes them.
fn write_candidates(
    out: &mut String,
    question: &str,
    candidates: &dyn Fn(&str) -> Vec<crate::answer::Candidate>,
) {
    for c in candidates(question) {
        let _ = writeln!(
            out,
            "          candidate: --page {} --field {:?}",
            c.page, c.field
        );
    }
}

/// Votes group by (normalized question, page, field).
type VoteKey = (String, Option<String>, Option<String>);

/// Counts for one group of equal questions.
#[derive(Default)]
struct Tally {
    count: usize,
    up: usize,
    down: usize,
    kinds: HashMap<String, usize>,
    /// The most recent wording, shown to staff.
    example: String,
    last_time: String,
}

impl Tally {
    fn add(&mut self, r: &Record) {
        self.count += 1;
        match r.vote {
            Some(Vote::Up) => self.up += 1,
            Some(Vote::Down) => self.down += 1,
            None => *self.kinds.entry(r.kind.clone()).or_default() += 1,
        }
        if r.time >= self.last_time {
            self.last_time = r.time.clone();
            self.example = r.question.trim().to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_carry_no_one_and_review_groups_and_ranks() {
        let dir = tempfile::tempdir().unwrap();
        let log = FeedbackLog::new(&dir.path().join("data"));
        for q in [
            "do you do liposuction",
            "Do you do liposuction?",
            "how much is prp",
        ] {
            let kind = if q.contains("prp") {
                Kind::Clarify
            } else {
                Kind::Fallback
            };
            log.append(&Record::new(q, kind, None, None, None)).unwrap();
        }
        log.append(&Record::new(
            "how much is botox",
            Kind::Answer,
            Some("botox"),
            Some("Cost"),
            Some(Vote::Down),
        ))
        .unwrap();
        log.append(&Record::new(
            "how much is botox",
            Kind::Answer,
            Some("botox"),
            Some("Cost"),
            Some(Vote::Up),
        ))
        .unwrap();
        log.append(&Record::new(
            "does botox hurt",
            Kind::Answer,
            Some("botox"),
            Some("Pain"),
            Some(Vote::Up),
        ))
        .unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap()
            .write_all(b"{torn")
            .unwrap();

        let line = std::fs::read_to_string(log.path())
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string();
        let keys: Vec<String> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line)
                .unwrap()
                .keys()
                .cloned()
                .collect();
        assert_eq!(
            keys.len(),
            6,
            "time, question, kind, page, field, vote and nothing else: {keys:?}"
        );

        let text = review(log.path(), 10, &|_| Vec::new()).unwrap();
        assert!(
            text.contains("2x  Do you do liposuction?  [fallback 2]"),
            "{text}"
        );
        assert!(text.contains("1x  how much is prp  [clarify 1]"), "{text}");
        assert!(
            text.contains("1 down / 1 up  how much is botox  -> botox / Cost"),
            "{text}"
        );
        assert!(
            !text.contains("does botox hurt"),
            "only down-voted answers are listed: {text}"
        );
        assert!(text.contains("1 unreadable lines skipped"), "{text}");
        let lipo = text.find("liposuction").unwrap();
        assert!(
            lipo < text.find("prp").unwrap(),
            "most frequent first: {text}"
        );
    }

    #[test]
    fn review_without_a_log_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let text = review(&dir.path().join(FILE_NAME), 5, &|_| Vec::new()).unwrap();
        assert!(text.contains("No questions logged yet"), "{text}");
    }
}
