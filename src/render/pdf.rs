//! The PDF evidence packet: the Typst template is rendered by Tera into Typst markup, which the
//! Typst compiler lays out in-process and `typst-pdf` writes.
//!
//! The compiler sees a closed world: the main source, one data file (`context.json`, the
//! serialized [`ReportContext`]) and the fonts embedded in this binary (DejaVu, with Droid Sans
//! Fallback behind it for CJK account names). It reads no file
//! from disk and no system font, so the PDF looks the same on a bare CI runner as on a
//! laptop, and every font in it is embedded. Passing the data as JSON rather than splicing it
//! into markup means no AWS string (an ARN, a tag, an account name) is ever parsed as Typst.

use std::path::Path;
use std::sync::LazyLock;
use std::time::Instant;

use chrono::{Datelike, Timelike};
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use super::templates::PDF_TEMPLATE;
use super::{ReportContext, TemplateError, Templates};

/// The main source's virtual path; error messages map it back to the template file.
const MAIN_PATH: &str = "/report.typ";
/// The virtual file holding the report context, read by the template with
/// `json("context.json")`.
const DATA_PATH: &str = "/context.json";

/// The fonts Typst may use, embedded so the PDF never depends on the machine's fonts. The
/// template names DejaVu first and Droid Sans Fallback second, so Typst takes a glyph from the
/// fallback only when DejaVu has none (CJK account and OU names); Typst's own bundled fonts
/// are not loaded, as they would put a second look on the page.
static FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSansMono.ttf"),
    include_bytes!("../../assets/fonts/DroidSansFallbackFull.ttf"),
];

/// Parsed once per process: parsing ~1.8 MB of fonts for every report would be waste.
static FONTS: LazyLock<Vec<Font>> = LazyLock::new(|| {
    FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect()
});

/// Renders the PDF template with `ctx`, compiles it and writes the PDF to `path`.
pub fn write(ctx: &ReportContext, templates: &Templates, path: &Path) -> anyhow::Result<()> {
    let start = Instant::now();
    let markup = templates.render(PDF_TEMPLATE, ctx)?;
    let data = serde_json::to_vec(ctx)?;
    tracing::debug!(
        "pdf: template and context.json ({} KB) in {:.0?}",
        data.len() / 1024,
        start.elapsed()
    );
    let bytes = compile(markup, data, ctx, &templates.origin(PDF_TEMPLATE))?;
    std::fs::write(path, bytes)?;
    Ok(())
}

/// Compiles Typst `markup` (with `data` as `context.json`) to PDF bytes. `origin` names the
/// template in error messages.
fn compile(
    markup: String,
    data: Vec<u8>,
    ctx: &ReportContext,
    origin: &str,
) -> Result<Vec<u8>, TemplateError> {
    let world = ReportWorld::new(markup, data, ctx)?;
    let start = Instant::now();
    let warned = typst::compile::<PagedDocument>(&world);
    for warning in &warned.warnings {
        tracing::debug!("typst: {}", describe(&world, warning, origin));
    }
    let document = warned
        .output
        .map_err(|errors| diagnostics_error(&world, &errors, origin))?;
    tracing::debug!(
        "pdf: Typst laid out {} pages in {:.0?}",
        document.pages().len(),
        start.elapsed()
    );

    let start = Instant::now();
    let options = typst_pdf::PdfOptions {
        timestamp: pdf_timestamp(ctx),
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| diagnostics_error(&world, &errors, origin))?;
    tracing::debug!(
        "pdf: exported {} KB in {:.0?}",
        pdf.len() / 1024,
        start.elapsed()
    );
    Ok(pdf)
}

/// The PDF's creation date is the answers' generation time, so the file says when the answers
/// were made rather than when the bytes were written.
fn pdf_timestamp(ctx: &ReportContext) -> Option<typst_pdf::Timestamp> {
    let t = ctx.answers.generated_at;
    let datetime = Datetime::from_ymd_hms(
        t.year(),
        u8::try_from(t.month()).ok()?,
        u8::try_from(t.day()).ok()?,
        u8::try_from(t.hour()).ok()?,
        u8::try_from(t.minute()).ok()?,
        u8::try_from(t.second()).ok()?,
    )?;
    Some(typst_pdf::Timestamp::new_utc(datetime))
}

/// Every error Typst reported, one per line, as a [`TemplateError`].
fn diagnostics_error(
    world: &ReportWorld,
    errors: &[SourceDiagnostic],
    origin: &str,
) -> TemplateError {
    let lines: Vec<String> = errors
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| describe(world, d, origin))
        .collect();
    TemplateError(format!(
        "Typst could not lay out the report:\n{}",
        lines.join("\n")
    ))
}

/// `<template>, line L: <message> (hint: …)` with the offending line of rendered markup.
fn describe(world: &ReportWorld, diag: &SourceDiagnostic, origin: &str) -> String {
    let mut text = match locate(world, diag) {
        Some((file, line, snippet)) if file == MAIN_PATH => {
            format!(
                "{origin} (rendered), line {line}: {}\n    {snippet}",
                diag.message
            )
        }
        Some((file, line, _)) => format!("{file}, line {line}: {}", diag.message),
        None => format!("{origin}: {}", diag.message),
    };
    for hint in &diag.hints {
        text.push_str(&format!(" (hint: {})", hint.v));
    }
    text
}

/// The virtual file, 1-based line number and line text a diagnostic points at.
fn locate(world: &ReportWorld, diag: &SourceDiagnostic) -> Option<(String, usize, String)> {
    let id = diag.span.id()?;
    let range = world.range(diag.span)?;
    let file = id.vpath().get_with_slash().to_string();
    let source = world.source(id).ok()?;
    let line = source.lines().byte_to_line(range.start)?;
    let snippet = source
        .text()
        .lines()
        .nth(line)
        .unwrap_or_default()
        .trim()
        .to_string();
    Some((file, line + 1, snippet))
}

/// The closed world the compiler runs in.
struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    main: Source,
    data_id: FileId,
    data: Bytes,
    today: Option<Datetime>,
}

impl ReportWorld {
    fn new(markup: String, data: Vec<u8>, ctx: &ReportContext) -> Result<Self, TemplateError> {
        let main_id = file_id(MAIN_PATH)?;
        let generated = ctx.answers.generated_at.date_naive();
        // `today` is the answers' date, not the wall clock, so a re-render is identical.
        let today = Datetime::from_ymd(
            generated.year(),
            u8::try_from(generated.month()).unwrap_or(1),
            u8::try_from(generated.day()).unwrap_or(1),
        );
        Ok(ReportWorld {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(FONTS.iter())),
            main: Source::new(main_id, markup),
            data_id: file_id(DATA_PATH)?,
            data: Bytes::new(data),
            today,
        })
    }
}

fn file_id(path: &str) -> Result<FileId, TemplateError> {
    let vpath = VirtualPath::new(path)
        .map_err(|e| TemplateError(format!("virtual Typst path {path}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_string()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}
