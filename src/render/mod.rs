//! Rendering the report context into files: answers.xlsx (built in code), report.pdf (Tera →
//! Typst markup → PDF, in-process, embedded fonts) and report.html (Tera).
//!
//! Every output renders from the one [`ReportContext`]; the templates are files under
//! `templates/`, embedded in the binary and overridable with `--templates DIR`.

use std::path::Path;

use anyhow::Context as _;

mod context;
mod pdf;
mod roadmap;
mod templates;
mod trend;
mod xlsx;

pub use context::*;
pub use templates::{escape_typst, Templates, HTML_TEMPLATE, LISTING_TEMPLATE, PDF_TEMPLATE};
pub use xlsx::unique_sheet_name;

/// A template that cannot be read, parsed or rendered, or Typst markup that does not compile.
/// The message names the template file (an override's path, or `built-in <name>`) and, where
/// known, the line. It is the user's input when they passed `--templates`, hence exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(pub String);

/// Writes answers.xlsx: one sheet per questionnaire, an `Evidence` sheet, a `Scope` sheet,
/// the `Roadmap` sheet, and a `Trend` sheet when history gives two months or more.
pub fn write_xlsx(ctx: &ReportContext, path: &Path) -> anyhow::Result<()> {
    xlsx::write(ctx, path).with_context(|| format!("writing {}", path.display()))
}

/// Writes report.pdf from the `report.typ.tera` template.
pub fn write_pdf(ctx: &ReportContext, t: &Templates, path: &Path) -> anyhow::Result<()> {
    pdf::write(ctx, t, path)
}

/// Writes report.html from the `report.html.tera` template: one self-contained file with its
/// CSS inline, the same content as the PDF.
pub fn write_html(ctx: &ReportContext, t: &Templates, path: &Path) -> anyhow::Result<()> {
    let html = t.render(HTML_TEMPLATE, ctx)?;
    std::fs::write(path, html).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
