//! Frontdesk: answers clients' questions from a clinic's Hugo pages.
//!
//! The engine is a pipeline with dependencies pointing one way:
//! [`content`] (pages -> facts) <- [`index`] (tantivy generations, atomic
//! swap) <- [`answer`] (understand, rank, decide, compose) <- front ends
//! ([`cli`], [`bot`]). The engine never imports clap or serenity; front ends
//! hold an [`answer::Engine`] and render its plain-data [`answer::Reply`].

pub mod answer;
pub mod bot;
pub mod cli;
pub mod config;
pub mod content;
mod error;
pub mod eval;
pub mod index;
pub mod learned;
pub mod text;

pub use answer::{Engine, Kind, Reply};
pub use config::Config;
pub use error::{Error, Result};
