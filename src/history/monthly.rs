//! The monthly part of `evident report`: open the history before anything is rendered, put the
//! trend and the changes since last month into the report context, then append the run and
//! judge the gates once the outputs are written.
//!
//! The order matters: a history that does not verify stops the run before any output (exit 2),
//! and a gate is judged only after the outputs and the entry exist, so a job that exits 3 still
//! leaves this month's report and record behind.

use super::gate::{self, MonthlyArgs};
use super::{Diff, History};
use crate::exit;
use crate::render::ReportContext;
use crate::render::STANDALONE;

/// The monthly state of one report run.
pub struct Monthly {
    args: MonthlyArgs,
    history: Option<History>,
    since_previous: Option<Diff>,
}

impl Monthly {
    /// Checks the flags and opens (or creates) the history directory.
    pub fn prepare(args: &MonthlyArgs) -> anyhow::Result<Self> {
        args.validate()?;
        let history = match &args.history {
            Some(dir) => Some(History::open_or_create(dir)?),
            None => None,
        };
        Ok(Monthly {
            args: args.clone(),
            history,
            since_previous: None,
        })
    }

    /// Adds the trend, its charts and the changes since the previous entry to the context.
    pub fn enrich(&mut self, ctx: &mut ReportContext) {
        let Some(history) = &self.history else {
            return;
        };
        ctx.trend = history.trend(&ctx.answers);
        ctx.trend_charts = super::chart::charts(&ctx.trend);
        self.since_previous = history
            .latest()
            .map(|e| Diff::between(&e.answers, &ctx.answers));
        ctx.since_previous = self.since_previous.clone();
    }

    /// Appends the run to the history and judges the gates: [`exit::GATE`] when one is not
    /// met, each named on stderr.
    pub fn finish(mut self, ctx: &ReportContext) -> anyhow::Result<u8> {
        if let Some(history) = &mut self.history {
            // A history follows one company: a run of another organization is most likely the
            // wrong directory (a standalone account becoming an organization is the migration
            // itself, and not warned about).
            let previous = history.latest().and_then(|e| e.organization.clone());
            let now = &ctx.scope.organization;
            if let Some(previous) = previous.filter(|p| p != now && p != STANDALONE) {
                tracing::warn!(
                    "{}: the previous entry is of organization {previous}, this run of {now}; \
                     trends and the regression gate compare the two as one company",
                    history.dir.display()
                );
            }
            let head = history.append(&ctx.answers, now)?;
            let n = history.latest().map_or(0, |e| e.sequence);
            eprintln!(
                "history: entry {n:06} appended to {}; head SHA-256 {head}",
                history.dir.display()
            );
        }
        let unmet = gate::unmet(&self.args, &ctx.readiness, self.since_previous.as_ref());
        for u in &unmet {
            eprintln!("gate not met: {u}");
        }
        Ok(if unmet.is_empty() {
            exit::OK
        } else {
            exit::GATE
        })
    }
}
