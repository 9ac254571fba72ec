//! Evaluation against a question file in the shared format, scored exactly as
//! the outside checks score it (`score.py`): an answer is right when page and
//! field (or one of `also`) match; clarify when at least two offered pages are
//! among the listed options; fallback and urgent when the kind matches.

use crate::answer::{Engine, Kind, Reply};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// One question of a question file.
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub q: String,
    pub page: Option<String>,
    pub field: Option<String>,
    #[serde(default)]
    pub also: Vec<String>,
    pub expect: Option<String>,
    #[serde(default)]
    pub options: Vec<String>,
}

impl Item {
    /// The kind the gold expects.
    pub fn gold_kind(&self) -> &str {
        if self.page.is_some() {
            "answer"
        } else {
            self.expect.as_deref().unwrap_or("fallback")
        }
    }

    /// Whether `r` is right for this item.
    pub fn is_right(&self, r: &Reply) -> bool {
        match self.gold_kind() {
            "answer" => {
                let norm = |s: &str| {
                    s.replace('*', "")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase()
                };
                // As score.py: a missing field is "", which a paragraph's gold is.
                let field = norm(r.field.as_deref().unwrap_or(""));
                r.kind == Kind::Answer
                    && r.page == self.page
                    && (norm(self.field.as_deref().unwrap_or("")) == field
                        || self.also.iter().any(|a| norm(a) == field))
            }
            "clarify" => {
                r.kind == Kind::Clarify
                    && r.options
                        .iter()
                        .filter(|o| self.options.contains(&o.page))
                        .count()
                        >= 2
            }
            k => r.kind.as_str() == k,
        }
    }
}

/// Reads a question file.
pub fn load(path: &Path) -> crate::Result<Vec<Item>> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::Error::Io {
        path: path.to_path_buf(),
        action: "read the question file",
        source: e,
    })?;
    serde_yaml::from_str(&text).map_err(|e| crate::Error::Config {
        path: path.to_path_buf(),
        message: format!("line {}: {e}", e.location().map(|l| l.line()).unwrap_or(0)),
    })
}

/// A failed question.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub question: String,
    pub want: String,
    pub got: String,
}

/// Accuracy by kind and answer precision.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub n: usize,
    pub right: usize,
    pub accuracy: f64,
    /// Right answers / answers given.
    pub answer_precision: f64,
    pub answers_given: usize,
    /// kind -> (right, total)
    pub by_kind: BTreeMap<String, (usize, usize)>,
    pub failures: Vec<Failure>,
}

impl Report {
    /// Recall on one kind (1.0 when the file has none of it).
    pub fn recall(&self, kind: &str) -> f64 {
        self.by_kind
            .get(kind)
            .map(|(r, t)| *r as f64 / (*t).max(1) as f64)
            .unwrap_or(1.0)
    }
}

/// Answers every item and scores it.
pub fn run(engine: &Engine, items: &[Item]) -> Report {
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut right, mut given, mut given_right) = (0, 0, 0);
    let mut failures = Vec::new();
    for item in items {
        let r = engine.answer(&item.q);
        let ok = item.is_right(&r);
        let e = by_kind.entry(item.gold_kind().to_string()).or_default();
        e.1 += 1;
        if ok {
            e.0 += 1;
            right += 1;
        }
        if r.kind == Kind::Answer {
            given += 1;
            given_right += ok as usize;
        }
        if !ok {
            let want = match item.gold_kind() {
                "answer" => format!(
                    "{}/{}",
                    item.page.as_deref().unwrap_or(""),
                    item.field.as_deref().unwrap_or("")
                ),
                "clarify" => format!("clarify {:?}", item.options),
                k => k.to_string(),
            };
            let got = match r.kind {
                Kind::Clarify => format!(
                    "clarify {:?}",
                    r.options
                        .iter()
                        .map(|o| o.page.as_str())
                        .collect::<Vec<_>>()
                ),
                k => format!(
                    "{} {}/{}",
                    k.as_str(),
                    r.page.as_deref().unwrap_or("-"),
                    r.field.as_deref().unwrap_or("-")
                ),
            };
            failures.push(Failure {
                question: item.q.clone(),
                want,
                got,
            });
        }
    }
    let n = items.len();
    Report {
        n,
        right,
        accuracy: right as f64 / n.max(1) as f64,
        answer_precision: if given == 0 {
            0.0
        } else {
            given_right as f64 / given as f64
        },
        answers_given: given,
        by_kind,
        failures,
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (k, (r, t)) in &self.by_kind {
            writeln!(
                f,
                "{k:9} {r:4}/{t:<4} {:.1}%",
                100.0 * *r as f64 / (*t).max(1) as f64
            )?;
        }
        writeln!(
            f,
            "answers given: {}, precision {:.1}%",
            self.answers_given,
            100.0 * self.answer_precision
        )?;
        for x in &self.failures {
            writeln!(
                f,
                "  FAIL want {:45} got {:45} q={:?}",
                x.want, x.got, x.question
            )?;
        }
        write!(
            f,
            "accuracy={:.3} answer_precision={:.3} urgent_recall={:.3} n={}",
            self.accuracy,
            self.answer_precision,
            self.recall("urgent"),
            self.n
        )
    }
}
