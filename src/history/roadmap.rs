//! The 90-day roadmap: the four phases of a move from one account to a landing zone, the
//! phase the organization is in as judged from the evidence, and every failing question placed
//! in the phase that fixes it, with concrete steps.
//!
//! The phase is judged from probe outcomes, not from a questionnaire's wording: each phase has
//! a milestone that a set of probe statuses shows reached, and the organization is in the first
//! phase whose milestone is not. A check failing in an earlier phase (root MFA in a landing
//! zone) stays listed under that phase as open work rather than pulling the judgement back,
//! because the phase tells a reader where the migration stands and the items what is left.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::answers::{AnswerStatus, Answers};
use crate::probes::{detect, identity, landing, org, storage, trail};

/// The four phases: (title, days of the 90, what the phase builds).
const PHASES: [(&str, &str, &str); 4] = [
    (
        "Foundation",
        "days 1-20",
        "management, audit and log archive accounts, the landing zone, SCPs in shadow mode, \
         Identity Center permission sets",
    ),
    (
        "New workloads in new accounts",
        "days 21-40",
        "every new workload lands in a dedicated account per environment; nothing new goes \
         into the old account",
    ),
    (
        "Workload migration",
        "days 41-75",
        "workloads move out of the old account one at a time",
    ),
    (
        "Lockdown",
        "days 76-90",
        "SCPs enforcing on every OU, IAM users disabled, the old account emptied",
    ),
];

/// The roadmap for one answer set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Roadmap {
    /// 1 to 4: the phase the organization is in; 5 when every milestone is reached.
    pub current_phase: usize,
    /// The current phase's title, or "Maintain" past the fourth.
    pub current_title: String,
    /// Why: one line per milestone, with the probe statuses it was judged on.
    pub judged_by: Vec<String>,
    pub phases: Vec<Phase>,
}

/// One phase of the 90 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// 1 to 4.
    pub number: usize,
    pub title: String,
    /// `days 1-20`, …
    pub days: String,
    pub goal: String,
    /// `done`, `current` or `next`.
    pub state: String,
    /// Failing checks this phase fixes.
    pub items: Vec<Item>,
}

/// One failing check and the questions that rest on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub probe: String,
    /// `fail`, `partial` or `unknown`.
    pub status: String,
    /// The probe's one-line finding.
    pub summary: String,
    /// Accounts the finding names.
    pub accounts: Vec<String>,
    /// `questionnaire/question` ids this item answers.
    pub questions: Vec<String>,
    /// What to do, in order.
    pub steps: Vec<String>,
}

/// One probe's outcome as the answers carry it.
struct Seen {
    status: String,
    summary: String,
    accounts: Vec<String>,
    questions: Vec<String>,
    remediation: Option<String>,
}

impl Roadmap {
    /// Derives the roadmap from one answer set.
    pub fn of(answers: &Answers) -> Self {
        let seen = outcomes(answers);
        let (milestones, judged_by) = milestones(&seen);
        let current = milestones.iter().take_while(|m| **m).count() + 1;

        let mut phases: Vec<Phase> = PHASES
            .iter()
            .enumerate()
            .map(|(i, (title, days, goal))| Phase {
                number: i + 1,
                title: title.to_string(),
                days: days.to_string(),
                goal: goal.to_string(),
                state: match (i + 1).cmp(&current) {
                    std::cmp::Ordering::Less => "done",
                    std::cmp::Ordering::Equal => "current",
                    std::cmp::Ordering::Greater => "next",
                }
                .to_string(),
                items: Vec::new(),
            })
            .collect();
        for (probe, s) in seen {
            if !matches!(s.status.as_str(), "fail" | "partial" | "unknown") {
                continue;
            }
            let (phase, steps) = placement(&probe, &s, current);
            phases[phase - 1].items.push(Item {
                probe,
                status: s.status,
                summary: s.summary,
                accounts: s.accounts,
                questions: s.questions,
                steps,
            });
        }
        Roadmap {
            current_phase: current,
            current_title: PHASES
                .get(current - 1)
                .map(|p| p.0)
                .unwrap_or("Maintain")
                .to_string(),
            judged_by,
            phases,
        }
    }

