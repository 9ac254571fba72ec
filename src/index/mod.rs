//! The index: content -> tantivy generations on disk, swapped in atomically.
//!
//! Layout of the index directory:
//! ```text
//! index/CURRENT          name of the generation in service (replaced by rename)
//! index/gen-<id>/        a complete tantivy index + catalog.bin
//! ```
//! A build writes a new generation beside the old one and only then replaces
//! `CURRENT`; a build that fails for any reason removes its own generation and
//! leaves `CURRENT` (and whoever is serving from it) untouched. Readers open
//! the generation `CURRENT` names and keep it open; a replaced generation is
//! removed on the next build, by which time readers have moved on (open files
//! stay readable on Unix even then).

pub mod schema;

use crate::content::{self, Page, PageKind, Severity, Site, SiteFacts, Source, UnitKind};
use crate::{text, Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tantivy::{doc, Index, IndexReader, ReloadPolicy};

const CURRENT: &str = "CURRENT";
/// Binary (postcard): at 10k pages the JSON form took longer to parse than
/// the rest of opening the index.
const CATALOG: &str = "catalog.bin";
/// [`Labels`], read only when answer tables are derived.
const LABELS: &str = "labels.bin";
/// The catalog's fingerprint and clock window alone, so a staleness check
/// does not parse the whole catalog (megabytes at 10k pages).
const STAMP: &str = "stamp.json";

/// What [`STAMP`] holds.
#[derive(Debug, Serialize, Deserialize)]
struct Stamp {
    version: u32,
    fingerprint: Fingerprint,
    valid_from: Option<i64>,
    valid_until: Option<i64>,
}
const CATALOG_VERSION: u32 = 13;

/// What the content looked like when an index was built; a different
/// fingerprint means the index is stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Fingerprint {
    pub files: u64,
    pub bytes: u64,
    pub newest_mtime_ns: u128,
}

/// Fingerprint of what a build reads: the files under the content directory
/// and, for a site root, its config and data files (0 files when missing).
pub fn fingerprint(source: &Source) -> Fingerprint {
    let mut fp = Fingerprint::default();
    let mut add = |meta: &std::fs::Metadata| {
        fp.files += 1;
        fp.bytes += meta.len();
        let m = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok());
        fp.newest_mtime_ns = fp.newest_mtime_ns.max(m.map(|d| d.as_nanos()).unwrap_or(0));
    };
    // The root may itself be a link (Hugo follows a linked content root).
    let root = source
        .content
        .canonicalize()
        .unwrap_or_else(|_| source.content.clone());
    content::walk::file_stats(&root, &mut add);
    let mut paths = Vec::new();
    if let Some(root) = &source.site {
        paths.extend(content::site::inputs(root));
    }
    paths.extend(source.learned.clone());
    for path in paths {
        if let Ok(meta) = std::fs::metadata(&path) {
            add(&meta);
        }
    }
    fp
}

/// A page as the engine needs it at answer time (its units live in tantivy).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageEntry {
    pub slug: String,
    pub path: String,
    pub title: String,
    pub display_name: String,
    pub names: Vec<String>,
    pub weight: i64,
    pub description: Option<String>,
    /// Hugo tags: categories several services share ("Wellness", "Laser").
    #[serde(default)]
    pub tags: Vec<String>,
    /// Whether the page describes one service (its table has a `Name` row),
    /// as opposed to general pages (hours, policies, aftercare).
    pub is_service: bool,
    /// Regular page, bundle, section list or the site's business facts.
    pub kind: PageKind,
    /// Where Hugo publishes it, below the site's base URL.
    pub url: String,
}

/// Summary of a build, printed by `frontdesk index` and `/reload`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub units: usize,
    /// Pages Hugo would not publish (drafts, future, expired, headless,
    /// other languages): read, never answered from.
    pub unpublished: usize,
    pub warnings: usize,
    pub errors: usize,
    pub diagnostics: Vec<String>,
    pub millis: u64,
    pub generation: String,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        write!(
            f,
            "indexed {} pages, {} units ({} unpublished pages skipped, {} warnings, {} errors) in {} ms -> {}",
            self.pages,
            self.units,
            self.unpublished,
            self.warnings,
            self.errors,
            self.millis,
            self.generation
        )
    }
}

