//! Answering: understand the question, rank the content, decide what to do.
//!
//! [`Engine`] is what front ends hold. It owns the current index generation
//! behind a lock that is held only to clone an `Arc`, so a rebuild swaps the
//! generation under running questions without failing any of them: a question
//! finishes on the generation it started with.
//!
//! This module knows nothing of Discord or the command line.

mod compose;
mod decide;
mod derived;
mod fields;
mod names;
mod question;
mod reply;
mod taught;
mod units;
mod urgent;
pub mod urgent_model;

pub use question::Question;
pub use reply::{Candidate, Choice, Kind, Related, Reply};

use crate::config::Config;
use crate::index::{self, BuildReport, Generation};
use crate::Result;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Said once, loudly, when no way to reach the clinic is configured.
pub const NO_CONTACT: &str = "no clinic phone or contact is set in config.toml [clinic] or the site's data: fallback and urgent replies can only say \"please contact the clinic\". Set [clinic] phone (or [paths] site to a Hugo site whose data holds a telephone).";

/// One opened index generation with what the engine derives from it.
pub(crate) struct Snapshot {
    pub gen: Generation,
    pub names: names::NameMatcher,
    pub slugs: HashMap<String, usize>,
    /// For each canonical field: the pages that have it (a row of one of its
    /// variants, or a FAQ heading asking it). A field only one page has
    /// (Parking, Membership) points at that page by itself.
    pub canon_pages: Vec<Vec<usize>>,
    /// What each distinct row name / FAQ heading means, worked out once per
    /// generation instead of once per question.
    pub field_info: HashMap<String, FieldInfo>,
    /// Stems of each page's names, worked out on first use (see
    /// [`Snapshot::name_stems`]).
    name_stems: Vec<std::sync::OnceLock<Vec<String>>>,
    /// Each distinct tag (lower-cased): its stems and the pages carrying it.
    pub tags: Vec<(Vec<String>, Vec<usize>)>,
    /// The questions staff taught, compiled.
    pub taught: taught::TaughtMatcher,
    /// Whether each page describes one service (as opposed to a general page:
    /// policies, payment, hours, a section's list page), which may answer
    /// for any service. See [`services`].
    pub service: Vec<bool>,
    /// Each page's units, read from the index the first time a question
    /// needs them (bounded by the content's size).
    pub page_units: Vec<std::sync::OnceLock<Vec<units::Unit>>>,
    /// Each indexed unit by segment and doc id, read from the doc store the
    /// first time a search or a page hits it: a warm question decompresses
    /// no stored block (the generation's reader never reloads, so addresses
    /// are stable).
    pub docs: Vec<Vec<std::sync::OnceLock<units::Unit>>>,
    /// Head word -> the one service that is the parent of the others sharing
    /// it (see [`Snapshot::parents`]); worked out on first use.
    parents: std::sync::OnceLock<HashMap<String, usize>>,
}

/// Which pages describe one service. A site whose service pages carry a
/// `Name` row says so itself. Otherwise a page is a service when more of its
/// labelled units are about a service (cost, downtime, results...) than
/// about the clinic (`general` fields: hours, payment, cancellation...);
/// section list pages and the site's business facts never are.
fn services(
    pages: &[index::PageEntry],
    labels: &[Vec<String>],
    info: &HashMap<String, FieldInfo>,
    fields: &fields::FieldMatcher,
) -> Vec<bool> {
    if pages.iter().any(|p| p.is_service) {
        return pages.iter().map(|p| p.is_service).collect();
    }
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if matches!(
                p.kind,
                crate::content::PageKind::Section | crate::content::PageKind::Business
            ) {
                return false;
            }
            let (mut general, mut service) = (0, 0);
            for f in labels.get(i).into_iter().flatten() {
                let canon = info
                    .get(f)
                    .and_then(|i| i.row.or_else(|| i.heading.first().map(|(c, _)| *c)));
                match canon {
                    Some(c) if fields.is_general(c) => general += 1,
                    Some(_) => service += 1,
                    None => {}
                }
            }
            service > general
        })
        .collect()
}

