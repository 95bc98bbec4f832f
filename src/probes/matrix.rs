//! Coverage over a grid: every in-scope account × every region it should be checked in.
//!
//! Regional services (GuardDuty, Security Hub, Config, …) must be on in every enabled region
//! of every account (domain.md 1.5). A cell is judged from the [`RegionEvidence`] collected
//! for it; a cell with no evidence (account not entered, region not collected) is unknown,
//! never pass and never fail. The grid then folds into one outcome with the failing and
//! unknown cells named.

use std::collections::BTreeSet;

use super::scope;
use super::{Fact, Outcome, Status};
use crate::snapshot::{RegionEvidence, Snapshot};

/// How one cell, or one condition of a probe, fares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail(String),
    Unknown(String),
}

/// The regions an account is judged in. With regions chosen by the user (`--regions`): those
/// of them the account has enabled. Otherwise every enabled region of the account; when its
/// enabled regions could not be read, the collected regions, plus the reason why that may not
/// be all of them (a cell the probe must count as unknown).
pub fn regions_for(snapshot: &Snapshot, account: &str) -> (Vec<String>, Option<String>) {
    let scope = &snapshot.manifest.scope;
    let enabled = snapshot
        .account(account)
        .and_then(|a| a.enabled_regions.as_ref())
        .and_then(|r| r.value());
    match (enabled, scope.regions_explicit) {
        (Some(enabled), true) => (
            scope
                .regions
                .iter()
                .filter(|r| enabled.contains(r))
                .cloned()
                .collect(),
            None,
        ),
        (Some(enabled), false) => (enabled.clone(), None),
        (None, true) => (scope.regions.clone(), None),
        (None, false) => {
            let collected: Vec<String> = snapshot
                .account(account)
                .map(|a| a.regional.iter().map(|r| r.region.clone()).collect())
                .filter(|r: &Vec<String>| !r.is_empty())
                .unwrap_or_else(|| scope.regions.clone());
            (
                collected,
                Some("its enabled regions could not be read".to_string()),
            )
        }
    }
}

/// The result of judging every cell.
pub struct Grid {
    pub cells: usize,
    pub passed: usize,
    pub failed: Vec<String>,
    pub unknown: Vec<String>,
    pub accounts_failing: BTreeSet<String>,
    pub accounts_unknown: BTreeSet<String>,
    pub regions: BTreeSet<String>,
}

impl Grid {
    /// The grid's own verdict: pass when every cell passes.
    pub fn verdict(&self, what: &str) -> Verdict {
        if self.cells > 0 && self.passed == self.cells {
            Verdict::Pass
        } else if !self.failed.is_empty() {
            Verdict::Fail(format!(
                "{what} missing in {} of {} account-region cells: {}",
                self.failed.len(),
                self.cells,
                preview(&self.failed)
            ))
        } else if self.cells == 0 {
            Verdict::Unknown("no account-region cell was collected".into())
        } else {
            Verdict::Unknown(format!(
                "{what} not readable in {} of {} cells: {}",
                self.unknown.len(),
                self.cells,
                preview(&self.unknown)
            ))
        }
    }

    /// Partial coverage counts as some of the control in place.
    pub fn some_pass(&self) -> bool {
        self.passed > 0
    }
}

/// Judges `cell` in every (account, region) of the scope.
pub fn judge(snapshot: &Snapshot, cell: impl Fn(&str, &RegionEvidence) -> Verdict) -> Grid {
    let mut grid = Grid {
        cells: 0,
        passed: 0,
        failed: Vec::new(),
        unknown: Vec::new(),
        accounts_failing: BTreeSet::new(),
        accounts_unknown: BTreeSet::new(),
        regions: BTreeSet::new(),
    };
    for account in scope::in_scope_accounts(snapshot) {
        let evidence = snapshot
            .account(&account)
            .filter(|a| a.session.error().is_none());
        let (regions, incomplete) = regions_for(snapshot, &account);
        if let Some(why) = incomplete {
            grid.cells += 1;
            grid.unknown
                .push(format!("{account}/other regions ({why})"));
            grid.accounts_unknown.insert(account.clone());
        }
        for region in regions {
            grid.cells += 1;
            grid.regions.insert(region.clone());
            let name = format!("{account}/{region}");
            let regional = evidence.and_then(|e| e.regional.iter().find(|r| r.region == region));
            let verdict = match (evidence, regional) {
                (None, _) => Verdict::Unknown(format!("{name}: account not entered")),
                (_, None) => Verdict::Unknown(format!("{name}: region not collected")),
                (_, Some(r)) => cell(&account, r),
            };
            match verdict {
                Verdict::Pass => grid.passed += 1,
                Verdict::Fail(why) => {
                    grid.failed.push(format!("{name} ({why})"));
                    grid.accounts_failing.insert(account.clone());
                }
                Verdict::Unknown(why) => {
                    grid.unknown.push(format!("{name} ({why})"));
                    grid.accounts_unknown.insert(account.clone());
                }
            }
        }
    }
    grid
}

/// Reads a regional record: `Ok` value, or an unknown verdict naming the failed call.
pub fn read<'a, T>(
    record: &'a Option<crate::snapshot::Record<T>>,
    what: &str,
) -> Result<&'a T, Verdict> {
    match record {
        None => Err(Verdict::Unknown(format!("{what} not collected"))),
        Some(r) => r.value().ok_or_else(|| {
            let code = r.error().map(|e| e.code.as_str()).unwrap_or("error");
            Verdict::Unknown(format!("{} failed ({code})", r.source.operation))
        }),
    }
}

/// Folds named conditions into one outcome: pass when all pass; fail when none of the
/// control is in place; partial when some is; unknown when nothing failed but something
/// could not be read.
pub fn fold(
    probe: &str,
    title: &str,
    parts: &[(&str, Verdict, bool)],
    remediation: &str,
) -> Outcome {
    let mut facts = Vec::new();
    let mut fails = Vec::new();
    let mut unknowns = Vec::new();
    let mut any_in_place = false;
    for (name, verdict, some_in_place) in parts {
        match verdict {
            Verdict::Pass => {
                any_in_place = true;
                facts.push(Fact::derived(format!("{name}: in place")));
            }
            Verdict::Fail(why) => {
                any_in_place |= *some_in_place;
                fails.push(format!("{name}: {why}"));
                facts.push(Fact::derived(format!("{name}: NOT in place: {why}")));
            }
            Verdict::Unknown(why) => {
                unknowns.push(format!("{name}: {why}"));
                facts.push(Fact::derived(format!(
                    "{name}: could not be confirmed: {why}"
                )));
            }
        }
    }
    let outcome = if fails.is_empty() && unknowns.is_empty() {
        Outcome::new(
            probe,
            Status::Pass,
            format!("{title}: every condition is met"),
        )
    } else if !fails.is_empty() && any_in_place {
        Outcome::new(
            probe,
            Status::Partial,
            format!("{title}: partly in place; {}", fails.join("; ")),
        )
    } else if !fails.is_empty() {
        Outcome::new(
            probe,
            Status::Fail,
            format!("{title}: {}", fails.join("; ")),
        )
    } else {
        Outcome::new(
            probe,
            Status::Unknown,
            format!("{title}: {}", unknowns.join("; ")),
        )
    };
    let outcome = if outcome.status == Status::Pass {
        outcome
    } else {
        outcome.with_remediation(remediation)
    };
    outcome.with_facts(facts)
}

fn preview(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
}