/// Everything stored beside the tantivy files of a generation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Catalog {
    pub version: u32,
    pub fingerprint: Fingerprint,
    pub pages: Vec<PageEntry>,
    /// Names of pages Hugo does not publish (drafts, future, expired):
    /// services the clinic does not offer now. Never answered from; knowing
    /// them lets "thread lift" be a fallback instead of a stretch to some
    /// other page.
    #[serde(default)]
    pub draft_names: Vec<Vec<String>>,
    /// The site's own facts (config, schema.org data): fill `[clinic]`.
    #[serde(default)]
    pub facts: SiteFacts,
    /// Questions staff taught whose unit is published.
    #[serde(default)]
    pub taught: Vec<crate::learned::Taught>,
    /// The clock window (Unix seconds) the publishing decisions hold in:
    /// outside it some page's publish or expiry date falls the other way, and
    /// the index is stale though no file changed.
    #[serde(default)]
    pub valid_from: Option<i64>,
    #[serde(default)]
    pub valid_until: Option<i64>,
    pub report: BuildReport,
}

/// What only deriving tables from a generation reads (its row names and
/// name statistics), kept out of [`Catalog`] so an open that finds its
/// derived tables cached never parses it: at 10k pages it is most of the
/// catalog.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Labels {
    /// For each page of the catalog: its row names and FAQ headings, in page
    /// order.
    pub fields: Vec<Vec<String>>,
    /// For each stem of a page name: on how many pages' text it occurs. Tells
    /// a distinctive name word ("iv") from a common one ("fat").
    pub name_stem_df: std::collections::HashMap<String, u32>,
    /// For each stem of a page name: the share of its uses in the content
    /// that are on the page (or pages) whose name has it. A word mentioned
    /// in passing elsewhere ("massage" on a billing page) but mostly on its
    /// own page is still that page's name.
    pub name_stem_share: std::collections::HashMap<String, f32>,
}

/// Reads a generation's [`Labels`].
pub fn labels(gen: &Generation) -> Result<Labels> {
    let path = gen.dir.join(LABELS);
    let bytes = std::fs::read(&path).map_err(|e| io(&path, "read the labels", e))?;
    postcard::from_bytes(&bytes).map_err(|e| Error::Index {
        path,
        message: format!("unreadable labels ({e}); run `frontdesk index`"),
    })
}

/// An opened generation: one reader for the process, a searcher per question.
pub struct Generation {
    pub dir: PathBuf,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: schema::Fields,
    pub catalog: Catalog,
}

/// Builds a new generation from `content` and makes it current.
///
/// Pages that fail to parse are skipped and reported; the build fails (and the
/// previous generation stays current) when the content directory cannot be
/// read, holds no answerable page, or the index cannot be written.
pub fn build(source: &Source, index_dir: &Path) -> Result<BuildReport> {
    let started = Instant::now();
    let fp = fingerprint(source);
    let mut site = content::load(source)?;
    let mut taught = Vec::new();
    if let Some(path) = &source.learned {
        let (entries, mut diags) = crate::learned::load(path);
        let (valid, stale) = crate::learned::resolve(entries, &site, path);
        diags.extend(stale);
        site.diagnostics.extend(diags);
        taught = valid;
    }
    if !site.live_pages().any(|p| p.kind != PageKind::Business) {
        return Err(Error::Index {
            path: source.content.clone(),
            message: format!(
                "no answerable page found ({} files, {} errors); the current index is kept. Check --content and `frontdesk check`",
                fp.files,
                site.errors()
            ),
        });
    }
    std::fs::create_dir_all(index_dir)
        .map_err(|e| io(index_dir, "create the index directory", e))?;
    let id = format!(
        "gen-{}-{}",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
        std::process::id()
    );
    let gen_dir = index_dir.join(&id);
    let result = write_generation(&site, taught, &gen_dir, &id, fp, started);
    match result {
        Ok(report) => {
            let current = index_dir.join(CURRENT);
            let tmp = index_dir.join(format!("{CURRENT}.{id}.tmp"));
            let swap = std::fs::write(&tmp, &id)
                .and_then(|_| std::fs::File::open(&tmp)?.sync_all())
                .and_then(|_| std::fs::rename(&tmp, &current));
            if let Err(e) = swap {
                let _ = std::fs::remove_file(&tmp);
                let _ = std::fs::remove_dir_all(&gen_dir);
                return Err(io(&current, "switch the index to the new generation", e));
            }
            remove_old_generations(index_dir, &id);
            Ok(report)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&gen_dir);
            Err(e)
        }
    }
}