/// A row name or FAQ heading, read once.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct FieldInfo {
    /// The canonical field a row of this name belongs to.
    pub row: Option<usize>,
    /// The canonical fields a FAQ heading of this text asks.
    pub heading: Vec<(usize, f32)>,
    /// Stems of the heading's content words (stopwords dropped).
    pub content: Vec<String>,
    /// Stems of the label outside and inside its parentheses, when it has
    /// both: two wordings of one label ([`crate::text::paren_parts`]).
    pub parts: Option<(Vec<String>, Vec<String>)>,
}

impl FieldInfo {
    fn new(name: &str, fields: &fields::FieldMatcher) -> FieldInfo {
        FieldInfo {
            row: fields.canon_of_name(name),
            heading: fields.canons_of_heading(name),
            content: crate::text::words(name)
                .iter()
                .filter(|w| !crate::text::is_stopword(w))
                .map(|w| crate::text::stem(w))
                .collect(),
            parts: crate::text::paren_parts(name),
        }
    }
}

/// What a snapshot derives from the catalog besides the name matcher (see
/// the [`Snapshot`] fields of the same names).
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Tables {
    canon_pages: Vec<Vec<usize>>,
    field_info: HashMap<String, FieldInfo>,
    tags: Vec<(Vec<String>, Vec<usize>)>,
    service: Vec<bool>,
}

