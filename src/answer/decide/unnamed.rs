//! A question that names no service: the content competes (rule 6).

use super::context::Ctx;
use super::mentions::name_mask;
use super::named::{as_named, business_fact, settle};
use super::score::{same_word, Scored};
use super::{Trace, MAX_FIELD_CHOICES};
use crate::answer::compose::Decision;
use crate::answer::names::NameHit;
use crate::answer::units::Unit;
use crate::content::UnitKind;

/// Most pages with an asked field whose units a field-only question reads
/// from the catalog (more: only those the search found).
const MAX_CATALOG_PAGES: usize = 2 * MAX_FIELD_CHOICES;

/// No service named: let the content compete. A pipeline read top to
/// bottom: too little to go on, gather (search and score units), the two
/// shortcuts (only a field asked; a category asked), rank the pages, decide.
pub(super) fn unnamed(ctx: &Ctx, hits: &[NameHit], tr: &mut Trace) -> Decision {
    let stems = ctx.search_stems();
    // Share of the topic the content never mentions: read by every stage.
    let unknown = ctx.unknown_share();
    if let Some(d) = too_little(ctx, hits, &stems, unknown, tr) {
        return d;
    }
    // Gather: the units the search finds, scored once.
    let found = ctx.search(&stems, 60);
    let scored: Vec<Scored> = found.into_iter().map(|(_, u)| ctx.score(u)).collect();
    if ctx.topic.is_empty() {
        let searched = scored.len();
        let scored = with_field_units(ctx, scored);
        return field_only(ctx, &scored, searched, hits, tr);
    }
    let category = category_pages(ctx, &scored);
    if category.len() >= 2 {
        return offer_category(ctx, hits, &category, tr);
    }
    if ctx.asks_offer() && hits.iter().all(|h| h.named) {
        return ctx.fallback(
            0.6,
            "asks whether something is offered, and it names no service we have",
            tr,
        );
    }
    let ranked = rank_pages(ctx, hits, &scored, unknown);
    tr.log(|| {
        let v: Vec<String> = ranked
            .iter()
            .take(6)
            .map(|r| {
                let slug = &ctx.snap.gen.catalog.pages[r.page].slug;
                format!("{slug}={:.2}/{:.2}", r.score, r.coverage)
            })
            .collect();
        format!("no service named; pages by topic: {}", v.join(", "))
    });
    decide(ctx, hits, &ranked, unknown, tr)
}

/// Nothing to search for, or a question mostly about words the content
/// never uses: a fallback. A clinic fact the business data holds answers
/// before any search.
fn too_little(
    ctx: &Ctx,
    hits: &[NameHit],
    stems: &[String],
    unknown: f32,
    tr: &mut Trace,
) -> Option<Decision> {
    if stems.is_empty() {
        return Some(ctx.fallback(0.0, "nothing to search for", tr));
    }
    if unknown >= ctx.cfg().answer.unknown_share && ctx.fs.max() < 1.0 {
        let why = format!(
            "{:.0}% of the question is about things the content never mentions",
            unknown * 100.0
        );
        return Some(ctx.fallback(1.0 - unknown, &why, tr));
    }
    if hits.is_empty() {
        business_fact(ctx, None, tr)
    } else {
        None
    }
}

/// The services the topic is a category of: their category row says it
/// ("fat reduction", "neuromodulator", "laser"), a tag several pages share
/// ("wellness", "facials"), or a word several of their names share.
fn category_pages(ctx: &Ctx, scored: &[Scored]) -> Vec<usize> {
    let category = ctx
        .engine
        .fields
        .canon_of_name(&ctx.cfg().answer.category_field);
    let mut pages: Vec<usize> = scored
        .iter()
        .filter(|s| {
            category.is_some()
                && ctx.info(&s.unit.field).row == category
                && ctx.coverage(|x| s.unit.text_stems.iter().any(|y| y == x)) >= 0.99
        })
        .filter_map(|s| ctx.page_index(&s.unit.slug))
        .collect();
    pages.extend(ctx.tagged_pages());
    pages.extend(named_by_topic(ctx));
    pages.sort_unstable();
    pages.dedup();
    pages
}