fn io(path: &Path, action: &'static str, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

fn write_generation(
    site: &Site,
    taught: Vec<crate::learned::Taught>,
    dir: &Path,
    id: &str,
    fp: Fingerprint,
    started: Instant,
) -> Result<BuildReport> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, "create the index generation", e))?;
    let (schema, f) = schema::build();
    let index = Index::create_in_dir(dir, schema)?;
    // One indexing thread: one segment with units in page order, so the same
    // content always builds the same index (and gets the same answers).
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 64_000_000)?;
    let mut units = 0;
    let mut pages = Vec::new();
    let service_names: std::collections::HashSet<String> = site
        .live_pages()
        .flat_map(|p| p.names.iter().map(|n| text::normalize(n)))
        .collect();
    for page in site.live_pages() {
        let names = page
            .names
            .iter()
            .map(|n| text::normalize(n))
            .collect::<Vec<_>>()
            .join(" ");
        for u in &page.units {
            if content::page::is_name_row(u) {
                continue;
            }
            let field = u.field.clone().unwrap_or_default();
            let kind = match u.kind {
                UnitKind::Row => "row",
                UnitKind::Faq if u.plain => "qa",
                UnitKind::Faq => "faq",
                UnitKind::Paragraph => "paragraph",
            };
            writer.add_document(doc!(
                f.slug => page.slug.as_str(),
                f.kind => kind,
                f.field => field.as_str(),
                f.text => u.text.as_str(),
                f.field_terms => text::normalize(&field),
                f.text_terms => text::normalize(&u.text),
                f.name_terms => names.as_str(),
                f.source => format!("{}:{}", page.path, u.line),
                f.field_stems => text::stems(&field).join(" "),
                f.text_stems => text::stems(&u.text).join(" "),
            ))?;
            units += 1;
        }
        pages.push(page_entry(page, &service_names));
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let warnings = site
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let report = BuildReport {
        pages: pages.len(),
        units,
        unpublished: site.pages.len() - pages.len(),
        warnings,
        errors: site.errors(),
        diagnostics: site.diagnostics.iter().map(|d| d.to_string()).collect(),
        millis: started.elapsed().as_millis() as u64,
        generation: id.to_string(),
    };
    let (name_stem_df, name_stem_share) = name_stem_stats(site);
    let labels = Labels {
        fields: site.live_pages().map(page_labels).collect(),
        name_stem_df,
        name_stem_share,
    };
    let labels_path = dir.join(LABELS);
    let bytes = postcard::to_stdvec(&labels).map_err(|e| Error::Index {
        path: labels_path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&labels_path, bytes).map_err(|e| io(&labels_path, "write the labels", e))?;
    let catalog = Catalog {
        version: CATALOG_VERSION,
        fingerprint: fp,
        pages,
        draft_names: site
            .pages
            .iter()
            .filter(|p| p.status.is_withheld())
            .map(|p| p.names.clone())
            .collect(),
        facts: site.facts.clone(),
        taught,
        valid_from: site.pages.iter().filter_map(|p| p.changed_at).max(),
        valid_until: site.pages.iter().filter_map(|p| p.changes_at).min(),
        report: report.clone(),
    };
    let stamp = Stamp {
        version: CATALOG_VERSION,
        fingerprint: catalog.fingerprint.clone(),
        valid_from: catalog.valid_from,
        valid_until: catalog.valid_until,
    };
    let stamp_path = dir.join(STAMP);
    let json = serde_json::to_vec(&stamp).map_err(|e| Error::Index {
        path: stamp_path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&stamp_path, json).map_err(|e| io(&stamp_path, "write the stamp", e))?;
    let path = dir.join(CATALOG);
    let bytes = postcard::to_stdvec(&catalog).map_err(|e| Error::Index {
        path: path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&path, bytes)
        .and_then(|_| std::fs::File::open(&path)?.sync_all())
        .map_err(|e| io(&path, "write the catalog", e))?;
    Ok(report)
}

/// For each stem of a page name: on how many pages' text it occurs, and the
/// share of its uses that are on the page(s) whose name has it. One pass
/// over the units (stemming is most of an index build's own work).
type NameStats = (
    std::collections::HashMap<String, u32>,
    std::collections::HashMap<String, f32>,
);

fn name_stem_stats(site: &Site) -> NameStats {
    use std::collections::{HashMap, HashSet};
    let names: Vec<HashSet<String>> = site
        .live_pages()
        .map(|p| p.names.iter().flat_map(|n| text::stems(n)).collect())
        .collect();
    let mut df: HashMap<String, u32> = names.iter().flatten().map(|s| (s.clone(), 0)).collect();
    let (mut own, mut total): (HashMap<String, u32>, HashMap<String, u32>) = Default::default();
    for (page, mine) in site.live_pages().zip(&names) {
        let mut seen = HashSet::new();
        for n in &page.names {
            for s in text::stems(n) {
                if seen.insert(s.clone()) {
                    *df.get_mut(&s).expect("a name stem") += 1;
                }
            }
        }
        for u in &page.units {
            let stems = u
                .field
                .iter()
                .chain(std::iter::once(&u.text))
                .flat_map(|t| text::stems(t));
            for s in stems {
                let Some(d) = df.get_mut(&s) else {
                    continue;
                };
                if seen.insert(s.clone()) {
                    *d += 1;
                }
                *total.entry(s.clone()).or_default() += 1;
                if mine.contains(&s) {
                    *own.entry(s).or_default() += 1;
                }
            }
        }
    }
    let share = total
        .into_iter()
        .map(|(s, t)| {
            let o = own.get(&s).copied().unwrap_or(0);
            (s, o as f32 / t.max(1) as f32)
        })
        .collect();
    (df, share)
}

/// The tags worth believing: sites tag their bestseller on everything for
/// search engines ("Botox" on a microneedling page), so a tag that is
/// another page's service name counts only where the page itself mentions
/// it. Other tags are categories ("Wellness") and stay.
fn credible_tags(page: &Page, service_names: &std::collections::HashSet<String>) -> Vec<String> {
    if !page
        .tags
        .iter()
        .any(|t| service_names.contains(&text::normalize(t)))
    {
        return page.tags.clone();
    }
    let own: std::collections::HashSet<String> = page
        .names
        .iter()
        .chain(page.description.iter())
        .chain(
            page.units
                .iter()
                .flat_map(|u| u.field.iter().chain(std::iter::once(&u.text))),
        )
        .flat_map(|t| text::stems(t))
        .collect();
    page.tags
        .iter()
        .filter(|t| {
            let stems = text::stems(t);
            !stems.is_empty()
                && (!service_names.contains(&text::normalize(t))
                    || stems.iter().all(|s| own.contains(s)))
        })
        .cloned()
        .collect()
}

fn page_entry(page: &Page, service_names: &std::collections::HashSet<String>) -> PageEntry {
    PageEntry {
        slug: page.slug.clone(),
        path: page.path.clone(),
        title: page.title.clone(),
        display_name: page.display_name.clone(),
        names: page.names.clone(),
        weight: page.weight,
        description: page.description.clone(),
        tags: credible_tags(page, service_names),
        is_service: page.units.iter().any(content::page::is_name_row),
        kind: page.kind,
        url: page.url.clone(),
    }
}

/// Row names and FAQ headings of a page, in page order.
fn page_labels(page: &Page) -> Vec<String> {
    page.units
        .iter()
        .filter(|u| !content::page::is_name_row(u))
        .filter_map(|u| u.field.clone())
        .collect()
}

fn remove_old_generations(index_dir: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(index_dir) else {
        return;
    };
    let mut gens: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("gen-") && n != keep)
        .collect();
    // Keep the newest replaced generation for readers that may still be opening it.
    gens.sort();
    gens.pop();
    for g in gens {
        let _ = std::fs::remove_dir_all(index_dir.join(g));
    }
}

/// The generation `CURRENT` names, if there is one.
pub fn current(index_dir: &Path) -> Option<PathBuf> {
    let id = std::fs::read_to_string(index_dir.join(CURRENT)).ok()?;
    let dir = index_dir.join(id.trim());
    dir.join(CATALOG).exists().then_some(dir)
}

/// Opens the current generation.
pub fn open(index_dir: &Path) -> Result<Generation> {
    let dir = current(index_dir).ok_or_else(|| Error::Index {
        path: index_dir.to_path_buf(),
        message: "no index here yet; run `frontdesk index`".into(),
    })?;
    let catalog_path = dir.join(CATALOG);
    let bytes =
        std::fs::read(&catalog_path).map_err(|e| io(&catalog_path, "read the catalog", e))?;
    let catalog: Catalog = postcard::from_bytes(&bytes).map_err(|e| Error::Index {
        path: catalog_path.clone(),
        message: format!("unreadable catalog ({e}); run `frontdesk index`"),
    })?;
    if catalog.version != CATALOG_VERSION {
        return Err(Error::Index {
            path: catalog_path,
            message: "built by another version; run `frontdesk index`".into(),
        });
    }
    let index = Index::open_in_dir(&dir)?;
    let fields = schema::fields_of(&index.schema())?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(Generation {
        dir,
        index,
        reader,
        fields,
        catalog,
    })
}

/// True when there is no index or it was built from other content.
pub fn is_stale(source: &Source, index_dir: &Path) -> bool {
    match open_catalog_fingerprint(index_dir) {
        Some((fp, (from, until))) => {
            fp != fingerprint(source)
                || from.is_some_and(|t| source.now < t)
                || until.is_some_and(|t| source.now >= t)
        }
        None => true,
    }
}

type Window = (Option<i64>, Option<i64>);

fn open_catalog_fingerprint(index_dir: &Path) -> Option<(Fingerprint, Window)> {
    let dir = current(index_dir)?;
    let bytes = std::fs::read(dir.join(STAMP)).ok()?;
    let stamp: Stamp = serde_json::from_slice(&bytes).ok()?;
    (stamp.version == CATALOG_VERSION)
        .then_some((stamp.fingerprint, (stamp.valid_from, stamp.valid_until)))
}
