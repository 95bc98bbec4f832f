//! The PDF evidence packet: the Typst template is rendered by Tera into Typst markup, which the
//! Typst compiler lays out in-process and `typst-pdf` writes.
//!
//! The compiler sees a closed world: the main source, its data files (`context.json`, the
//! serialized [`ReportContext`]; `listings.json` and the listings' PDFs, below) and the fonts
//! embedded in this binary (DejaVu, with Droid Sans Fallback behind it for CJK account names).
//! It reads no file from disk and no system font, so the PDF looks the same on a bare CI
//! runner as on a laptop, and every font in it is embedded. Passing the data as JSON rather
//! than splicing it into markup means no AWS string (an ARN, a tag, an account name) is ever
//! parsed as Typst.
//!
//! Both documents import `common.typ` (from `common.typ.tera`): the fonts, colours and text
//! helpers they share.
//!
//! A probe with a large population of facts (one per account of a big organization) has its
//! facts typeset first, apart, from `listing.typ.tera`, one probe at a time (and so has the
//! scope appendix's table of a large organization's accounts); the packet then
//! places those pages inside its own header and footer. Typst holds every page of a document
//! until the PDF is written, so typesetting thousands of fact lines apart keeps the peak
//! memory of a 1,000-account packet to a few hundred megabytes instead of about twice that.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
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

use super::templates::{COMMON_TEMPLATE, LISTING_TEMPLATE, PDF_TEMPLATE};
use super::{ReportContext, TemplateError, Templates};
use crate::answers::Evidence;

/// The main source's virtual path; error messages map it back to the template file.
const MAIN_PATH: &str = "/report.typ";
/// The virtual file holding the report context, read by the template with
/// `json("context.json")`.
const DATA_PATH: &str = "/context.json";
/// The module both documents import (`#import "common.typ": *`), from `common.typ.tera`.
const COMMON_PATH: &str = "/common.typ";
/// The virtual file listing what was typeset apart: probe (or [`SCOPE_ACCOUNTS_KEY`]) →
/// `{file, pages}`.
const LISTINGS_PATH: &str = "/listings.json";
/// The key of the scope appendix's accounts in `listings.json`.
const SCOPE_ACCOUNTS_KEY: &str = "scope:accounts";
/// The virtual file a listing reads its data from.
const LISTING_DATA_PATH: &str = "/listing.json";

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

/// Facts of one probe (or accounts in scope) from this many on are typeset apart (see
/// `templates/listing.typ.tera`); fewer print as a table in the packet.
pub const LISTING_MIN_FACTS: usize = 61;

/// Renders the PDF template with `ctx`, compiles it and writes the PDF to `path`.
pub fn write(ctx: &ReportContext, templates: &Templates, path: &Path) -> anyhow::Result<()> {
    let common = Markup {
        text: templates.render(COMMON_TEMPLATE, ctx)?,
        origin: templates.origin(COMMON_TEMPLATE),
    };
    let start = Instant::now();
    let listings = typeset_listings(ctx, templates, &common)?;
    tracing::debug!(
        "pdf: {} listings of {} pages typeset apart in {:.0?}",
        listings.len(),
        listings.iter().map(|l| l.pages).sum::<usize>(),
        start.elapsed()
    );

    let start = Instant::now();
    let markup = templates.render(PDF_TEMPLATE, ctx)?;
    let data = serde_json::to_vec(ctx)?;
    let index: serde_json::Map<String, serde_json::Value> = (listings.iter())
        .map(|l| {
            let entry = serde_json::json!({ "file": l.file, "pages": l.pages });
            (l.key.clone(), entry)
        })
        .collect();
    let mut files = vec![
        (DATA_PATH.to_string(), data),
        (LISTINGS_PATH.to_string(), serde_json::to_vec(&index)?),
    ];
    files.extend(
        listings
            .into_iter()
            .map(|l| (format!("/{}", l.file), l.pdf)),
    );
    tracing::debug!("pdf: template and context.json in {:.0?}", start.elapsed());

    let (bytes, _) = compile(markup, &common, files, ctx, &templates.origin(PDF_TEMPLATE))?;
    std::fs::write(path, bytes)?;
    Ok(())
}

/// Rendered Typst markup and the template it came from, for error messages.
struct Markup {
    text: String,
    origin: String,
}

/// A document compiled: its PDF bytes and number of pages, or why not.
type Typeset = Result<(Vec<u8>, usize), TemplateError>;

/// A listing typeset apart: one probe's facts, or the scope appendix's accounts.
struct Listing {
    /// The probe id, or [`SCOPE_ACCOUNTS_KEY`].
    key: String,
    /// Its virtual file name in the packet's world, `listing-N.pdf`.
    file: String,
    pages: usize,
    pdf: Vec<u8>,
}

