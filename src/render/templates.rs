//! The report templates: built-in files embedded in the binary, each overridable by a file of
//! the same name in a `--templates DIR`, all rendered by one Tera instance from the one
//! [`ReportContext`].
//!
//! Errors name the template file: a broken override is the user's input (exit 2), and the
//! file name plus Tera's innermost cause is what they need to fix it.

use std::collections::HashMap;
use std::error::Error as _;
use std::path::{Path, PathBuf};

use tera::Tera;

use super::{ReportContext, TemplateError};

/// The Typst markup template the PDF is compiled from.
pub const PDF_TEMPLATE: &str = "report.typ.tera";
/// The Typst module the PDF template and the listing template both import.
pub const COMMON_TEMPLATE: &str = "common.typ.tera";
/// The Typst markup template a large population of facts is typeset from, apart from the
/// packet (see `render::pdf`).
pub const LISTING_TEMPLATE: &str = "listing.typ.tera";
/// The self-contained HTML report template.
pub const HTML_TEMPLATE: &str = "report.html.tera";

/// Every template a report uses, with its built-in text.
const BUILTIN: [(&str, &str); 4] = [
    (
        PDF_TEMPLATE,
        include_str!("../../templates/report.typ.tera"),
    ),
    (
        LISTING_TEMPLATE,
        include_str!("../../templates/listing.typ.tera"),
    ),
    (
        COMMON_TEMPLATE,
        include_str!("../../templates/common.typ.tera"),
    ),
    (
        HTML_TEMPLATE,
        include_str!("../../templates/report.html.tera"),
    ),
];

/// The loaded templates, ready to render.
pub struct Templates {
    tera: Tera,
    /// Where each template came from, for error messages: the override path or "built-in".
    origins: HashMap<&'static str, String>,
}

impl Templates {
    /// Loads the built-in templates, replacing each one for which `dir` holds a file of the
    /// same name. A `dir` that does not exist, holds none of the templates, or holds one that
    /// does not parse is a [`TemplateError`] naming the path.
    pub fn load(dir: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut tera = Tera::default();
        // Tera escapes by file suffix and ours end in `.tera`: name the HTML one explicitly, so
        // every AWS string in the HTML report is escaped. The Typst template gets data as JSON.
        tera.autoescape_on(vec![".html.tera"]);
        tera.register_filter("typst", typst_filter);

        let mut origins = HashMap::new();
        let mut overridden = 0;
        if let Some(dir) = dir {
            check_dir(dir)?;
        }
        for (name, builtin) in BUILTIN {
            let (text, origin) = match dir.map(|d| d.join(name)).filter(|p| p.exists()) {
                Some(path) => {
                    overridden += 1;
                    (read_override(&path)?, path.display().to_string())
                }
                None => (builtin.to_string(), format!("built-in {name}")),
            };
            tera.add_raw_template(name, &text)
                .map_err(|e| TemplateError(format!("{origin}: {}", error_chain(&e))))?;
            origins.insert(name, origin);
        }
        if let (Some(dir), 0) = (dir, overridden) {
            return Err(TemplateError(format!(
                "{}: holds none of the report templates ({})",
                dir.display(),
                BUILTIN.map(|(n, _)| n).join(", ")
            )));
        }
        Ok(Templates { tera, origins })
    }

    /// Where the template `name` came from: an override's path, or `built-in <name>`.
    pub fn origin(&self, name: &str) -> String {
        self.origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    /// Renders template `name` with the report context.
    pub fn render(&self, name: &str, ctx: &ReportContext) -> Result<String, TemplateError> {
        let context = tera::Context::from_serialize(ctx)
            .map_err(|e| TemplateError(format!("report context: {}", error_chain(&e))))?;
        self.tera
            .render(name, &context)
            .map_err(|e| TemplateError(format!("{}: {}", self.origin(name), error_chain(&e))))
    }
}

fn check_dir(dir: &Path) -> Result<(), TemplateError> {
    if dir.is_dir() {
        Ok(())
    } else {
        Err(TemplateError(format!(
            "{}: templates directory not found",
            dir.display()
        )))
    }
}

fn read_override(path: &PathBuf) -> Result<String, TemplateError> {
    std::fs::read_to_string(path)
        .map_err(|e| TemplateError(format!("{}: cannot read template: {e}", path.display())))
}

/// Tera's error and its causes, outermost first, each said once. Tera's own message is often
/// only "Failed to render 'x'"; the innermost cause says which variable or filter failed.
pub(crate) fn error_chain(err: &tera::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// The `typst` filter: a value as Typst markup text, every character that markup would read as
/// syntax escaped. For templates that splice values into markup instead of reading the
/// `context.json` the PDF writer provides (which needs no escaping, and is what the built-in
/// template does).
fn typst_filter(
    value: &tera::Value,
    _args: &HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        tera::Value::Null => String::new(),
        other => other.to_string(),
    };
    Ok(tera::Value::String(escape_typst(&text)))
}

/// Escapes `text` for Typst markup mode: every markup-significant character gets a backslash,
/// and line breaks become spaces (a blank line would start a new paragraph).
pub fn escape_typst(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '#' | '$' | '*' | '_' | '`' | '<' | '>' | '@' | '[' | ']' | '=' | '-' | '+'
            | '/' | '~' | '"' | '\'' | '{' | '}' | ':' | '.' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_typst_neutralises_markup() {
        assert_eq!(escape_typst("#set *bold* $x$"), "\\#set \\*bold\\* \\$x\\$");
        assert_eq!(escape_typst("a\nb"), "a b");
        assert_eq!(
            escape_typst("arn:aws:iam::1/x"),
            "arn\\:aws\\:iam\\:\\:1\\/x"
        );
    }
}
