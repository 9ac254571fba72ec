//! How well a unit answers the question: field, topic and label evidence.

use super::context::{Ctx, TopicTok};
use super::Trace;
use crate::answer::names::NameHit;
use crate::answer::units::{self, Unit};
use crate::content::UnitKind;
use crate::text;

/// Ranks this close count as a tie between units.
const TIE: f32 = 0.01;

/// The most a named page's best unit is trusted on a weak field phrase
/// alone: below any sensible answer threshold.
const WEAK_ALONE: f32 = 0.45;

/// Confidence of the one unit of a named page whose text speaks of the
/// question's subject when no label says what is asked: just over the
/// default answer threshold.
const SOLE_SPEAKER: f32 = 0.55;

/// The most another unit of the page may rank for that unit to be the
/// only one speaking of the subject.
const SOLE_MARGIN: f32 = 0.1;

/// A unit with its scores for this question.
pub(super) struct Scored {
    /// The unit scored.
    pub(super) unit: Unit,
    /// How well its field / heading matches what is asked (0..~1.5).
    pub(super) f: f32,
    /// Share of the topic (IDF-weighted) its text covers (0..1).
    pub(super) t: f32,
    /// A FAQ heading shares words with the question.
    pub(super) heading_hit: bool,
    /// Share (IDF-weighted) of a FAQ heading's own words the question has.
    pub(super) overlap: f32,
}

impl Scored {
    /// How well the unit answers, 0..1: the confidence a reply starts from.
    pub(super) fn quality(&self) -> f32 {
        let q = self.f.min(1.0) + 0.6 * self.t;
        if self.unit.kind == UnitKind::Paragraph {
            (0.5 * q).min(1.0)
        } else {
            q.min(1.0)
        }
    }
    /// The order units compete in (field evidence, then coverage, by kind).
    pub(super) fn rank(&self) -> f32 {
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

/// How well a named page answers: what the named route decides from.
pub(super) struct PageFit {
    /// The page's units.
    pub(super) units: Vec<Unit>,
    /// The best of them for this question.
    pub(super) best: Scored,
    /// Share of the topic no unit of the page mentions.
    pub(super) uncovered: f32,
    /// Confidence in `best`: the name's strength, the unit's quality, less
    /// what the page leaves unsaid.
    pub(super) conf: f32,
}

/// IDF-weighted share of `toks` for which `pick` is true (0 when empty).
fn weighted_share<'t>(
    toks: impl IntoIterator<Item = &'t TopicTok>,
    pick: impl Fn(&TopicTok) -> bool,
) -> f32 {
    // From -0.0, as `f32`'s `Sum` starts: an empty share reads "-0.00" as before.
    let (total, picked) = toks.into_iter().fold((-0.0f32, -0.0f32), |(all, hit), t| {
        (all + t.idf, if pick(t) { hit + t.idf } else { hit })
    });
    if total <= 0.0 {
        return 0.0;
    }
    picked / total
}

/// Two stems of one word family: equal, or one extends the other by a few
/// letters ("slim" / "slimmer", "microblad" / "microbladed") where the stemmer
/// stopped short.
pub(super) fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && long.len() - short.len() <= 3 && long.starts_with(short)
}

