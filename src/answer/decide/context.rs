//! What a question is, once the services it names are known: its words
//! weighed, its fields scored, and the lookups it repeats memoized.

use super::mentions::name_mask;
use super::score::Scored;
use super::Trace;
use crate::answer::compose::{self, Decision};
use crate::answer::names::NameHit;
use crate::answer::question::Question;
use crate::answer::units::{self, Unit};
use crate::answer::{Engine, Snapshot};
use std::collections::HashMap;
use tantivy::Searcher;

/// A word of what the question is about (not a name, field phrase or stopword).
pub(super) struct TopicTok {
    /// Its stem and the stems of its meanings (`[terms]`, typo fixes).
    pub(super) stems: Vec<String>,
    /// How rare its rarest known form is (the most for a word the content
    /// never uses).
    pub(super) idf: f32,
    /// The question's clause it stands in.
    pub(super) clause: usize,
}

/// What one question looks up more than once.
#[derive(Default)]
pub(super) struct Memo {
    /// Each stem's IDF (`None`: the content never uses it).
    pub(super) idf: std::cell::RefCell<HashMap<String, Option<f32>>>,
    /// Each search run, by stems and limit.
    pub(super) searches: std::cell::RefCell<Vec<Searched>>,
}

/// A search's stems and limit, and its hits.
pub(super) type Searched = (Vec<String>, usize, Vec<(f32, Unit)>);

/// One question as every route reads it: parsed, its services' words
/// masked, its fields scored and its topic weighed. Read-only once built
/// (but for `depth`, set when a page is judged alone).
pub(super) struct Ctx<'a> {
    /// The lexicon, urgent rules and configuration.
    pub(super) engine: &'a Engine,
    /// The index generation the question is answered on.
    pub(super) snap: &'a Snapshot,
    /// One searcher for the whole question.
    pub(super) searcher: Searcher,
    /// The question, parsed (typos of field words corrected).
    pub(super) q: Question,
    /// How strongly each field is asked.
    pub(super) fs: crate::answer::fields::FieldScores,
    /// Question positions that name the service.
    pub(super) mask: Vec<bool>,
    /// What the question is about: its words that are not a name, a field
    /// phrase or a stopword.
    pub(super) topic: Vec<TopicTok>,
    /// The topic plus the field-phrase words at half weight.
    pub(super) evidence: Vec<TopicTok>,
    /// Looked-up IDFs and searches, shared with the contexts a choice's
    /// pages are judged in (the same question: the same answers).
    pub(super) memo: std::rc::Rc<Memo>,
    /// Field scores with partner fields filled in (a page without Anesthesia
    /// answers a numbing question from Pain Level).
    pub(super) eff: Vec<f32>,
    /// The IDF of a word no unit uses.
    pub(super) max_idf: f32,
    /// How many pages are being judged alone around this one: a page judged
    /// alone may judge a promotion or a section's pages alone in turn, and
    /// those may point back (a promotion naming the section that lists it).
    pub(super) depth: usize,
}

