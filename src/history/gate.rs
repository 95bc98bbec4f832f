//! Gates for scheduled jobs: `--fail-on regression` and `--fail-under AXIS=VALUE`. A gate not
//! met is not a failed run: the outputs and the history entry are written first, then the
//! command exits 3 ([`crate::exit::GATE`]) naming what was not met.

use std::path::PathBuf;
use std::str::FromStr;

use super::diff::{ChangeKind, Diff};
use super::readiness::{Readiness, AXES};

/// The monthly options of `evident report`, flattened into its arguments.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct MonthlyArgs {
    /// History directory: the run is appended as a new entry (created when missing); the
    /// reports then show the trend and what changed since the previous entry.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// Exit 3 when the condition holds: `regression` = any answer regressed since the
    /// previous history entry (needs --history).
    #[arg(long, value_enum, value_name = "CONDITION")]
    pub fail_on: Vec<FailOn>,
    /// Exit 3 when a readiness axis is below VALUE percent: audit=80, insurance=100.
    #[arg(long, value_name = "AXIS=VALUE")]
    pub fail_under: Vec<Threshold>,
}

/// A condition `--fail-on` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// An answer regressed (Yes → No, pass → partial, …) since the previous history entry.
    Regression,
}

/// `--fail-under AXIS=VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub axis: String,
    /// Percent, 0 to 100.
    pub percent: f64,
}

impl FromStr for Threshold {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (axis, value) = s
            .split_once('=')
            .ok_or_else(|| format!("expected AXIS=VALUE, as in audit=80; got `{s}`"))?;
        let axis = axis.trim().to_ascii_lowercase();
        if !AXES.contains(&axis.as_str()) {
            return Err(format!(
                "unknown axis `{axis}`; expected one of {}",
                AXES.join(", ")
            ));
        }
        let number = value.trim().trim_end_matches('%');
        let percent: f64 = number
            .parse()
            .map_err(|_| format!("`{value}` is not a number of percent"))?;
        if !(0.0..=100.0).contains(&percent) {
            return Err(format!("{percent} is not a percentage between 0 and 100"));
        }
        Ok(Threshold { axis, percent })
    }
}

impl MonthlyArgs {
    /// Checks the flags against each other before anything is computed.
    pub fn validate(&self) -> Result<(), super::HistoryError> {
        if self.fail_on.contains(&FailOn::Regression) && self.history.is_none() {
            return Err(super::HistoryError::Usage(
                "--fail-on regression compares with the previous history entry: give \
                 --history DIR"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Every gate not met, one sentence each; empty when all gates hold.
pub fn unmet(args: &MonthlyArgs, readiness: &Readiness, since: Option<&Diff>) -> Vec<String> {
    let mut unmet = Vec::new();
    if args.fail_on.contains(&FailOn::Regression) {
        if let Some(diff) = since {
            let regressed: Vec<String> = diff
                .of_kind(ChangeKind::Regressed)
                .map(|c| format!("{}/{} ({})", c.questionnaire, c.question, c.transition()))
                .collect();
            if !regressed.is_empty() {
                unmet.push(format!(
                    "regressed since the previous history entry: {}",
                    regressed.join("; ")
                ));
            }
        }
    }
    for t in &args.fail_under {
        let Some(share) = readiness.axis(&t.axis) else {
            continue;
        };
        match share.percent {
            Some(p) if p >= t.percent => {}
            Some(p) => unmet.push(format!(
                "{} is {p:.1}%, under {}%",
                share.title.to_lowercase(),
                t.percent
            )),
            None => unmet.push(format!(
                "{} is not measured (no automated question with a known answer), under {}%",
                share.title.to_lowercase(),
                t.percent
            )),
        }
    }
    unmet
}