impl Snapshot {
    /// The snapshot of `gen`: its derived tables from `cached` when they
    /// were derived under `key`, else derived now (and cached for the next
    /// open).
    fn new(
        gen: Generation,
        config: &Config,
        fields: &fields::FieldMatcher,
        terms: &question::Terms,
        cached: Option<derived::Derived>,
        key: u64,
    ) -> Snapshot {
        let d = match cached.and_then(|d| d.keyed(key)) {
            Some(d) => d,
            None => {
                let d = Self::derive(&gen, config, fields, key);
                derived::write(&derived::path(&gen.dir), &d);
                d
            }
        };
        let names = d
            .names
            .with_typos(config.answer.typo_min_len, config.answer.typo2_min_len);
        let t = d.tables;
        let slugs = gen
            .catalog
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        let taught = taught::TaughtMatcher::new(&gen.catalog.taught, terms);
        let n_pages = gen.catalog.pages.len();
        let docs = gen
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|r| (0..r.max_doc()).map(|_| Default::default()).collect())
            .collect();
        Snapshot {
            gen,
            names,
            slugs,
            canon_pages: t.canon_pages,
            field_info: t.field_info,
            name_stems: (0..n_pages).map(|_| Default::default()).collect(),
            tags: t.tags,
            service: t.service,
            taught,
            page_units: (0..n_pages).map(|_| Default::default()).collect(),
            docs,
            parents: Default::default(),
        }
    }

    /// Derives the tables: the name matcher beside the field tables (each is
    /// a large share of opening a big site). A generation whose labels cannot
    /// be read (a file removed by hand) derives from none: every name still
    /// matches, no row name means a field; `frontdesk index` restores them.
    fn derive(
        gen: &Generation,
        config: &Config,
        fields: &fields::FieldMatcher,
        key: u64,
    ) -> derived::Derived {
        let labels = index::labels(gen).unwrap_or_else(|e| {
            tracing::warn!("{e}");
            Default::default()
        });
        let (names, t) = std::thread::scope(|scope| {
            let names = scope.spawn(|| {
                Self::name_matcher(gen, config, &labels.name_stem_df, &labels.name_stem_share)
            });
            let tables = Self::tables(gen, &labels.fields, fields);
            (names.join(), tables)
        });
        let names = names.unwrap_or_else(|e| std::panic::resume_unwind(e));
        derived::Derived::new(key, names, t)
    }

    /// The stems of every name of page `page`, worked out on first use.
    pub fn name_stems(&self, page: usize) -> &[String] {
        self.name_stems
            .get(page)
            .map(|s| s.get_or_init(|| self.names.page_stems(page)).as_slice())
            .unwrap_or(&[])
    }

    /// Whether question word `t` is, in any of its forms, a word of page
    /// `page`'s names ("drip" for IV Therapy's "IV drip").
    pub(crate) fn names_use(&self, page: usize, t: &question::Tok) -> bool {
        self.name_stems(page).iter().any(|s| t.has_stem(s))
    }

    fn name_matcher(
        gen: &Generation,
        config: &Config,
        df: &HashMap<String, u32>,
        share: &HashMap<String, f32>,
    ) -> names::NameMatcher {
        // Live pages first (indices match the catalog), then drafts.
        let all_names = gen
            .catalog
            .pages
            .iter()
            .map(|p| &p.names)
            .chain(gen.catalog.draft_names.iter());
        let house = crate::text::stems(&config.clinic.name);
        names::NameMatcher::new(all_names, df, share, &house)
    }

    fn tables(gen: &Generation, labels: &[Vec<String>], fields: &fields::FieldMatcher) -> Tables {
        let mut canon_pages = vec![Vec::new(); fields.count()];
        let mut field_info: HashMap<String, FieldInfo> = HashMap::new();
        for (pi, page_fields) in labels.iter().enumerate() {
            for f in page_fields {
                let info = field_info
                    .entry(f.clone())
                    .or_insert_with(|| FieldInfo::new(f, fields));
                let mut cs: Vec<usize> = info.row.into_iter().collect();
                cs.extend(info.heading.iter().map(|(c, _)| *c));
                // Pages come in order, so a page already listed is the last one.
                for c in cs {
                    if canon_pages[c].last() != Some(&pi) {
                        canon_pages[c].push(pi);
                    }
                }
            }
        }
        let mut tags: HashMap<String, (Vec<String>, Vec<usize>)> = HashMap::new();
        for (i, p) in gen.catalog.pages.iter().enumerate() {
            for tag in &p.tags {
                let entry = tags
                    .entry(tag.to_lowercase())
                    .or_insert_with(|| (crate::text::stems(tag), Vec::new()));
                if entry.1.last() != Some(&i) {
                    entry.1.push(i);
                }
            }
        }
        let mut tags: Vec<(Vec<String>, Vec<usize>)> = tags.into_values().collect();
        tags.sort();
        let service = services(&gen.catalog.pages, labels, &field_info, fields);
        Tables {
            canon_pages,
            field_info,
            tags,
            service,
        }
    }

    /// Services several of which share the last word of their name ("Chemical
    /// Peel", "VI Peel"): when one of them is what the others' category row
    /// says they are (VI Peel: "Medium-depth chemical peel"), that one is the
    /// service a bare "peel" means. Keyed by the stem of the shared word.
    pub fn parents(
        &self,
        fields: &fields::FieldMatcher,
        category_field: &str,
    ) -> &HashMap<String, usize> {
        self.parents.get_or_init(|| {
            let category = fields.canon_of_name(category_field);
            let mut heads: HashMap<String, Vec<usize>> = HashMap::new();
            let display = |p: usize| {
                let n = &self.gen.catalog.pages[p].display_name;
                crate::text::normalize(n.split('(').next().unwrap_or(n))
            };
            for p in 0..self.gen.catalog.pages.len() {
                if let Some(last) = display(p).split(' ').next_back().filter(|w| !w.is_empty()) {
                    heads.entry(crate::text::stem(last)).or_default().push(p);
                }
            }
            let searcher = self.gen.reader.searcher();
            let kind_of = |p: usize| -> String {
                units::page_units_with(&searcher, self, &self.gen.catalog.pages[p].slug)
                    .iter()
                    .find(|u| category.is_some() && fields.canon_of_name(&u.field) == category)
                    .map(|u| crate::text::normalize(&u.text))
                    .unwrap_or_default()
            };
            let mut parents = HashMap::new();
            for (head, pages) in heads.into_iter().filter(|(_, v)| v.len() >= 2) {
                let is_parent = |p: usize| {
                    let name = format!(" {} ", display(p));
                    pages
                        .iter()
                        .filter(|&&q| q != p)
                        .all(|&q| format!(" {} ", kind_of(q)).contains(&name))
                };
                let found: Vec<usize> = pages.iter().copied().filter(|&p| is_parent(p)).collect();
                if let [p] = found[..] {
                    parents.insert(head, p);
                }
            }
            parents
        })
    }

    /// What a row name or FAQ heading means (cached for the catalog's fields).
    pub fn field_info(
        &self,
        name: &str,
        fields: &fields::FieldMatcher,
    ) -> std::borrow::Cow<'_, FieldInfo> {
        match self.field_info.get(name) {
            Some(i) => std::borrow::Cow::Borrowed(i),
            None => std::borrow::Cow::Owned(FieldInfo::new(name, fields)),
        }
    }
}

