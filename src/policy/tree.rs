//! The SCP path of an account, built from a snapshot's Organizations evidence: which SCPs
//! sit on the root, on each OU above the account and on the account itself, parsed once.
//!
//! The states case 13 asks to keep apart stay apart: SCPs not enabled (no restriction at
//! all), SCPs enabled and read (a path of levels), and SCP evidence that could not be read
//! or parsed (unknown, with the reason). A policy whose document does not parse, or whose
//! targets could not be listed, makes every path it may be on unknown; it is never skipped,
//! since skipping a Deny turns "denied" into "allowed".

use std::collections::BTreeMap;

use super::document::parse;
use super::eval::NamedPolicy;
use super::scp::Level;
use crate::snapshot::OrgEvidence;

/// The policy type name `ListRoots` reports for SCPs.
const SCP_TYPE: &str = "SERVICE_CONTROL_POLICY";

/// Whether SCPs bind the organization's member accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScpState {
    Enabled,
    /// All features off, or the SCP type not enabled on the root: SCPs restrict nothing.
    NotEnabled(String),
    /// The organization, its roots or its policy list could not be read.
    Unknown(String),
}

/// Every SCP of the organization, by the target it is attached to.
#[derive(Debug, Clone)]
pub struct ScpIndex {
    pub state: ScpState,
    by_target: BTreeMap<String, Vec<NamedPolicy>>,
    /// Policies that could not be used: the targets they are on (`None`: not known) and why.
    broken: Vec<(Option<Vec<String>>, String)>,
    ou_names: BTreeMap<String, String>,
}

impl ScpIndex {
    /// Reads the organization's SCPs and their attachments.
    pub fn from_org(org: &OrgEvidence) -> ScpIndex {
        let mut index = ScpIndex {
            state: state(org),
            by_target: BTreeMap::new(),
            broken: Vec::new(),
            ou_names: org
                .organizational_units
                .iter()
                .filter_map(|r| r.value())
                .map(|ou| (ou.id.clone(), ou.name.clone()))
                .collect(),
        };
        if index.state == ScpState::Enabled {
            index.read_policies(org);
        }
        index
    }

    fn read_policies(&mut self, org: &OrgEvidence) {
        let listed = org.policies.as_ref().and_then(|r| r.value());
        for summary in listed.into_iter().flatten() {
            let detail = org
                .policy_details
                .iter()
                .filter_map(|r| r.value())
                .find(|p| p.id == summary.id);
            if detail.is_none() {
                let why = format!(
                    "SCP {} ({}) was listed but not described",
                    summary.name, summary.id
                );
                self.broken.push((None, why));
            }
        }
        for record in &org.policy_details {
            let Some(policy) = record.value() else {
                let code = record.error().map_or("error", |e| e.code.as_str());
                let why = format!("{} failed ({code})", record.source.pointer());
                self.broken.push((None, why));
                continue;
            };
            match parse(&policy.content) {
                Ok(document) => {
                    let named = NamedPolicy {
                        name: policy.name.clone(),
                        document,
                    };
                    for target in policy.targets.iter().flatten() {
                        let at = self.by_target.entry(target.clone()).or_default();
                        at.push(named.clone());
                    }
                    if policy.targets.is_none() {
                        let why = format!("the targets of SCP {} could not be listed", policy.name);
                        self.broken.push((None, why));
                    }
                }
                Err(e) => {
                    let why = format!("SCP {} ({}) does not parse: {e}", policy.name, policy.id);
                    self.broken.push((policy.targets.clone(), why));
                }
            }
        }
    }

    /// The levels root → OUs → account for an account whose ancestors (root first, as
    /// `OrgView::ancestors` gives them) are `path`. Empty when SCPs are not enabled; an error
    /// naming the reason when any SCP that may be on the path is unknown, or a node of the
    /// path shows no SCP at all (AWS keeps at least one on every node, so that is a gap in
    /// the evidence).
    pub fn levels(&self, path: &[String], account: &str) -> Result<Vec<Level>, String> {
        match &self.state {
            ScpState::NotEnabled(_) => return Ok(Vec::new()),
            ScpState::Unknown(why) => return Err(why.clone()),
            ScpState::Enabled => {}
        }
        let nodes: Vec<&str> = path
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(account))
            .collect();
        if let Some(why) = self.broken_on(&nodes) {
            return Err(why);
        }
        nodes.iter().map(|node| self.level(node)).collect()
    }

    fn broken_on(&self, nodes: &[&str]) -> Option<String> {
        self.broken
            .iter()
            .find(|(targets, _)| match targets {
                None => true,
                Some(t) => t.iter().any(|t| nodes.contains(&t.as_str())),
            })
            .map(|(_, why)| why.clone())
    }

    fn level(&self, node: &str) -> Result<Level, String> {
        let policies = self.by_target.get(node).cloned().unwrap_or_default();
        if policies.is_empty() {
            return Err(format!("no SCP was found attached to {node}"));
        }
        Ok(Level {
            name: self.level_name(node),
            policies,
        })
    }

    /// `root`, `OU Workloads (ou-…)`, `account 222222222222`.
    fn level_name(&self, node: &str) -> String {
        if node.starts_with("r-") {
            return "root".into();
        }
        match self.ou_names.get(node) {
            Some(name) => format!("OU {name} ({node})"),
            None => format!("account {node}"),
        }
    }
}

fn state(org: &OrgEvidence) -> ScpState {
    let Some(organization) = org.organization.as_ref().and_then(|r| r.value()) else {
        return ScpState::Unknown("the organization could not be read".into());
    };
    if organization.feature_set != "ALL" {
        let why = format!("feature set {}: no SCPs", organization.feature_set);
        return ScpState::NotEnabled(why);
    }
    let Some(roots) = org.roots.as_ref().and_then(|r| r.value()) else {
        return ScpState::Unknown("organizations:ListRoots was not read".into());
    };
    let enabled = roots
        .iter()
        .any(|r| r.policy_types.get(SCP_TYPE).is_some_and(|s| s == "ENABLED"));
    if !enabled {
        return ScpState::NotEnabled("the SCP policy type is not enabled on the root".into());
    }
    match &org.policies {
        Some(r) if r.value().is_some() => ScpState::Enabled,
        Some(r) => {
            let code = r.error().map_or("error", |e| e.code.as_str());
            ScpState::Unknown(format!("organizations:ListPolicies failed ({code})"))
        }
        None => ScpState::Unknown("organizations:ListPolicies was not read".into()),
    }
}
