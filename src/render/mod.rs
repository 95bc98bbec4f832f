//! Rendering the report context into files.

use std::path::Path;

mod context;
pub use context::*;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(pub String);

pub struct Templates {}

impl Templates {
    pub fn load(dir: Option<&Path>) -> Result<Templates, TemplateError> {
        let _ = dir;
        Ok(Templates {})
    }
}

pub fn write_xlsx(ctx: &ReportContext, path: &Path) -> anyhow::Result<()> {
    let _ = (ctx, path);
    anyhow::bail!("not built yet")
}

pub fn write_pdf(ctx: &ReportContext, t: &Templates, path: &Path) -> anyhow::Result<()> {
    let _ = (ctx, t, path);
    anyhow::bail!("not built yet")
}

pub fn write_html(ctx: &ReportContext, t: &Templates, path: &Path) -> anyhow::Result<()> {
    let _ = (ctx, t, path);
    anyhow::bail!("not built yet")
}
