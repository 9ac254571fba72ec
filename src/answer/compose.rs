//! The last stage of the answer path: a [`Decision`] becomes the [`Reply`] a
//! client reads. Nothing here judges the question again; it only writes
//! down what was decided (text, page, field, link, related rows).

use super::reply::{Choice, Kind, Related, Reply};
use super::units::{self, Unit};
use super::{Engine, Snapshot};
use crate::content::UnitKind;

/// What the decision stage settled on, as plain data.
#[derive(Debug, Clone)]
pub enum Decision {
    /// A symptom that may need care now.
    Urgent,
    /// This unit answers, with this confidence.
    Answer { unit: Unit, confidence: f32 },
    /// These pages fit about equally (catalog indices, best first).
    Clarify(Vec<usize>),
    /// Nothing answers well enough (why is in the trace).
    Fallback { confidence: f32 },
    /// The question names a service the clinic does not offer now (a page
    /// Hugo does not publish).
    NotOffered,
}

/// The canonical field a unit is about: its row name's, or the one its FAQ
/// heading asks most.
pub(crate) fn canon_of(engine: &Engine, snap: &Snapshot, u: &Unit) -> Option<usize> {
    let info = snap.field_info(&u.field, &engine.fields);
    match u.kind {
        UnitKind::Row => info.row,
        _ => info
            .heading
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, _)| *c),
    }
}

/// Writes the reply for `decision` on question `raw`.
pub fn compose(engine: &Engine, snap: &Snapshot, raw: &str, decision: &Decision) -> Reply {
    let cfg = engine.config();
    let catalog = &snap.gen.catalog.pages;
    match decision {
        Decision::Urgent => Reply::new(raw, Kind::Urgent, cfg.clinic.emergency.clone(), 1.0),
        Decision::NotOffered => Reply::new(
            raw,
            Kind::Fallback,
            format!(
                "That is not something we offer at the moment. {}",
                cfg.clinic.contact
            ),
            0.9,
        ),
        Decision::Fallback { confidence } => Reply::new(
            raw,
            Kind::Fallback,
            format!(
                "I'm not sure I can answer that from our pages, and I'd rather not guess. {}",
                cfg.clinic.contact
            ),
            *confidence,
        ),
        Decision::Clarify(pages) => {
            let mut r = Reply::new(
                raw,
                Kind::Clarify,
                "Which of these do you mean?".into(),
                0.5,
            );
            r.options = pages
                .iter()
                .map(|&p| Choice {
                    page: catalog[p].slug.clone(),
                    title: catalog[p].display_name.clone(),
                })
                .collect();
            r
        }
        Decision::Answer {
            unit: u,
            confidence,
        } => {
            let page = snap.slugs.get(&u.slug).copied();
            let mut r = Reply::new(raw, Kind::Answer, u.text.clone(), *confidence);
            r.page = Some(u.slug.clone());
            r.title = page.map(|p| catalog[p].display_name.clone());
            r.field = (!u.field.is_empty() && !u.plain).then(|| u.field.clone());
            r.source = Some(u.source.clone());
            r.url =
                page.and_then(|p| super::reply::page_url(&cfg.clinic.site_url, &catalog[p].url));
            // Rows that go with the answer (Downtime beside Recovery Time).
            if let Some(c) = canon_of(engine, snap, u) {
                r.related = units::page_units(snap, &u.slug)
                    .iter()
                    .filter(|x| {
                        x.kind == UnitKind::Row
                            && x.addr != u.addr
                            && engine.fields.is_partner(c, &x.field)
                    })
                    .take(2)
                    .map(|x| Related {
                        field: x.field.clone(),
                        text: x.text.clone(),
                    })
                    .collect();
            }
            r
        }
    }
}
