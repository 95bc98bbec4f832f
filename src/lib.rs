//! `evident` answers cyber-insurance renewal questionnaires and SOC 2 control requests with
//! read-only evidence from AWS. See DESIGN.md in the repository for the pipeline:
//! collect → snapshot → probes → answers → rendered files.

pub mod answers;
pub mod aws;
pub mod exit;
pub mod policy;
pub mod probes;
pub mod questionnaire;
pub mod render;
pub mod report;
pub mod snapshot;
