//! A learned second opinion on urgency, beside the `[urgent]` rules.
//!
//! Phrase rules catch the ways of describing a symptom someone wrote down;
//! on message sets written apart from them they miss about one urgent
//! message in five. A logistic model over a message's stems and stem pairs
//! ("no fever", "cant breath") carries what the rules' authors saw to
//! wordings they did not. It only adds urgent replies: a rule that fires is
//! never overruled.
//!
//! The weights are data the project ships (`urgent_model.tsv`), made by
//! `cargo run --release --example train_urgent` from the message sets in
//! `tests/fixtures/` and the development sites' questions.

use crate::text;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The shipped weights: `bias` on the first line, then `feature<TAB>weight`.
const SHIPPED: &str = include_str!("urgent_model.tsv");

/// Weights of a logistic model over a message's features.
#[derive(Debug, Clone, Default)]
pub struct UrgentModel {
    bias: f32,
    weights: HashMap<String, f32>,
}

/// The features of a message from its stems, in order: each stem and each
/// pair of neighbouring stems, once each. Negations and small words are
/// kept, for "no" and "not" are what set a look-alike apart.
pub fn features<'s>(stems: impl IntoIterator<Item = &'s str>) -> Vec<String> {
    let stems: Vec<&str> = stems.into_iter().collect();
    let mut seen = HashSet::new();
    let pairs = stems.windows(2).map(|w| format!("{} {}", w[0], w[1]));
    stems
        .iter()
        .map(|s| s.to_string())
        .chain(pairs)
        .filter(|f| seen.insert(f.clone()))
        .collect()
}

/// The features of raw text, tokenized and stemmed as questions are.
pub fn text_features(raw: &str) -> Vec<String> {
    let stems: Vec<String> = text::words(raw).iter().map(|w| text::stem(w)).collect();
    features(stems.iter().map(String::as_str))
}

/// Question files the model may learn from: the reference site's dev
/// questions and the development sites. The held-out sites (chiro,
/// podiatry, allergy, sleep) and the reference site's held-out files are
/// left out, so they can measure it.
pub const QUESTION_FILES: &[&str] = &[
    "tests/questions.yaml",
    "tests/sites/alpenglow/questions.yaml",
    "tests/sites/physio/questions.yaml",
    "tests/sites/dermspa/questions.yaml",
    "tests/sites/dental/questions.yaml",
    "tests/sites/eyecare/questions.yaml",
    "tests/sites/hearing/questions.yaml",
];

/// Message sets written apart from the engine: urgent ones and look-alikes.
pub const MESSAGE_FILES: &[&str] = &[
    "tests/fixtures/urgent-messages.yaml",
    "tests/fixtures/urgent-messages-more.yaml",
    "tests/fixtures/urgent-messages-d.yaml",
];

#[derive(serde::Deserialize)]
struct Item {
    q: String,
    #[serde(default)]
    urgent: Option<bool>,
    #[serde(default)]
    expect: Option<String>,
}

/// One training example: features, urgent, and whether it is an ordinary
/// question (from a site's question file) rather than a written look-alike.
pub type Example = (Vec<String>, bool, bool);

/// The training data under the project root `root`; an error names the
/// file that could not be read.
pub fn training_set(root: &Path) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    for (files, ordinary) in [(MESSAGE_FILES, false), (QUESTION_FILES, true)] {
        for f in files {
            let path = root.join(f);
            let read = std::fs::read_to_string(&path).map_err(|e| e.to_string());
            let items: Vec<Item> = read
                .and_then(|t| serde_yaml::from_str(&t).map_err(|e| e.to_string()))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            for it in items {
                let urgent = it
                    .urgent
                    .unwrap_or_else(|| it.expect.as_deref() == Some("urgent"));
                out.push((text_features(&it.q), urgent, ordinary));
            }
        }
    }
    Ok(out)
}

/// Training settings: passes over the data, step size, L2 penalty.
#[derive(Debug, Clone, Copy)]
pub struct Training {
    pub epochs: usize,
    pub rate: f64,
    pub l2: f64,
    /// Weights smaller than this are dropped from the model.
    pub prune: f64,
}

impl Default for Training {
    fn default() -> Training {
        Training {
            epochs: 30,
            rate: 0.2,
            l2: 1e-3,
            prune: 0.005,
        }
    }
}

impl UrgentModel {
    /// The model the project ships.
    pub fn shipped() -> UrgentModel {
        UrgentModel::parse(SHIPPED)
    }

