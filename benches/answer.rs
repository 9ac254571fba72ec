//! Criterion benchmarks of the answer engine (issue 4).
//!
//! `cargo bench --bench answer` measures, in-process and warm:
//! - `answer/shipped`: the 184 dev questions (tests/questions.yaml) on the
//!   shipped content, one question at a time (throughput = questions/s);
//! - `throughput/shipped`: the same questions from 1 and N concurrent tokio
//!   tasks sharing one `Engine` (N = available cores, and 2N);
//! - `answer/1k`, `answer/10k`: the same questions on generated corpora of
//!   1,000 and 10,000 pages (benches/support/corpus.rs, seeded);
//! - `index_build/*`: a full index build of each corpus size.
//!
//! `FRONTDESK_BENCH_100K=1` adds a 100,000-page corpus (slow to generate and
//! build). Percentiles (p50/p99/max), index size and peak RSS are printed by
//! `cargo run --release --example bench_report`.

#[path = "support/corpus.rs"]
mod corpus;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use frontdesk::{Config, Engine};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The dev questions, in file order.
fn questions() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/questions.yaml");
    let text = std::fs::read_to_string(&path).expect("tests/questions.yaml");
    let items: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).expect("questions parse");
    items
        .iter()
        .filter_map(|i| i.get("q").and_then(|q| q.as_str()).map(String::from))
        .collect()
}

fn config(content: &Path, index: &Path) -> Config {
    let mut c = Config::default();
    c.paths.content = content.to_path_buf();
    c.paths.index = index.to_path_buf();
    c.paths.data = index.join("data");
    c
}

/// An engine over `content` with its index built in a temp dir.
fn engine(content: &Path) -> (tempfile::TempDir, Arc<Engine>) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (engine, _, err) =
        Engine::open_or_build(config(content, &tmp.path().join("index"))).expect("engine opens");
    assert!(err.is_none(), "{err:?}");
    (tmp, Arc::new(engine))
}

/// Whether criterion runs for measurement (`cargo bench`) rather than as a
/// smoke test (`cargo test --benches` runs each bench once): the large
/// corpora are only generated for measurement.
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The corpus sizes to run beyond the shipped content.
fn sizes() -> Vec<usize> {
    if !measuring() {
        return Vec::new();
    }
    let mut s = vec![1_000, 10_000];
    if std::env::var_os("FRONTDESK_BENCH_100K").is_some_and(|v| v != "0") {
        s.push(100_000);
    }
    s
}

fn label(pages: usize) -> String {
    if pages.is_multiple_of(1000) {
        format!("{}k", pages / 1000)
    } else {
        pages.to_string()
    }
}

fn corpora() -> Vec<(String, PathBuf)> {
    let mut v = vec![("shipped".to_string(), corpus::shipped_content())];
    for n in sizes() {
        let dir = corpus::cached(n, corpus::DEFAULT_SEED).expect("corpus generates");
        v.push((label(n), dir));
    }
    v
}

fn bench_answer(c: &mut Criterion) {
    let qs = questions();
    let mut group = c.benchmark_group("answer");
    group.throughput(Throughput::Elements(qs.len() as u64));
    for (name, dir) in corpora() {
        let (_tmp, engine) = engine(&dir);
        for q in &qs {
            black_box(engine.answer(q));
        }
        if name != "shipped" {
            group.sample_size(20);
        }
        group.bench_function(BenchmarkId::new("dev_questions", &name), |b| {
            b.iter(|| {
                for q in &qs {
                    black_box(engine.answer(black_box(q)));
                }
            })
        });
    }
    group.finish();
}

fn bench_throughput(c: &mut Criterion) {
    let qs = Arc::new(questions());
    let (_tmp, engine) = engine(&corpus::shipped_content());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("throughput");
    let mut tasks = vec![1, cores, 2 * cores];
    tasks.dedup();
    for n in tasks {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n.min(cores))
            .build()
            .expect("runtime");
        group.throughput(Throughput::Elements((n * qs.len()) as u64));
        group.bench_function(BenchmarkId::new("tasks", n), |b| {
            b.iter(|| {
                rt.block_on(async {
                    let handles: Vec<_> = (0..n)
                        .map(|_| {
                            let engine = engine.clone();
                            let qs = qs.clone();
                            tokio::spawn(async move {
                                for q in qs.iter() {
                                    black_box(engine.answer(q));
                                }
                            })
                        })
                        .collect();
                    for h in handles {
                        h.await.expect("task");
                    }
                })
            })
        });
    }
    group.finish();
}

fn bench_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("index_build");
    group.sample_size(10);
    for (name, dir) in corpora() {
        if name != "shipped" {
            group.measurement_time(Duration::from_secs(30));
        }
        group.bench_function(BenchmarkId::from_parameter(&name), |b| {
            b.iter_batched(
                || tempfile::tempdir().expect("tempdir"),
                |tmp| {
                    let report = frontdesk::index::build(
                        &frontdesk::content::Source::content_dir(&dir),
                        &tmp.path().join("index"),
                    )
                    .expect("index builds");
                    black_box(report.pages);
                    tmp
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1));
    targets = bench_answer, bench_throughput, bench_build
}
criterion_main!(benches);
