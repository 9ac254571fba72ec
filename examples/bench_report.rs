//! Prints the benchmark tables of BENCHMARKS.md as markdown (issue 4).
//!
//! ```text
//! cargo run --release --example bench_report                 # shipped, 1k, 10k
//! cargo run --release --example bench_report -- --sizes 1000 # shipped, 1k
//! FRONTDESK_BENCH_100K=1 cargo run --release --example bench_report
//! cargo run --release --example bench_report -- --gen 10000 DIR   # only write a corpus
//! cargo run --release --example bench_report -- --per-question OUT.tsv [CONTENT]
//! cargo run --release --example bench_report -- --threads 1 --profile PASSES CONTENT
//! ```
//!
//! For each corpus (the shipped content, then generated corpora of 1k and 10k
//! pages, benches/support/corpus.rs, fixed seed): index build time (median and
//! range of several builds), index size on disk, the dev questions' accuracy,
//! per-question latency in-process and warm (p50, p99, max over every question
//! of several passes), and questions per second from 1 and N threads sharing
//! one `Engine`. Then the process's memory: RSS after the shipped stage, after
//! 10,000 more questions, and peak RSS (VmHWM) of the whole run.
//!
//! `--per-question OUT.tsv [CONTENT]` writes, for each dev question in file
//! order, the median of 5 warm in-process timings on CONTENT (default: the
//! shipped content) as `index<TAB>seconds<TAB>question`, the format of
//! benches/baselines/per_question.py, for benches/compare.sh.
//!
//! `--profile PASSES CONTENT` only opens an engine on CONTENT (index built in
//! a temp dir) and answers the dev questions PASSES times on each of
//! `--threads` threads: the workload to run under `valgrind --tool=callgrind`
//! (with `--threads 1`) or `perf record`.
//!
//! `FRONTDESK_BENCH_QUESTIONS=FILE` replaces the dev questions with FILE's
//! (a question file), to time or profile a few slow questions alone.
//!
//! Plain `std::time::Instant`, no criterion: run it in release mode.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use frontdesk::{Config, Engine};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The allocator the `frontdesk` binary ships with (src/main.rs), so the
/// timings are the shipped engine's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    sizes: Vec<usize>,
    threads: usize,
    gen: Option<(usize, PathBuf)>,
    per_question: Option<(PathBuf, PathBuf)>,
    profile: Option<(usize, PathBuf)>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        sizes: vec![1_000, 10_000],
        threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        gen: None,
        per_question: None,
        profile: None,
    };
    if std::env::var_os("FRONTDESK_BENCH_100K").is_some_and(|v| v != "0") {
        args.sizes.push(100_000);
    }
    let mut it = std::env::args().skip(1).peekable();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sizes" => {
                let v = it.next().ok_or("--sizes needs a list")?;
                args.sizes = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse().map_err(|e| format!("--sizes {s}: {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "--threads" => {
                let v = it.next().ok_or("--threads needs a number")?;
                args.threads = v.parse().map_err(|e| format!("--threads: {e}"))?;
            }
            "--gen" => {
                let n = it.next().ok_or("--gen PAGES DIR")?;
                let dir = it.next().ok_or("--gen PAGES DIR")?;
                let n = n.parse().map_err(|e| format!("--gen {n}: {e}"))?;
                args.gen = Some((n, PathBuf::from(dir)));
            }
            "--per-question" => {
                let out = it.next().ok_or("--per-question OUT.tsv [CONTENT]")?;
                let content = match it.peek() {
                    Some(c) if !c.starts_with("--") => PathBuf::from(it.next().expect("peeked")),
                    _ => corpus::shipped_content(),
                };
                args.per_question = Some((PathBuf::from(out), content));
            }
            "--profile" => {
                let n = it.next().ok_or("--profile PASSES CONTENT")?;
                let dir = it.next().ok_or("--profile PASSES CONTENT")?;
                let n = n.parse().map_err(|e| format!("--profile {n}: {e}"))?;
                args.profile = Some((n, PathBuf::from(dir)));
            }
            "-h" | "--help" => {
                return Err(
                    "usage: bench_report [--sizes 1000,10000] [--threads N] [--gen PAGES DIR] [--per-question OUT.tsv [CONTENT]] [--profile PASSES CONTENT]"
                        .into(),
                )
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// Measurement effort per corpus size: (index builds, latency passes, throughput trials).
fn effort(pages: usize) -> (usize, usize, usize) {
    match pages {
        0..=100 => (5, 50, 7),
        101..=2_000 => (3, 20, 5),
        2_001..=20_000 => (3, 6, 3),
        _ => (1, 2, 1),
    }
}

fn config(content: &Path, index: &Path) -> Config {
    let mut c = Config::default();
    c.paths.content = content.to_path_buf();
    c.paths.index = index.to_path_buf();
    c.paths.data = index.join("data");
    c
}

/// The dev questions, or the file `FRONTDESK_BENCH_QUESTIONS` names (to
/// profile a few slow questions alone).
fn questions() -> Vec<frontdesk::eval::Item> {
    let path = std::env::var_os("FRONTDESK_BENCH_QUESTIONS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/questions.yaml"),
        PathBuf::from,
    );
    frontdesk::eval::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A `/proc/self/status` value in kB (`VmRSS`, `VmHWM`), 0 where unavailable.
fn proc_status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key) && l[key.len()..].starts_with(':'))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Value at quantile `q` of sorted `v` (nearest rank).
fn quantile(v: &[Duration], q: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn median_f(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        0.0
    } else {
        v[v.len() / 2]
    }
}