impl Ctx<'_> {
    /// The engine's configuration.
    pub(super) fn cfg(&self) -> &crate::config::Config {
        self.engine.config()
    }

    /// What clients are shown as the page's name.
    fn page_title(&self, page: usize) -> String {
        self.snap.gen.catalog.pages[page].display_name.clone()
    }

    /// The catalog index of the page with identity `slug`.
    pub(super) fn page_index(&self, slug: &str) -> Option<usize> {
        self.snap.slugs.get(slug).copied()
    }

    /// Stems of the names of a page (excluded from FAQ heading overlap).
    pub(super) fn name_stems(&self, page: usize) -> &[String] {
        self.snap.name_stems(page)
    }

    /// What a row name or FAQ heading means (worked out once per generation).
    pub(super) fn info(&self, field: &str) -> std::borrow::Cow<'_, crate::answer::FieldInfo> {
        self.snap.field_info(field, &self.engine.fields)
    }

    /// IDF of a stem, looked up once per question.
    pub(super) fn idf_opt(&self, stem: &str) -> Option<f32> {
        if let Some(v) = self.memo.idf.borrow().get(stem) {
            return *v;
        }
        let v = units::idf(&self.searcher, self.snap, stem);
        self.memo.idf.borrow_mut().insert(stem.to_string(), v);
        v
    }

    /// [`units::search`], run once per question for the same stems.
    pub(super) fn search(&self, stems: &[String], limit: usize) -> Vec<(f32, Unit)> {
        let memo = &self.memo.searches;
        if let Some((_, _, hits)) = memo
            .borrow()
            .iter()
            .find(|(s, l, _)| *l == limit && s.as_slice() == stems)
        {
            return hits.clone();
        }
        let hits = units::search(&self.searcher, self.snap, stems, limit);
        memo.borrow_mut()
            .push((stems.to_vec(), limit, hits.clone()));
        hits
    }

    /// IDF of a stem; a stem the content never uses weighs most.
    pub(super) fn idf(&self, stem: &str) -> f32 {
        self.idf_opt(stem).unwrap_or(self.max_idf)
    }

    /// Pages sharing a tag that the question's topic names, when at least
    /// two pages carry it (a tag on one page is no category).
    pub(super) fn tagged_pages(&self) -> Vec<usize> {
        self.snap
            .tags
            .iter()
            .filter(|(stems, pages)| {
                pages.len() >= 2
                    && !stems.is_empty()
                    && stems
                        .iter()
                        .all(|s| self.topic.iter().any(|t| t.stems.contains(s)))
            })
            .flat_map(|(_, pages)| pages.iter().copied())
            .collect()
    }

    /// Whether the question asks if something is offered ("do you do ...").
    pub(super) fn asks_offer(&self) -> bool {
        self.engine.offer.iter().any(|p| p.occurs(&self.q))
    }

    /// The units of catalog page `page` (cached per generation).
    pub(super) fn units_of(&self, page: usize) -> Vec<Unit> {
        units::page_units_with(
            &self.searcher,
            self.snap,
            &self.snap.gen.catalog.pages[page].slug,
        )
    }

    /// The units that came closest, best first, one per (page, field): on
    /// the named pages, and from a search over the question's words. For
    /// staff, who pick the one that should have answered.
    pub(super) fn candidates(
        &self,
        named: &[usize],
        n: usize,
    ) -> Vec<crate::answer::reply::Candidate> {
        let mut scored: Vec<Scored> = named
            .iter()
            .flat_map(|&p| self.units_of(p))
            .chain(
                self.search(&self.search_stems(), 20)
                    .into_iter()
                    .map(|(_, u)| u),
            )
            .map(|u| self.score(u))
            .collect();
        scored.sort_by(|a, b| b.rank().total_cmp(&a.rank()));
        let mut out: Vec<crate::answer::reply::Candidate> = Vec::new();
        for s in scored {
            if out.len() == n {
                break;
            }
            if out
                .iter()
                .any(|c| c.page == s.unit.slug && c.field == s.unit.field)
            {
                continue;
            }
            out.push(crate::answer::reply::Candidate {
                page: s.unit.slug.clone(),
                title: self
                    .page_index(&s.unit.slug)
                    .map(|p| self.page_title(p))
                    .unwrap_or_default(),
                field: s.unit.field.clone(),
            });
        }
        out
    }

    /// The canonical field a unit is about (see [`compose::canon_of`]).
    pub(super) fn canon_of(&self, u: &Unit) -> Option<usize> {
        compose::canon_of(self.engine, self.snap, u)
    }

    /// Stems searched for: the topic and the words of field phrases.
    pub(super) fn search_stems(&self) -> Vec<String> {
        let mut stems: Vec<String> = self
            .topic
            .iter()
            .flat_map(|t| t.stems.iter().cloned())
            .collect();
        for (i, t) in self.q.toks.iter().enumerate() {
            if self.fs.used[i] && !t.stop {
                stems.push(t.stem.clone());
            }
        }
        stems.sort();
        stems.dedup();
        stems
    }

    /// Decides on `best` with `confidence` (the reply is written by
    /// [`compose`]).
    pub(super) fn answer(&self, best: &Scored, confidence: f32) -> Decision {
        Decision::Answer {
            unit: best.unit.clone(),
            confidence,
        }
    }

    /// Decides on a fallback, with the reason in the trace.
    pub(super) fn fallback(&self, confidence: f32, why: &str, tr: &mut Trace) -> Decision {
        tr.log(|| format!("fallback: {why}"));
        Decision::Fallback { confidence }
    }

    /// Offers `pages`, best first, ties by page weight, at most
    /// `max_options`.
    pub(super) fn clarify(&self, mut pages: Vec<(usize, f32)>, tr: &mut Trace) -> Decision {
        let catalog = &self.snap.gen.catalog.pages;
        pages.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(catalog[a.0].weight.cmp(&catalog[b.0].weight))
        });
        pages.dedup_by_key(|p| p.0);
        pages.truncate(self.cfg().answer.max_options);
        tr.log(|| {
            let v: Vec<String> = pages
                .iter()
                .map(|(p, s)| format!("{}={s:.2}", catalog[*p].slug))
                .collect();
            format!("clarify between {}", v.join(", "))
        });
        Decision::Clarify(pages.into_iter().map(|(p, _)| p).collect())
    }
}

