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
    /// How right the answers were at each level of confidence: whether the
    /// engine's confidence means something, and where a clinic that wants
    /// fewer wrong answers could set `[answer] answer_threshold`.
    pub calibration: Vec<Band>,
    pub failures: Vec<Failure>,
}

/// The answers given with a confidence in `[from, to)` (the last band
/// includes 1.0), and how many of them were right.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub from: f32,
    pub to: f32,
    pub given: usize,
    pub right: usize,
}

/// Lower edges of the calibration bands; answers below the first are
/// counted in it (a clinic may set a threshold under 0.5).
const BANDS: [f32; 5] = [0.5, 0.6, 0.7, 0.8, 0.9];

/// Bands of `answers` (confidence, right) by [`BANDS`].
pub fn calibrate(answers: &[(f32, bool)]) -> Vec<Band> {
    let mut bands: Vec<Band> = BANDS
        .iter()
        .enumerate()
        .map(|(i, &from)| Band {
            from,
            to: BANDS.get(i + 1).copied().unwrap_or(1.0),
            given: 0,
            right: 0,
        })
        .collect();
    for &(c, ok) in answers {
        let i = BANDS.iter().rposition(|&from| c >= from).unwrap_or(0);
        bands[i].given += 1;
        bands[i].right += ok as usize;
    }
    bands
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
    let mut answers = Vec::new();
    for item in items {
        let r = engine.answer(&item.q);
        let ok = item.is_right(&r);
        if r.kind == Kind::Answer {
            answers.push((r.confidence, ok));
        }
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
        calibration: calibrate(&answers),
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
        for b in self.calibration.iter().filter(|b| b.given > 0) {
            writeln!(
                f,
                "  confidence {:.1}-{:.1}: {:3} answers, {:.1}% right",
                b.from,
                b.to,
                b.given,
                100.0 * b.right as f64 / b.given as f64
            )?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_fall_in_the_band_of_their_confidence() {
        let bands = calibrate(&[
            (0.95, true),
            (1.0, false),
            (0.5, true),
            (0.59, false),
            (0.3, true),
        ]);
        let got: Vec<(f32, usize, usize)> =
            bands.iter().map(|b| (b.from, b.given, b.right)).collect();
        // 0.3 is below every band and counts in the first; 1.0 in the last.
        assert_eq!(
            got,
            vec![
                (0.5, 3, 2),
                (0.6, 0, 0),
                (0.7, 0, 0),
                (0.8, 0, 0),
                (0.9, 2, 1)
            ]
        );
        assert_eq!(bands.last().map(|b| b.to), Some(1.0));
    }
}