/// A category asked: the one of its services that alone answers, else the
/// choice of them.
fn offer_category(ctx: &Ctx, hits: &[NameHit], pages: &[usize], tr: &mut Trace) -> Decision {
    let hint = |p: usize| {
        hits.iter()
            .find(|h| h.page == p)
            .map(|h| h.strength)
            .unwrap_or(0.0)
    };
    tr.log(|| format!("the topic is a category of {} services", pages.len()));
    if let Some(d) = settle(ctx, &as_named(ctx, hits, pages, true), tr) {
        return d;
    }
    ctx.clarify(pages.iter().map(|&p| (p, 1.0 + hint(p))).collect(), tr)
}

/// A page in the running, with what [`rank_pages`] found of it.
struct PageRank {
    page: usize,
    /// What pages are ordered by: coverage, the name hint, a field only it
    /// has, and its best unit's field fit.
    score: f32,
    /// Share of the topic the page's text covers (0..1).
    coverage: f32,
    units: Vec<Unit>,
}

/// Pages compete on how much of the topic they cover as a whole, plus a
/// hint when their name has a word of the question ("lips" -> Lip Filler);
/// best first.
fn rank_pages(ctx: &Ctx, hits: &[NameHit], scored: &[Scored], unknown: f32) -> Vec<PageRank> {
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
    let mut ranked: Vec<PageRank> = pages
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
                let sure = s >= 1.5 || unknown < ctx.cfg().answer.unknown_share;
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
            PageRank {
                page: p,
                score: coverage + hint + unique + 0.5 * best_f.min(1.5),
                coverage,
                units,
            }
        })
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    ranked
}

/// Decides from the ranking alone: no page covers enough (fallback),
/// several close (judged alone, else offered), or one that answers from a
/// unit itself about the question's subject.
fn decide(
    ctx: &Ctx,
    hits: &[NameHit],
    ranked: &[PageRank],
    unknown: f32,
    tr: &mut Trace,
) -> Decision {
    let cfg = ctx.cfg();
    let margin = cfg.answer.clarify_margin;
    let Some(first) = ranked.first() else {
        return ctx.fallback(0.0, "no page mentions the topic", tr);
    };
    let (p1, mut cov1) = (first.score, first.coverage);
    // A FAQ heading the question restates in full ("running late") carries
    // the page even when the question has words the page does not.
    // The heading must restate the question's own subject, not only the
    // field asked: "How many sessions will I need?" on one service's page
    // does not carry it for "how many physio sessions do people need".
    let restated = first.units.iter().any(|u| {
        u.kind == UnitKind::Faq
            && ctx.score(u.clone()).overlap >= 0.99
            && u.field_stems.iter().any(|w| {
                ctx.topic
                    .iter()
                    .any(|t| t.stems.iter().any(|s| same_word(s, w)))
            })
    });
    if restated {
        cov1 = cov1.max(0.75);
    }
    if cov1 < 0.5 {
        return ctx.fallback(cov1, "no page covers the topic well", tr);
    }
    let close: Vec<(usize, f32)> = ranked
        .iter()
        .enumerate()
        .filter(|(i, r)| (*i == 0 || r.coverage >= 0.5) && r.score >= p1 - margin)
        .map(|(_, r)| (r.page, r.score))
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
        if let Some(d) = settle(ctx, &as_named(ctx, hits, &pages, false), tr) {
            return d;
        }
        // Pages that each cover a little of the question ("thread lift":
        // "lift" on one page, "thread" on another) are not a choice to
        // offer: none is about it.
        if cov1 < 0.7 {
            return ctx.fallback(
                cov1,
                "several pages share a little of it; none covers most of it",
                tr,
            );
        }
        return ctx.clarify(close, tr);
    }
    // A page that covers most of the topic, or clearly more than any other.
    let p2 = ranked.get(1).map(|r| r.score).unwrap_or(0.0);
    if cov1 < 0.7 && !(cov1 >= 0.55 && p1 - p2 >= 0.4) {
        return ctx.fallback(
            cov1,
            "the one page that fits leaves much of the question uncovered",
            tr,
        );
    }
    one_page(ctx, ranked, cov1, unknown, tr)
}

