//! Problems found while loading a questionnaire or an attestations file, each with the file,
//! line and column it concerns, and the [`LoadError`] that carries all of them at once.
//!
//! Validation pushes every problem into a [`Diag`] and carries on, so one run shows the
//! author everything to fix; the error is built only at the end.

use std::fmt;

use marked_yaml::Span;

/// One problem (or warning) in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path as the user gave it, or `bundled:<name>` for embedded questionnaires.
    pub file: String,
    /// 1-based; `0` when the problem concerns the whole file (it could not be read).
    pub line: usize,
    /// 1-based; `0` when the problem concerns the whole file.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

/// Every problem that kept a questionnaire or attestations file from loading. Displays one
/// problem per line, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

impl LoadError {
    /// An error about a whole file (missing, unreadable), with no position.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        let problem = Problem {
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
        };
        LoadError {
            problems: vec![problem],
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// The line and column a span starts at, `(0, 0)` when the span carries no position.
pub(crate) fn position(span: &Span) -> (usize, usize) {
    span.start()
        .map(|m| (m.line(), m.column()))
        .unwrap_or((0, 0))
}

/// Collects errors and warnings for one file while it is validated.
#[derive(Debug)]
pub(crate) struct Diag {
    file: String,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Diag {
    pub(crate) fn new(file: &str) -> Self {
        Diag {
            file: file.to_string(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    pub(crate) fn error(&mut self, span: &Span, message: impl Into<String>) {
        let (line, column) = position(span);
        self.error_at(line, column, message);
    }

    pub(crate) fn error_at(&mut self, line: usize, column: usize, message: impl Into<String>) {
        let problem = Problem {
            file: self.file.clone(),
            line,
            column,
            message: message.into(),
        };
        self.errors.push(problem);
    }

    /// A problem that does not stop loading: something that can never take effect.
    pub(crate) fn warn(&mut self, span: &Span, message: impl Into<String>) {
        let (line, column) = position(span);
        let problem = Problem {
            file: self.file.clone(),
            line,
            column,
            message: message.into(),
        };
        tracing::warn!("{problem}");
        self.warnings.push(problem);
    }

    /// The warnings, or every error (sorted by position) when there was any.
    pub(crate) fn finish(mut self) -> Result<Vec<Problem>, LoadError> {
        if self.errors.is_empty() {
            return Ok(self.warnings);
        }
        // Validation walks the file top-down but reports some problems late (a duplicate id
        // is only known at the second one); sort so the list reads in file order.
        self.errors.sort_by_key(|p| (p.line, p.column));
        Err(LoadError {
            problems: self.errors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_one_problem_per_line_with_positions() {
        let mut diag = Diag::new("q.yaml");
        diag.error_at(7, 3, "second");
        diag.error_at(2, 1, "first");
        let err = diag.finish().expect_err("two errors");
        assert_eq!(err.to_string(), "q.yaml:2:1: first\nq.yaml:7:3: second");
    }

    #[test]
    fn a_whole_file_problem_has_no_position() {
        let err = LoadError::file("missing.yaml", "cannot read: not found");
        assert_eq!(err.to_string(), "missing.yaml: cannot read: not found");
    }
}