impl Ctx<'_> {
    /// The one scorer: field fit, topic coverage and heading overlap of
    /// `unit` for this question.
    pub(super) fn score(&self, unit: Unit) -> Scored {
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
        // A row whose label is an item the question names in full, not a
        // field ("Under-eyes (tear troughs)", "Domes, pack of 10").
        let mut item_restated = false;
        let f = match unit.kind {
            UnitKind::Row => {
                let info = self.info(&unit.field);
                let canon = info.row.map(|c| self.eff[c]).unwrap_or(0.0);
                // The page's own name words say which page, not what is
                // asked (as for a FAQ heading below).
                let names: &[String] = match self.page_index(&unit.slug) {
                    Some(p) => self.name_stems(p),
                    None => &[],
                };
                let keep = |s: &String| !text::is_stopword(s) && !names.contains(s);
                // A label's words in parentheses restate it in other words
                // ("Dissolving filler (hyaluronidase)", "IPL (intense pulsed
                // light)"): the label is restated by either part.
                let parts: Vec<&[String]> = match &info.parts {
                    Some((outer, inner)) => vec![outer, inner],
                    None => vec![&unit.field_stems],
                };
                // A label the question restates answers it; one it half
                // restates ("what happens at the first visit" for "how long
                // is the first visit") counts for less, by the weight of the
                // words shared.
                // A word a field phrase used ("start working") says which
                // field is asked: a row of a field of its own ("How it
                // Works") is not restated by it.
                let own_field = info.row.is_some();
                let restated = |content: Vec<&String>| -> f32 {
                    let found: Vec<bool> = content.iter().map(|s| said(s, own_field)).collect();
                    if content.is_empty() || !found.contains(&true) {
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
                    }
                };
                let direct = parts
                    .iter()
                    .map(|p| restated(p.iter().filter(|s| keep(s)).collect()))
                    .fold(0.0, f32::max);
                item_restated = !own_field && direct >= 0.99;
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
            if item_restated && shape > 0.0 {
                // The item named, with a value of the shape asked ("how
                // much are tear troughs": $650): it answers the field for
                // that item, before the page's general row of the field.
                f + self
                    .engine
                    .fields
                    .shape_asked(&self.fs.scores, &unit.shapes)
            } else if shape > f && about_subject() {
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
    pub(super) fn coverage(&self, has: impl Fn(&str) -> bool) -> f32 {
        weighted_share(&self.topic, |t| t.stems.iter().any(|s| has(s)))
    }

    /// Share of the topic that no unit of `units` mentions (0 with no topic).
    pub(super) fn uncovered_by(&self, units: &[Unit]) -> f32 {
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

    /// Share of the topic made of words the content never uses. A clause
    /// that tells rather than asks, all of whose words the content never
    /// uses, is the client's aside ("do u do ear candling? my friend swears
    /// by it"): it does not count, while another clause has words we know.
    pub(super) fn unknown_share(&self) -> f32 {
        let unknown = |t: &TopicTok| t.stems.iter().all(|s| self.idf_opt(s).is_none());
        let aside = |c: usize| {
            !self.q.asking.get(c).copied().unwrap_or(true)
                && self.topic.iter().filter(|t| t.clause == c).all(unknown)
        };
        let kept: Vec<&TopicTok> = self.topic.iter().filter(|t| !aside(t.clause)).collect();
        if kept.iter().any(|t| !unknown(t)) {
            weighted_share(kept, unknown)
        } else {
            weighted_share(&self.topic, unknown)
        }
    }

    /// The units of page `slug` and the best of them.
    pub(super) fn best_on_page(&self, slug: &str) -> (Vec<Unit>, Option<Scored>) {
        let units = units::page_units_with(&self.searcher, self.snap, slug);
        let best = self.pick(units.iter().cloned().map(|u| self.score(u)).collect());
        (units, best)
    }

    /// The best of `scored` by rank. Units that tie on what is asked are
    /// told apart by how much of their label the question repeats, small
    /// words and names included ("do you do payment plans": "Do you offer
    /// financing?" over "Is there a minimum for financing?").
    pub(super) fn pick(&self, scored: Vec<Scored>) -> Option<Scored> {
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

    /// Whether the question has every content word of the unit's label
    /// ("cancel" for "## Cancellation").
    pub(super) fn restates_label(&self, unit: &Unit) -> bool {
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

    /// The best unit on pages other than `exclude`, from a global search
    /// widened with the words of the fields asked. General pages (no service
    /// of their own) may answer on the field; another service's page only
    /// when its text covers what the question is about.
    pub(super) fn best_elsewhere(&self, exclude: &[usize]) -> Option<Scored> {
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

    /// Gathers and scores the named page of `hit`: its best unit and the
    /// confidence it earns (`None`: the page has no units).
    pub(super) fn fit(&self, hit: &NameHit, tr: &mut Trace) -> Option<PageFit> {
        let slug = &self.snap.gen.catalog.pages[hit.page].slug;
        let (units, best) = self.best_on_page(slug);
        let best = best?;
        let quality = best.quality();
        let uncovered = self.uncovered_by(&units);
        let unknown = self.unknown_share();
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
            (((uncovered - unknown).max(0.0) * 0.6 + unknown * 0.9) * (1.2 - quality).min(1.0))
                .min(1.0)
        };
        let mut conf = hit.strength * (0.3 + 0.7 * quality) * (1.0 - penalty);
        // A weak field phrase alone ("after", "do") is a guess at what is
        // asked, not evidence of it. When the page speaks of most of what
        // the question is about, but elsewhere, the best unit is a neighbour
        // of the answer ("swollen fingers ... psoriasis": clearing time).
        if best.f < 1.0
            && best.t <= 0.01
            && !best.heading_hit
            && uncovered < 0.5
            && !self.topic.is_empty()
        {
            conf = conf.min(WEAK_ALONE);
        }
        // No label says what is asked, but one unit of the named service's
        // page, and only one, speaks in its own text of what the question is about
        // ("arches sore": Breaking them in; "lisp": Getting Used to Them):
        // it answers, barely sure. A page's loose paragraph is not such a
        // unit (it speaks of everything on the page). Not when a field every service
        // shares is asked (cancelling, booking), which a general page says.
        if best.f < 0.5
            && self.snap.service[hit.page]
            && best.unit.kind != UnitKind::Paragraph
            && !self.topic.is_empty()
            && self.coverage(|s| best.unit.text_stems.iter().any(|x| same_word(x, s))) >= 0.3
            && !self
                .fs
                .scores
                .iter()
                .enumerate()
                .any(|(c, &s)| s >= 1.0 && self.engine.fields.is_general(c))
        {
            let mut ranks: Vec<f32> = units
                .iter()
                .cloned()
                .map(|u| self.score(u).rank())
                .collect();
            ranks.sort_by(|a, b| b.total_cmp(a));
            if ranks.get(1).copied().unwrap_or(0.0) <= SOLE_MARGIN {
                conf = conf.max(SOLE_SPEAKER * hit.strength);
            }
        }
        tr.log(|| {
            let mut ranks: Vec<f32> = units.iter().cloned().map(|u| self.score(u).rank()).collect();
            ranks.sort_by(|a, b| b.total_cmp(a));
            format!(
                "named {slug}: best {} (f {:.2}, t {:.2}, quality {quality:.2}), uncovered {uncovered:.2} -> confidence {conf:.2} [rank {:.2} second {:.2} unknown {unknown:.2}]",
                best.unit.field, best.f, best.t, best.rank(), ranks.get(1).copied().unwrap_or(0.0)
            )
        });
        Some(PageFit {
            units,
            best,
            uncovered,
            conf,
        })
    }
}