/// Questions per second of `threads` OS threads each answering every question
/// `passes` times on the shared engine.
fn qps(engine: &Arc<Engine>, qs: &Arc<Vec<String>>, threads: usize, passes: usize) -> f64 {
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let engine = engine.clone();
            let qs = qs.clone();
            s.spawn(move || {
                for _ in 0..passes {
                    for q in qs.iter() {
                        black_box(engine.answer(q));
                    }
                }
            });
        }
    });
    (threads * passes * qs.len()) as f64 / started.elapsed().as_secs_f64()
}

struct Row {
    corpus: String,
    pages: usize,
    units: usize,
    build: Vec<f64>,
    index_bytes: u64,
    open_ms: f64,
    accuracy: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
    samples: usize,
    qps1: Vec<f64>,
    qpsn: Vec<f64>,
}

struct Memory {
    idle_kb: u64,
    after_10k_kb: u64,
}

fn measure(
    name: &str,
    content: &Path,
    threads: usize,
    effort: (usize, usize, usize),
    memory: Option<&mut Memory>,
) -> Row {
    let (builds, passes, trials) = effort;
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut build = Vec::new();
    let mut index_dir = PathBuf::new();
    let mut report = None;
    for b in 0..builds {
        index_dir = tmp.path().join(format!("index-{b}"));
        let started = Instant::now();
        let r = frontdesk::index::build(
            &frontdesk::content::Source::content_dir(content),
            &index_dir,
        )
        .expect("index builds");
        build.push(started.elapsed().as_secs_f64());
        report = Some(r);
        if b + 1 < builds {
            let _ = std::fs::remove_dir_all(&index_dir);
        }
    }
    let report = report.expect("at least one build");
    let index_bytes = dir_size(&index_dir);
    let started = Instant::now();
    let (engine, _, err) = Engine::open_or_build(config(content, &index_dir)).expect("opens");
    let open_ms = started.elapsed().as_secs_f64() * 1e3;
    assert!(err.is_none(), "{err:?}");
    let engine = Arc::new(engine);
    let items = questions();
    let qs: Arc<Vec<String>> = Arc::new(items.iter().map(|i| i.q.clone()).collect());
    let idle_kb = proc_status_kb("VmRSS");
    let accuracy = frontdesk::eval::run(&engine, &items).accuracy;
    // Latency: every question timed on its own, warm (one pass first).
    let mut timed: Vec<(Duration, usize)> = Vec::with_capacity(passes * qs.len());
    for pass in 0..=passes {
        for (i, q) in qs.iter().enumerate() {
            let t = Instant::now();
            black_box(engine.answer(black_box(q)));
            let d = t.elapsed();
            if pass > 0 {
                timed.push((d, i));
            }
        }
    }
    timed.sort();
    if std::env::var_os("FRONTDESK_BENCH_TAIL").is_some() {
        // Which questions own the samples above p99 (the tail to work on).
        let from = timed.len() * 99 / 100;
        let mut owners: Vec<(usize, usize)> = Vec::new();
        for &(_, i) in &timed[from..] {
            match owners.iter_mut().find(|o| o.0 == i) {
                Some(o) => o.1 += 1,
                None => owners.push((i, 1)),
            }
        }
        owners.sort_by_key(|o| std::cmp::Reverse(o.1));
        for (i, n) in owners {
            eprintln!("{name} tail: {n} samples: {}", qs[i]);
        }
    }
    let lat: Vec<Duration> = timed.into_iter().map(|(d, _)| d).collect();
    let per_trial = (passes / 2).max(1);
    let mut qps1 = Vec::new();
    let mut qpsn = Vec::new();
    for _ in 0..trials {
        qps1.push(qps(&engine, &qs, 1, per_trial));
        qpsn.push(qps(&engine, &qs, threads, per_trial));
    }
    if let Some(m) = memory {
        let mut n = 0;
        while n < 10_000 {
            for q in qs.iter().take(10_000 - n) {
                black_box(engine.answer(q));
                n += 1;
            }
        }
        m.idle_kb = idle_kb;
        m.after_10k_kb = proc_status_kb("VmRSS");
    }
    eprintln!(
        "{name}: {} pages, build {:.2}s, p50 {:?}, p99 {:?}",
        report.pages,
        build[0],
        lat[lat.len() / 2],
        lat[lat.len() * 99 / 100]
    );
    Row {
        corpus: name.to_string(),
        pages: report.pages,
        units: report.units,
        build,
        index_bytes,
        open_ms,
        accuracy,
        p50: quantile(&lat, 0.50),
        p99: quantile(&lat, 0.99),
        max: lat.last().copied().unwrap_or_default(),
        samples: lat.len(),
        qps1,
        qpsn,
    }
}