/// Opens the current generation and, beside it, reads the tables derived
/// from it last time (reading both at once: each is a large share of a cold
/// start). The tables are dropped when `CURRENT` moved on in between.
fn load(index_dir: &std::path::Path) -> Result<(Generation, Option<derived::Derived>)> {
    let guess = index::current(index_dir);
    std::thread::scope(|s| {
        let cached = guess
            .as_deref()
            .map(|dir| s.spawn(move || derived::read(&derived::path(dir))));
        let gen = index::open(index_dir);
        let cached = cached.and_then(|h| h.join().ok()).flatten();
        let gen = gen?;
        let same = guess.as_deref() == Some(gen.dir.as_path());
        Ok((gen, cached.filter(|_| same)))
    })
}

/// A service as listed by `/services` and autocomplete.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServiceSummary {
    pub slug: String,
    pub title: String,
    pub names: Vec<String>,
}

/// A whole service card: every row and FAQ entry of a page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ServiceCard {
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub rows: Vec<Related>,
    pub source: String,
    /// Where Hugo publishes the page (absolute), when the site address is known.
    pub url: Option<String>,
}

/// The answering engine over one content directory and index directory.
pub struct Engine {
    config: Arc<Config>,
    fields: fields::FieldMatcher,
    urgent: urgent::UrgentRules,
    terms: question::Terms,
    /// `[answer] offer_phrases`, compiled once.
    offer: Vec<question::Phrase>,
    snap: RwLock<Arc<Snapshot>>,
}

impl Engine {
    /// Opens the current index generation (it must exist).
    pub fn open(mut config: Config) -> Result<Engine> {
        let (gen, cached) = load(&config.paths.index)?;
        if !config.fill_clinic(&gen.catalog.facts) {
            tracing::warn!("{NO_CONTACT}");
        }
        let fields = fields::FieldMatcher::new(&config);
        let terms = question::Terms::new(&config.terms);
        let key = derived::key(&config);
        let snap = Snapshot::new(gen, &config, &fields, &terms, cached, key);
        Ok(Engine {
            fields,
            urgent: urgent::UrgentRules::new(&config.urgent),
            terms,
            offer: config
                .answer
                .offer_phrases
                .iter()
                .filter_map(|p| question::Phrase::compile(p))
                .collect(),
            config: Arc::new(config),
            snap: RwLock::new(Arc::new(snap)),
        })
    }