/// Typesets the facts of every probe printed in full with [`LISTING_MIN_FACTS`] facts or
/// more (the first answer resting on a probe prints its facts, as the packet template does),
/// and the scope's accounts when there are as many.
/// Each listing is a document of its own, so one listing's layout is dropped once its PDF is
/// written; they are typeset on as many threads as there are cores, each taking the next
/// listing in turn, and come back in the order of the packet.
fn typeset_listings(
    ctx: &ReportContext,
    templates: &Templates,
    common: &Markup,
) -> Result<Vec<Listing>, TemplateError> {
    let mut seen = HashSet::new();
    // (key in listings.json, the listing's data): each probe's facts, then the accounts of the
    // scope appendix when they are as many.
    let mut jobs: Vec<(String, serde_json::Value)> = (ctx.answers.questionnaires.iter())
        .flat_map(|q| &q.answers)
        .flat_map(|a| &a.evidence)
        .filter(|e| seen.insert(e.probe.as_str()))
        .filter(|e| e.facts.len() >= LISTING_MIN_FACTS)
        .map(|e: &Evidence| {
            let data = serde_json::json!({ "kind": "facts", "probe": e.probe, "facts": e.facts });
            (e.probe.clone(), data)
        })
        .collect();
    if ctx.scope.accounts.len() >= LISTING_MIN_FACTS {
        let data = serde_json::json!({ "kind": "accounts", "accounts": ctx.scope.accounts });
        jobs.push((SCOPE_ACCOUNTS_KEY.to_string(), data));
    }
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let markup = templates.render(LISTING_TEMPLATE, ctx)?;
    let origin = templates.origin(LISTING_TEMPLATE);
    let typeset = |(key, data): &(String, serde_json::Value)| -> Typeset {
        let data = serde_json::to_vec(data)
            .map_err(|err| TemplateError(format!("listing of {key}: {err}")))?;
        let files = vec![(LISTING_DATA_PATH.to_string(), data)];
        compile(markup.clone(), common, files, ctx, &origin)
    };

    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut done: Vec<(usize, Typeset)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(jobs.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break out };
                        out.push((i, typeset(job)));
                    }
                })
            })
            .collect();
        (handles.into_iter())
            .flat_map(|h| h.join().expect("a listing thread panicked"))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    // The listings' threads are gone; what they freed goes back before the packet is laid out.
    release_free_memory();
    (done.into_iter())
        .map(|(i, result)| {
            let (pdf, pages) = result?;
            Ok(Listing {
                key: jobs[i].0.clone(),
                file: format!("listing-{}.pdf", i + 1),
                pages,
                pdf,
            })
        })
        .collect()
}

/// Hands the memory the allocator holds free back to the operating system. glibc keeps what a
/// thread freed in that thread's arena; after Typst's layouts are dropped that is most of the
/// process, and without this the next document is laid out on top of it.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of glibc's heaps to the kernel; it touches no
    // memory in use and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Compiles Typst `markup` (with `files`, virtual path and bytes, beside it) to PDF bytes and
/// the number of pages; `common` is the module it may import. `origin` names the template in
/// error messages.
fn compile(
    markup: String,
    common: &Markup,
    files: Vec<(String, Vec<u8>)>,
    ctx: &ReportContext,
    origin: &str,
) -> Typeset {
    let world = ReportWorld::new(markup, common, files, ctx)?;
    let start = Instant::now();
    let warned = typst::compile::<PagedDocument>(&world);
    for warning in &warned.warnings {
        tracing::debug!("typst: {}", describe(&world, warning, origin));
    }
    let document = warned
        .output
        .map_err(|errors| diagnostics_error(&world, &errors, origin))?;
    let pages = document.pages().len();
    tracing::debug!(
        "pdf: Typst laid out {pages} pages in {:.0?}",
        start.elapsed()
    );

    // The finished pages hold what the PDF needs; the layouts memoized on the way are only
    // weight from here on.
    comemo::evict(0);
    release_free_memory();
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
    Ok((pdf, pages))
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

/// Typst errors printed before the rest are only counted.
const MAX_ERRORS: usize = 5;

/// The errors Typst reported (the first [`MAX_ERRORS`]), one per line, as a [`TemplateError`].
fn diagnostics_error(
    world: &ReportWorld,
    errors: &[SourceDiagnostic],
    origin: &str,
) -> TemplateError {
    let errors: Vec<&SourceDiagnostic> = errors
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    // One unclosed bracket can make every later line an error: the first few say what to fix.
    let mut lines: Vec<String> = (errors.iter().take(MAX_ERRORS))
        .map(|d| describe(world, d, origin))
        .collect();
    if errors.len() > MAX_ERRORS {
        lines.push(format!(
            "… and {} more errors, most likely caused by the first",
            errors.len() - MAX_ERRORS
        ));
    }
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
        Some((file, line, snippet)) if file == COMMON_PATH => format!(
            "{} (rendered), line {line}: {}\n    {snippet}",
            world.common_origin, diag.message
        ),
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
    /// The shared module, and the template it came from.
    common: Source,
    common_origin: String,
    /// The data files beside the main source, by virtual path.
    files: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
}

impl ReportWorld {
    fn new(
        markup: String,
        common: &Markup,
        files: Vec<(String, Vec<u8>)>,
        ctx: &ReportContext,
    ) -> Result<Self, TemplateError> {
        let main_id = file_id(MAIN_PATH)?;
        let generated = ctx.answers.generated_at.date_naive();
        // `today` is the answers' date, not the wall clock, so a re-render is identical.
        let today = Datetime::from_ymd(
            generated.year(),
            u8::try_from(generated.month()).unwrap_or(1),
            u8::try_from(generated.day()).unwrap_or(1),
        );
        let files = (files.into_iter())
            .map(|(path, bytes)| Ok((file_id(&path)?, Bytes::new(bytes))))
            .collect::<Result<_, TemplateError>>()?;
        Ok(ReportWorld {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(FONTS.iter())),
            main: Source::new(main_id, markup),
            common: Source::new(file_id(COMMON_PATH)?, common.text.clone()),
            common_origin: common.origin.clone(),
            files,
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
        } else if id == self.common.id() {
            Ok(self.common.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.files.get(&id) {
            Ok(bytes.clone())
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
