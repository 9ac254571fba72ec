//! Units fetched from the index, with the stems the scorers need.

use super::Snapshot;
use crate::config::ValueShape;
use crate::content::UnitKind;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

/// One answer unit as read back from the index.
#[derive(Debug, Clone)]
pub struct UnitDoc {
    pub addr: DocAddress,
    pub slug: String,
    pub kind: UnitKind,
    pub field: String,
    /// A `Q:`/`A:` pair: `field` is its question, for matching; replies
    /// name no field, as for any paragraph.
    pub plain: bool,
    pub text: String,
    pub source: String,
    /// Stems of the field name / heading.
    pub field_stems: Vec<String>,
    /// Stems of the text.
    pub text_stems: Vec<String>,
    /// The value shapes its text holds ("$45": money), found once on read.
    pub shapes: Vec<ValueShape>,
}

/// The unit at `addr`, from the snapshot's cache, read on first use.
fn unit_at(searcher: &Searcher, snap: &Snapshot, addr: DocAddress) -> Option<Unit> {
    let slot = snap
        .docs
        .get(addr.segment_ord as usize)?
        .get(addr.doc_id as usize)?;
    if let Some(u) = slot.get() {
        return Some(u.clone());
    }
    let u = std::sync::Arc::new(read(searcher, snap, addr)?);
    Some(slot.get_or_init(|| u).clone())
}

fn read(searcher: &Searcher, snap: &Snapshot, addr: DocAddress) -> Option<UnitDoc> {
    let f = &snap.gen.fields;
    let doc: TantivyDocument = searcher.doc(addr).ok()?;
    let get = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let stored_kind = get(f.kind);
    let kind = match stored_kind.as_str() {
        "row" => UnitKind::Row,
        "faq" | "qa" => UnitKind::Faq,
        _ => UnitKind::Paragraph,
    };
    let field = get(f.field);
    let text = get(f.text);
    Some(UnitDoc {
        addr,
        slug: get(f.slug),
        kind,
        field_stems: get(f.field_stems)
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        text_stems: get(f.text_stems)
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        field,
        plain: stored_kind == "qa",
        shapes: ValueShape::ALL
            .into_iter()
            .filter(|v| v.found_in(&text))
            .collect(),
        text,
        source: get(f.source),
    })
}

/// All units of one page, in page order.
pub fn page_units(snap: &Snapshot, slug: &str) -> Vec<Unit> {
    let searcher = snap.gen.reader.searcher();
    page_units_with(&searcher, snap, slug)
}

/// A unit shared between the per-generation page cache and the scorers.
pub type Unit = std::sync::Arc<UnitDoc>;

/// All units of one page, in page order, read from the index once per
/// generation and then served from the snapshot's cache.
pub fn page_units_with(searcher: &Searcher, snap: &Snapshot, slug: &str) -> Vec<Unit> {
    let Some(&page) = snap.slugs.get(slug) else {
        return Vec::new();
    };
    snap.page_units[page]
        .get_or_init(|| read_page(searcher, snap, slug))
        .clone()
}

fn read_page(searcher: &Searcher, snap: &Snapshot, slug: &str) -> Vec<Unit> {
    let q = TermQuery::new(
        Term::from_field_text(snap.gen.fields.slug, slug),
        IndexRecordOption::Basic,
    );
    let Ok(top) = searcher.search(&q, &TopDocs::with_limit(1000).order_by_score()) else {
        return Vec::new();
    };
    let mut units: Vec<Unit> = top
        .into_iter()
        .filter_map(|(_, a)| unit_at(searcher, snap, a))
        .collect();
    units.sort_by_key(|u| (u.addr.segment_ord, u.addr.doc_id));
    units
}

/// BM25 search over unit text, field names and page names for `stems`.
/// Built from term queries only: user text never reaches a query parser.
pub fn search(
    searcher: &Searcher,
    snap: &Snapshot,
    stems: &[String],
    limit: usize,
) -> Vec<(f32, Unit)> {
    let f = &snap.gen.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for s in stems {
        for (field, boost) in [
            (f.text_terms, 1.0),
            (f.field_terms, 1.5),
            (f.name_terms, 1.0),
        ] {
            // A word a field never holds adds nothing to any score; left
            // out, it costs no weight or scorer (a search widened by a
            // field's phrase words has dozens of them).
            let term = Term::from_field_text(field, s);
            if searcher.doc_freq(&term).unwrap_or(0) == 0 {
                continue;
            }
            let tq = TermQuery::new(term, IndexRecordOption::WithFreqs);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(tq), boost)),
            ));
        }
    }
    if clauses.is_empty() {
        return Vec::new();
    }
    let q = BooleanQuery::new(clauses);
    let Ok(top) = searcher.search(&q, &TopDocs::with_limit(limit).order_by_score()) else {
        return Vec::new();
    };
    top.into_iter()
        .filter_map(|(score, a)| unit_at(searcher, snap, a).map(|u| (score, u)))
        .collect()
}

/// Inverse document frequency of a stem over unit texts (0 when unknown).
pub fn idf(searcher: &Searcher, snap: &Snapshot, stem: &str) -> Option<f32> {
    let df = searcher
        .doc_freq(&Term::from_field_text(snap.gen.fields.text_terms, stem))
        .unwrap_or(0)
        + searcher
            .doc_freq(&Term::from_field_text(snap.gen.fields.field_terms, stem))
            .unwrap_or(0);
    if df == 0 {
        return None;
    }
    let n = searcher.num_docs().max(1) as f32;
    Some((1.0 + n / df as f32).ln())
}
