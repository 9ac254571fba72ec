//! Finding the service a question names.
//!
//! Every page has names (display name, its parts, title, synonyms, slug). A
//! name matches when all its words occur close together in the question,
//! exactly, by stem, through the clinic's `[terms]`, written together or apart
//! ("hydra facial" / "hydrafacial"), or with a typo ("microneedeling", "botx").
//! A name matched only in part counts as naming the page when the words that
//! matched are distinctive: its first word, used by no other page's names and
//! found on at most two pages ("iv drip" -> IV Therapy), or most of a
//! multi-word name ("rf tightening"). Anything weaker is only a hint, used to
//! offer choices.
//!
//! The matcher is flat: every string it knows is interned once (sorted, so a
//! question word is found by binary search) and everything else is arrays of
//! ids. It is built once per generation and cached beside it (see
//! [`super::derived`]): reading it back is a few large copies, not the
//! hundreds of thousands of small strings and hash inserts that building it
//! from a 10k-page catalog takes.

use super::question::Question;
use crate::text;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// How a page's names matched a question.
#[derive(Debug, Clone)]
pub struct NameHit {
    /// Page index in the catalog.
    pub page: usize,
    /// 0..1: 1 for an exact full name, less for typos and partial names.
    pub strength: f32,
    /// True when the match names the page (full, or distinctive partial).
    pub named: bool,
    /// True when every word of a name matched.
    pub full: bool,
    /// Question positions the name used.
    pub positions: Vec<usize>,
}

impl NameHit {
    /// A page taken as named outright (a follow-up's service, a page in a
    /// choice judged alone), with the question positions that stand for it.
    pub fn as_if_named(page: usize, strength: f32, positions: Vec<usize>) -> NameHit {
        NameHit {
            page,
            strength,
            named: true,
            full: true,
            positions,
        }
    }
}

/// Every distinct string the matcher knows, sorted; an id is an index.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Strings {
    text: String,
    /// End offset of each string in `text`.
    ends: Vec<u32>,
}

/// Item `i` of a list of lists stored as one array and its end offsets.
fn span(ends: &[u32], i: usize) -> std::ops::Range<usize> {
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    start..ends[i] as usize
}

impl Strings {
    fn new(set: BTreeSet<String>) -> Strings {
        let mut s = Strings::default();
        for w in set {
            s.text.push_str(&w);
            s.ends.push(s.text.len() as u32);
        }
        s
    }

    fn get(&self, id: u32) -> &str {
        &self.text[span(&self.ends, id as usize)]
    }

    fn id(&self, s: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0usize, self.ends.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid as u32).cmp(s) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// For each string id, a list of page indices.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Postings {
    /// End offset of each id's list in `pages`.
    ends: Vec<u32>,
    pages: Vec<u32>,
}

impl Postings {
    fn new(lists: Vec<Vec<u32>>) -> Postings {
        let mut p = Postings::default();
        for l in lists {
            p.pages.extend(l);
            p.ends.push(p.pages.len() as u32);
        }
        p
    }

    fn get(&self, id: u32) -> &[u32] {
        &self.pages[span(&self.ends, id as usize)]
    }
}

/// One name of a page: its words and their stems at `start..start + len` of
/// the matcher's `words` / `stems`, and all its words written together.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Name {
    start: u32,
    len: u32,
    joined: u32,
}

/// A name as `match_name` reads it.
struct NameView<'a> {
    words: &'a [u32],
    stems: &'a [u32],
    joined: &'a str,
    weights: &'a [f32],
}

