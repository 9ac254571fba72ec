//! The field vocabulary: which attribute a question asks for.
//!
//! Compiled from `[[fields]]` in config.toml. A question gets a score per
//! canonical field from the phrases it contains; a longer phrase claims its
//! words first, so "how much weight" counts for Results and not also for Cost.
//! Row names on pages map to canonical fields by what their words say: a
//! listed `variant` first, then the field's `labels` lexicon ("Starting
//! Price", "Investment", "Chair Time" need no list of spellings), then the
//! question phrases; FAQ headings map through the same phrases, so "Does
//! Botox hurt?" is a Pain Level entry without anyone saying so.

use super::question::{Phrase, PhraseIndex, Question};
use crate::config::{Config, FieldSpec, ValueShape};
use crate::text;

/// Weight of a strong phrase of `n` words; weak phrases count `WEAK` of it.
fn phrase_weight(n: usize) -> f32 {
    1.0 + 0.5 * (n as f32 - 1.0)
}
const WEAK: f32 = 0.4;
/// What a value's shape is worth beside a label that names the field (1).
const SHAPE: f32 = 0.6;

struct Canon {
    name: String,
    general: bool,
    promotion: bool,
    boost: f32,
    value: Vec<crate::config::ValueShape>,
    variants: Vec<String>,
    partners: Vec<String>,
}

/// Compiled field vocabulary.
pub struct FieldMatcher {
    canons: Vec<Canon>,
    /// (canon index, label phrase), from `labels`, names and variants.
    labels: Vec<(usize, Phrase)>,
    /// (canon index, phrase, weight), longest phrases first.
    phrases: Vec<(usize, Phrase, f32)>,
    /// `labels` and `phrases` by first word.
    label_index: PhraseIndex,
    phrase_index: PhraseIndex,
    /// Every word of every phrase, with its stem, for reading typos
    /// ("sesions", "recovry") as the word meant.
    words: Vec<(String, String)>,
    /// Per canonical field, the content stems of its strong phrases (see
    /// [`Self::phrase_words`]), gathered once: searches widen with them.
    phrase_words: Vec<Vec<String>>,
}

/// Field scores of one question, indexed like the vocabulary.
#[derive(Debug, Clone, Default)]
pub struct FieldScores {
    pub scores: Vec<f32>,
    /// Question positions claimed by field phrases.
    pub used: Vec<bool>,
}

impl FieldScores {
    /// The strongest score of any field (0 when the question names none).
    pub fn max(&self) -> f32 {
        self.scores.iter().cloned().fold(0.0, f32::max)
    }