    /// The roadmap as plain text.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "90-day roadmap: phase {} of 4, {}\n",
            self.current_phase.min(4),
            self.current_title
        );
        for line in &self.judged_by {
            out.push_str(&format!("  {line}\n"));
        }
        for p in &self.phases {
            out.push_str(&format!(
                "\n{}. {} ({}, {}): {}\n",
                p.number, p.title, p.days, p.state, p.goal
            ));
            for item in &p.items {
                out.push_str(&format!(
                    "   - {} [{}] {} (questions: {})\n",
                    item.probe,
                    item.status,
                    item.summary,
                    item.questions.join(", ")
                ));
                for step in &item.steps {
                    out.push_str(&format!("       * {step}\n"));
                }
            }
        }
        out
    }
}

/// Every probe's outcome in the answers, once, with the questions resting on it.
fn outcomes(answers: &Answers) -> BTreeMap<String, Seen> {
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    for q in &answers.questionnaires {
        for a in &q.answers {
            if a.status == AnswerStatus::Attested {
                continue;
            }
            for e in &a.evidence {
                let entry = seen.entry(e.probe.clone()).or_insert_with(|| Seen {
                    status: e.outcome.clone(),
                    summary: e.summary.clone(),
                    accounts: e.accounts.clone(),
                    questions: Vec::new(),
                    remediation: a.remediation.clone(),
                });
                entry.questions.push(format!("{}/{}", q.id, a.question));
            }
        }
    }
    seen
}

/// The four milestones (reached or not) and a line on each saying why.
fn milestones(seen: &BTreeMap<String, Seen>) -> ([bool; 4], Vec<String>) {
    let status = |probe: &str| -> &str {
        seen.get(probe)
            .map(|s| s.status.as_str())
            .unwrap_or("absent")
    };
    let in_use = |p: &str| matches!(status(p), "pass" | "partial");
    let (trail_st, ic, scp) = (
        status(trail::AUDIT_ACCOUNT),
        status(identity::IDENTITY_CENTER),
        status(org::SCP_AT_OU),
    );
    let foundation =
        trail_st == "pass" || (in_use(identity::IDENTITY_CENTER) && in_use(org::SCP_AT_OU));
    let sep = status(org::SEPARATE_ENVIRONMENTS);
    let new_accounts = matches!(sep, "pass" | "partial");
    let migrated = sep == "pass";
    let lock_probes = [
        org::SCP_AT_OU,
        identity::IDENTITY_CENTER,
        identity::ADMIN_SPRAWL,
        identity::ROOT_MFA,
    ];
    let locked = lock_probes.iter().all(|p| status(p) == "pass");
    let mark = |b: bool| if b { "reached" } else { "not reached" };
    let lock_detail: Vec<String> = lock_probes
        .iter()
        .map(|p| format!("{p} {}", status(p)))
        .collect();
    let lines = vec![
        format!(
            "foundation {}: {} {trail_st}, {} {ic}, {} {scp} (central trail, or Identity \
             Center and SCPs in use)",
            mark(foundation),
            trail::AUDIT_ACCOUNT,
            identity::IDENTITY_CENTER,
            org::SCP_AT_OU
        ),
        format!(
            "new accounts {}: {} {sep} (at least one environment in an account of its own)",
            mark(new_accounts),
            org::SEPARATE_ENVIRONMENTS
        ),
        format!(
            "migration {}: {} {sep} (every environment in dedicated accounts)",
            mark(migrated),
            org::SEPARATE_ENVIRONMENTS
        ),
        format!(
            "lockdown {}: {} (all four must pass)",
            mark(locked),
            lock_detail.join(", ")
        ),
    ];
    ([foundation, new_accounts, migrated, locked], lines)
}