/// Name matcher over the catalog's pages.
#[derive(Debug, Serialize, Deserialize)]
pub struct NameMatcher {
    strings: Strings,
    /// Names of page `i` are `names[page_ends[i - 1]..page_ends[i]]`.
    page_ends: Vec<u32>,
    names: Vec<Name>,
    words: Vec<u32>,
    stems: Vec<u32>,
    /// For each entry of `stems`: how much the word counts in its name, by
    /// how few pages' names use it.
    weights: Vec<f32>,
    /// Stem id -> pages whose names use it (the pages a question can name);
    /// its length is how many pages' names use the stem.
    stem_pages: Postings,
    /// Whole multi-word names written as one word -> pages.
    joined_pages: Postings,
    /// Distinct name words with their stems (the first word seen for each
    /// stem), by length in characters, for typo matching: `(word, stem,
    /// chars)` sorted by length, in page order within a length.
    vocab: Vec<(u32, u32, u32)>,
    /// For each string id: on how many pages' text it occurs, and the share
    /// of its uses on its own page (catalog; 0 for words that are no name
    /// stem).
    text_df: Vec<u32>,
    own_share: Vec<f32>,
    typo_min: usize,
    typo2_min: usize,
}

/// Words that glue names together and never identify anything.
fn is_glue(w: &str) -> bool {
    matches!(
        w,
        "for" | "the" | "of" | "with" | "and" | "a" | "an" | "in" | "to"
    )
}

