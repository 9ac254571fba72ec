//! Which services a question names.

use super::{Mode, Trace};
use crate::answer::names::NameHit;
use crate::answer::question::Question;
use crate::answer::{units, Engine, Snapshot};

/// The services a question names, as the later stages read them.
pub(super) struct Mentions {
    /// Every live page whose names matched, named or only hinted at.
    pub(super) hits: Vec<NameHit>,
    /// The services named, best first (see [`resolve_named`]).
    pub(super) named: Vec<NameHit>,
    /// The distinct pages of `named`.
    pub(super) distinct: Vec<usize>,
    /// The one page named, when it is a general page named only by words
    /// a field phrase asked with (decided again as if none were named when
    /// it cannot say it).
    pub(super) general_by_field: Option<usize>,
}

/// Stage 3 of [`super::decide`]: the services `q` names, given `mode` (a
/// follow-up's service, a picked choice). `None` when it names a service
/// that is only a draft page: the clinic does not offer it.
pub(super) fn find(
    engine: &Engine,
    snap: &Snapshot,
    q: &Question,
    mode: Mode<'_>,
    tr: &mut Trace,
) -> Option<Mentions> {
    let cfg = engine.config();
    let searcher = snap.gen.reader.searcher();
    let known = |s: &str| units::idf(&searcher, snap, s).is_some();
    let mut hits = snap.names.find(q, &known);
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
    // One word of a longer name says a service the clinic does not offer
    // was asked for only when the live pages never use it ("emsculpt"):
    // "brown patches" is no Patch Testing.
    let draft = hits.iter().find(|h| {
        h.named
            && h.page >= live
            && (h.full
                || h.positions.len() >= 2
                || h.positions.iter().all(|&p| !known(&q.toks[p].stem)))
    });
    if let Some(d) = draft {
        let own_word = (d.full || d.positions.len() >= 2)
            && d.positions.iter().any(|p| !live_positions.contains(p));
        if best_live.is_none_or(|l| l < d.positions.len() || (l == d.positions.len() && own_word)) {
            tr.log(|| "names a service that is only a draft page".into());
            return None;
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
    let mut named = resolve_named(&hits, q, &snap.names, &cfg.answer.category_nouns, tr);
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
        .then(|| engine.fields.score(q, &[]).used);
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
    // A general page named only by words a field phrase asked with ("how
    // long is the appointment" naming the Appointment & Cancellation Policy
    // page by "appointment"), which cannot say it: the question asks the
    // field of whichever service has it, as if nothing were named, and the
    // services that have it are offered.
    let general_by_field = match named.as_slice() {
        [h] if by_field(h) => Some(h.page),
        _ => None,
    };
    distinct.dedup();
    Some(Mentions {
        hits,
        named,
        distinct,
        general_by_field,
    })
}

/// Named hits that stand: drops names inside longer names, and shared names
/// used as a category ("laser treatments").
fn resolve_named(
    hits: &[NameHit],
    q: &Question,
    names: &crate::answer::names::NameMatcher,
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

/// The question positions these name hits stand on.
pub(super) fn name_mask<'h>(len: usize, hits: impl IntoIterator<Item = &'h NameHit>) -> Vec<bool> {
    let mut mask = vec![false; len];
    for h in hits {
        for &p in &h.positions {
            mask[p] = true;
        }
    }
    mask
}