    /// Reads the `bias` line and `feature<TAB>weight` lines; a line that
    /// does not read as one is skipped (the shipped file is generated).
    pub fn parse(tsv: &str) -> UrgentModel {
        let mut lines = tsv.lines();
        let bias = lines
            .next()
            .and_then(|l| l.strip_prefix("bias\t"))
            .and_then(|b| b.parse().ok())
            .unwrap_or(0.0);
        let weights = lines
            .filter_map(|l| {
                let (f, w) = l.rsplit_once('\t')?;
                Some((f.to_string(), w.parse().ok()?))
            })
            .collect();
        UrgentModel { bias, weights }
    }

    /// The model as the shipped file holds it, features sorted.
    pub fn to_tsv(&self) -> String {
        let mut rows: Vec<(&String, &f32)> = self.weights.iter().collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = format!("bias\t{:.4}\n", self.bias);
        for (f, w) in rows {
            out.push_str(&format!("{f}\t{w:.4}\n"));
        }
        out
    }

    /// Number of features with a weight.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Whether the model has no weights (then it never fires).
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// How likely the message with these features needs care now, 0..1.
    pub fn probability(&self, features: &[String]) -> f32 {
        let z: f32 = self.bias
            + features
                .iter()
                .filter_map(|f| self.weights.get(f))
                .sum::<f32>();
        1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp())
    }

    /// Fits a model to `(features, urgent)` examples by stochastic gradient
    /// descent, in an order fixed by a seeded shuffle: the same data give
    /// the same weights.
    pub fn train(examples: &[(Vec<String>, bool)], t: Training) -> UrgentModel {
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut w: HashMap<&str, f64> = HashMap::new();
        let mut bias = 0.0f64;
        for _ in 0..t.epochs {
            // Fisher-Yates with a linear congruential generator.
            for i in (1..order.len()).rev() {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                order.swap(i, (seed >> 33) as usize % (i + 1));
            }
            for &i in &order {
                let (fs, urgent) = &examples[i];
                let z: f64 = bias
                    + fs.iter()
                        .map(|f| w.get(f.as_str()).unwrap_or(&0.0))
                        .sum::<f64>();
                let p = 1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp());
                let g = p - if *urgent { 1.0 } else { 0.0 };
                bias -= t.rate * g;
                for f in fs {
                    let wf = w.entry(f.as_str()).or_insert(0.0);
                    *wf -= t.rate * (g + t.l2 * *wf);
                }
            }
        }
        UrgentModel {
            bias: bias as f32,
            weights: w
                .into_iter()
                .filter(|(_, v)| v.abs() >= t.prune)
                .map(|(f, v)| (f.to_string(), v as f32))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_stems_and_neighbouring_pairs_once() {
        let f = text_features("no fever, no fever");
        assert_eq!(f, vec!["no", "fever", "no fever", "fever no"]);
    }

    #[test]
    fn a_model_learns_words_apart_from_their_negation() {
        let ex = |s: &str, u: bool| (text_features(s), u);
        let data = vec![
            ex("my throat is swelling", true),
            ex("throat swelling and cant breathe", true),
            ex("no throat swelling at all", false),
            ex("how much is a facial", false),
            ex("no swelling, just a question about prices", false),
            ex("lips swelling fast after the shot", true),
        ];
        let m = UrgentModel::train(&data, Training::default());
        let p = |s: &str| m.probability(&text_features(s));
        assert!(p("my throat is swelling up") > 0.5);
        assert!(p("how much is a facial") < 0.5);
        assert!(p("my throat is swelling up") > p("no throat swelling"));
    }

    /// The shipped file is what the training script makes from the data in
    /// the repository (within rounding): nobody edited it by hand, and
    /// changing the data without retraining shows here.
    #[test]
    fn the_shipped_model_is_what_the_training_data_make() {
        let data = training_set(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let pairs: Vec<(Vec<String>, bool)> =
            data.iter().map(|(f, u, _)| (f.clone(), *u)).collect();
        let trained = UrgentModel::train(&pairs, Training::default());
        let shipped = UrgentModel::shipped();
        let worst = data
            .iter()
            .map(|(f, _, _)| (trained.probability(f) - shipped.probability(f)).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst < 0.01,
            "retrain: cargo run --release --example train_urgent (off by {worst})"
        );
    }

    #[test]
    fn the_shipped_model_reads_back_as_written() {
        let m = UrgentModel::shipped();
        assert!(m.len() > 1000, "the shipped model has {} weights", m.len());
        let again = UrgentModel::parse(&m.to_tsv());
        let f = text_features("my chest feels tight and my left arm aches");
        assert_eq!(m.probability(&f), again.probability(&f));
    }
}
