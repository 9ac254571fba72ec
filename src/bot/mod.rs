//! Discord front end (serenity). Placeholder until the bot lands.

use crate::config::Config;
use std::process::ExitCode;

/// Runs the bot until it is stopped.
pub fn serve(_config: Config) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the Discord bot is not built yet")
}

/// Most frequent unanswered and down-voted questions.
pub fn review(_config: &Config, _limit: usize) -> anyhow::Result<String> {
    Ok(String::new())
}
