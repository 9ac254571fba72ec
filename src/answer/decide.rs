//! The decision: answer, clarify, fallback or urgent.
//!
//! Rules, in order (each has its own unit tests in `tests/engine.rs`):
//! 1. Urgent symptom rules fire before anything else; then a question staff
//!    taught answers from the unit they chose.
//! 2. A service the question names (see `names`) is where the answer comes
//!    from; a longer name wins over a name inside it ("prp microneedling" over
//!    "microneedling"). A name shared by several services and followed by a
//!    category noun ("laser treatments") names the category, not a service.
//! 3. Two services named apart: a FAQ entry comparing them answers; else
//!    each is judged alone, and when only one of them answers, it does;
//!    else the reply asks which one. A general page named by a field's own
//!    words ("insurance") beside a service is a field of the service.
//! 4. Within the page, the unit whose field the question asks for (field
//!    vocabulary, row names, FAQ headings) and whose text covers the rest of
//!    the question ranks first.
//! 5. When the named page does not address the question but a general page
//!    does clearly (policies, aftercare: age limits, alcohol, flying), that
//!    page answers, on its own words only (or on a `general` field the named
//!    page leaves unsaid); another service's page never does, except a live
//!    promotion whose offer names the service, for a deal asked. A named
//!    section that cannot say it offers its pages.
//! 6. No service named: a clinic fact (hours, address) the site's business
//!    data holds answers; else the pages whose text covers what the question
//!    is about compete; one clear winner answers from a unit that is itself
//!    about the subject, several close ones are offered, none is a fallback.
//!    When the winner has no unit that says what is asked but other services
//!    cover the subject as fully, those services are offered. With no field
//!    asked, a unit whose own text covers most of the question may answer
//!    though no label fits ("how warm is the pool"). Before offering pages,
//!    each is judged alone (rule 3). Only a field asked, and services have
//!    it: the closest few are offered too.
//!    A question mostly about words the content never uses is a fallback.
//! 7. Below the confidence threshold the reply is a fallback, never a stretch.

use super::compose::{self, compose, Decision};
use super::names::NameHit;
use super::question::Question;
use super::reply::{Kind, Reply};
use super::units::{self, Unit};
use super::{Engine, Snapshot};
use crate::content::UnitKind;
use crate::text;

use std::collections::HashMap;
use tantivy::Searcher;

/// Where the service may come from besides the question itself.
pub enum Mode<'a> {
    /// The client's previous service, for follow-ups ("how much is it?").
    Context(Option<&'a str>),
    /// The service the client picked from a clarify reply.
    Page(&'a str),
}

struct Trace<'a>(Option<&'a mut Vec<String>>);

impl Trace<'_> {
    fn log(&mut self, f: impl FnOnce() -> String) {
        if let Some(t) = self.0.as_mut() {
            t.push(f());
        }
    }
}

/// A word of what the question is about (not a name, field phrase or stopword).
struct TopicTok {
    stems: Vec<String>,
    idf: f32,
}

/// A unit with its scores for this question.
struct Scored {
    unit: Unit,
    /// How well its field / heading matches what is asked (0..~1.5).
    f: f32,
    /// Share of the topic (IDF-weighted) its text covers (0..1).
    t: f32,
    /// A FAQ heading shares words with the question.
    heading_hit: bool,
    /// Share (IDF-weighted) of a FAQ heading's own words the question has.
    overlap: f32,
}

impl Scored {
    fn quality(&self) -> f32 {
        let q = self.f.min(1.0) + 0.6 * self.t;
        if self.unit.kind == UnitKind::Paragraph {
            (0.5 * q).min(1.0)
        } else {
            q.min(1.0)
        }
    }
    fn rank(&self) -> f32 {
        let prior = match self.unit.kind {
            UnitKind::Row => 0.0,
            UnitKind::Faq if self.heading_hit => 0.05,
            UnitKind::Faq => 0.0,
            UnitKind::Paragraph => -0.3,
        };
        // Field evidence counts fully up to 1.5, then at half rate: several
        // phrases for one field still beat fewer for another, but cannot
        // drown what the text says.
        let f = if self.f <= 1.5 {
            self.f
        } else {
            1.5 + 0.5 * (self.f - 1.5)
        };
        f + 0.6 * self.t + prior
    }
}

/// What one question looks up more than once.
#[derive(Default)]
struct Memo {
    idf: std::cell::RefCell<HashMap<String, Option<f32>>>,
    searches: std::cell::RefCell<Vec<Searched>>,
}

/// A search's stems and limit, and its hits.
type Searched = (Vec<String>, usize, Vec<(f32, Unit)>);

struct Ctx<'a> {
    engine: &'a Engine,
    snap: &'a Snapshot,
    searcher: Searcher,
    q: Question,
    fs: super::fields::FieldScores,
    /// Question positions that name the service.
    mask: Vec<bool>,
    topic: Vec<TopicTok>,
    /// The topic plus the field-phrase words at half weight.
    evidence: Vec<TopicTok>,
    /// Looked-up IDFs and searches, shared with the contexts a choice's
    /// pages are judged in (the same question: the same answers).
    memo: std::rc::Rc<Memo>,
    /// Field scores with partner fields filled in (a page without Anesthesia
    /// answers a numbing question from Pain Level).
    eff: Vec<f32>,
    max_idf: f32,
    /// How many pages are being judged alone around this one: a page judged
    /// alone may judge a promotion or a section's pages alone in turn, and
    /// those may point back (a promotion naming the section that lists it).
    depth: usize,
}

