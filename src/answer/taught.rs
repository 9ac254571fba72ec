//! Questions staff taught: a question that restates one (the same content
//! words, give or take a few) answers from the unit staff chose.
//!
//! Checked right after the urgent rules, so a taught question never
//! outranks them; built once per generation from the catalog, which holds
//! only entries whose unit is still published.

use super::question::{Question, Terms};
use crate::learned::Taught;
use std::collections::BTreeSet;

/// Share of content words two questions must have in common (of all the
/// content words either has) to be the same question.
const SAME_QUESTION: f32 = 0.7;

/// The taught questions of one generation.
pub struct TaughtMatcher {
    entries: Vec<(BTreeSet<String>, String, String)>,
}

/// Content stems of a question (stopwords and numbers left out), with the
/// clinic's terms folded in so "tox" and "botox" meet.
fn content(q: &Question) -> BTreeSet<String> {
    q.toks
        .iter()
        .filter(|t| !t.stop)
        .map(|t| t.alts.first().cloned().unwrap_or_else(|| t.stem.clone()))
        .collect()
}

impl TaughtMatcher {
    pub fn new(taught: &[Taught], terms: &Terms) -> TaughtMatcher {
        TaughtMatcher {
            entries: taught
                .iter()
                .map(|t| {
                    let q = Question::new(&t.question, terms);
                    (content(&q), t.page.clone(), t.field.clone())
                })
                .filter(|(c, _, _)| !c.is_empty())
                .collect(),
        }
    }

    /// The (page, field) of the taught question `q` restates best, if any.
    pub fn find(&self, q: &Question) -> Option<(&str, &str)> {
        if self.entries.is_empty() {
            return None;
        }
        let mine = content(q);
        if mine.is_empty() {
            return None;
        }
        self.entries
            .iter()
            .map(|(c, page, field)| {
                let common = c.intersection(&mine).count() as f32;
                let all = c.union(&mine).count() as f32;
                (common / all, page, field)
            })
            .filter(|(s, _, _)| *s >= SAME_QUESTION)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, p, f)| (p.as_str(), f.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restated_question_finds_its_unit() {
        let taught = [Taught {
            question: "Do u do Russian lips?".into(),
            page: "lip-filler".into(),
            field: "Technique".into(),
            date: String::new(),
        }];
        let m = TaughtMatcher::new(&taught, &Terms::default());
        let find = |s: &str| m.find(&Question::new(s, &Terms::default()));
        assert_eq!(
            find("do you do russian lips"),
            Some(("lip-filler", "Technique"))
        );
        assert_eq!(
            find("russian lip technique?"),
            None,
            "a new word is another question"
        );
        assert_eq!(find("how much are lips"), None);
    }
}
