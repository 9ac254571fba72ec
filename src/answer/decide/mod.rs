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
//!    the question ranks first. When no label says what is asked, the one
//!    row or section of a service's page whose own text speaks of the
//!    question's subject (and no other unit of the page comes close)
//!    answers, barely sure.
//! 5. When the named page does not address the question but a general page
//!    does clearly (policies, aftercare: age limits, alcohol, flying), that
//!    page answers, on its own words only (or on a `general` field the named
//!    page leaves unsaid; a unit nothing is asked of that merely shares a
//!    word is a neighbour); another service's page never does, except a live
//!    promotion whose offer names the service, for a deal asked. A named
//!    section that cannot say it offers its pages.
//! 6. No service named: a clinic fact (hours, address) the site's business
//!    data holds answers; else the pages whose text covers what the question
//!    is about compete; one clear winner answers from a unit that is itself
//!    about the subject, several close ones are offered, none is a fallback.
//!    Pages that each cover a little of the question (the best under 70%)
//!    are no choice to offer, nor are hinted pages without the field asked;
//!    a FAQ heading carries its page only when it restates the subject, not
//!    only the field.
//!    When the winner has no unit that says what is asked but other services
//!    cover the subject as fully, those services are offered. With no field
//!    asked, a unit whose own text covers most of the question may answer
//!    though no label fits ("how warm is the pool"). Before offering pages,
//!    each is judged alone (rule 3). Only a field asked, and services have
//!    it: the closest few are offered too.
//!    A question mostly about words the content never uses is a fallback.
//! 7. Below the confidence threshold the reply is a fallback, never a stretch.
//!
//! [`decide`] runs the stages in order, each in its file: `mentions` (the
//! services named), `context` (what the question asks, given them),
//! `score` (how well a unit answers it), then the routes `named` (rules
//! 2-5) and `unnamed` (rule 6). Data flows one way: a route reads the
//! context and returns a plain [`Decision`]; `compose` writes the reply.

mod context;
mod mentions;
mod named;
mod score;
mod unnamed;

use super::compose::{compose, Decision};
use super::names::NameHit;
use super::question::Question;
use super::reply::{Kind, Reply};
use super::units;
use super::{Engine, Snapshot};
use context::build_ctx;
use mentions::Mentions;
use named::{several, single};
use unnamed::unnamed;

/// Where the service may come from besides the question itself.
pub enum Mode<'a> {
    /// The client's previous service, for follow-ups ("how much is it?").
    Context(Option<&'a str>),
    /// The service the client picked from a clarify reply.
    Page(&'a str),
}

/// Where `--explain` collects why a decision was taken; `None` when no one
/// asked, so answering pays nothing for it.
struct Trace<'a>(Option<&'a mut Vec<String>>);

impl Trace<'_> {
    /// Records the line `f` writes, only when a trace is kept.
    fn log(&mut self, f: impl FnOnce() -> String) {
        if let Some(t) = self.0.as_mut() {
            t.push(f());
        }
    }
}

/// Answers `raw`, as a pipeline read top to bottom: (1) the question is
/// parsed once; (2) urgent symptoms and questions staff taught are settled
/// first; (3) the services it names are found ([`mentions`]); (4) what it
/// asks is weighed given them ([`context`]); (5) the kind of reply is
/// decided by how many services are named ([`named`], [`unnamed`]); (6) the
/// reply is composed, with the closest units for staff when unsure.
pub fn decide(
    engine: &Engine,
    snap: &Snapshot,
    raw: &str,
    mode: Mode<'_>,
    trace: Option<&mut Vec<String>>,
) -> Reply {
    let mut tr = Trace(trace);
    let q = Question::new(raw, &engine.terms);
    if let Some(d) = settled_first(engine, snap, &q, &mut tr) {
        return compose(engine, snap, raw, &d);
    }
    let Some(m) = mentions::find(engine, snap, &q, mode, &mut tr) else {
        return compose(engine, snap, raw, &Decision::NotOffered);
    };
    let (ctx, decision, distinct) = route(engine, snap, q, &m, &mut tr);
    let mut reply = compose(engine, snap, raw, &decision);
    // Staff need them where the bot was not sure, or when they ask (explain,
    // a voted-down answer); answering does not pay for them otherwise.
    if tr.0.is_some() || matches!(reply.kind, Kind::Fallback | Kind::Clarify) {
        reply.candidates = ctx.candidates(distinct, CANDIDATES);
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

/// Rule 1: an urgent symptom, else a question staff taught (when its unit
/// is still on the page).
fn settled_first(
    engine: &Engine,
    snap: &Snapshot,
    q: &Question,
    tr: &mut Trace,
) -> Option<Decision> {
    if let Some(why) = engine.urgent.check(q) {
        tr.log(|| format!("urgent: {why}"));
        return Some(Decision::Urgent);
    }
    let (slug, field) = snap.taught.find(q)?;
    let unit = units::page_units(snap, slug)
        .into_iter()
        .find(|u| u.field == field)?;
    tr.log(|| format!("restates a question staff taught: {slug} / {field}"));
    Some(Decision::Answer {
        unit,
        confidence: 0.95,
    })
}

/// Stages 4 and 5: the question weighed given the services named, and the
/// decision by how many are named. A general page named only by a field's
/// words that cannot say it is decided again as if nothing were named, and
/// that is kept only when it offers the services that have the field.
/// Returns the context decided in and the pages named that it stands on.
fn route<'a, 'm>(
    engine: &'a Engine,
    snap: &'a Snapshot,
    q: Question,
    m: &'m Mentions,
    tr: &mut Trace,
) -> (context::Ctx<'a>, Decision, &'m [usize]) {
    let unnamed_q = m.general_by_field.map(|_| q.clone());
    let ctx = build_ctx(engine, snap, q, &m.named, Default::default(), tr);
    let decision = match m.distinct.len() {
        0 => unnamed(&ctx, &m.hits, tr),
        1 => single(&ctx, &m.named[0], tr),
        _ => several(&ctx, &m.named, tr),
    };
    if let (Some(page), Some(q), Decision::Fallback { .. }) =
        (m.general_by_field, unnamed_q, &decision)
    {
        tr.log(|| {
            "a general page named only by a field's words cannot say it: as if none were named"
                .into()
        });
        let rest: Vec<NameHit> = m.hits.iter().filter(|h| h.page != page).cloned().collect();
        let again = build_ctx(engine, snap, q, &[], ctx.memo.clone(), tr);
        let d = unnamed(&again, &rest, tr);
        // Only a choice of services: an answer picked after setting the
        // name aside would be a second guess, the client picks instead.
        if matches!(d, Decision::Clarify(_)) {
            return (again, d, &[]);
        }
    }
    (ctx, decision, &m.distinct)
}

/// Most services sharing an asked field for which a clarify is still a
/// useful choice (more: the question is too general, a fallback).
const MAX_FIELD_CHOICES: usize = 6;

/// How many candidate units a reply carries for staff (handoff, review).
const CANDIDATES: usize = 3;
