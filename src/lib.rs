//! `evident` answers cyber-insurance renewal questionnaires and SOC 2 control requests with
//! read-only evidence from AWS. See DESIGN.md in the repository for the pipeline:
//! collect → snapshot → probes → answers → rendered files.

// AWS responses and user files are untrusted shapes: outside tests, no unwrap.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod answers;
#[cfg(feature = "aws")]
pub mod aws;
pub mod exit;
pub mod fill;
pub mod history;
pub mod policy;
pub mod probes;
pub mod questionnaire;
pub mod render;
pub mod report;
pub mod snapshot;