pub fn decide(
    engine: &Engine,
    snap: &Snapshot,
    raw: &str,
    mode: Mode<'_>,
    trace: Option<&mut Vec<String>>,
) -> Reply {
    let cfg = engine.config();
    let mut tr = Trace(trace);
    let q = Question::new(raw, &engine.terms);
    if let Some(rule) = engine.urgent.check(&q) {
        tr.log(|| format!("urgent rule fired: {rule}"));
        return compose(engine, snap, raw, &Decision::Urgent);
    }
    if let Some((slug, field)) = snap.taught.find(&q) {
        let unit = units::page_units(snap, slug)
            .into_iter()
            .find(|u| u.field == field);
        if let Some(unit) = unit {
            tr.log(|| format!("restates a question staff taught: {slug} / {field}"));
            let taught = Decision::Answer {
                unit,
                confidence: 0.95,
            };
            return compose(engine, snap, raw, &taught);
        }
    }
    let searcher = snap.gen.reader.searcher();
    let known = |s: &str| units::idf(&searcher, snap, s).is_some();
    let mut hits = snap.names.find(&q, &known);
    // A draft page's service named (and no live one named more fully): the
    // clinic does not offer it.
    let live = snap.gen.catalog.pages.len();
    let best_live = hits
        .iter()
        .filter(|h| h.named && h.page < live)
        .map(|h| h.positions.len())
        .max();
    for d in hits.iter().filter(|h| h.page >= live) {
        tr.log(|| {
            format!(
                "name of a page not published: strength {:.2} named={} full={} at {:?}",
                d.strength, d.named, d.full, d.positions
            )
        });
    }
    // ...or named as fully as a live one, with a word the live names leave
    // over ("scleral lens fitting": a scleral lens page not yet published,
    // beside the live lens fitting page).
    let live_positions: Vec<usize> = hits
        .iter()
        .filter(|h| h.named && h.page < live)
        .flat_map(|h| h.positions.iter().copied())
        .collect();
    if let Some(d) = hits.iter().find(|h| h.named && h.page >= live) {
        let own_word = (d.full || d.positions.len() >= 2)
            && d.positions.iter().any(|p| !live_positions.contains(p));
        if best_live.is_none_or(|l| l < d.positions.len() || (l == d.positions.len() && own_word)) {
            tr.log(|| "names a service that is only a draft page".into());
            return compose(engine, snap, raw, &Decision::NotOffered);
        }
    }
    hits.retain(|h| h.page < live);
    for h in &hits {
        tr.log(|| {
            format!(
                "name: {} strength {:.2} named={} full={} at {:?}",
                snap.gen.catalog.pages[h.page].slug, h.strength, h.named, h.full, h.positions
            )
        });
    }
    let mut named = resolve_named(&hits, &q, &snap.names, &cfg.answer.category_nouns, &mut tr);
    // A bare word several services' names end with ("a peel"): the service
    // the others are kinds of, when the content says so.
    if named.is_empty() {
        let parents = snap.parents(&engine.fields, &cfg.answer.category_field);
        if let Some((i, &p)) = q.toks.iter().enumerate().find_map(|(i, t)| {
            (!t.stop)
                .then(|| parents.get(&t.stem).map(|p| (i, p)))
                .flatten()
        }) {
            tr.log(|| {
                format!(
                    "'{}' is shared by several names; {} is the one the others are kinds of",
                    q.toks[i].word, snap.gen.catalog.pages[p].slug
                )
            });
            named = vec![NameHit {
                page: p,
                strength: 0.85,
                named: true,
                full: false,
                positions: vec![i],
            }];
        }
    }
    match mode {
        Mode::Page(slug) => {
            if let Some(&pi) = snap.slugs.get(slug) {
                let positions = hits
                    .iter()
                    .find(|h| h.page == pi)
                    .map(|h| h.positions.clone())
                    .unwrap_or_default();
                named = vec![NameHit::as_if_named(pi, 1.0, positions)];
            }
        }
        Mode::Context(Some(slug)) if named.is_empty() => {
            if let Some(&pi) = snap.slugs.get(slug) {
                tr.log(|| format!("no service named: follow-up on {slug}"));
                named = vec![NameHit::as_if_named(pi, 0.9, Vec::new())];
            }
        }
        Mode::Context(_) => {}
    }
    // A general page named only by words field phrases use (looked up
    // only when a general page is named): see the two rules below.
    let used = named
        .iter()
        .any(|h| !snap.service[h.page])
        .then(|| engine.fields.score(&q, &[]).used);
    let by_field = |h: &NameHit| {
        !snap.service[h.page]
            && !h.positions.is_empty()
            && used
                .as_ref()
                .is_some_and(|u| h.positions.iter().all(|&p| u[p]))
    };
    // A general page named so beside a service ("will my insurance pay for
    // veneers", "cancel my filler appt") names a field of the service, not
    // a second subject: the service's page answers, and the general page
    // only where it leaves the field unsaid (rule 5).
    if named.iter().any(|h| snap.service[h.page]) && named.iter().any(by_field) {
        tr.log(|| {
            "a general page named by a field's words beside a service: a field of the service"
                .into()
        });
        named.retain(|h| !by_field(h));
    }
    let mut distinct: Vec<usize> = named.iter().map(|h| h.page).collect();
    distinct.dedup();
    // A general page named only by words a field phrase asked with ("how
    // long is the appointment" naming the Appointment & Cancellation Policy
    // page by "appointment"), which cannot say it: the question asks the
    // field of whichever service has it, as if nothing were named, and the
    // services that have it are offered.
    let general_by_field = match named.as_slice() {
        [h] if by_field(h) => Some(h.page),
        _ => None,
    };
    let unnamed_q = general_by_field.map(|_| q.clone());
    let mut ctx = build_ctx(engine, snap, q, &named, Default::default(), &mut tr);
    let mut decision = match distinct.len() {
        0 => unnamed(&ctx, &hits, &mut tr),
        1 => single(&ctx, &named[0], &mut tr),
        _ => several(&ctx, &named, &mut tr),
    };
    if let (Some(page), Some(q), Decision::Fallback { .. }) =
        (general_by_field, unnamed_q, &decision)
    {
        tr.log(|| {
            "a general page named only by a field's words cannot say it: as if none were named"
                .into()
        });
        let rest: Vec<NameHit> = hits.iter().filter(|h| h.page != page).cloned().collect();
        let again = build_ctx(engine, snap, q, &[], ctx.memo.clone(), &mut tr);
        let d = unnamed(&again, &rest, &mut tr);
        // Only a choice of services: an answer picked after setting the
        // name aside would be a second guess, the client picks instead.
        if matches!(d, Decision::Clarify(_)) {
            decision = d;
            ctx = again;
            distinct.clear();
        }
    }
    let mut reply = compose(engine, snap, raw, &decision);
    // Staff need them where the bot was not sure, or when they ask (explain,
    // a voted-down answer); answering does not pay for them otherwise.
    if tr.0.is_some() || matches!(reply.kind, Kind::Fallback | Kind::Clarify) {
        reply.candidates = ctx.candidates(&distinct, CANDIDATES);
    }
    tr.log(|| {
        let c: Vec<String> = reply
            .candidates
            .iter()
            .map(|c| format!("{} / {}", c.page, c.field))
            .collect();
        format!("candidates: {}", c.join("; "))
    });
    reply
}

/// Most services sharing an asked field for which a clarify is still a
/// useful choice (more: the question is too general, a fallback).
const MAX_FIELD_CHOICES: usize = 6;

/// Most pages with an asked field whose units a field-only question reads
/// from the catalog (more: only those the search found).
const MAX_CATALOG_PAGES: usize = 2 * MAX_FIELD_CHOICES;

/// Ranks this close count as a tie between units.
const TIE: f32 = 0.01;

/// How many candidate units a reply carries for staff (handoff, review).
const CANDIDATES: usize = 3;

/// IDF-weighted share of `toks` for which `pick` is true (0 when empty).
fn weighted_share(toks: &[TopicTok], pick: impl Fn(&TopicTok) -> bool) -> f32 {
    let total: f32 = toks.iter().map(|t| t.idf).sum();
    if total <= 0.0 {
        return 0.0;
    }
    toks.iter().filter(|t| pick(t)).map(|t| t.idf).sum::<f32>() / total
}

/// Two stems of one word family: equal, or one extends the other by a few
/// letters ("slim" / "slimmer", "microblad" / "microbladed") where the stemmer
/// stopped short.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && long.len() - short.len() <= 3 && long.starts_with(short)
}

/// Named hits that stand: drops names inside longer names, and shared names
/// used as a category ("laser treatments").
fn resolve_named(
    hits: &[NameHit],
    q: &Question,
    names: &super::names::NameMatcher,
    category_nouns: &[String],
    tr: &mut Trace,
) -> Vec<NameHit> {
    let mut named: Vec<NameHit> = hits.iter().filter(|h| h.named).cloned().collect();
    let subset = |a: &NameHit, b: &NameHit| {
        a.positions.len() < b.positions.len() && a.positions.iter().all(|p| b.positions.contains(p))
    };
    let snapshot = named.clone();
    named.retain(|h| !snapshot.iter().any(|o| subset(h, o)));
    // A service named in full outweighs words elsewhere that only partly
    // name another ("microneedling" beside "acne scars").
    if named.iter().any(|h| h.full) {
        named.retain(|h| h.full);
    }
    named.retain(|h| {
        let shared = h.positions.iter().any(|&p| names.shared(&q.toks[p].stem));
        let last = h.positions.iter().max().copied();
        let next_is_category = last
            .and_then(|l| q.toks.get(l + 1))
            .is_some_and(|t| category_nouns.iter().any(|c| c == &t.word));
        // "lasers" for a page called "laser": the plural of a shared name
        // is the category too (a name written as a plural, "fillers", is not).
        let plural = h.positions.len() == 1
            && q.toks[h.positions[0]].word.ends_with('s')
            && !names.has_word(&q.toks[h.positions[0]].word);
        if shared && (next_is_category || plural) && h.positions.len() == 1 {
            tr.log(|| {
                "a shared name followed by a category noun: a category, not a service".into()
            });
            false
        } else {
            true
        }
    });
    // Best first: more words, then strength.
    named.sort_by(|a, b| {
        b.positions
            .len()
            .cmp(&a.positions.len())
            .then(b.strength.total_cmp(&a.strength))
    });
    named
}