/// The one page that covers the topic answers, from a unit that is itself
/// about the question's subject; when it cannot say it, the services that
/// cover the subject as fully are offered, else a fallback.
fn one_page(ctx: &Ctx, ranked: &[PageRank], cov1: f32, unknown: f32, tr: &mut Trace) -> Decision {
    let cfg = ctx.cfg();
    let top = ranked[0].page;
    let page_units = &ranked[0].units;
    // The top page cannot say it; when other pages cover the question's
    // subject as fully, the client may mean one of them: ask which.
    let fully: Vec<(usize, f32)> = ranked
        .iter()
        .filter(|r| r.coverage >= 0.99 && ctx.snap.service[r.page])
        .map(|r| (r.page, r.score))
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
/// Stages: the service a word hints at, the best unit of the field, its
/// rivals (other pages with the field), then the kind.
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
    if let Some(d) = hinted_service(ctx, hits, tr) {
        return d;
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
    let rivals = rivals(ctx, best, scored);
    tr.log(|| {
        format!(
            "field-only question: best {} / {} (f {:.2}), {} rival pages",
            best.unit.slug, best.unit.field, best.f, rivals.count
        )
    });
    if rivals.count > 0 {
        return offer_rivals(ctx, best, scored, &rivals.pages, tr);
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

/// Words of the question partly name services: several close ones are
/// offered; one alone answers when it has the field, asked by other words
/// than the hint.
fn hinted_service(ctx: &Ctx, hits: &[NameHit], tr: &mut Trace) -> Option<Decision> {
    // With a field clearly asked, a hinted page that has no unit of it is
    // no candidate ("whats your email address" hints at pages by "your").
    let asked: Vec<usize> = (0..ctx.fs.scores.len())
        .filter(|&c| ctx.fs.scores[c] >= 1.0)
        .collect();
    let has_asked =
        |p: usize| asked.is_empty() || asked.iter().any(|&c| ctx.snap.canon_pages[c].contains(&p));
    let hinted: Vec<(usize, f32)> = hits
        .iter()
        .filter(|h| !h.named && has_asked(h.page))
        .map(|h| (h.page, h.strength))
        .collect();
    let &(first, s1) = hinted.first()?;
    let close: Vec<(usize, f32)> = hinted
        .iter()
        .filter(|(_, s)| *s >= s1 - ctx.cfg().answer.clarify_margin)
        .cloned()
        .collect();
    if close.len() >= 2 {
        return Some(ctx.clarify(close, tr));
    }
    let slug = ctx.snap.gen.catalog.pages[first].slug.clone();
    let (_, best) = ctx.best_on_page(&slug);
    // The field must be asked by other words than the hint: "peel" in
    // "what kinds of peels do you have" is the service, not peeling
    // skin (Recovery).
    let skip = name_mask(ctx.q.toks.len(), hits.iter().filter(|h| h.page == first));
    let beyond = ctx.engine.fields.score(&ctx.q, &skip);
    let asked_beyond = |b: &Scored| beyond.of(ctx.canon_of(&b.unit)) >= 1.0 || b.heading_hit;
    let best = best.filter(|b| b.f >= 0.9 && asked_beyond(b))?;
    let conf = (0.3 + 0.7 * best.quality()) * (0.5 + s1).min(1.0);
    tr.log(|| {
        format!("field asked of the one service a word hints at: {slug} -> confidence {conf:.2}")
    });
    (conf >= ctx.cfg().answer.answer_threshold).then(|| ctx.answer(&best, conf))
}

/// The other pages that have the best unit's field.
struct Rivals {
    /// How many: the catalog's count or the search's, whichever is more.
    count: usize,
    /// The catalog's.
    pages: Vec<usize>,
}

/// Rivals of `best`: other pages that have the same field (from the
/// catalog, not only the search results). A general page's FAQ entry the
/// question restates answers for every service ("while pregnant"); a row
/// of one service among many does not.
fn rivals(ctx: &Ctx, best: &Scored, scored: &[Scored]) -> Rivals {
    let none = Rivals {
        count: 0,
        pages: Vec::new(),
    };
    let canon = ctx.canon_of(&best.unit);
    let page = ctx.page_index(&best.unit.slug);
    let general_faq = best.unit.kind == UnitKind::Faq
        && best.heading_hit
        && page.is_some_and(|p| !ctx.snap.service[p]);
    if general_faq {
        return none;
    }
    // A fact about the clinic (hours, payment) on a general page is not
    // rivalled by services that mention it too; the site's own business
    // data is not rivalled at all.
    let clinic_fact = canon.is_some_and(|c| ctx.engine.fields.is_general(c))
        && page.is_some_and(|p| !ctx.snap.service[p]);
    let business = page
        .is_some_and(|p| ctx.snap.gen.catalog.pages[p].kind == crate::content::PageKind::Business);
    if business && clinic_fact {
        return none;
    }
    let rival = |p: usize| {
        Some(p) != page
            && (!clinic_fact
                || (!ctx.snap.service[p]
                    && ctx.snap.gen.catalog.pages[p].kind != crate::content::PageKind::Business))
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
    Rivals {
        count: by_field.len().max(by_search),
        pages: by_field,
    }
}

/// Services have the field asked: ask which (the closest few, however many
/// have it: a choice helps more than "I'm not sure").
fn offer_rivals(
    ctx: &Ctx,
    best: &Scored,
    scored: &[Scored],
    rival_pages: &[usize],
    tr: &mut Trace,
) -> Decision {
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
        for &p in rival_pages {
            if !pages.iter().any(|(q, _)| *q == p) {
                pages.push((p, 0.0));
            }
        }
    }
    if pages.len() >= 2 {
        tr.log(|| {
            let total = ctx
                .canon_of(&best.unit)
                .map(|c| ctx.snap.canon_pages[c].len())
                .unwrap_or(0)
                .max(pages.len());
            format!("the asked field is on {total} services: ask which")
        });
        return ctx.clarify(pages, tr);
    }
    ctx.fallback(
        0.3,
        "the asked field is on several services and none is named",
        tr,
    )
}

/// The services whose names hold every topic word, when the question is
/// only that ("do you do rehab": Sports Injury Rehab, Post-Surgery Rehab,
/// Vestibular Rehab): a word several names share names their category.
/// None when more than `MAX_FIELD_CHOICES` share it (too general to offer).
fn named_by_topic(ctx: &Ctx) -> Vec<usize> {
    let names = &ctx.snap.names;
    let live = ctx.snap.gen.catalog.pages.len();
    let Some((first, rest)) = ctx.topic.split_first() else {
        return Vec::new();
    };
    let with = |t: &super::context::TopicTok| -> Vec<usize> {
        let mut pages: Vec<usize> = t
            .stems
            .iter()
            .flat_map(|s| names.pages_with(s).iter().map(|&p| p as usize))
            .filter(|&p| p < live && ctx.snap.service[p])
            .collect();
        pages.sort_unstable();
        pages.dedup();
        pages
    };
    let mut pages = with(first);
    for t in rest {
        if pages.is_empty() {
            break;
        }
        let other = with(t);
        pages.retain(|p| other.binary_search(p).is_ok());
    }
    if (2..=MAX_FIELD_CHOICES).contains(&pages.len()) {
        pages
    } else {
        Vec::new()
    }
}
