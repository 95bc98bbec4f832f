//! Questionnaires: data files that map each question to the probes that answer it, or to a
//! human attestation, and the rules that turn probe outcomes into carrier- or auditor-ready
//! answers.
//!
//! Loading runs in two phases, as cargo-deny loads its configuration: [`yaml`] parses the
//! file into marked-yaml nodes that keep their line and column, then [`load`] validates those
//! nodes into a checked [`Questionnaire`], collecting every problem (unknown probe, duplicate
//! id, bad answer mapping, missing or unknown field) instead of stopping at the first. A
//! [`LoadError`] lists them all as `file:line:column: message`. Attestations ([`attest`])
//! load the same way. [`answer()`] is pure: outcomes and attestations in, `answers.json`
//! records out. The format itself is documented in `questionnaires/README.md`.

mod answer;
mod attest;
mod bundled;
pub(crate) mod diag;
mod load;
mod model;
pub(crate) mod yaml;

pub use answer::{answer, warn_unused};
pub use attest::{load_attestations, load_attestations_str, Attestation, Attestations};
pub use bundled::{bundled, print_bundled, BUNDLED};
pub use diag::{LoadError, Problem};
pub use load::{load, load_str};
pub use model::{AnswerType, Kind, Question, Questionnaire, Rule, Section, Source};