impl NameMatcher {
    /// `names[i]` are the names of page `i`; `text_df` is the number of pages
    /// whose text contains a stem and `own_share` the share of a stem's uses
    /// that are on its own page (both from the catalog).
    ///
    /// `house` are the stems of the clinic's own name ("Cedar Lane Hearing &
    /// Balance"): its specialty, which every page is about. A name made only
    /// of them ("Hearing", from "Hearing & Balance Services") names no page
    /// when the page has another name.
    pub fn new<'a>(
        names: impl IntoIterator<Item = &'a Vec<String>>,
        text_df: &HashMap<String, u32>,
        own_share: &HashMap<String, f32>,
        house: &[String],
    ) -> NameMatcher {
        // Pass 1: each page's names as (words, stems), house-only names left
        // out where the page has another.
        let mut stem_cache: HashMap<String, String> = HashMap::new();
        let mut stem = |w: &str| -> String {
            if let Some(s) = stem_cache.get(w) {
                return s.clone();
            }
            let s = text::stem(w);
            stem_cache.insert(w.to_string(), s.clone());
            s
        };
        let mut pages: Vec<Vec<(Vec<String>, Vec<String>)>> = Vec::new();
        for page_names in names {
            let stemmed: Vec<(Vec<String>, Vec<String>)> = page_names
                .iter()
                .map(|n| {
                    let words: Vec<String> =
                        text::words(n).into_iter().filter(|w| !is_glue(w)).collect();
                    let stems = words.iter().map(|w| stem(w)).collect();
                    (words, stems)
                })
                .filter(|(w, _)| !w.is_empty())
                .collect();
            let only_house = |stems: &[String]| stems.iter().all(|s| house.contains(s));
            let keep_house = stemmed.iter().all(|(_, s)| only_house(s));
            pages.push(
                stemmed
                    .into_iter()
                    .filter(|(_, s)| keep_house || !only_house(s))
                    .collect(),
            );
        }
        // Pass 2: intern every string, then lay the names out as ids.
        let mut set: BTreeSet<String> = BTreeSet::new();
        for (words, stems) in pages.iter().flatten() {
            set.extend(words.iter().cloned());
            set.extend(stems.iter().cloned());
            set.insert(words.concat());
        }
        set.extend(text_df.keys().cloned());
        set.extend(own_share.keys().cloned());
        let strings = Strings::new(set);
        let id = |s: &str| strings.id(s).expect("interned");
        let n = strings.len();
        let mut stem_lists: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut joined_lists: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut vocab: Vec<(u32, u32, u32)> = Vec::new();
        let mut m = NameMatcher {
            strings: Strings::default(),
            page_ends: Vec::with_capacity(pages.len()),
            names: Vec::new(),
            words: Vec::new(),
            stems: Vec::new(),
            weights: Vec::new(),
            stem_pages: Postings::default(),
            joined_pages: Postings::default(),
            vocab: Vec::new(),
            text_df: vec![0; n],
            own_share: vec![0.0; n],
            typo_min: usize::MAX,
            typo2_min: usize::MAX,
        };
        for (pi, list) in pages.iter().enumerate() {
            let pi = pi as u32;
            for (words, stems) in list {
                let joined = id(&words.concat());
                if words.len() > 1 && joined_lists[joined as usize].last() != Some(&pi) {
                    joined_lists[joined as usize].push(pi);
                }
                m.names.push(Name {
                    start: m.words.len() as u32,
                    len: words.len() as u32,
                    joined,
                });
                for (w, s) in words.iter().zip(stems) {
                    let (w, s) = (id(w), id(s));
                    m.words.push(w);
                    m.stems.push(s);
                    let e = &mut stem_lists[s as usize];
                    if e.is_empty() {
                        let chars = strings.get(w).chars().count() as u32;
                        vocab.push((w, s, chars));
                    }
                    if e.last() != Some(&pi) {
                        e.push(pi);
                    }
                }
            }
            m.page_ends.push(m.names.len() as u32);
        }
        // Stable: page order within a length, as the typo scan reads it.
        vocab.sort_by_key(|v| v.2);
        for (s, df) in text_df {
            m.text_df[id(s) as usize] = *df;
        }
        for (s, share) in own_share {
            m.own_share[id(s) as usize] = *share;
        }
        let n_pages = m.page_ends.len().max(1) as f32;
        m.weights = m
            .stems
            .iter()
            .map(|&s| (1.0 + n_pages / stem_lists[s as usize].len().max(1) as f32).ln())
            .collect();
        m.strings = strings;
        m.stem_pages = Postings::new(stem_lists);
        m.joined_pages = Postings::new(joined_lists);
        m.vocab = vocab;
        m
    }

    /// With the typo settings (`[answer] typo_min_len`, `typo2_min_len`):
    /// kept out of the cached matcher, so changing them needs no rebuild.
    pub fn with_typos(mut self, typo_min: usize, typo2_min: usize) -> NameMatcher {
        self.typo_min = typo_min;
        self.typo2_min = typo2_min;
        self
    }

    fn page_names(&self, page: usize) -> &[Name] {
        if page >= self.page_ends.len() {
            return &[];
        }
        &self.names[span(&self.page_ends, page)]
    }

    fn name_df(&self, stem: u32) -> usize {
        self.stem_pages.get(stem).len()
    }

    fn df_of(&self, stem: &str) -> usize {
        self.strings.id(stem).map_or(0, |s| self.name_df(s))
    }

    fn text_df_of(&self, stem: u32) -> u32 {
        self.text_df[stem as usize]
    }

    fn view(&self, name: &Name) -> NameView<'_> {
        let r = name.start as usize..(name.start + name.len) as usize;
        NameView {
            words: &self.words[r.clone()],
            stems: &self.stems[r.clone()],
            joined: self.strings.get(name.joined),
            weights: &self.weights[r],
        }
    }

    /// Name words `lo..=hi` characters long, as `(word, stem, chars)`.
    fn vocab_between(&self, lo: usize, hi: usize) -> &[(u32, u32, u32)] {
        let from = self.vocab.partition_point(|v| (v.2 as usize) < lo);
        let to = self.vocab.partition_point(|v| (v.2 as usize) <= hi);
        &self.vocab[from..to.max(from)]
    }

    /// The stems of every name of page `page` (glue words left out), in
    /// name order.
    pub fn page_stems(&self, page: usize) -> Vec<String> {
        self.page_names(page)
            .iter()
            .flat_map(|n| {
                self.stems[n.start as usize..(n.start + n.len) as usize]
                    .iter()
                    .map(|&s| self.strings.get(s).to_string())
            })
            .collect()
    }

    /// For each question position, the name stems it may stand for, with a
    /// similarity (1 exact, less for typos), and how many positions it spans.
    fn position_matches(
        &self,
        q: &Question,
        known: &dyn Fn(&str) -> bool,
    ) -> Vec<Vec<(u32, f32, usize)>> {
        let toks = &q.toks;
        let mut out = vec![Vec::new(); toks.len()];
        let as_stem = |s: &str| self.strings.id(s).filter(|&id| self.name_df(id) > 0);
        for (i, t) in toks.iter().enumerate() {
            for s in std::iter::once(&t.stem).chain(&t.alts) {
                if let Some(id) = as_stem(s) {
                    out[i].push((id, 1.0, 1));
                }
            }
            // "morpheus 8" for "morpheus8", "hydra facial" for "hydrafacial".
            if let Some(next) = toks.get(i + 1) {
                let joined = format!("{}{}", t.word, next.word);
                if let Some(id) = as_stem(&text::stem(&joined)) {
                    out[i].push((id, 1.0, 2));
                }
            }
            if !out[i].is_empty()
                || t.stop
                || t.word.chars().count() < self.typo_min
                || known(&t.stem)
            {
                continue;
            }
            let len = t.word.chars().count();
            let (lo, hi) = (len.saturating_sub(2).max(self.typo_min), len + 2);
            let first = t.word.chars().next();
            for &(w, s, wl) in self.vocab_between(lo, hi) {
                let (w, wl) = (self.strings.get(w), wl as usize);
                if len < 6 && w.chars().next() != first {
                    continue;
                }
                let sim = match text::edits_within(&t.word, w, 2) {
                    Some(1) => 0.85,
                    Some(2) if len >= self.typo2_min && wl >= self.typo2_min => 0.75,
                    _ => continue,
                };
                out[i].push((s, sim, 1));
            }
        }
        out
    }

    /// Whether some page's name has exactly this word.
    pub fn has_word(&self, word: &str) -> bool {
        let len = word.chars().count();
        self.strings
            .id(word)
            .is_some_and(|id| self.vocab_between(len, len).iter().any(|v| v.0 == id))
    }

    /// The pages whose names use this stem ("rehab": Sports Injury Rehab,
    /// Post-Surgery Rehab), in page order; draft pages (indexes at or past
    /// the catalog's live pages) included.
    pub fn pages_with(&self, stem: &str) -> &[u32] {
        self.strings
            .id(stem)
            .map(|s| self.stem_pages.get(s))
            .unwrap_or(&[])
    }

    /// Whether several pages' names use this stem ("laser", "filler").
    pub fn shared(&self, stem: &str) -> bool {
        self.df_of(stem) >= 2
    }

    /// All pages the question names or hints at, best first.
    ///
    /// `known(stem)` tells whether a word occurs in the content; known words
    /// are never read as typos of a name.
    pub fn find(&self, q: &Question, known: &dyn Fn(&str) -> bool) -> Vec<NameHit> {
        let pm = self.position_matches(q, known);
        // Only pages that share a stem (or a joined name) with the question.
        let mut candidates: Vec<u32> = pm
            .iter()
            .flatten()
            .flat_map(|(s, _, _)| self.stem_pages.get(*s))
            .chain(
                q.toks
                    .iter()
                    .filter_map(|t| self.strings.id(&t.word))
                    .flat_map(|id| self.joined_pages.get(id)),
            )
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut hits: Vec<NameHit> = Vec::new();
        for pi in candidates {
            let pi = pi as usize;
            let mut best: Option<NameHit> = None;
            for name in self.page_names(pi) {
                if let Some(hit) = self.match_name(pi, &self.view(name), q, &pm) {
                    let better = match &best {
                        None => true,
                        Some(b) => {
                            (hit.named, hit.full, hit.positions.len(), hit.strength)
                                > (b.named, b.full, b.positions.len(), b.strength)
                        }
                    };
                    if better {
                        best = Some(hit);
                    }
                }
            }
            hits.extend(best);
        }
        hits.sort_by(|a, b| {
            (b.named, b.positions.len())
                .cmp(&(a.named, a.positions.len()))
                .then(b.strength.total_cmp(&a.strength))
        });
        hits
    }

    fn match_name(
        &self,
        page: usize,
        name: &NameView,
        q: &Question,
        pm: &[Vec<(u32, f32, usize)>],
    ) -> Option<NameHit> {
        // The whole name written as one word ("hydrafacial" for "Hydra Facial").
        if name.words.len() > 1 {
            if let Some(i) = q.toks.iter().position(|t| t.word == name.joined) {
                return Some(NameHit {
                    page,
                    strength: 1.0,
                    named: true,
                    full: true,
                    positions: vec![i],
                });
            }
        }
        // Where each name word occurs: (position, similarity, span).
        let cands: Vec<Vec<(usize, f32, usize)>> = name
            .stems
            .iter()
            .map(|stem| {
                pm.iter()
                    .enumerate()
                    .flat_map(|(i, ms)| {
                        ms.iter()
                            .filter(|m| m.0 == *stem)
                            .map(move |m| (i, m.1, m.2))
                    })
                    .collect()
            })
            .collect();
        // Words of one name must stand close together: try each occurrence
        // as the anchor and keep the words found near it.
        let window = name.words.len() + 1;
        let mut best: Option<(usize, f32, Vec<usize>, Vec<f32>)> = None; // (matched, weight, positions, sims)
        for anchor in cands.iter().flatten() {
            let mut positions = Vec::new();
            let mut sims = vec![0.0; name.stems.len()];
            let mut weight = 0.0;
            let mut matched = 0;
            for (wi, c) in cands.iter().enumerate() {
                let near = c
                    .iter()
                    .filter(|(p, _, _)| p.abs_diff(anchor.0) <= window && !positions.contains(p))
                    .max_by(|a, b| {
                        a.1.total_cmp(&b.1)
                            .then(b.0.abs_diff(anchor.0).cmp(&a.0.abs_diff(anchor.0)))
                    });
                if let Some(&(p, sim, span)) = near {
                    positions.extend(p..p + span);
                    sims[wi] = sim;
                    weight += name.weights[wi] * sim;
                    matched += 1;
                }
            }
            let better = match &best {
                None => true,
                Some((m, w, _, _)) => (matched, weight) > (*m, *w),
            };
            if better {
                best = Some((matched, weight, positions, sims));
            }
        }
        let (matched, matched_w, mut positions, sims) = best?;
        positions.sort_unstable();
        positions.dedup();
        let total_w: f32 = name.weights.iter().sum();
        let coverage = matched_w / total_w.max(f32::EPSILON);
        let min_sim = sims
            .iter()
            .cloned()
            .filter(|s| *s > 0.0)
            .fold(1.0, f32::min);
        if matched == name.stems.len() {
            return Some(NameHit {
                page,
                strength: min_sim,
                named: true,
                full: true,
                positions,
            });
        }
        let first_matched = sims[0] > 0.0;
        // The one word of the name no other name has names the page when
        // the page's text is nearly alone in using it; or when most of its
        // uses are on the page itself, the rest of the name is generic
        // ("therapy": other names or many pages use it), and no rare word
        // follows that could make it another thing's name ("lip flip" is
        // not "Lip Filler"; "massage" alone is "Massage Therapy").
        let first = name.stems[0];
        let common = |s: u32| self.name_df(s) >= 2 || self.text_df_of(s) >= 3;
        let mostly_own = self.own_share[first as usize] > 0.5;
        let rest_generic = name.stems.len() > 1 && name.stems[1..].iter().all(|&s| common(s));
        let next_is_rare = positions
            .last()
            .and_then(|&p| q.toks.get(p + 1))
            .is_some_and(|t| !t.stop && !self.strings.id(&t.stem).is_some_and(common));
        let distinctive_word = matched == 1
            && first_matched
            && self.name_df(first) == 1
            && (self.text_df_of(first) <= 2 || (mostly_own && rest_generic && !next_is_rare));
        let most_of_name = matched >= 2 && coverage >= 0.6;
        // Most of the name close together, and the rest of it further on in
        // the question ("under my eye ... after my filler"): the full name.
        if matched >= 2 {
            let mut rest: Vec<usize> = Vec::new();
            let all_present = sims.iter().zip(&cands).all(|(s, c)| {
                if *s > 0.0 {
                    return true;
                }
                match c.iter().find(|(p, _, _)| !positions.contains(p)) {
                    Some(&(p, _, _)) => {
                        rest.push(p);
                        true
                    }
                    None => false,
                }
            });
            if all_present {
                positions.extend(rest);
                positions.sort_unstable();
                return Some(NameHit {
                    page,
                    strength: 0.9 * min_sim,
                    named: true,
                    full: true,
                    positions,
                });
            }
        }
        if distinctive_word || most_of_name {
            return Some(NameHit {
                page,
                strength: 0.8 * min_sim,
                named: true,
                full: false,
                positions,
            });
        }
        // A hint only from words that few services' names share: "prp" hints
        // at two pages, "treatment" at every program.
        let generic = sims
            .iter()
            .zip(name.stems)
            .filter(|(s, _)| **s > 0.0)
            .all(|(_, &st)| self.name_df(st) >= 3);
        if generic {
            return None;
        }
        Some(NameHit {
            page,
            strength: 0.5 * coverage,
            named: false,
            full: false,
            positions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> NameMatcher {
        let names = vec![
            vec!["Microneedling".to_string(), "Micorneedling".into()],
            vec!["PRP Microneedling".into(), "Vampire Facial".into()],
            vec!["HydraFacial".into(), "hydra facial".into()],
            vec!["IV Therapy".into()],
            vec!["LED Light Therapy".into()],
        ];
        let mut df = HashMap::new();
        df.insert("iv".to_string(), 1);
        df.insert("therapi".to_string(), 2);
        NameMatcher::new(&names, &df, &HashMap::new(), &[]).with_typos(4, 8)
    }

    fn top(text: &str) -> Option<(usize, bool)> {
        let q = Question::new(text, &Default::default());
        matcher()
            .find(&q, &|_| false)
            .first()
            .map(|h| (h.page, h.named))
    }

    #[test]
    fn exact_typo_and_joined_names() {
        assert_eq!(top("how long is microneedling downtime"), Some((0, true)));
        assert_eq!(top("microneedeling price?"), Some((0, true)));
        assert_eq!(top("hydra facial cost"), Some((2, true)));
        assert_eq!(top("hydrafacial cost"), Some((2, true)));
    }

    #[test]
    fn longer_names_win_and_order_is_free() {
        assert_eq!(top("how much is microneedling with prp"), Some((1, true)));
    }

    #[test]
    fn distinctive_first_word_names_the_page() {
        assert_eq!(top("iv drip prices"), Some((3, true)));
        // "therapy" alone is shared by two pages: only a hint.
        assert_eq!(top("therapy prices").map(|h| h.1), Some(false));
    }

    /// The clinic's own name words ("Hearing & Balance") name no page alone.
    #[test]
    fn clinic_name_words_do_not_name_a_page_alone() {
        let names = vec![
            vec![
                "Hearing & Balance Services".to_string(),
                "Hearing".into(),
                "services".into(),
            ],
            vec!["Hearing Aid Fitting".into(), "hearing aids".into()],
        ];
        let house = vec![text::stem("hearing"), text::stem("balance")];
        let m = NameMatcher::new(&names, &HashMap::new(), &HashMap::new(), &house).with_typos(4, 8);
        let q = Question::new("how much are hearing aids", &Default::default());
        let hits = m.find(&q, &|_| false);
        assert_eq!(hits.first().map(|h| (h.page, h.named)), Some((1, true)));
        assert!(!hits.iter().any(|h| h.page == 0 && h.named), "{hits:?}");
    }
}