/// Median warm latency of each dev question on `content`, as TSV.
fn per_question(out: &Path, content: &Path) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (engine, _, err) =
        Engine::open_or_build(config(content, &tmp.path().join("index"))).expect("opens");
    assert!(err.is_none(), "{err:?}");
    let qs: Vec<String> = questions().into_iter().map(|i| i.q).collect();
    for q in &qs {
        black_box(engine.answer(q));
    }
    let mut lines = String::new();
    for (i, q) in qs.iter().enumerate() {
        let mut t: Vec<Duration> = (0..5)
            .map(|_| {
                let s = Instant::now();
                black_box(engine.answer(black_box(q)));
                s.elapsed()
            })
            .collect();
        t.sort();
        lines.push_str(&format!("{i}\t{:.9}\t{q}\n", t[2].as_secs_f64()));
    }
    std::fs::write(out, lines).expect("write the per-question file");
}

fn us(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1e6)
}

fn spread(v: &[f64], fmt: impl Fn(f64) -> String) -> String {
    let mut s = v.to_vec();
    let med = median_f(&mut s);
    if s.len() < 2 {
        return fmt(med);
    }
    format!(
        "{} ({}–{})",
        fmt(med),
        fmt(s[0]),
        fmt(*s.last().expect("non-empty"))
    )
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Some((passes, content)) = &args.profile {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (engine, _, _) =
            Engine::open_or_build(config(content, &tmp.path().join("index"))).expect("opens");
        let qs: Vec<String> = questions().into_iter().map(|i| i.q).collect();
        let engine = Arc::new(engine);
        let qs = Arc::new(qs);
        let started = Instant::now();
        let rate = qps(&engine, &qs, args.threads, *passes);
        eprintln!(
            "{} questions on {} threads in {:?} ({rate:.0}/s)",
            args.threads * passes * qs.len(),
            args.threads,
            started.elapsed()
        );
        return;
    }
    if let Some((out, content)) = &args.per_question {
        per_question(out, content);
        return;
    }
    if let Some((n, dir)) = args.gen {
        let written = corpus::generate(&corpus::shipped_content(), &dir, n, corpus::DEFAULT_SEED)
            .expect("corpus generates");
        println!("{written} pages written to {}", dir.display());
        return;
    }
    let mut memory = Memory {
        idle_kb: 0,
        after_10k_kb: 0,
    };
    let mut rows = vec![measure(
        "shipped",
        &corpus::shipped_content(),
        args.threads,
        effort(40),
        Some(&mut memory),
    )];
    let hwm_shipped = proc_status_kb("VmHWM");
    let mut gen_secs = Vec::new();
    for &n in &args.sizes {
        let started = Instant::now();
        let dir = corpus::cached(n, corpus::DEFAULT_SEED).expect("corpus generates");
        gen_secs.push((n, started.elapsed().as_secs_f64()));
        let label = if n.is_multiple_of(1000) {
            format!("generated {}k", n / 1000)
        } else {
            format!("generated {n}")
        };
        rows.push(measure(&label, &dir, args.threads, effort(n), None));
    }
    let hwm = proc_status_kb("VmHWM");

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "Machine: {cores} cores, {cpu}; load average at the end {}. Release build, in-process, warm.\n",
        load.join(" ")
    );
    println!("| corpus | pages | units | dev accuracy | p50 µs | p99 µs | max µs | samples | qps 1 thread | qps {} threads |", args.threads);
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {:.1}% | {} | {} | {} | {} | {} | {} |",
            r.corpus,
            r.pages,
            r.units,
            r.accuracy * 100.0,
            us(r.p50),
            us(r.p99),
            us(r.max),
            r.samples,
            spread(&r.qps1, |v| format!("{v:.0}")),
            spread(&r.qpsn, |v| format!("{v:.0}")),
        );
    }
    println!();
    println!(
        "| corpus | pages | index build s, median (min–max) | builds | index size MB | open ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.0} |",
            r.corpus,
            r.pages,
            spread(&r.build, |v| format!("{v:.2}")),
            r.build.len(),
            r.index_bytes as f64 / 1e6,
            r.open_ms,
        );
    }
    println!();
    println!("| memory (this process) | MB |");
    println!("|---|---:|");
    println!(
        "| RSS after 5 index builds and opening the engine (shipped) | {:.1} |",
        memory.idle_kb as f64 / 1024.0
    );
    println!(
        "| RSS after 10,000 more questions on that engine | {:.1} |",
        memory.after_10k_kb as f64 / 1024.0
    );
    println!(
        "| peak RSS (VmHWM) after the shipped stage | {:.1} |",
        hwm_shipped as f64 / 1024.0
    );
    println!(
        "| peak RSS (VmHWM) of the whole run | {:.1} |",
        hwm as f64 / 1024.0
    );
    for (n, s) in gen_secs {
        eprintln!("corpus {n}: generated or reused in {s:.1}s");
    }
}
