//! A question, read once: its words, their stems, and the extra meanings the
//! clinic's `[terms]` give them. Every matcher works on this, so no matcher
//! re-tokenizes the text.

use crate::text;
use std::collections::{BTreeMap, HashMap};

/// The clinic's `[terms]`, keyed by stem so "reversed", "reverse" and
/// "reversing" all find the entry for "reverse".
#[derive(Debug, Clone, Default)]
pub struct Terms {
    map: HashMap<String, Vec<String>>,
}

impl Terms {
    pub fn new(raw: &BTreeMap<String, Vec<String>>) -> Terms {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in raw {
            let key = text::stem(&text::normalize(k));
            let alts = map.entry(key).or_default();
            for t in v.iter().flat_map(|t| text::words(t)) {
                let s = text::stem(&t);
                if !alts.contains(&s) {
                    alts.push(s);
                }
            }
        }
        Terms { map }
    }
}

/// Questions are cut to this many words: enough for any real question, and a
/// bound on the work a pasted novel can cause.
pub const MAX_WORDS: usize = 120;

/// One word of the question.
#[derive(Debug, Clone)]
pub struct Tok {
    /// Lower-case word as typed (apostrophes dropped).
    pub word: String,
    /// Its stem.
    pub stem: String,
    /// Stems of what `[terms]` says the word also means.
    pub alts: Vec<String>,
    pub stop: bool,
    /// Part of "last week", "tomorrow morning": it says when something
    /// happens, so it asks no field.
    pub when: bool,
    /// Typo correction has looked at this word already (it is the same for
    /// every page a choice judges alone).
    pub typo_checked: bool,
    /// The clause of the question the word stands in (`Question::asking`).
    pub clause: usize,
}

impl Tok {
    /// Whether this word (or one of its meanings) has stem `s`.
    pub fn has_stem(&self, s: &str) -> bool {
        self.stem == s || self.alts.iter().any(|a| a == s)
    }
}

/// "20", "2pm", "10am", "15min": when, not what.
fn is_number_or_time(word: &str) -> bool {
    let digits = word.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0
        && matches!(
            &word[digits..],
            "" | "am"
                | "pm"
                | "min"
                | "mins"
                | "h"
                | "hr"
                | "hrs"
                | "st"
                | "nd"
                | "rd"
                | "th"
                | "k"
        )
}

/// "min", "weeks", "hrs": a unit of time or count after a number.
fn is_time_unit(word: &str) -> bool {
    matches!(
        word,
        "min"
            | "mins"
            | "minute"
            | "minutes"
            | "h"
            | "hr"
            | "hrs"
            | "hour"
            | "hours"
            | "day"
            | "days"
            | "wk"
            | "wks"
            | "week"
            | "weeks"
            | "month"
            | "months"
            | "yr"
            | "yrs"
            | "year"
            | "years"
    )
}

/// "last", "next", "tomorrow": before a time word, when something happens
/// ("tomorrow morning", "last week").
fn is_relative(word: &str) -> bool {
    matches!(
        word,
        "last" | "next" | "this" | "tomorrow" | "tomorrows" | "yesterday" | "yesterdays"
    )
}

/// "night", "weekend", "monday" (or "mornings"): a time, after "last" or
/// "next".
fn is_time_word(word: &str) -> bool {
    let word = word.strip_suffix('s').unwrap_or(word);
    matches!(
        word,
        "night"
            | "time"
            | "weekend"
            | "morning"
            | "evening"
            | "summer"
            | "winter"
            | "spring"
            | "fall"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
    )
}

/// A tokenized question.
#[derive(Debug, Clone)]
pub struct Question {
    pub raw: String,
    pub toks: Vec<Tok>,
    /// For each clause, whether it asks (ends in "?" or opens with a question
    /// word) rather than tells ("my friend swears by it").
    pub asking: Vec<bool>,
}

/// Words a clause that asks opens with ("can", "how", "do u").
fn opens_question(word: &str) -> bool {
    matches!(
        word,
        "do" | "does"
            | "did"
            | "can"
            | "could"
            | "will"
            | "would"
            | "should"
            | "is"
            | "are"
            | "am"
            | "was"
            | "were"
            | "what"
            | "whats"
            | "how"
            | "hows"
            | "when"
            | "where"
            | "who"
            | "whos"
            | "which"
            | "why"
            | "any"
            | "anyone"
            | "have"
            | "has"
            | "may"
            | "might"
            | "shall"
            | "r"
            | "u"
            | "if"
            | "whens"
            | "wheres"
    )
}