    /// The most asked field and its score (the last of equals), if the
    /// vocabulary has any field.
    pub fn top(&self) -> Option<(usize, f32)> {
        self.scores
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// How strongly canonical field `canon` is asked (0 for none).
    pub fn of(&self, canon: Option<usize>) -> f32 {
        canon
            .and_then(|c| self.scores.get(c).copied())
            .unwrap_or(0.0)
    }
}

impl FieldMatcher {
    pub fn new(cfg: &Config) -> FieldMatcher {
        let mut canons = Vec::new();
        let mut phrases = Vec::new();
        let mut labels = Vec::new();
        for (i, f) in cfg.fields.iter().enumerate() {
            canons.push(canon(f));
            let label_words = f.labels.iter().chain(&f.variants).chain([&f.name]);
            labels.extend(
                label_words
                    .filter_map(|l| Phrase::compile(l))
                    .map(|p| (i, p)),
            );
            for p in &f.phrases {
                if let Some(ph) = Phrase::compile(p) {
                    // A phrase with a gap ("how long does .. take") is a
                    // pattern, not a longer phrase: it counts as one.
                    let w = if ph.has_gap() {
                        1.25
                    } else {
                        phrase_weight(ph.len())
                    };
                    phrases.push((i, ph, w));
                }
            }
            for p in &f.weak {
                if let Some(ph) = Phrase::compile(p) {
                    let w = WEAK * phrase_weight(ph.len());
                    phrases.push((i, ph, w));
                }
            }
        }
        phrases.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(b.2.total_cmp(&a.2)));
        let mut words: Vec<(String, String)> = cfg
            .fields
            .iter()
            .flat_map(|f| f.phrases.iter().chain(&f.weak))
            .flat_map(|p| text::words(p))
            .filter(|w| w.chars().count() >= 4)
            .map(|w| (text::stem(&w), w))
            .map(|(s, w)| (w, s))
            .collect();
        words.sort();
        words.dedup();
        let phrase_words = (0..canons.len())
            .map(|canon| {
                let mut out: Vec<String> = phrases
                    .iter()
                    .filter(|(c, _, w)| *c == canon && *w >= 1.0)
                    .flat_map(|(_, p, _)| p.parts.iter())
                    .filter_map(|part| match part {
                        super::question::Part::Stem(s) if !text::is_stopword(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect();
                out.sort();
                out.dedup();
                out
            })
            .collect();
        FieldMatcher {
            phrase_words,
            label_index: PhraseIndex::new(labels.iter().map(|(_, p)| p)),
            phrase_index: PhraseIndex::new(phrases.iter().map(|(_, p, _)| p)),
            canons,
            labels,
            phrases,
            words,
        }
    }

    /// Scores `q` for every canonical field, ignoring positions in `skip`
    /// (words that name the service).
    pub fn score(&self, q: &Question, skip: &[bool]) -> FieldScores {
        let n = q.toks.len();
        let mut used = vec![false; n];
        let mut scores = vec![0.0; self.canons.len()];
        for (pi, start) in self.phrase_index.starts(q) {
            let (ci, ph, w) = &self.phrases[pi];
            if let Some(span) = ph.match_from(q, start) {
                // A one-word phrase inside a service name is part of the name
                // ("red" in "red light therapy"); a longer phrase still counts
                // ("how many treatments for acne scars").
                if span.len() == 1 && skip.get(span[0]).copied().unwrap_or(false) {
                    continue;
                }
                // "3 hrs ago" is when, not a question about opening hours;
                // "last week" is not how long results last.
                if span.len() == 1 && (q.is_measure(span[0]) || q.is_when(span[0])) {
                    continue;
                }
                if span.iter().all(|&i| used[i]) {
                    continue;
                }
                for &i in &span {
                    used[i] = true;
                }
                scores[*ci] += w;
            }
        }
        for (score, canon) in scores.iter_mut().zip(&self.canons) {
            if *score >= 1.0 {
                *score += canon.boost;
            }
        }
        FieldScores { scores, used }
    }

    /// The canonical field a row name (or heading, or label) belongs to: a
    /// listed variant, else what its words say through the `labels`
    /// lexicon (the head word counts most: "Session Length" is a length,
    /// "Number of Sessions" a number of sessions), else the question phrases
    /// it contains. `None` when nothing says, or two fields say equally.
    pub fn canon_of_name(&self, row_name: &str) -> Option<usize> {
        let n = text::normalize(row_name);
        if let Some(i) = self.canons.iter().position(|c| c.variants.contains(&n)) {
            return Some(i);
        }
        let q = Question::new(row_name, &Default::default());
        let head = head_word(&q);
        let mut scores = vec![0.0f32; self.canons.len()];
        for (li, start) in self.label_index.starts(&q) {
            let (ci, ph) = &self.labels[li];
            if let Some(span) = ph.match_from(&q, start) {
                let best = span.len() as f32 + if span.contains(&head) { 1.0 } else { 0.0 };
                scores[*ci] = scores[*ci].max(best);
            }
        }
        if let Some(i) = unique_best(&scores) {
            return Some(i);
        }
        let s = self.score(&q, &[]);
        let strong: Vec<f32> = s
            .scores
            .iter()
            .map(|&v| if v >= 1.0 { v } else { 0.0 })
            .collect();
        unique_best(&strong)
    }

    /// The stem of the phrase word `word` is a typo of, if any: one slip
    /// of the hand ([`text::slip`]), for words of `min` letters or more;
    /// short words must keep their first letter. (Two edits, or any one
    /// edit, turn too many real words into field words: "vacation" into
    /// "location", "lost" into "last".)
    pub fn correct(&self, word: &str, min: usize) -> Option<String> {
        let len = word.chars().count();
        if len < min {
            return None;
        }
        self.words
            .iter()
            .filter(|(w, _)| w.chars().count().abs_diff(len) <= 2)
            .filter(|(w, _)| len >= 6 || w.chars().next() == word.chars().next())
            .find(|(w, _)| text::slip(word, w))
            .map(|(_, s)| s.clone())
    }

    /// Canonical fields a FAQ heading asks about (strong phrases only: a
    /// heading is short, and "after" alone says little), with their strength.
    pub fn canons_of_heading(&self, heading: &str) -> Vec<(usize, f32)> {
        let q = Question::new(heading, &Default::default());
        let s = self.score(&q, &[]);
        s.scores
            .iter()
            .enumerate()
            .filter(|(_, &v)| v >= 1.0)
            .map(|(i, &v)| (i, v))
            .collect()
    }

    /// Words of the phrases of canonical field `canon`: for widening a search
    /// ("wine" asks Aftercare, whose FAQ says "drink"), and to tell a word
    /// that asks the field again ("call" for Phone) from another subject.
    pub fn phrase_words(&self, canon: usize) -> &[String] {
        &self.phrase_words[canon]
    }

    /// Whether `canon` is about the clinic rather than one service.
    pub fn is_general(&self, canon: usize) -> bool {
        self.canons[canon].general
    }

    /// The field promotions' deals are in (`promotion = true`), if any.
    pub fn promotion(&self) -> Option<usize> {
        self.canons.iter().position(|c| c.promotion)
    }

    pub fn name(&self, canon: usize) -> &str {
        &self.canons[canon].name
    }

    /// Field scores where a field the question did not ask gets 0.7 of the
    /// score of an asked field it partners ("numb me" asks Anesthesia; a page
    /// without it answers from Pain Level).
    pub fn with_partners(&self, scores: &[f32]) -> Vec<f32> {
        let mut eff = scores.to_vec();
        for (a, canon) in self.canons.iter().enumerate() {
            if scores[a] <= 0.0 {
                continue;
            }
            for p in &canon.partners {
                if let Some(pc) = self.canon_of_name(p) {
                    eff[pc] = eff[pc].max(0.7 * scores[a].min(1.0));
                }
            }
        }
        eff
    }

    /// Whether `row_name` is a partner field of canonical field `canon`.
    pub fn is_partner(&self, canon: usize, row_name: &str) -> bool {
        let n = text::normalize(row_name);
        self.canons[canon].partners.iter().any(|p| {
            let p = text::normalize(p);
            p == n
                || self
                    .canon_of_name(&p)
                    .is_some_and(|pc| self.canons[pc].variants.contains(&n))
        })
    }

    /// Number of canonical fields.
    pub fn count(&self) -> usize {
        self.canons.len()
    }

    /// How strongly a unit whose text holds values of `shapes` answers the
    /// fields asked by those shapes alone ("Nitrous oxide: $45 per visit"
    /// for "how much"): `SHAPE` of the asked field's score (at most 1), 0
    /// when no asked field has a value shape the text holds.
    pub fn shape_credit(&self, scores: &[f32], shapes: &[ValueShape]) -> f32 {
        SHAPE * self.shape_asked(scores, shapes).min(1.0)
    }

    /// The score of the most asked field (at least 1) whose value shape
    /// `shapes` holds, 0 when none.
    pub fn shape_asked(&self, scores: &[f32], shapes: &[ValueShape]) -> f32 {
        self.canons
            .iter()
            .zip(scores)
            .filter(|(c, &s)| s >= 1.0 && c.value.iter().any(|v| shapes.contains(v)))
            .map(|(_, &s)| s)
            .fold(0.0, f32::max)
    }
}

/// The word a label is about: the last content word before "of"/"for"/"to"
/// ("Frequency of Treatments" is a frequency), else the last content word
/// ("Session Length" is a length, not a session).
fn head_word(q: &Question) -> usize {
    // "Sensitivity Afterward", "Swelling Today": a word of when modifies
    // the head, it is not the head.
    let when = |w: &str| {
        matches!(
            w,
            "afterward"
                | "afterwards"
                | "after"
                | "before"
                | "beforehand"
                | "today"
                | "now"
                | "later"
        )
    };
    let content: Vec<usize> = (0..q.toks.len())
        .filter(|&i| !q.toks[i].stop && !when(&q.toks[i].word))
        .collect();
    if let Some(of) = q
        .toks
        .iter()
        .position(|t| matches!(t.word.as_str(), "of" | "for" | "to"))
    {
        if let Some(&before) = content.iter().rev().find(|&&i| i < of) {
            return before;
        }
    }
    content.last().copied().unwrap_or(0)
}

/// The index of the highest positive score, when no other equals it.
fn unique_best(scores: &[f32]) -> Option<usize> {
    let (i, &best) = scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let ties = scores.iter().filter(|&&v| (v - best).abs() < 1e-6).count();
    (best > 0.0 && ties == 1).then_some(i)
}

fn canon(f: &FieldSpec) -> Canon {
    let mut variants: Vec<String> = f.variants.iter().map(|v| text::normalize(v)).collect();
    variants.push(text::normalize(&f.name));
    Canon {
        name: f.name.clone(),
        general: f.general,
        promotion: f.promotion,
        boost: f.boost,
        value: f.value.clone(),
        variants,
        partners: f.partners.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(text: &str) -> String {
        let c = Config::default();
        let m = FieldMatcher::new(&c);
        let q = Question::new(text, &super::super::question::Terms::new(&c.terms));
        let s = m.score(&q, &vec![false; q.toks.len()]);
        let (i, _) = s.top().unwrap();
        m.name(i).to_string()
    }

    #[test]
    fn longer_phrases_win() {
        assert_eq!(best("how much weight will i lose"), "Results");
        assert_eq!(best("how much is it"), "Cost");
        assert_eq!(best("how many sessions will i need"), "Number of Sessions");
        // "how much" a few words before what is measured asks that, not a price.
        assert_eq!(best("how much is the downtime for a peel"), "Downtime");
        assert_eq!(best("how much will my lips swelling be"), "Recovery Time");
        // "how long is it good for" asks how long an offer holds, not what
        // a treatment is good for.
        assert_eq!(best("how long is the coupon good for"), "Offer Ends");
        assert_eq!(best("whats in the intro pack"), "What's Included");
        assert_eq!(best("what tests do you do at the exam"), "What's Checked");
        // A lone "covered" / "valid" is not what a package includes or
        // when an offer ends.
        assert_eq!(best("is botox covered by insurance"), "Insurance");
        assert_ne!(best("how long is my prescription valid"), "Offer Ends");
    }

    #[test]
    fn slang_for_a_price_needs_its_whole_phrase() {
        assert_eq!(best("whats the damage for botox"), "Cost");
        let c = Config::default();
        let m = FieldMatcher::new(&c);
        let q = Question::new("did i damage my teeth", &Default::default());
        let s = m.score(&q, &vec![false; q.toks.len()]);
        let cost = m.canon_of_name("Cost").unwrap();
        assert!(s.scores[cost] < 1.0, "{:?}", s.scores);
    }

    #[test]
    fn field_word_typos_are_read_as_meant() {
        let m = FieldMatcher::new(&Config::default());
        assert_eq!(m.correct("sesions", 4), Some(text::stem("sessions")));
        assert_eq!(m.correct("prce", 4), Some(text::stem("price")));
        assert_eq!(
            m.correct("vacation", 4),
            None,
            "two edits from location is not a typo"
        );
        assert_eq!(m.correct("lost", 4), None, "a word of its own, not 'last'");
    }

    #[test]
    fn rows_and_headings_map_to_canonical_fields() {
        let c = Config::default();
        let m = FieldMatcher::new(&c);
        assert_eq!(m.name(m.canon_of_name("Pricing").unwrap()), "Cost");
        assert_eq!(
            m.name(m.canon_of_name("Healing Time").unwrap()),
            "Recovery Time"
        );
        let h = m.canons_of_heading("Does Botox hurt?");
        assert!(h.iter().any(|(i, _)| m.name(*i) == "Pain Level"));
        let down = m.canon_of_name("Downtime").unwrap();
        assert!(m.is_partner(down, "Healing Time"));
    }

    #[test]
    fn labels_nobody_listed_are_understood_by_their_words() {
        let m = FieldMatcher::new(&Config::default());
        let canon = |l: &str| m.canon_of_name(l).map(|i| m.name(i).to_string());
        for (label, field) in [
            ("Starting Price", "Cost"),
            ("Your Investment", "Cost"),
            ("Session Length", "Treatment Duration"),
            ("Chair Time", "Treatment Duration"),
            ("Frequency of Visits", "Number of Sessions"),
            ("How Long It Lasts", "Results"),
            ("Not Suitable For", "Precautions"),
            ("Post-Treatment Care", "Aftercare"),
            ("Comfort Level", "Pain Level"),
            ("Potential Side Effects", "Side Effects"),
            ("Tenderness Afterward", "Side Effects"),
            ("After Your Appointment", "Aftercare"),
            ("Turnaround Time", "Treatment Duration"),
            ("Good Until", "Offer Ends"),
            // A class's timetable says when, as opening hours do.
            ("Weekly schedule", "Hours"),
            ("Class Times", "Hours"),
            ("What you get", "What's Included"),
            ("Tests We Run", "What's Checked"),
        ] {
            assert_eq!(canon(label).as_deref(), Some(field), "{label}");
        }
        assert_eq!(
            canon("Compounded Semaglutide"),
            None,
            "a label that says no field"
        );
    }
}
