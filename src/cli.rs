//! The command line: `frontdesk index | ask | eval | check | serve | review`.
//!
//! Flags are documented once, here, and show up in `--help`. Every command
//! resolves paths in two stages: config.toml (or the built-in defaults), then
//! `--content` / `--index` overrides.

use crate::answer::Engine;
use crate::config::Config;
use crate::content::{self, Severity};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Frontdesk: answers clients' questions from the clinic's pages.
#[derive(Parser, Debug)]
#[command(name = "frontdesk", version, about)]
pub struct Cli {
    /// Configuration file (missing default file = built-in defaults).
    #[arg(long, global = true, default_value = "config.toml")]
    pub config: PathBuf,
    /// Hugo site root (overrides [paths] site): its contentDir, config and
    /// data/ files (the clinic's phone, address and hours) are read.
    #[arg(long, global = true)]
    pub site: Option<PathBuf>,
    /// Content directory (overrides [paths] content).
    #[arg(long, global = true)]
    pub content: Option<PathBuf>,
    /// Index directory (overrides [paths] index).
    #[arg(long, global = true)]
    pub index: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the index from the content and swap it in atomically.
    Index,
    /// Answer a question (or one question per line of stdin when none is given).
    Ask {
        /// The question. Without it, questions are read from stdin, one per line.
        question: Option<String>,
        /// Print one JSON object per question (the contract outside checks read).
        #[arg(long)]
        json: bool,
        /// Show the candidates, scores and why the kind was chosen.
        #[arg(long)]
        explain: bool,
    },
    /// Run a question file and print accuracy by kind, precision and failures.
    Eval {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// Exit 1 when accuracy is below this (0..1).
        #[arg(long, default_value_t = 0.0)]
        min_accuracy: f64,
    },
    /// Lint the content: parse errors, mojibake, missing tables, duplicate
    /// slugs, field names outside the vocabulary, drafts. Exit 1 on errors.
    Check,
    /// Run the Discord bot (token from DISCORD_TOKEN).
    Serve,
    /// Teach a question: it (and close rephrasings) will answer from the
    /// given page's field. Recorded in [paths] learned (learned.yaml).
    Learn {
        /// The question as clients ask it.
        question: String,
        /// The page that answers it (its identity, as `ask --json` shows).
        #[arg(long)]
        page: String,
        /// The field of that page ("" for a paragraph).
        #[arg(long)]
        field: String,
    },
    /// Show staff the most frequent unanswered and down-voted questions.
    Review {
        /// How many questions to list.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

/// Loads the config and applies the path overrides.
pub fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let explicit = cli.config != std::path::Path::new("config.toml");
    let mut config = Config::load(&cli.config, explicit)?;
    if let Some(s) = &cli.site {
        // A site named on the command line beats the config file's content.
        config.paths.content_chosen = false;
        config.set_site(s.clone());
    }
    if let Some(c) = &cli.content {
        config.paths.content = c.clone();
        config.paths.content_chosen = true;
    }
    if let Some(i) = &cli.index {
        config.paths.index = i.clone();
    }
    Ok(config)
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = load_config(&cli)?;
    match cli.command {
        Command::Index => {
            let source = content::Source::from_config(&config)?;
            let report = crate::index::build(&source, &config.paths.index)
                .context("index build failed; the previous index (if any) is still in service")?;
            println!("{report}");
            // Opening the new generation derives its answer tables and caches
            // them beside it, so the first `ask` after an index starts cold
            // in tens of milliseconds, not hundreds, on a large site.
            if let Err(e) = Engine::open(config) {
                tracing::warn!("the index was built but opening it failed: {e}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Ask {
            question,
            json,
            explain,
        } => ask(config, question, json, explain),
        Command::Eval {
            file,
            json,
            min_accuracy,
        } => {
            let engine = open(config)?;
            let items = crate::eval::load(&file)?;
            let report = crate::eval::run(&engine, &items);
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("{report}");
            }
            Ok(if report.accuracy + 1e-9 < min_accuracy {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check => check(&config),
        Command::Serve => crate::bot::serve(config),
        Command::Review { limit } => {
            let engine = open(config.clone())?;
            print!("{}", crate::bot::review(&config, limit, Some(&engine))?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Learn {
            question,
            page,
            field,
        } => learn(config, &question, &page, &field),
    }
}

/// `frontdesk learn`: records a taught question and rebuilds, so it answers
/// from that unit at once.
fn learn(config: Config, question: &str, page: &str, field: &str) -> anyhow::Result<ExitCode> {
    let engine = open(config.clone())?;
    let Some(units) = engine.page_units(page) else {
        anyhow::bail!(
            "no published page `{page}`; `frontdesk check` lists the pages, `frontdesk review` the candidates"
        );
    };
    if !units.iter().any(|u| u.field == field) {
        let fields: Vec<String> = units.iter().map(|u| format!("{:?}", u.field)).collect();
        anyhow::bail!(
            "page `{page}` has no field {field:?}; its fields are {}",
            fields.join(", ")
        );
    }
    let entry = crate::learned::Taught {
        question: question.trim().to_string(),
        page: page.to_string(),
        field: field.to_string(),
        date: crate::learned::today(),
    };
    crate::learned::append(&config.paths.learned, &entry)?;
    let report = engine
        .rebuild()
        .context("the question is recorded, but the rebuild failed; run `frontdesk index`")?;
    println!(
        "taught: {question:?} answers from {page} / {field:?} (recorded in {}; {})",
        config.paths.learned.display(),
        report.to_string().lines().last().unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

/// Opens the engine, building the index first when missing or stale.
fn open(config: Config) -> anyhow::Result<Engine> {
    let (engine, report, err) = Engine::open_or_build(config).context(
        "cannot open or build the index (run from the project directory, or set --content/--index or [paths] in config.toml)",
    )?;
    if let Some(r) = report {
        eprintln!("{}", r.to_string().lines().last().unwrap_or_default());
    }
    if let Some(e) = err {
        eprintln!("warning: rebuild failed, answering from the previous index: {e}");
    }
    Ok(engine)
}

fn ask(
    config: Config,
    question: Option<String>,
    json: bool,
    explain: bool,
) -> anyhow::Result<ExitCode> {
    let engine = open(config)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let one = |q: &str, out: &mut dyn Write| -> anyhow::Result<()> {
        let (reply, trace) = if explain {
            engine.explain(q)
        } else {
            (engine.answer(q), Vec::new())
        };
        if json {
            writeln!(out, "{}", serde_json::to_string(&reply)?)?;
        } else {
            writeln!(out, "{}", reply.to_text())?;
        }
        if explain {
            writeln!(
                out,
                "kind: {} (confidence {:.2}){}",
                reply.kind.as_str(),
                reply.confidence,
                reply
                    .source
                    .as_ref()
                    .map(|s| format!(", from {s}"))
                    .unwrap_or_default()
            )?;
            for line in trace {
                writeln!(out, "  {line}")?;
            }
        }
        Ok(())
    };
    match question {
        Some(q) => one(&q, &mut out)?,
        None => {
            for line in std::io::stdin().lock().lines() {
                one(&line?, &mut out)?;
            }
        }
    }
    out.flush()?;
    // The process exits next: freeing a large site's name tables and catalog
    // page by page would cost more than answering did.
    std::mem::forget(engine);
    Ok(ExitCode::SUCCESS)
}

fn check(config: &Config) -> anyhow::Result<ExitCode> {
    let source = content::Source::from_config(config)?;
    let site = content::load(&source)?;
    let mut lines: Vec<String> = site.diagnostics.iter().map(|d| d.to_string()).collect();
    let mut errors = site.errors();
    let mut seen = std::collections::HashMap::new();
    for p in site.live_pages() {
        if let Some(other) = seen.insert(p.slug.clone(), p.path.clone()) {
            errors += 1;
            lines.push(format!(
                "error: {}:1: two pages are both `{}` (also {other}); rename one file or folder",
                p.path, p.slug
            ));
        }
        for u in p.units.iter().filter(|u| u.kind == content::UnitKind::Row) {
            let f = u.field.as_deref().unwrap_or("");
            if !f.eq_ignore_ascii_case("name") && config.canonical_field(f).is_none() {
                lines.push(format!(
                    "note: {}:{}: field `{f}` is not in the [[fields]] vocabulary; questions find it by its own words only",
                    p.path, u.line
                ));
            }
        }
    }
    let (taught, mut bad) = crate::learned::load(&config.paths.learned);
    bad.extend(crate::learned::resolve(taught, &site, &config.paths.learned).1);
    lines.extend(bad.iter().map(|d| d.to_string()));
    if !config.clone().fill_clinic(&site.facts) {
        lines.push(format!("WARNING: {}", crate::answer::NO_CONTACT));
    }
    for l in &lines {
        println!("{l}");
    }
    let warnings = site.count(Severity::Warning);
    let live = site.live_pages().count();
    println!(
        "{} pages ({live} published, {} not published), {errors} errors, {warnings} warnings",
        site.pages.len(),
        site.pages.len() - live
    );
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