/// The phase that fixes a failing probe, and the steps.
fn placement(probe: &str, s: &Seen, current: usize) -> (usize, Vec<String>) {
    let partial = s.status != "fail";
    let (phase, steps): (usize, &[&str]) = match probe {
        trail::AUDIT_ACCOUNT => (1, &TRAIL_STEPS),
        identity::ROOT_MFA => (1, &ROOT_MFA_STEPS),
        identity::IDENTITY_CENTER if !partial => (1, &IC_SETUP_STEPS),
        identity::IDENTITY_CENTER => (4, &IC_LOCKDOWN_STEPS),
        org::SCP_AT_OU if !partial => (1, &SCP_SHADOW_STEPS),
        org::SCP_AT_OU => (4, &SCP_ENFORCE_STEPS),
        org::SEPARATE_ENVIRONMENTS if !partial => (2, &NEW_ACCOUNT_STEPS),
        org::SEPARATE_ENVIRONMENTS => (3, &MIGRATION_STEPS),
        identity::ADMIN_SPRAWL => (4, &ADMIN_STEPS),
        // The rest carry their own remediation as the step; only the phase is decided here.
        landing::SECURITY_OU
        | detect::GUARDDUTY
        | detect::SECURITY_HUB
        | detect::CONFIG
        | storage::ARCHIVE_IMMUTABLE
        | trail::COVERAGE
        | "trail.logs-unreachable-from-workloads" => (1, &[]),
        landing::SANDBOX_BUDGETS => (2, &[]),
        landing::MANAGEMENT_NO_WORKLOADS | storage::BACKUP_IMMUTABLE => (3, &[]),
        storage::ACCOUNT_PUBLIC_ACCESS_BLOCK
        | "guardrails.protect-audit-logging"
        | "guardrails.no-iam-users"
        | "guardrails.region-restriction"
        | "identity.who-can-destroy-data" => (4, &[]),
        _ => (current.min(4), &[]),
    };
    let mut steps: Vec<String> = steps.iter().map(|s| s.to_string()).collect();
    if s.status == "unknown" {
        steps.insert(
            0,
            "First make the evidence visible: grant the collector the read permissions the \
             finding names, then collect again."
                .to_string(),
        );
    }
    if steps.is_empty() {
        steps.extend(s.remediation.clone());
    }
    (phase, steps)
}

const TRAIL_STEPS: [&str; 3] = [
    "Create the Log Archive account in a Security OU (the Control Tower landing zone creates \
     it with the Audit account).",
    "Create an organization trail in the management account: all Regions, log file \
     validation on, delivering to a bucket in the Log Archive account.",
    "Limit the bucket policy to CloudTrail's writes and investigators' reads; no workload \
     account gets access.",
];
const ROOT_MFA_STEPS: [&str; 2] = [
    "Register an MFA device (a hardware key or passkey) for the management account's root \
     user today.",
    "For member accounts, enable centralized root access in IAM and delete their root \
     credentials, or register MFA on each.",
];
const IC_SETUP_STEPS: [&str; 3] = [
    "Enable the organization instance of IAM Identity Center in the management account.",
    "Connect the identity provider (or create the users) and define permission sets: \
     administrator, power user, read-only, each with MFA.",
    "Assign the permission sets to groups on every member account.",
];
const IC_LOCKDOWN_STEPS: [&str; 4] = [
    "Give every person still using an IAM user an Identity Center assignment and confirm \
     they sign in through the access portal.",
    "Deactivate, then delete, the IAM users' access keys and console passwords (keep at \
     most one documented break-glass user).",
    "Assign a permission set on every member account that has none.",
    "Attach an SCP denying iam:CreateUser and iam:CreateAccessKey to the workload OUs.",
];
const SCP_SHADOW_STEPS: [&str; 3] = [
    "Create the organization with all features and enable the SERVICE_CONTROL_POLICY type \
     on the root.",
    "Write the guardrail SCPs (deny leaving the organization, protect CloudTrail and Config, \
     deny root actions, restrict Regions) and attach them to a Policy Staging or Sandbox OU \
     first: shadow mode, where nothing in production depends on them.",
    "Watch CloudTrail for AccessDenied in that OU for two weeks before widening them.",
];
const SCP_ENFORCE_STEPS: [&str; 2] = [
    "Attach the tested guardrail SCPs at the root or at every OU holding the accounts named \
     in the finding.",
    "Move accounts that carry guardrails only on the account itself under an OU that \
     carries them.",
];
const NEW_ACCOUNT_STEPS: [&str; 3] = [
    "Create a Workloads OU with Production and Non-production OUs, and one new account per \
     environment in them, tagged Environment=production, staging or development.",
    "Land every new workload in the new accounts from now on; nothing new goes into the \
     existing account.",
    "Give teams access to the new accounts through Identity Center permission sets only.",
];
const MIGRATION_STEPS: [&str; 3] = [
    "Create the environment accounts the finding says are missing, each tagged Environment.",
    "Move workloads out of the old account one at a time: deploy from infrastructure as \
     code, copy the data, cut DNS over, then delete the old copy.",
    "Split any account shared between environments and empty the management account of \
     workloads.",
];
const ADMIN_STEPS: [&str; 3] = [
    "Remove AdministratorAccess from IAM users; grant administration through an Identity \
     Center permission set with MFA.",
    "Delete or disable administrative principals unused for 90 days; keep one documented \
     break-glass role.",
    "Review the trust policies of the full-admin roles that remain.",
];
