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

use super::question::Question;
use crate::text;
use std::collections::HashMap;

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

struct Name {
    words: Vec<String>,
    stems: Vec<String>,
    weights: Vec<f32>,
    /// All words written together ("hydrafacial").
    joined: String,
}

/// Name matcher over the catalog's pages.
pub struct NameMatcher {
    pages: Vec<Vec<Name>>,
    /// Distinct name words (raw) with their stems, by length in characters,
    /// for typo matching.
    vocab: HashMap<usize, Vec<(String, String)>>,
    /// Name stem -> pages whose names use it (the pages a question can name).
    stems: HashMap<String, Vec<usize>>,
    /// Whole multi-word names written as one word -> pages.
    joined: HashMap<String, Vec<usize>>,
    name_df: HashMap<String, usize>,
    text_df: HashMap<String, u32>,
    /// Share of a name stem's uses that are on its own page (catalog).
    own_share: HashMap<String, f32>,
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
    /// whose text contains a stem (from the catalog).
    ///
    /// `house` are the stems of the clinic's own name ("Cedar Lane Hearing &
    /// Balance"): its specialty, which every page is about. A name made only
    /// of them ("Hearing", from "Hearing & Balance Services") names no page
    /// when the page has another name.
    pub fn new<'a>(
        names: impl IntoIterator<Item = &'a Vec<String>>,
        text_df: HashMap<String, u32>,
        house: &[String],
        typo_min: usize,
        typo2_min: usize,
    ) -> NameMatcher {
        let mut name_df: HashMap<String, usize> = HashMap::new();
        let mut pages = Vec::new();
        for page_names in names {
            let mut seen: Vec<String> = Vec::new();
            let mut list = Vec::new();
            let stemmed: Vec<(Vec<String>, Vec<String>)> = page_names
                .iter()
                .map(|n| {
                    let words: Vec<String> =
                        text::words(n).into_iter().filter(|w| !is_glue(w)).collect();
                    let stems = words.iter().map(|w| text::stem(w)).collect();
                    (words, stems)
                })
                .filter(|(w, _)| !w.is_empty())
                .collect();
            let only_house = |stems: &[String]| stems.iter().all(|s| house.contains(s));
            let keep_house = stemmed.iter().all(|(_, s)| only_house(s));
            for (words, stems) in stemmed {
                if !keep_house && only_house(&stems) {
                    continue;
                }
                for s in &stems {
                    if !seen.contains(s) {
                        seen.push(s.clone());
                    }
                }
                list.push(Name {
                    joined: words.concat(),
                    words,
                    stems,
                    weights: Vec::new(),
                });
            }
            for s in seen {
                *name_df.entry(s).or_default() += 1;
            }
            pages.push(list);
        }
        let n_pages = pages.len().max(1) as f32;
        let mut vocab: HashMap<usize, Vec<(String, String)>> = HashMap::new();
        let mut stems: HashMap<String, Vec<usize>> = HashMap::new();
        let mut joined: HashMap<String, Vec<usize>> = HashMap::new();
        for (pi, list) in pages.iter_mut().enumerate() {
            for name in list.iter_mut() {
                if name.words.len() > 1 {
                    let e = joined.entry(name.joined.clone()).or_default();
                    if e.last() != Some(&pi) {
                        e.push(pi);
                    }
                }
                name.weights = name
                    .stems
                    .iter()
                    .map(|s| (1.0 + n_pages / name_df.get(s).copied().unwrap_or(1) as f32).ln())
                    .collect();
                for (w, s) in name.words.iter().zip(&name.stems) {
                    let e = stems.entry(s.clone()).or_default();
                    if e.is_empty() {
                        vocab
                            .entry(w.chars().count())
                            .or_default()
                            .push((w.clone(), s.clone()));
                    }
                    if e.last() != Some(&pi) {
                        e.push(pi);
                    }
                }
            }
        }
        NameMatcher {
            pages,
            vocab,
            stems,
            joined,
            name_df,
            text_df,
            own_share: HashMap::new(),
            typo_min,
            typo2_min,
        }
    }

    /// The stems of every name of page `page` (glue words left out), in
    /// name order.
    pub fn page_stems(&self, page: usize) -> Vec<String> {
        self.pages
            .get(page)
            .map(|names| names.iter().flat_map(|n| n.stems.iter().cloned()).collect())
            .unwrap_or_default()
    }

    /// For each question position, the name stems it may stand for, with a
    /// similarity (1 exact, less for typos), and how many positions it spans.
    fn position_matches(
        &self,
        q: &Question,
        known: &dyn Fn(&str) -> bool,
    ) -> Vec<Vec<(String, f32, usize)>> {
        let toks = &q.toks;
        let mut out = vec![Vec::new(); toks.len()];
        for (i, t) in toks.iter().enumerate() {
            for s in std::iter::once(&t.stem).chain(&t.alts) {
                if self.stems.contains_key(s) {
                    out[i].push((s.clone(), 1.0, 1));
                }
            }
            // "morpheus 8" for "morpheus8", "hydra facial" for "hydrafacial".
            if let Some(next) = toks.get(i + 1) {
                let joined = format!("{}{}", t.word, next.word);
                let s = text::stem(&joined);
                if self.stems.contains_key(&s) {
                    out[i].push((s, 1.0, 2));
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
            let near = len.saturating_sub(2).max(self.typo_min)..=len + 2;
            for (w, s) in near.filter_map(|l| self.vocab.get(&l)).flatten() {
                let wl = w.chars().count();
                if len < 6 && w.chars().next() != t.word.chars().next() {
                    continue;
                }
                let d = strsim::osa_distance(&t.word, w);
                let sim = match d {
                    1 => 0.85,
                    2 if len >= self.typo2_min && wl >= self.typo2_min => 0.75,
                    _ => continue,
                };
                out[i].push((s.clone(), sim, 1));
            }
        }
        out
    }

    /// Whether some page's name has exactly this word.
    pub fn has_word(&self, word: &str) -> bool {
        self.vocab
            .get(&word.chars().count())
            .is_some_and(|v| v.iter().any(|(w, _)| w == word))
    }

    /// With the share of each name stem's uses that are on its own page.
    pub fn with_own_share(mut self, share: HashMap<String, f32>) -> NameMatcher {
        self.own_share = share;
        self
    }

    /// Whether several pages' names use this stem ("laser", "filler").
    pub fn shared(&self, stem: &str) -> bool {
        self.name_df.get(stem).copied().unwrap_or(0) >= 2
    }

    /// All pages the question names or hints at, best first.
    ///
    /// `known(stem)` tells whether a word occurs in the content; known words
    /// are never read as typos of a name.
    pub fn find(&self, q: &Question, known: &dyn Fn(&str) -> bool) -> Vec<NameHit> {
        let pm = self.position_matches(q, known);
        // Only pages that share a stem (or a joined name) with the question.
        let mut candidates: Vec<usize> = pm
            .iter()
            .flatten()
            .filter_map(|(s, _, _)| self.stems.get(s))
            .chain(q.toks.iter().filter_map(|t| self.joined.get(&t.word)))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut hits: Vec<NameHit> = Vec::new();
        for pi in candidates {
            let names = &self.pages[pi];
            let mut best: Option<NameHit> = None;
            for name in names {
                if let Some(hit) = self.match_name(pi, name, q, &pm) {
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
        name: &Name,
        q: &Question,
        pm: &[Vec<(String, f32, usize)>],
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
                            .filter(|m| &m.0 == stem)
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
        let first = &name.stems[0];
        let common = |s: &str| {
            self.name_df.get(s).copied().unwrap_or(0) >= 2
                || self.text_df.get(s).copied().unwrap_or(0) >= 3
        };
        let mostly_own = self.own_share.get(first).copied().unwrap_or(0.0) > 0.5;
        let rest_generic = name.stems.len() > 1 && name.stems[1..].iter().all(|s| common(s));
        let next_is_rare = positions
            .last()
            .and_then(|&p| q.toks.get(p + 1))
            .is_some_and(|t| !t.stop && !common(&t.stem));
        let distinctive_word = matched == 1
            && first_matched
            && self.name_df.get(first).copied().unwrap_or(0) == 1
            && (self.text_df.get(first).copied().unwrap_or(0) <= 2
                || (mostly_own && rest_generic && !next_is_rare));
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
            .zip(&name.stems)
            .filter(|(s, _)| **s > 0.0)
            .all(|(_, st)| self.name_df.get(st).copied().unwrap_or(0) >= 3);
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
        NameMatcher::new(&names, df, &[], 4, 8)
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
        let m = NameMatcher::new(&names, HashMap::new(), &house, 4, 8);
        let q = Question::new("how much are hearing aids", &Default::default());
        let hits = m.find(&q, &|_| false);
        assert_eq!(hits.first().map(|h| (h.page, h.named)), Some((1, true)));
        assert!(!hits.iter().any(|h| h.page == 0 && h.named), "{hits:?}");
    }
}
