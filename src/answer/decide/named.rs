//! A question that names one service or several (rules 2-5).

use super::context::{build_ctx, Ctx};
use super::score::{same_word, PageFit};
use super::{Trace, MAX_FIELD_CHOICES};
use crate::answer::compose::Decision;
use crate::answer::names::NameHit;
use crate::answer::units::{self, Unit};
use crate::content::UnitKind;
use crate::text;

/// One service named.
pub(super) fn single(ctx: &Ctx, hit: &NameHit, tr: &mut Trace) -> Decision {
    let cfg = ctx.cfg();
    // Gather and score: the page's units, the best of them, and how sure
    // that makes us; the rules below decide from these alone.
    let Some(fit) = ctx.fit(hit, tr) else {
        return ctx.fallback(0.0, "the page has no units", tr);
    };
    let PageFit {
        units: page_units,
        best,
        uncovered,
        conf,
    } = fit;
    let quality = best.quality();
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
            // A unit nothing asked of (no field, no FAQ wording, a label
            // the question does not restate) that merely mentions the
            // topic's words is a neighbour too ("b12" in a gift card's
            // list of what it covers).
            let asked_of = other.f > 0.0 || other.overlap > 0.0 || ctx.restates_label(&other.unit);
            if own_words
                && echoes
                && asked_of
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
/// it: the pages in the section speak. One that alone answers does; when
/// several do, the one whose name has a word of the question no other page
/// of the section has answers from its own unit; else a few are offered
/// (more than `MAX_FIELD_CHOICES`: none).
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
    // Several say it, and the question has a word of one of them's names
    // that no other's has ("the $79 wax special" among the offers): that
    // one is meant, and answers if it can.
    let own_word = |p: usize| {
        ctx.q.toks.iter().enumerate().any(|(i, t)| {
            // Not a word of the section's name (a field phrase's gap may
            // hold it: "how long is the wax special good for").
            !t.stop
                && !ctx.mask[i]
                && !hit.positions.contains(&i)
                && children
                    .iter()
                    .all(|&o| ctx.snap.names_use(o, t) == (o == p))
        })
    };
    if let [p] = children
        .iter()
        .copied()
        .filter(|&p| own_word(p))
        .collect::<Vec<_>>()[..]
    {
        let meant = NameHit::as_if_named(p, hit.strength, hit.positions.clone());
        let label = format!("meant {}", pages[p].slug);
        // Its own unit: a general page it hands over to is no reason to
        // prefer it over its siblings.
        let (_, d) = judge_alone(ctx, &meant, &label, tr);
        if matches!(&d, Decision::Answer { unit, .. } if unit.slug == pages[p].slug) {
            tr.log(|| {
                format!(
                    "the question names {} among them: it answers",
                    pages[p].slug
                )
            });
            return Some(d);
        }
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
pub(super) fn settle(ctx: &Ctx, hits: &[Judged], tr: &mut Trace) -> Option<Decision> {
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

/// Most pages judged alone inside one another (a choice's page, its
/// promotion, that promotion's section).
const MAX_DEPTH: usize = 3;

/// A page to be judged alone by [`settle`].
pub(super) struct Judged {
    /// The page, as if the question named it.
    pub(super) hit: NameHit,
    /// Multiplies its answer's confidence.
    pub(super) weight: f32,
    /// The question names it (else only the topic points at it).
    pub(super) named: bool,
}

/// Pages the topic points at, judged as if named (their own name words
/// masked), weighted by how much of the question their text covers. With
/// `vouched` (the pages of a category the question names), a page the
/// question names by a word read as the category ("contacts") counts as
/// named, weight 1. None when there are more than [`settle`] judges (a tag
/// shared by thousands of pages must not load them all).
pub(super) fn as_named(ctx: &Ctx, hits: &[NameHit], pages: &[usize], vouched: bool) -> Vec<Judged> {
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
            // A page the question names, though by a word read as the
            // category ("contacts"), is vouched for by its name.
            let named = vouched && hits.iter().any(|h| h.page == page && h.named);
            let hit = NameHit::as_if_named(page, 1.0, positions);
            Judged {
                hit,
                weight: if named {
                    1.0
                } else {
                    1.0 - ctx.uncovered_by(&units)
                },
                named,
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
pub(super) fn several(ctx: &Ctx, named: &[NameHit], tr: &mut Trace) -> Decision {
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
pub(super) fn business_fact(
    ctx: &Ctx,
    named_units: Option<&[Unit]>,
    tr: &mut Trace,
) -> Option<Decision> {
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
    // A word the field's own phrases use ("call" of "number to call") is
    // the field asked again.
    let field_words = fields.phrase_words(canon);
    let about_something = ctx.topic.iter().any(|t| {
        t.idf < ctx.max_idf
            && !t.stems.iter().any(|s| field_words.contains(s))
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