impl Question {
    /// Reads `raw`, expanding words through the clinic's term table.
    pub fn new(raw: &str, terms: &Terms) -> Question {
        let (mut words, marked) = text::clause_words(raw);
        words.truncate(MAX_WORDS);
        let mut asking = marked;
        for (i, (w, c)) in words.iter().enumerate() {
            let opens = i == 0 || words[i - 1].1 != *c;
            if opens && opens_question(w) {
                asking[*c] = true;
            }
        }
        let mut toks: Vec<Tok> = words
            .into_iter()
            .map(|(word, clause)| {
                let stem = text::stem(&word);
                let alts = terms.map.get(&stem).cloned().unwrap_or_default();
                Tok {
                    stem,
                    // Numbers ("20", "2pm") say when or how many, not what.
                    stop: text::is_stopword(&word) || is_number_or_time(&word),
                    word,
                    alts,
                    when: false,
                    typo_checked: false,
                    clause,
                }
            })
            .collect();
        // ...and so does the unit after a number ("60 min", "3 wks"), and
        // "last" or "next" before one ("last night", "next week").
        for i in 1..toks.len() {
            if is_number_or_time(&toks[i - 1].word) && is_time_unit(&toks[i].word) {
                toks[i].stop = true;
            }
        }
        for i in 0..toks.len().saturating_sub(1) {
            // A greeting ("good morning") asks nothing.
            if toks[i].word == "good"
                && matches!(
                    toks[i + 1].word.as_str(),
                    "morning" | "afternoon" | "evening" | "night" | "day"
                )
            {
                toks[i].stop = true;
                toks[i + 1].stop = true;
            }
            if is_relative(&toks[i].word)
                && (is_time_unit(&toks[i + 1].word) || is_time_word(&toks[i + 1].word))
            {
                for t in &mut toks[i..=i + 1] {
                    t.stop = true;
                    t.when = true;
                }
            }
        }
        Question {
            raw: raw.to_string(),
            toks,
            asking,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// Whether word `i` is the unit of a number before it ("3 hrs ago",
    /// "20 min"): it says how long, not what is asked about.
    pub fn is_measure(&self, i: usize) -> bool {
        i > 0 && is_number_or_time(&self.toks[i - 1].word) && is_time_unit(&self.toks[i].word)
    }

    /// Whether the question speaks to the clinic ("are you open", "r u
    /// open", "your hours"): a fact asked of "you" is the clinic's own, not
    /// one of a service's ("what times are the pilates classes").
    pub fn addresses_clinic(&self) -> bool {
        const YOU: &[&str] = &[
            "u", "ur", "y", "ya", "yall", "you", "your", "youre", "yours",
        ];
        self.toks.iter().any(|t| YOU.contains(&t.word.as_str()))
    }

    /// Whether word `i` is part of "last week", "next time", "this
    /// morning": when something happens, so "last" there does not ask how
    /// long results last.
    pub fn is_when(&self, i: usize) -> bool {
        self.toks[i].when
    }

    /// The words joined by single spaces (the normalised text).
    pub fn normalized(&self) -> String {
        self.toks
            .iter()
            .map(|t| t.word.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A phrase compiled for matching on word positions: each element is a stem,
/// or a prefix when the phrase word ended in `*`.
#[derive(Debug, Clone)]
pub struct Phrase {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone)]
pub enum Part {
    Stem(String),
    Prefix(String),
    /// `..` in a phrase: up to this many words of anything.
    Gap(usize),
}

/// Most words a `..` gap in a phrase may skip.
pub const MAX_GAP: usize = 4;

impl Phrase {
    /// Compiles a phrase from config text ("throat tight*", "how much").
    pub fn compile(phrase: &str) -> Option<Phrase> {
        let mut parts = Vec::new();
        for raw in phrase.split_whitespace() {
            if raw == ".." {
                if !parts.is_empty() {
                    parts.push(Part::Gap(MAX_GAP));
                }
                continue;
            }
            let prefix = raw.ends_with('*');
            let ws = text::words(raw);
            for (i, w) in ws.iter().enumerate() {
                if prefix && i + 1 == ws.len() {
                    parts.push(Part::Prefix(w.clone()));
                } else {
                    parts.push(Part::Stem(text::stem(w)));
                }
            }
        }
        (!parts.is_empty()).then_some(Phrase { parts })
    }

    /// Every occurrence of the phrase in `q`, as the positions of its words
    /// (gaps excluded), leftmost first, one per start position.
    #[cfg(test)]
    pub fn matches(&self, q: &Question) -> Vec<Vec<usize>> {
        (0..q.toks.len())
            .filter_map(|start| self.match_at(q, start, 0, Vec::new()))
            .collect()
    }

    /// Whether the phrase occurs in `q`.
    pub fn occurs(&self, q: &Question) -> bool {
        (0..q.toks.len()).any(|start| self.match_at(q, start, 0, Vec::new()).is_some())
    }

    /// The occurrence starting at word `start`, if any.
    pub fn match_from(&self, q: &Question, start: usize) -> Option<Vec<usize>> {
        self.match_at(q, start, 0, Vec::new())
    }

    /// The stem every match must start with (`None` for a prefix).
    fn first_stem(&self) -> Option<&str> {
        match self.parts.first() {
            Some(Part::Stem(s)) => Some(s),
            _ => None,
        }
    }

    fn match_at(
        &self,
        q: &Question,
        pos: usize,
        part: usize,
        mut got: Vec<usize>,
    ) -> Option<Vec<usize>> {
        let Some(p) = self.parts.get(part) else {
            return Some(got);
        };
        match p {
            Part::Gap(max) => (0..=*max).find_map(|skip| {
                (pos + skip < q.toks.len())
                    .then(|| self.match_at(q, pos + skip, part + 1, got.clone()))
                    .flatten()
            }),
            Part::Stem(_) | Part::Prefix(_) => {
                let t = q.toks.get(pos)?;
                let ok = match p {
                    Part::Stem(s) => t.has_stem(s),
                    Part::Prefix(pre) => t.word.starts_with(pre.as_str()),
                    Part::Gap(_) => unreachable!(),
                };
                if !ok {
                    return None;
                }
                got.push(pos);
                self.match_at(q, pos + 1, part + 1, got)
            }
        }
    }

    /// Whether the phrase has a `..` gap.
    pub fn has_gap(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Gap(_)))
    }

    /// Number of words the phrase matches (gaps not counted).
    pub fn len(&self) -> usize {
        self.parts
            .iter()
            .filter(|p| !matches!(p, Part::Gap(_)))
            .count()
    }
}

/// Many phrases, looked up by their first word: a question meets only the
/// phrases that start with one of its words, not every phrase at every
/// position.
#[derive(Debug, Clone, Default)]
pub struct PhraseIndex {
    by_first: HashMap<String, Vec<usize>>,
    /// Phrases starting with a prefix ("throat*"), with it: tried at every
    /// position whose word has the prefix.
    others: Vec<(usize, Option<String>)>,
}

impl PhraseIndex {
    /// Indexes `phrases` by position in the slice.
    pub fn new<'a>(phrases: impl IntoIterator<Item = &'a Phrase>) -> PhraseIndex {
        let mut index = PhraseIndex::default();
        for (i, p) in phrases.into_iter().enumerate() {
            match p.first_stem() {
                Some(s) => index.by_first.entry(s.to_string()).or_default().push(i),
                None => {
                    let pre = match p.parts.first() {
                        Some(Part::Prefix(pre)) => Some(pre.clone()),
                        _ => None,
                    };
                    index.others.push((i, pre));
                }
            }
        }
        index
    }

    /// Every (phrase, start position) where a phrase of `phrases` (the slice
    /// the index was built from) may start, ordered by phrase then position:
    /// the order of trying each phrase at each position in turn.
    pub fn starts(&self, q: &Question) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (pos, t) in q.toks.iter().enumerate() {
            for s in std::iter::once(&t.stem).chain(&t.alts) {
                if let Some(ps) = self.by_first.get(s) {
                    out.extend(ps.iter().map(|&p| (p, pos)));
                }
            }
            out.extend(
                self.others
                    .iter()
                    .filter(|(_, pre)| {
                        pre.as_ref()
                            .is_none_or(|pre| t.word.starts_with(pre.as_str()))
                    })
                    .map(|&(p, _)| (p, pos)),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_clause_asks_by_its_question_mark_or_its_first_word() {
        let q = Question::new(
            "do u do ear candling, my friend swears by it. price?",
            &Default::default(),
        );
        assert_eq!(q.asking, [true, false, true]);
        assert_eq!(q.toks[5].word, "my");
        assert_eq!(q.toks[5].clause, 1);
    }

    use super::*;

    #[test]
    fn the_index_finds_what_trying_every_phrase_finds() {
        let phrases: Vec<Phrase> = [
            "how long",
            "how long does .. take",
            "throat* tight*",
            "long",
        ]
        .iter()
        .filter_map(|p| Phrase::compile(p))
        .collect();
        let index = PhraseIndex::new(&phrases);
        let q = Question::new(
            "how long does a long peel take, throat tightening",
            &Default::default(),
        );
        let naive: Vec<(usize, Vec<usize>)> = phrases
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.matches(&q).into_iter().map(move |m| (i, m)))
            .collect();
        let indexed: Vec<(usize, Vec<usize>)> = index
            .starts(&q)
            .into_iter()
            .filter_map(|(i, pos)| phrases[i].match_from(&q, pos).map(|m| (i, m)))
            .collect();
        assert_eq!(indexed, naive);
        assert_eq!(indexed.len(), 5);
    }

    #[test]
    fn phrases_match_stems_and_prefixes() {
        let q = Question::new(
            "My throat's tightening and I can't breathe!",
            &Default::default(),
        );
        assert_eq!(
            Phrase::compile("cant breathe").unwrap().matches(&q),
            vec![vec![5, 6]]
        );
        assert_eq!(
            Phrase::compile("throat* tight*").unwrap().matches(&q),
            vec![vec![1, 2]]
        );
        assert!(!Phrase::compile("trouble breathing").unwrap().occurs(&q));
        let q = Question::new("how long does a b12 shot take", &Default::default());
        assert_eq!(
            Phrase::compile("how long does .. take")
                .unwrap()
                .matches(&q),
            vec![vec![0, 1, 2, 6]]
        );
    }

    #[test]
    fn terms_add_meanings() {
        let mut raw = BTreeMap::new();
        raw.insert("reverse".to_string(), vec!["dissolve".to_string()]);
        let q = Question::new("can it be reversed", &Terms::new(&raw));
        assert!(q.toks[3].has_stem(&text::stem("dissolved")));
    }

    #[test]
    fn a_unit_after_a_number_is_a_measure() {
        let q = Question::new(
            "had it done 3 hrs ago, what hours are you open",
            &Default::default(),
        );
        let measures: Vec<usize> = (0..q.toks.len()).filter(|&i| q.is_measure(i)).collect();
        assert_eq!(measures, vec![4]);
    }

    #[test]
    fn last_and_next_before_a_time_are_when() {
        let q = Question::new(
            "did it last till next week or just last night",
            &Default::default(),
        );
        let stop: Vec<&str> = q
            .toks
            .iter()
            .filter(|t| t.stop)
            .map(|t| t.word.as_str())
            .collect();
        assert!(
            stop.contains(&"night") && stop.contains(&"week"),
            "{stop:?}"
        );
        assert!(
            !q.toks[2].stop,
            "'did it last' still asks how long it lasts"
        );
    }

    #[test]
    fn greetings_pronouns_and_filler_ask_nothing() {
        let q = Question::new(
            "good morning! her kid w no insurance tho, trying every option",
            &Default::default(),
        );
        let asked: Vec<&str> = q
            .toks
            .iter()
            .filter(|t| !t.stop)
            .map(|t| t.word.as_str())
            .collect();
        assert_eq!(asked, ["kid", "insurance", "option"]);
    }

    #[test]
    fn long_questions_are_cut() {
        let q = Question::new(&"word ".repeat(5000), &Default::default());
        assert_eq!(q.toks.len(), MAX_WORDS);
    }
}