/// Parses what the question asks once the services it names are known:
/// their words masked, typos of field words corrected, the fields asked
/// scored, and the rest as topic words weighted by rarity.
pub(super) fn build_ctx<'a>(
    engine: &'a Engine,
    snap: &'a Snapshot,
    mut q: Question,
    named: &[NameHit],
    memo: std::rc::Rc<Memo>,
    tr: &mut Trace,
) -> Ctx<'a> {
    let cfg = engine.config();
    let searcher = snap.gen.reader.searcher();
    let n_docs = searcher.num_docs().max(1) as f32;
    let mut mask = name_mask(q.toks.len(), named);
    for h in named {
        // Other words that mean the service's name ("drip" for "IV").
        for (i, t) in q.toks.iter().enumerate() {
            if !t.stop && snap.names_use(h.page, t) {
                mask[i] = true;
            }
        }
    }
    // Typos of field words ("sesions", "recovry"): words the content does
    // not know that are one or two edits from a phrase word.
    for (i, t) in q.toks.iter_mut().enumerate() {
        if !t.stop && !mask[i] && !t.typo_checked {
            t.typo_checked = true;
            if units::idf(&searcher, snap, &t.stem).is_some() {
                continue;
            }
            if let Some(s) = engine.fields.correct(&t.word, cfg.answer.typo_min_len) {
                if !t.alts.contains(&s) {
                    t.alts.push(s);
                }
            }
        }
    }
    let fs = engine.fields.score(&q, &mask);
    let max_idf = (1.0 + n_docs).ln();
    // A word with its meanings, weighted by its rarest known form (0 if none is known).
    let weighed = |t: &crate::answer::question::Tok| {
        let mut stems = vec![t.stem.clone()];
        stems.extend(t.alts.iter().cloned());
        let idf = stems
            .iter()
            .filter_map(|s| units::idf(&searcher, snap, s))
            .fold(0.0, f32::max);
        TopicTok {
            stems,
            idf,
            clause: t.clause,
        }
    };
    let topic: Vec<TopicTok> = q
        .toks
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            !t.stop && !mask[*i] && !fs.used[*i] && !cfg.answer.category_nouns.contains(&t.word)
        })
        .map(|(_, t)| {
            let w = weighed(t);
            TopicTok {
                idf: if w.idf > 0.0 { w.idf } else { max_idf },
                ..w
            }
        })
        .collect();
    tr.log(|| {
        let f: Vec<String> = fs
            .scores
            .iter()
            .enumerate()
            .filter(|(_, &s)| s > 0.0)
            .map(|(i, s)| format!("{}={s:.2}", engine.fields.name(i)))
            .collect();
        let t: Vec<String> = topic
            .iter()
            .map(|t| format!("{}({:.1})", t.stems.join("|"), t.idf))
            .collect();
        format!("fields: [{}]  topic: [{}]", f.join(", "), t.join(", "))
    });
    let mut evidence: Vec<TopicTok> = topic
        .iter()
        .map(|t| TopicTok {
            stems: t.stems.clone(),
            idf: t.idf,
            clause: t.clause,
        })
        .collect();
    for (i, t) in q.toks.iter().enumerate() {
        if fs.used[i] && !t.stop && !mask[i] {
            let w = weighed(t);
            if w.idf > 0.0 {
                evidence.push(TopicTok {
                    idf: 0.5 * w.idf,
                    ..w
                });
            }
        }
    }
    let eff = engine.fields.with_partners(&fs.scores);
    Ctx {
        engine,
        snap,
        searcher,
        q,
        fs,
        mask,
        topic,
        evidence,
        eff,
        memo,
        max_idf,
        depth: 0,
    }
}