impl Ctx<'_> {
    fn cfg(&self) -> &crate::config::Config {
        self.engine.config()
    }

    fn page_title(&self, page: usize) -> String {
        self.snap.gen.catalog.pages[page].display_name.clone()
    }

    fn page_index(&self, slug: &str) -> Option<usize> {
        self.snap.slugs.get(slug).copied()
    }

    /// Stems of the names of a page (excluded from FAQ heading overlap).
    fn name_stems(&self, page: usize) -> &[String] {
        self.snap.name_stems(page)
    }

    fn info(&self, field: &str) -> std::borrow::Cow<'_, super::FieldInfo> {
        self.snap.field_info(field, &self.engine.fields)
    }

    /// IDF of a stem, looked up once per question.
    fn idf_opt(&self, stem: &str) -> Option<f32> {
        if let Some(v) = self.memo.idf.borrow().get(stem) {
            return *v;
        }
        let v = units::idf(&self.searcher, self.snap, stem);
        self.memo.idf.borrow_mut().insert(stem.to_string(), v);
        v
    }

    /// [`units::search`], run once per question for the same stems.
    fn search(&self, stems: &[String], limit: usize) -> Vec<(f32, Unit)> {
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

    fn idf(&self, stem: &str) -> f32 {
        self.idf_opt(stem).unwrap_or(self.max_idf)
    }

    fn score(&self, unit: Unit) -> Scored {
        let mut heading_hit = false;
        let mut heading_overlap = 0.0;
        // Whether the question says `s` outside the name and time words;
        // with `fielded`, also outside the words field phrases used.
        let said = |s: &str, fielded: bool| {
            self.q.toks.iter().enumerate().any(|(i, t)| {
                !(self.mask[i] || self.q.is_when(i) || (fielded && self.fs.used[i]))
                    && t.has_stem(s)
            })
        };
        let in_question = |s: &str| said(s, false);
        let f = match unit.kind {
            UnitKind::Row => {
                let canon = self
                    .info(&unit.field)
                    .row
                    .map(|c| self.eff[c])
                    .unwrap_or(0.0);
                let content: Vec<&String> = unit
                    .field_stems
                    .iter()
                    .filter(|s| !text::is_stopword(s))
                    .collect();
                // A label the question restates answers it; one it half
                // restates ("what happens at the first visit" for "how long
                // is the first visit") counts for less, by the weight of the
                // words shared.
                // A word a field phrase used ("start working") says which
                // field is asked: a row of a field of its own ("How it
                // Works") is not restated by it.
                let own_field = self.info(&unit.field).row.is_some();
                let found: Vec<bool> = content.iter().map(|s| said(s, own_field)).collect();
                let direct = if content.is_empty() || !found.contains(&true) {
                    0.0
                } else if !found.contains(&false) {
                    1.0
                } else {
                    let total: f32 = content.iter().map(|s| self.idf(s)).sum();
                    let hit: f32 = content
                        .iter()
                        .zip(&found)
                        .filter(|(_, &f)| f)
                        .map(|(s, _)| self.idf(s))
                        .sum();
                    let share = if total > 0.0 { hit / total } else { 0.0 };
                    if content.len() >= 2 && share >= 0.5 {
                        0.7 * share
                    } else {
                        0.0
                    }
                };
                canon.max(direct)
            }
            UnitKind::Faq => {
                let info = self.info(&unit.field);
                let canon = info
                    .heading
                    .iter()
                    .map(|&(c, hw)| self.eff[c] * hw.min(1.0))
                    .fold(0.0, f32::max);
                let names: &[String] = match self.page_index(&unit.slug) {
                    Some(p) => self.name_stems(p),
                    None => &[],
                };
                let content: Vec<&String> =
                    info.content.iter().filter(|s| !names.contains(s)).collect();
                let total: f32 = content.iter().map(|s| self.idf(s)).sum();
                let hit: f32 = content
                    .iter()
                    .filter(|s| in_question(s))
                    .map(|s| self.idf(s))
                    .sum();
                let overlap = if total > 0.0 { hit / total } else { 0.0 };
                heading_hit = overlap > 0.0;
                heading_overlap = overlap;
                // A FAQ entry answers a narrower question than a row of the
                // same field: it wins on its own words, not on the field alone.
                (0.8 * canon + 0.5 * overlap).max(1.2 * overlap)
            }
            UnitKind::Paragraph => 0.0,
        };
        // A unit about the question's subject whose value has the asked
        // shape (a price, a number of minutes) answers the field though its
        // label names the subject instead ("Nitrous oxide: $45").
        let about_subject = || self.uncovered_by(std::slice::from_ref(&unit)) <= 0.5;
        let f = if unit.kind == UnitKind::Paragraph || self.topic.is_empty() {
            f
        } else {
            let shape = self
                .engine
                .fields
                .shape_credit(&self.fs.scores, &unit.shapes);
            if shape > f && about_subject() {
                shape
            } else {
                f
            }
        };
        let rows_name = unit.kind == UnitKind::Row;
        let t = self.evidence_coverage(|s| {
            unit.text_stems.iter().any(|x| same_word(x, s))
                || (rows_name && unit.field_stems.iter().any(|x| same_word(x, s)))
        });
        Scored {
            unit,
            f,
            t,
            heading_hit,
            overlap: heading_overlap,
        }
    }

    /// Like [`Self::coverage`], over the topic and (at half weight) the words
    /// of the field phrases: a row that literally says what was asked
    /// ("numbness") is the better answer.
    fn evidence_coverage(&self, has: impl Fn(&str) -> bool) -> f32 {
        weighted_share(&self.evidence, |t| t.stems.iter().any(|s| has(s)))
    }

    /// IDF-weighted share of the topic for which `has` is true.
    fn coverage(&self, has: impl Fn(&str) -> bool) -> f32 {
        weighted_share(&self.topic, |t| t.stems.iter().any(|s| has(s)))
    }

    /// Pages sharing a tag that the question's topic names, when at least
    /// two pages carry it (a tag on one page is no category).
    fn tagged_pages(&self) -> Vec<usize> {
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
    fn asks_offer(&self) -> bool {
        self.engine.offer.iter().any(|p| p.occurs(&self.q))
    }

    /// Share of the topic that no unit of `units` mentions (0 with no topic).
    fn uncovered_by(&self, units: &[Unit]) -> f32 {
        if self.topic.is_empty() {
            return 0.0;
        }
        1.0 - self.coverage(|s| {
            units.iter().any(|u| {
                u.text_stems.iter().any(|x| same_word(x, s))
                    || u.field_stems.iter().any(|x| same_word(x, s))
            })
        })
    }

    /// Share of the topic made of words the content never uses.
    fn unknown_share(&self) -> f32 {
        weighted_share(&self.topic, |t| {
            t.stems
                .iter()
                .all(|s| units::idf(&self.searcher, self.snap, s).is_none())
        })
    }

    /// The units of catalog page `page` (cached per generation).
    fn units_of(&self, page: usize) -> Vec<Unit> {
        units::page_units_with(
            &self.searcher,
            self.snap,
            &self.snap.gen.catalog.pages[page].slug,
        )
    }

    fn best_on_page(&self, slug: &str) -> (Vec<Unit>, Option<Scored>) {
        let units = units::page_units_with(&self.searcher, self.snap, slug);
        let best = self.pick(units.iter().cloned().map(|u| self.score(u)).collect());
        (units, best)
    }

    /// The best of `scored` by rank. Units that tie on what is asked are
    /// told apart by how much of their label the question repeats, small
    /// words and names included ("do you do payment plans": "Do you offer
    /// financing?" over "Is there a minimum for financing?").
    fn pick(&self, scored: Vec<Scored>) -> Option<Scored> {
        let top = scored.iter().map(Scored::rank).fold(f32::MIN, f32::max);
        scored
            .into_iter()
            .filter(|s| s.rank() >= top - TIE)
            .map(|s| (self.label_echo(&s.unit), s))
            .max_by(|(ea, a), (eb, b)| ea.total_cmp(eb).then(a.rank().total_cmp(&b.rank())))
            .map(|(_, s)| s)
    }

    /// Share of `unit`'s label words (small words included) the question
    /// has, in any form.
    fn label_echo(&self, unit: &Unit) -> f32 {
        if unit.field_stems.is_empty() {
            return 0.0;
        }
        let hit = unit
            .field_stems
            .iter()
            .filter(|s| self.q.toks.iter().any(|t| t.has_stem(s)))
            .count();
        hit as f32 / unit.field_stems.len() as f32
    }

    /// The units that came closest, best first, one per (page, field): on
    /// the named pages, and from a search over the question's words. For
    /// staff, who pick the one that should have answered.
    fn candidates(&self, named: &[usize], n: usize) -> Vec<super::reply::Candidate> {
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
        let mut out: Vec<super::reply::Candidate> = Vec::new();
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
            out.push(super::reply::Candidate {
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
    fn canon_of(&self, u: &Unit) -> Option<usize> {
        compose::canon_of(self.engine, self.snap, u)
    }

    /// Whether the question has every content word of the unit's label
    /// ("cancel" for "## Cancellation").
    fn restates_label(&self, unit: &Unit) -> bool {
        let content: Vec<&String> = unit
            .field_stems
            .iter()
            .filter(|s| !text::is_stopword(s))
            .collect();
        !content.is_empty()
            && content.iter().all(|s| {
                self.q.toks.iter().enumerate().any(|(i, t)| {
                    !self.mask[i]
                        && !self.q.is_measure(i)
                        && (t.has_stem(s) || same_word(&t.stem, s))
                })
            })
    }

    /// Stems searched for: the topic and the words of field phrases.
    fn search_stems(&self) -> Vec<String> {
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
    fn answer(&self, best: &Scored, confidence: f32) -> Decision {
        Decision::Answer {
            unit: best.unit.clone(),
            confidence,
        }
    }

    fn fallback(&self, confidence: f32, why: &str, tr: &mut Trace) -> Decision {
        tr.log(|| format!("fallback: {why}"));
        Decision::Fallback { confidence }
    }

    /// Offers `pages`, best first, ties by page weight, at most
    /// `max_options`.
    fn clarify(&self, mut pages: Vec<(usize, f32)>, tr: &mut Trace) -> Decision {
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

    /// The best unit on pages other than `exclude`, from a global search
    /// widened with the words of the fields asked. General pages (no service
    /// of their own) may answer on the field; another service's page only
    /// when its text covers what the question is about.
    fn best_elsewhere(&self, exclude: &[usize]) -> Option<Scored> {
        // Pages judged alone search with every word of the question, their
        // own names included: one search serves them all (the memo), and
        // the units found are scored in each page's own context.
        let mut stems = if self.depth > 0 {
            self.q
                .toks
                .iter()
                .filter(|t| !t.stop && !t.when)
                .flat_map(|t| std::iter::once(&t.stem).chain(&t.alts).cloned())
                .collect()
        } else {
            self.search_stems()
        };
        for (c, &score) in self.fs.scores.iter().enumerate() {
            if score >= 1.0 {
                stems.extend(self.engine.fields.phrase_words(c).iter().cloned());
            }
        }
        stems.sort();
        stems.dedup();
        self.search(&stems, 40)
            .into_iter()
            .filter_map(|(_, u)| {
                self.page_index(&u.slug)
                    .filter(|p| !exclude.contains(p))
                    .map(|p| (p, u))
            })
            .map(|(p, u)| (p, self.score(u)))
            // A named service is never answered from another service's
            // page: only general pages (policies, payment, aftercare) speak
            // for every service.
            .filter(|(p, _)| !self.snap.service[*p])
            .map(|(_, s)| s)
            .max_by(|a, b| {
                a.quality()
                    .total_cmp(&b.quality())
                    .then(a.rank().total_cmp(&b.rank()))
            })
    }
}

/// Parses what the question asks once the services it names are known:
/// their words masked, typos of field words corrected, the fields asked
/// scored, and the rest as topic words weighted by rarity.
fn build_ctx<'a>(
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
        let stems = snap.name_stems(h.page);
        for (i, t) in q.toks.iter().enumerate() {
            if !t.stop && stems.iter().any(|s| t.has_stem(s)) {
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
    let weighed = |t: &super::question::Tok| {
        let mut stems = vec![t.stem.clone()];
        stems.extend(t.alts.iter().cloned());
        let idf = stems
            .iter()
            .filter_map(|s| units::idf(&searcher, snap, s))
            .fold(0.0, f32::max);
        TopicTok { stems, idf }
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

/// One service named.
fn single(ctx: &Ctx, hit: &NameHit, tr: &mut Trace) -> Decision {
    let cfg = ctx.cfg();
    let slug = ctx.snap.gen.catalog.pages[hit.page].slug.clone();
    let (page_units, best) = ctx.best_on_page(&slug);
    let Some(best) = best else {
        return ctx.fallback(0.0, "the page has no units", tr);
    };
    let quality = best.quality();
    let uncovered = ctx.uncovered_by(&page_units);
    let unknown = ctx.unknown_share();
    // Words the page does not mention lower confidence; words the whole
    // content never mentions ("migraines") lower it most.
    // With a clearly asked field, extra words are chatter ("woke up with a
    // headache"); without one, words the content never uses mean the
    // question is about something else ("botox for migraines").
    let penalty = if best.f >= 1.0 {
        0.3 * uncovered
    } else {
        // Unknown words weigh less when the page's best unit is a good fit
        // anyway ("terrified of needles ... numb me before the botox").
        (((uncovered - unknown).max(0.0) * 0.6 + unknown * 0.9) * (1.2 - quality).min(1.0)).min(1.0)
    };
    let conf = hit.strength * (0.3 + 0.7 * quality) * (1.0 - penalty);
    tr.log(|| {
        let mut ranks: Vec<f32> = page_units.iter().cloned().map(|u| ctx.score(u).rank()).collect();
        ranks.sort_by(|a, b| b.total_cmp(a));
        format!(
            "named {slug}: best {} (f {:.2}, t {:.2}, quality {quality:.2}), uncovered {uncovered:.2} -> confidence {conf:.2} [rank {:.2} second {:.2} unknown {unknown:.2}]",
            best.unit.field, best.f, best.t, best.rank(), ranks.get(1).copied().unwrap_or(0.0)
        )
    });
    // "Do you do X?" about a service we have: yes, and what it is for. Only
    // when nothing else is asked, not even faintly: "how old do you have to
    // be for X" and "what tests do you do at X" ask something the purpose
    // row does not say.
    if ctx.topic.is_empty() && ctx.fs.max() < 0.4 && ctx.asks_offer() {
        let purpose = ctx.engine.fields.canon_of_name("Purpose");
        let unit = page_units
            .iter()
            .find(|u| {
                u.kind == UnitKind::Row && purpose.is_some() && ctx.info(&u.field).row == purpose
            })
            .or_else(|| page_units.iter().find(|u| u.kind == UnitKind::Paragraph));
        if let Some(u) = unit {
            tr.log(|| "asks whether the named service is offered: yes, with what it is for".into());
            let scored = ctx.score(u.clone());
            return ctx.answer(&scored, 0.8 * hit.strength);
        }
    }
    if let Some(d) = promotion_for(ctx, hit, &page_units, tr) {
        return d;
    }
    if let Some(d) = business_fact(ctx, Some(&page_units), tr) {
        return d;
    }
    // Rule 5: another page addresses it clearly while this one does not.
    let unsure = conf < cfg.answer.answer_threshold;
    // The page leaves what the question is about unsaid ("advil").
    let silent = uncovered >= 0.5;
    if quality < 0.6 || unsure || silent {
        if let Some(other) = ctx.best_elsewhere(&[hit.page]) {
            let qo = other.quality();
            tr.log(|| {
                format!(
                    "elsewhere: {} / {} quality {qo:.2}",
                    other.unit.slug, other.unit.field
                )
            });
            // Clearly better; or, when this page leaves us unsure, a good
            // unit that also covers the question's own words ("advil").
            let covered = ctx.coverage(|x| other.unit.text_stems.iter().any(|y| same_word(y, x)));
            let general = ctx
                .page_index(&other.unit.slug)
                .is_some_and(|p| !ctx.snap.service[p]);
            // ...and only on its own words: its text covers what the
            // question is about, its FAQ heading restates the question, or
            // it is the general entry on exactly the field asked, which the
            // named page leaves unsaid (age limits, cancellation).
            // (a field every service may share: a promotion's offer is not
            // one, it speaks only for the services it names).
            let field_unsaid_here = ctx.canon_of(&other.unit).is_some_and(|c| {
                ctx.engine.fields.is_general(c)
                    && !page_units.iter().any(|u| ctx.canon_of(u) == Some(c))
            });
            let own_words = (!ctx.topic.is_empty() && covered >= 0.5)
                || other.overlap >= 0.6
                || (general
                    && field_unsaid_here
                    && other.unit.kind == UnitKind::Faq
                    && other.f >= 1.0)
                || (general && field_unsaid_here && ctx.restates_label(&other.unit));
            // The named page's best row answers a field the question asks
            // less than the one a general page answers ("will medicare pay
            // for my hearing aids": Insurance over the page's price row).
            let asked = |u: &Unit| ctx.fs.of(ctx.canon_of(u));
            let outranked =
                general && field_unsaid_here && asked(&other.unit) >= asked(&best.unit) + 1.0;
            // Something of the question must show in the other unit (its
            // topic words or its FAQ wording), or the question must ask the
            // other unit's field more than the named page's, and by more
            // than one plain phrase ("im 17 can i get lip filler": the age
            // FAQ). A field name alone is a neighbour, not an answer.
            let echoes = covered > 0.01
                || other.overlap > 0.1
                || (ctx.topic.is_empty() && ctx.restates_label(&other.unit))
                || (outranked && other.f > 1.0);
            let better = qo >= 0.6 && qo > quality + 0.2;
            if own_words
                && echoes
                && (better
                    || (outranked && qo >= 0.8)
                    || (unsure && qo >= 0.8 && covered > 0.0)
                    || (silent && general && qo >= 0.6 && covered >= 1.0 - uncovered + 0.3))
            {
                tr.log(|| {
                    format!(
                        "answered elsewhere (f {:.2}): better {better}, outranked {outranked}, unsure {unsure}, silent {silent}; covered {covered:.2}, overlap {:.2}, general {general}",
                        other.f,
                        other.overlap
                    )
                });
                let c = (0.3 + 0.7 * qo) * 0.9;
                return ctx.answer(&other, c);
            }
        }
    }
    if conf >= cfg.answer.answer_threshold {
        ctx.answer(&best, conf)
    } else if let Some(d) = section_children(ctx, hit, tr) {
        d
    } else {
        ctx.fallback(conf, "the named service's page does not answer this", tr)
    }
}

/// A section's list page named ("any specials going on") that cannot say
/// it: the pages in the section speak. One that alone answers does; else a
/// few are offered (more than `MAX_FIELD_CHOICES`: none).
fn section_children(ctx: &Ctx, hit: &NameHit, tr: &mut Trace) -> Option<Decision> {
    let pages = &ctx.snap.gen.catalog.pages;
    let section = &pages[hit.page];
    if section.kind != crate::content::PageKind::Section {
        return None;
    }
    let dir = section
        .path
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))?;
    let children: Vec<usize> = (0..pages.len())
        .filter(|&p| p != hit.page && pages[p].path.starts_with(&dir))
        .collect();
    if children.is_empty() || children.len() > MAX_FIELD_CHOICES {
        return None;
    }
    tr.log(|| format!("a section named: its {} pages speak", children.len()));
    let judged: Vec<Judged> = children
        .iter()
        .map(|&page| Judged {
            hit: NameHit::as_if_named(page, hit.strength, hit.positions.clone()),
            weight: 1.0,
            named: true,
        })
        .collect();
    if let Some(d) = settle(ctx, &judged, tr) {
        return Some(d);
    }
    (children.len() >= 2).then(|| ctx.clarify(children.iter().map(|&p| (p, 1.0)).collect(), tr))
}

/// Before offering a choice: each page judged as if it alone were named.
/// When only one of them answers (or all that answer give the same unit: a
/// general page speaking for each), that answer stands. "can i clean my
/// night guard in hot water" names the cleanings page too, but only the
/// night guard page says it. When two answer, the client may mean either
/// ("is prp painful": both PRP pages say), so the choice is offered.
///
/// Each hit comes with a weight on its confidence: 1 for a service the
/// question names; for a page only the topic points at, the share of the
/// question its text covers, since nothing else vouches for it.
fn settle(ctx: &Ctx, hits: &[Judged], tr: &mut Trace) -> Option<Decision> {
    // Judging each page costs a whole single-page decision: a long list is
    // not a choice anyone would be offered anyway.
    if hits.len() > MAX_FIELD_CHOICES {
        return None;
    }
    let threshold = ctx.cfg().answer.answer_threshold;
    let mut answers: Vec<(Unit, f32, bool)> = Vec::new();
    for Judged { hit, weight, named } in hits {
        let slug = &ctx.snap.gen.catalog.pages[hit.page].slug;
        let (alone, d) = judge_alone(ctx, hit, &format!("alone {slug}"), tr);
        if let Decision::Answer { unit, confidence } = d {
            // Judged alone, a page that has its own good unit may still
            // hand over to another page in the choice: then both have
            // something to say, and the client chooses.
            let own = &unit.slug == slug;
            let in_choice = hits
                .iter()
                .any(|j| ctx.snap.gen.catalog.pages[j.hit.page].slug == unit.slug);
            let could_say = || {
                alone
                    .best_on_page(slug)
                    .1
                    .is_some_and(|b| b.quality() >= 0.6)
            };
            if !own && in_choice && could_say() {
                tr.log(|| {
                    format!(
                        "  alone {slug}: hands over to {}, also in the choice",
                        unit.slug
                    )
                });
                return None;
            }
            // A page only the topic points at must answer with a unit that
            // itself says what is asked about the subject, as when no
            // service is named at all (it still stands in another's way).
            let s = ctx.score(unit.clone());
            let says = s.f >= 0.5 || s.overlap >= 0.5;
            let about = s.t >= 0.3 || s.overlap >= 0.5;
            // Two different answers: the client chooses.
            if answers
                .first()
                .is_some_and(|(u, _, _)| u.slug != unit.slug || u.field != unit.field)
            {
                return None;
            }
            answers.push((unit, confidence * weight, *named || (says && about)));
        }
    }
    answers.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (top, conf, fits) = answers.first()?;
    let same = |u: &Unit| u.slug == top.slug && u.field == top.field;
    (*fits && *conf >= threshold && answers.iter().all(|(u, _, _)| same(u))).then(|| {
        tr.log(|| {
            format!(
                "judged alone, only {} / {} answers ({conf:.2})",
                top.slug, top.field
            )
        });
        Decision::Answer {
            unit: top.clone(),
            confidence: *conf,
        }
    })
}

/// Decides for `hit`'s page as if the question named only it (its own
/// name words masked, the others' words back in the topic); the trace
/// lines are kept under `label`.
fn judge_alone<'a>(
    ctx: &Ctx<'a>,
    hit: &NameHit,
    label: &str,
    tr: &mut Trace,
) -> (Ctx<'a>, Decision) {
    let mut lines = Vec::new();
    let mut sub = Trace(tr.0.is_some().then_some(&mut lines));
    let mut alone = build_ctx(
        ctx.engine,
        ctx.snap,
        ctx.q.clone(),
        std::slice::from_ref(hit),
        ctx.memo.clone(),
        &mut sub,
    );
    alone.depth = ctx.depth + 1;
    let d = if alone.depth > MAX_DEPTH {
        alone.fallback(
            0.0,
            "judged alone too deep: pages that point at each other",
            &mut sub,
        )
    } else {
        single(&alone, hit, &mut sub)
    };
    for l in lines {
        tr.log(|| format!("  {label}: {l}"));
    }
    (alone, d)
}

/// The question positions these name hits stand on.
fn name_mask<'h>(len: usize, hits: impl IntoIterator<Item = &'h NameHit>) -> Vec<bool> {
    let mut mask = vec![false; len];
    for h in hits {
        for &p in &h.positions {
            mask[p] = true;
        }
    }
    mask
}

/// Most pages judged alone inside one another (a choice's page, its
/// promotion, that promotion's section).
const MAX_DEPTH: usize = 3;

/// A page to be judged alone by [`settle`].
struct Judged {
    hit: NameHit,
    /// Multiplies its answer's confidence.
    weight: f32,
    /// The question names it (else only the topic points at it).
    named: bool,
}

/// Pages the topic points at, judged as if named (their own name words
/// masked), weighted by how much of the question their text covers. None
/// when there are more than [`settle`] judges (a tag shared by thousands of
/// pages must not load them all).
fn as_named(ctx: &Ctx, hits: &[NameHit], pages: &[usize]) -> Vec<Judged> {
    if pages.len() > MAX_FIELD_CHOICES {
        return Vec::new();
    }
    pages
        .iter()
        .map(|&page| {
            let units = ctx.units_of(page);
            let positions = hits
                .iter()
                .find(|h| h.page == page)
                .map(|h| h.positions.clone())
                .unwrap_or_default();
            let hit = NameHit::as_if_named(page, 1.0, positions);
            Judged {
                hit,
                weight: 1.0 - ctx.uncovered_by(&units),
                named: false,
            }
        })
        .collect()
}

/// A deal asked on a named service whose page has none ("any lip filler
/// deals"): a live promotion whose offer (or name) names the service
/// speaks for it, and answers as if it had been named; several are
/// offered. A promotion that does not name the service never answers.
fn promotion_for(
    ctx: &Ctx,
    hit: &NameHit,
    page_units: &[Unit],
    tr: &mut Trace,
) -> Option<Decision> {
    let offer = ctx.engine.fields.promotion()?;
    if ctx.fs.of(Some(offer)) < 1.0 || page_units.iter().any(|u| ctx.canon_of(u) == Some(offer)) {
        return None;
    }
    let pages = &ctx.snap.gen.catalog.pages;
    let names: Vec<Vec<String>> = pages[hit.page]
        .names
        .iter()
        .map(|n| text::stems(n))
        .filter(|n| !n.is_empty())
        .collect();
    let offer_unit = |p: usize| {
        let own_names = ctx.name_stems(p);
        ctx.units_of(p)
            .into_iter()
            .filter(|u| ctx.canon_of(u) == Some(offer))
            .find(|u| {
                names.iter().any(|n| {
                    n.iter()
                        .all(|s| u.text_stems.contains(s) || own_names.contains(s))
                })
            })
    };
    // A section's list of its promotions is not itself the deal; its pages
    // are (and judging the list would judge this page again).
    let found: Vec<(usize, Unit)> = ctx.snap.canon_pages[offer]
        .iter()
        .filter(|&&p| p != hit.page && pages[p].kind != crate::content::PageKind::Section)
        .filter_map(|&p| offer_unit(p).map(|u| (p, u)))
        .collect();
    match found.as_slice() {
        [] => None,
        [(p, deal)] => {
            tr.log(|| {
                format!(
                    "a deal on the named service: the promotion {}",
                    pages[*p].slug
                )
            });
            let promo = NameHit::as_if_named(*p, hit.strength, hit.positions.clone());
            let (_, d) = judge_alone(ctx, &promo, "promotion", tr);
            // Its own best unit when it has one, else its offer.
            match d {
                Decision::Answer { .. } => Some(d),
                _ => Some(ctx.answer(&ctx.score(deal.clone()), 0.8 * hit.strength)),
            }
        }
        _ => {
            tr.log(|| "a deal on the named service: several promotions name it".into());
            Some(ctx.clarify(found.iter().map(|(p, _)| (*p, 1.0)).collect(), tr))
        }
    }
}

/// Several services named apart: a comparison.
fn several(ctx: &Ctx, named: &[NameHit], tr: &mut Trace) -> Decision {
    // Words that named each page, as stems.
    let stems_of = |h: &NameHit| -> Vec<String> {
        h.positions
            .iter()
            .flat_map(|&p| {
                let t = &ctx.q.toks[p];
                std::iter::once(t.stem.clone()).chain(t.alts.iter().cloned())
            })
            .collect()
    };
    let mut pages: Vec<usize> = named.iter().map(|h| h.page).collect();
    pages.dedup();
    // A FAQ entry on one page that names another named service.
    for h in named {
        let slug = &ctx.snap.gen.catalog.pages[h.page].slug;
        let page_units = units::page_units_with(&ctx.searcher, ctx.snap, slug);
        // Two pages named by the same words ("batteries": the shop and its
        // batteries page) are one name on two pages, not a comparison.
        let apart = |o: &&NameHit| o.positions.iter().any(|p| !h.positions.contains(p));
        for other in named.iter().filter(|o| o.page != h.page).filter(apart) {
            let other_names: Vec<Vec<String>> = ctx.snap.gen.catalog.pages[other.page]
                .names
                .iter()
                .map(|n| text::stems(n))
                .collect();
            // Only words that tell the other service from this one count
            // ("vi", not the "peel" both names share).
            let own = ctx.name_stems(h.page).to_vec();
            let ostems: Vec<String> = stems_of(other)
                .into_iter()
                .filter(|s| !own.contains(s))
                .collect();
            if let Some(u) = page_units.iter().find(|u| {
                u.kind == UnitKind::Faq
                    && (other_names
                        .iter()
                        .any(|n| !n.is_empty() && n.iter().all(|s| u.field_stems.contains(s)))
                        || ostems.iter().any(|s| u.field_stems.contains(s)))
            }) {
                tr.log(|| {
                    format!(
                        "comparison answered by the FAQ entry '{}' on {slug}",
                        u.field
                    )
                });
                let scored = ctx.score(u.clone());
                return ctx.answer(&scored, 0.8);
            }
        }
    }
    let hits: Vec<Judged> = pages
        .iter()
        .filter_map(|&p| named.iter().find(|h| h.page == p))
        .map(|h| Judged {
            hit: h.clone(),
            weight: 1.0,
            named: true,
        })
        .collect();
    if let Some(d) = settle(ctx, &hits, tr) {
        return d;
    }
    // Several names that all point at the same words: the same name on two pages.
    ctx.clarify(pages.iter().map(|&p| (p, 1.0)).collect(), tr)
}

/// A fact about the clinic asked outright ("what time do you close on
/// fridays", "street address pls"), with no service in view: the site's own
/// business data answers it, whatever else the question says.
///
/// With a service named, only when the question asks it of the clinic
/// ("r u open saturdays? i work mon-fri", naming the work checks page by
/// its word "work") and the page has nothing of that field: the page cannot
/// say when the clinic is open, the clinic's own data can. "What times are
/// the pilates classes" asks the service, and stays with its page.
fn business_fact(ctx: &Ctx, named_units: Option<&[Unit]>, tr: &mut Trace) -> Option<Decision> {
    if named_units.is_some() && !ctx.q.addresses_clinic() {
        return None;
    }
    let fields = &ctx.engine.fields;
    let (canon, score) = ctx.fs.top()?;
    let runner_up = ctx
        .fs
        .scores
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != canon)
        .map(|(_, &v)| v)
        .fold(0.0, f32::max);
    if score < 1.0 || !fields.is_general(canon) || runner_up >= score {
        return None;
    }
    if named_units.is_some_and(|units| units.iter().any(|u| ctx.canon_of(u) == Some(canon))) {
        return None;
    }
    let business = ctx.snap.canon_pages[canon]
        .iter()
        .copied()
        .find(|&p| ctx.snap.gen.catalog.pages[p].kind == crate::content::PageKind::Business)?;
    let slug = &ctx.snap.gen.catalog.pages[business].slug;
    let units = units::page_units_with(&ctx.searcher, ctx.snap, slug);
    let unit = units
        .iter()
        .find(|u| ctx.info(&u.field).row == Some(canon))?;
    // Other words must be chatter the content never uses ("trying to come
    // after work"), not a subject the site talks about ("pool therapy").
    let about_something = ctx.topic.iter().any(|t| {
        t.idf < ctx.max_idf
            && !t
                .stems
                .iter()
                .any(|s| unit.text_stems.iter().any(|x| same_word(x, s)))
    });
    if about_something {
        return None;
    }
    tr.log(|| {
        format!(
            "a clinic fact ({}) the site's business data holds",
            fields.name(canon)
        )
    });
    let scored = ctx.score(unit.clone());
    Some(ctx.answer(&scored, 0.85))
}

/// No service named: let the content compete.
fn unnamed(ctx: &Ctx, hits: &[NameHit], tr: &mut Trace) -> Decision {
    let cfg = ctx.cfg();
    let margin = cfg.answer.clarify_margin;
    let stems = ctx.search_stems();
    if stems.is_empty() {
        return ctx.fallback(0.0, "nothing to search for", tr);
    }
    let unknown = ctx.unknown_share();
    if unknown >= cfg.answer.unknown_share && ctx.fs.max() < 1.0 {
        let why = format!(
            "{:.0}% of the question is about things the content never mentions",
            unknown * 100.0
        );
        return ctx.fallback(1.0 - unknown, &why, tr);
    }
    if let Some(r) = (hits.is_empty())
        .then(|| business_fact(ctx, None, tr))
        .flatten()
    {
        return r;
    }
    let found = ctx.search(&stems, 60);
    let scored: Vec<Scored> = found.into_iter().map(|(_, u)| ctx.score(u)).collect();
    if ctx.topic.is_empty() {
        let searched = scored.len();
        let scored = with_field_units(ctx, scored);
        return field_only(ctx, &scored, searched, hits, tr);
    }
    // Category: the topic is what several services are (their category row
    // says "fat reduction", "neuromodulator", "laser"), or a tag several
    // pages share ("wellness", "facials").
    let category = ctx.engine.fields.canon_of_name(&cfg.answer.category_field);
    let mut cat_pages: Vec<usize> = scored
        .iter()
        .filter(|s| {
            category.is_some()
                && ctx.info(&s.unit.field).row == category
                && ctx.coverage(|x| s.unit.text_stems.iter().any(|y| y == x)) >= 0.99
        })
        .filter_map(|s| ctx.page_index(&s.unit.slug))
        .collect();
    cat_pages.extend(ctx.tagged_pages());
    cat_pages.sort_unstable();
    cat_pages.dedup();
    if cat_pages.len() >= 2 {
        let hint = |p: usize| {
            hits.iter()
                .find(|h| h.page == p)
                .map(|h| h.strength)
                .unwrap_or(0.0)
        };
        tr.log(|| format!("the topic is a category of {} services", cat_pages.len()));
        if let Some(d) = settle(ctx, &as_named(ctx, hits, &cat_pages), tr) {
            return d;
        }
        return ctx.clarify(cat_pages.iter().map(|&p| (p, 1.0 + hint(p))).collect(), tr);
    }
    if ctx.asks_offer() && hits.iter().all(|h| h.named) {
        return ctx.fallback(
            0.6,
            "asks whether something is offered, and it names no service we have",
            tr,
        );
    }
    // Pages compete on how much of the topic they cover as a whole, plus a
    // hint when their name has a word of the question ("lips" -> Lip Filler).
    let mut pages: Vec<usize> = scored
        .iter()
        .filter_map(|s| ctx.page_index(&s.unit.slug))
        .collect();
    pages.extend(hits.iter().filter(|h| !h.named).map(|h| h.page));
    let mut seen = Vec::new();
    pages.retain(|p| {
        if seen.contains(p) {
            false
        } else {
            seen.push(*p);
            true
        }
    });
    pages.truncate(12);
    let mut ranked: Vec<(usize, f32, f32, Vec<Unit>)> = pages
        .into_iter()
        .map(|p| {
            let units = ctx.units_of(p);
            let hint = hits
                .iter()
                .find(|h| h.page == p && !h.named)
                .map(|h| h.strength)
                .unwrap_or(0.0);
            let mut coverage = 1.0 - ctx.uncovered_by(&units);
            // A strongly asked field that only this page has stands for the
            // topic ("is the office accessible": Accessibility).
            let unique_field = ctx.fs.scores.iter().enumerate().any(|(c, &s)| {
                // A one-word field ("location") among words the content
                // never uses ("another location in dallas") is not enough.
                let sure = s >= 1.5 || unknown < cfg.answer.unknown_share;
                s >= 1.0 && sure && ctx.snap.canon_pages[c] == [p]
            });
            if unique_field {
                coverage = coverage.max(0.8);
            }
            // The best row or FAQ entry for what is asked: a page that has
            // the asked field (or restates the question as a FAQ) leads.
            let best_f = units
                .iter()
                .cloned()
                .map(|u| ctx.score(u).f)
                .fold(0.0, f32::max);
            let unique = if unique_field { 0.5 } else { 0.0 };
            (
                p,
                coverage + hint + unique + 0.5 * best_f.min(1.5),
                coverage,
                units,
            )
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    tr.log(|| {
        let v: Vec<String> = ranked
            .iter()
            .take(6)
            .map(|(p, s, c, _)| format!("{}={s:.2}/{c:.2}", ctx.snap.gen.catalog.pages[*p].slug))
            .collect();
        format!("no service named; pages by topic: {}", v.join(", "))
    });
    let Some((top, p1, mut cov1)) = ranked.first().map(|(p, s, c, _)| (*p, *s, *c)) else {
        return ctx.fallback(0.0, "no page mentions the topic", tr);
    };
    // A FAQ heading the question restates in full ("running late") carries
    // the page even when the question has words the page does not.
    let restated = ranked[0]
        .3
        .iter()
        .any(|u| u.kind == UnitKind::Faq && ctx.score(u.clone()).overlap >= 0.99);
    if restated {
        cov1 = cov1.max(0.75);
    }
    if cov1 < 0.5 {
        return ctx.fallback(cov1, "no page covers the topic well", tr);
    }
    let close: Vec<(usize, f32)> = ranked
        .iter()
        .enumerate()
        .filter(|(i, (_, s, c, _))| (*i == 0 || *c >= 0.5) && *s >= p1 - margin)
        .map(|(_, x)| x)
        .map(|(p, s, _, _)| (*p, *s))
        .collect();
    if close.len() >= 2 {
        if unknown >= cfg.answer.unknown_share {
            return ctx.fallback(
                0.3,
                "several pages share a little of it, and most of it the content never mentions",
                tr,
            );
        }
        let pages: Vec<usize> = close.iter().map(|c| c.0).collect();
        if let Some(d) = settle(ctx, &as_named(ctx, hits, &pages), tr) {
            return d;
        }
        return ctx.clarify(close, tr);
    }
    // A page that covers most of the topic, or clearly more than any other.
    let p2 = ranked.get(1).map(|r| r.1).unwrap_or(0.0);
    if cov1 < 0.7 && !(cov1 >= 0.55 && p1 - p2 >= 0.4) {
        return ctx.fallback(
            cov1,
            "the one page that fits leaves much of the question uncovered",
            tr,
        );
    }
    let page_units = &ranked[0].3;
    // The top page cannot say it; when other pages cover the question's
    // subject as fully, the client may mean one of them: ask which.
    let fully: Vec<(usize, f32)> = ranked
        .iter()
        .filter(|(p, _, c, _)| *c >= 0.99 && ctx.snap.service[*p])
        .map(|(p, s, _, _)| (*p, *s))
        .collect();
    let ask_which = |tr: &mut Trace| -> Option<Decision> {
        (cov1 >= 0.99
            && fully.len() >= 2
            && fully.len() <= MAX_FIELD_CHOICES
            && fully.iter().any(|(p, _)| *p == top)
            && unknown < cfg.answer.unknown_share)
            .then(|| {
                tr.log(|| "the top page does not say it; several cover the subject fully".into());
                ctx.clarify(fully.clone(), tr)
            })
    };
    let best_f = page_units
        .iter()
        .cloned()
        .map(|u| ctx.score(u).f)
        .fold(0.0, f32::max);
    // The page cannot say it: offer the services that cover it as fully,
    // else a fallback.
    let cannot_say = |why: &str, tr: &mut Trace| {
        ask_which(tr).unwrap_or_else(|| ctx.fallback(cov1 * 0.5, why, tr))
    };
    // No service was named, so the unit itself must be about the question's
    // subject, not only its page: the best of those that are.
    // When a field is clearly asked, the unit must be about it too; when
    // none is ("how warm is the pool"), a unit whose own text covers most
    // of the question may say it though no label fits.
    let field_asked = ctx.fs.max() >= 1.0;
    if best_f < 0.5 && field_asked {
        return cannot_say("no row or FAQ entry of the page fits what is asked", tr);
    }
    let by_text = best_f < 0.5;
    let about = |s: &Scored| {
        if by_text {
            s.t >= 0.6 || s.overlap >= 0.5
        } else {
            (s.t >= 0.3 || s.overlap >= 0.5) && (!field_asked || s.f >= 0.5)
        }
    };
    let Some(best) = ctx.pick(
        page_units
            .iter()
            .cloned()
            .map(|u| ctx.score(u))
            .filter(|s| about(s))
            .collect(),
    ) else {
        return cannot_say(
            "the page is about it, but no unit of it says what is asked",
            tr,
        );
    };
    let conf = cov1 * (0.3 + 0.7 * best.quality());
    let slug = &ctx.snap.gen.catalog.pages[top].slug;
    tr.log(|| {
        format!(
            "one page covers it: {slug} / {} (quality {:.2}) -> confidence {conf:.2}",
            best.unit.field,
            best.quality()
        )
    });
    if conf >= cfg.answer.answer_threshold {
        ctx.answer(&best, conf)
    } else {
        ctx.fallback(conf, "not sure enough", tr)
    }
}

/// `scored` plus the units of the most asked field the search missed: its
/// pages are known from the catalog, and a question that only asks a field
/// may share no word with them ("anything i need to do to get ready
/// beforehand" and a "How to prepare" section).
fn with_field_units<'c>(ctx: &Ctx<'c>, mut scored: Vec<Scored>) -> Vec<Scored> {
    let Some((canon, score)) = ctx.fs.top() else {
        return scored;
    };
    // On a big site a field many pages have is offered from the search's
    // closest few; reading every such page would cost a page read per
    // page (thousands at 10k pages).
    let pages = &ctx.snap.canon_pages[canon];
    if score < 1.0 || pages.len() > MAX_CATALOG_PAGES {
        return scored;
    }
    for &p in pages {
        for u in ctx.units_of(p) {
            if ctx.canon_of(&u) == Some(canon) && !scored.iter().any(|s| s.unit.addr == u.addr) {
                scored.push(ctx.score(u));
            }
        }
    }
    scored
}

/// Only a field was asked ("is there parking"): the one page that has it.
/// Words that partly name services ("peel") narrow it to those services.
///
/// `scored[searched..]` are units of the field the search did not find:
/// they may make a choice of services, but one alone shares no word with
/// the question and is not picked as the answer.
fn field_only(
    ctx: &Ctx,
    scored: &[Scored],
    searched: usize,
    hits: &[NameHit],
    tr: &mut Trace,
) -> Decision {
    let hinted: Vec<(usize, f32)> = hits
        .iter()
        .filter(|h| !h.named)
        .map(|h| (h.page, h.strength))
        .collect();
    if let Some(&(first, s1)) = hinted.first() {
        let close: Vec<(usize, f32)> = hinted
            .iter()
            .filter(|(_, s)| *s >= s1 - ctx.cfg().answer.clarify_margin)
            .cloned()
            .collect();
        if close.len() >= 2 {
            return ctx.clarify(close, tr);
        }
        let slug = ctx.snap.gen.catalog.pages[first].slug.clone();
        let (_, best) = ctx.best_on_page(&slug);
        // The field must be asked by other words than the hint: "peel" in
        // "what kinds of peels do you have" is the service, not peeling
        // skin (Recovery).
        let skip = name_mask(ctx.q.toks.len(), hits.iter().filter(|h| h.page == first));
        let beyond = ctx.engine.fields.score(&ctx.q, &skip);
        let asked_beyond = |b: &Scored| beyond.of(ctx.canon_of(&b.unit)) >= 1.0 || b.heading_hit;
        if let Some(best) = best.filter(|b| b.f >= 0.9 && asked_beyond(b)) {
            let conf = (0.3 + 0.7 * best.quality()) * (0.5 + s1).min(1.0);
            tr.log(|| format!("field asked of the one service a word hints at: {slug} -> confidence {conf:.2}"));
            if conf >= ctx.cfg().answer.answer_threshold {
                return ctx.answer(&best, conf);
            }
        }
    }
    let best = scored.iter().max_by(|a, b| a.rank().total_cmp(&b.rank()));
    // A row of another field than the one asked, found by a shared word
    // ("email address" is not the Address row), does not answer.
    let asked_other = |b: &Scored| {
        let info = ctx.info(&b.unit.field);
        let asked = |c: usize| ctx.eff[c] >= 1.0;
        let fields_of_it = match b.unit.kind {
            UnitKind::Row => info.row.map(|c| vec![c]).unwrap_or_default(),
            _ => info.heading.iter().map(|(c, _)| *c).collect(),
        };
        ctx.fs.max() >= 1.0 && !fields_of_it.is_empty() && !fields_of_it.into_iter().any(asked)
    };
    let Some(best) = best.filter(|b| b.f >= 0.9 && !asked_other(b)) else {
        return ctx.fallback(0.2, "a field was asked but no page has it", tr);
    };
    // Rivals: other pages that have the same field (from the catalog, not
    // only the search results). A general page's FAQ entry the question
    // restates answers for every service ("while pregnant"); a row of one
    // service among many does not.
    let canon = ctx.canon_of(&best.unit);
    let page = ctx.page_index(&best.unit.slug);
    let general_faq = best.unit.kind == UnitKind::Faq
        && best.heading_hit
        && page.is_some_and(|p| !ctx.snap.service[p]);
    let (rivals, rival_pages) = if general_faq {
        (0, Vec::new())
    } else {
        // A fact about the clinic (hours, payment) on a general page is not
        // rivalled by services that mention it too; the site's own
        // business data is not rivalled at all.
        let clinic_fact = canon.is_some_and(|c| ctx.engine.fields.is_general(c))
            && page.is_some_and(|p| !ctx.snap.service[p]);
        let business = page.is_some_and(|p| {
            ctx.snap.gen.catalog.pages[p].kind == crate::content::PageKind::Business
        });
        let rival = |p: usize| {
            Some(p) != page
                && (!clinic_fact
                    || (!ctx.snap.service[p]
                        && ctx.snap.gen.catalog.pages[p].kind
                            != crate::content::PageKind::Business))
        };
        let by_field: Vec<usize> = canon
            .map(|c| {
                ctx.snap.canon_pages[c]
                    .iter()
                    .copied()
                    .filter(|&p| rival(p))
                    .collect()
            })
            .unwrap_or_default();
        let by_search = scored
            .iter()
            .filter(|s| s.unit.slug != best.unit.slug && s.f >= best.f - 0.2)
            .filter(|s| ctx.page_index(&s.unit.slug).is_some_and(rival))
            .count();
        if business && clinic_fact {
            (0, Vec::new())
        } else {
            (by_field.len().max(by_search), by_field)
        }
    };
    tr.log(|| {
        format!(
            "field-only question: best {} / {} (f {:.2}), {rivals} rival pages",
            best.unit.slug, best.unit.field, best.f
        )
    });
    if rivals > 0 {
        // Services have it: ask which one (the closest few, however many
        // have it: a choice helps more than "I'm not sure").
        let mut pages: Vec<(usize, f32)> = Vec::new();
        for s in std::iter::once(best).chain(scored.iter().filter(|s| s.f >= best.f - 0.2)) {
            if let Some(p) = ctx.page_index(&s.unit.slug) {
                if !pages.iter().any(|(q, _)| *q == p) {
                    pages.push((p, s.rank()));
                }
            }
        }
        // The rivals the catalog counted, when the search's units of the
        // field were weaker than the best ("How often" beside "How many
        // visits will I need?"): still services that have it.
        if pages.len() < 2 {
            for &p in &rival_pages {
                if !pages.iter().any(|(q, _)| *q == p) {
                    pages.push((p, 0.0));
                }
            }
        }
        if pages.len() >= 2 {
            tr.log(|| {
                let total = canon
                    .map(|c| ctx.snap.canon_pages[c].len())
                    .unwrap_or(0)
                    .max(pages.len());
                format!("the asked field is on {total} services: ask which")
            });
            return ctx.clarify(pages, tr);
        }
        return ctx.fallback(
            0.3,
            "the asked field is on several services and none is named",
            tr,
        );
    }
    if scored[searched..].iter().any(|s| std::ptr::eq(s, best)) {
        return ctx.fallback(
            0.3,
            "only one page has the field asked, and no word of the question is on it",
            tr,
        );
    }
    let conf = 0.3 + 0.7 * best.quality();
    ctx.answer(best, conf)
}