    /// Builds the index first when it is missing or older than the content,
    /// then opens it. A failed build with a usable old index still opens the
    /// old one; the error is returned beside it for the caller to report.
    pub fn open_or_build(
        config: Config,
    ) -> Result<(Engine, Option<BuildReport>, Option<crate::Error>)> {
        let source = crate::content::Source::from_config(&config)?;
        // Reading the content's fingerprint (a stat per page) and opening the
        // current index overlap; the opened engine is used when it is fresh.
        let dir = config.paths.index.clone();
        let (stale, opened) = std::thread::scope(|s| {
            let stale = s.spawn(|| index::is_stale(&source, &dir));
            let opened = index::current(&dir).map(|_| Engine::open(config.clone()));
            (stale.join().unwrap_or(true), opened)
        });
        if !stale {
            if let Some(Ok(engine)) = opened {
                return Ok((engine, None, None));
            }
        }
        let (report, err) = match index::build(&source, &dir) {
            Ok(r) => (Some(r), None),
            Err(e) if index::current(&dir).is_some() => (None, Some(e)),
            Err(e) => return Err(e),
        };
        Ok((Engine::open(config)?, report, err))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.snap.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Rebuilds the index from the content directory and swaps it in. On
    /// failure the engine keeps answering from the generation it had.
    pub fn rebuild(&self) -> Result<BuildReport> {
        let source = crate::content::Source::from_config(&self.config)?;
        let report = index::build(&source, &self.config.paths.index)?;
        self.reopen()?;
        Ok(report)
    }

    /// Switches to the generation `CURRENT` names, if it changed (another
    /// process rebuilt). Returns whether it switched.
    pub fn reopen(&self) -> Result<bool> {
        let current = index::current(&self.config.paths.index);
        if current.as_deref() == Some(self.snapshot().gen.dir.as_path()) {
            return Ok(false);
        }
        let (gen, cached) = load(&self.config.paths.index)?;
        let key = derived::key(&self.config);
        let snap = Snapshot::new(gen, &self.config, &self.fields, &self.terms, cached, key);
        *self.snap.write().unwrap_or_else(|e| e.into_inner()) = snap.into();
        Ok(true)
    }

    /// Rebuilds when the content changed since the index was built.
    pub fn refresh_if_stale(&self) -> Result<Option<BuildReport>> {
        let source = crate::content::Source::from_config(&self.config)?;
        if index::is_stale(&source, &self.config.paths.index) {
            return self.rebuild().map(Some);
        }
        self.reopen()?;
        Ok(None)
    }

    /// Answers a question on its own.
    pub fn answer(&self, question: &str) -> Reply {
        self.answer_in_context(question, None)
    }

    /// Answers a follow-up: when the question names no service ("how much is
    /// it?"), `last_page` (the service of the client's previous answer) is used.
    pub fn answer_in_context(&self, question: &str, last_page: Option<&str>) -> Reply {
        decide::decide(
            self,
            &self.snapshot(),
            question,
            decide::Mode::Context(last_page),
            None,
        )
    }

    /// Answers `question` for the service the client picked from a clarify reply.
    pub fn answer_for_page(&self, question: &str, slug: &str) -> Reply {
        decide::decide(
            self,
            &self.snapshot(),
            question,
            decide::Mode::Page(slug),
            None,
        )
    }

    /// Answers and also returns the engine's reasoning, for staff.
    pub fn explain(&self, question: &str) -> (Reply, Vec<String>) {
        let mut trace = Vec::new();
        let reply = decide::decide(
            self,
            &self.snapshot(),
            question,
            decide::Mode::Context(None),
            Some(&mut trace),
        );
        (reply, trace)
    }

    /// The units closest to `question` (at most 3), for staff choosing which
    /// should have answered.
    pub fn candidates(&self, question: &str) -> Vec<Candidate> {
        self.explain(question).0.candidates
    }

    /// Every service (non-draft page), in the clinic's order (Hugo weight).
    pub fn services(&self) -> Vec<ServiceSummary> {
        let snap = self.snapshot();
        let mut pages: Vec<_> = snap.gen.catalog.pages.iter().collect();
        pages.sort_by(|a, b| {
            a.weight
                .cmp(&b.weight)
                .then(a.display_name.cmp(&b.display_name))
        });
        pages
            .into_iter()
            .map(|p| ServiceSummary {
                slug: p.slug.clone(),
                title: p.display_name.clone(),
                names: p.names.clone(),
            })
            .collect()
    }

    /// The whole card of one page.
    pub fn card(&self, slug: &str) -> Option<ServiceCard> {
        let snap = self.snapshot();
        let page = &snap.gen.catalog.pages[*snap.slugs.get(slug)?];
        Some(ServiceCard {
            slug: page.slug.clone(),
            title: page.display_name.clone(),
            description: page.description.clone(),
            rows: self
                .page_units(slug)?
                .into_iter()
                .filter(|u| !u.field.is_empty())
                .collect(),
            source: page.path.clone(),
            url: reply::page_url(&self.config.clinic.site_url, &page.url),
        })
    }

    /// Every unit of a published page as the index holds it (a paragraph's
    /// field is empty); `None` for a page not in the index. For staff tools
    /// and ingestion tests.
    pub fn page_units(&self, slug: &str) -> Option<Vec<Related>> {
        let snap = self.snapshot();
        snap.slugs.get(slug)?;
        Some(
            units::page_units(&snap, slug)
                .iter()
                .map(|u| Related {
                    field: u.field.clone(),
                    text: u.text.clone(),
                })
                .collect(),
        )
    }

    /// Number of pages and units in service.
    pub fn stats(&self) -> (usize, usize) {
        let snap = self.snapshot();
        (snap.gen.catalog.pages.len(), snap.gen.catalog.report.units)
    }
}
