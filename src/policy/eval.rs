//! Evaluating one request against SCPs, identity policies, permission boundaries and a
//! resource policy, in the order of AWS's evaluation logic
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>):
//! an explicit Deny anywhere wins; then every SCP level, every boundary and the identity (or
//! resource) policies must allow.
//!
//! Each step is a named rule returning a decision or passing on. A Deny whose conditions the
//! request does not settle (no principal given, so `ArnNotLike aws:PrincipalArn` is open) is
//! reported as a denial *with exemptions* after the Allow checks, as domain.md 2.1.4 asks; a
//! Deny scoped to some resources, asked about "any resource", is reported as a scoped denial
//! ("denied for trail X only") and does not decide.

use serde::Serialize;

use super::condition::Condition;
use super::document::{Document, Effect, Patterns, Principals, Statement};
use super::matching::{action_matches, resource_matches, Tri};
use super::request::{PrincipalKind, Request};
use super::scp::{self, Level};

/// A policy document with the name reports use for it (file name, policy name).
#[derive(Debug, Clone)]
pub struct NamedPolicy {
    pub name: String,
    pub document: Document,
}

/// Everything that bears on one request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// The SCP path, root first, then each OU, then the account.
    pub scp_levels: Vec<Level>,
    /// The principal's identity policies (inline, managed, group). Empty together with no
    /// resource policy: only the SCPs are evaluated ("can anyone in the account do X?").
    pub identity: Vec<NamedPolicy>,
    /// Permission boundaries, if any is set.
    pub boundaries: Vec<NamedPolicy>,
    pub resource_policy: Option<NamedPolicy>,
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

/// Which kind of policy a statement sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Scp,
    Identity,
    Boundary,
    Resource,
}

/// Names one statement: policy, SCP level, Sid or index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub place: Place,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    pub policy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub index: usize,
}

/// A condition that keeps a Deny from applying to everyone: for a negated test on the
/// principal's identity, the principals it lets through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exemption {
    pub statement: StatementRef,
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
    /// The values are patterns of exempt principals (`ArnNotLike aws:PrincipalArn`).
    pub principals: bool,
}

/// A Deny that applies to some resources only, when the request named none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopedDeny {
    pub statement: StatementRef,
    /// `true` for `NotResource`: every resource except these.
    pub except: bool,
    pub resources: Vec<String>,
    pub exemptions: Vec<Exemption>,
    /// "denied for trail X only".
    pub summary: String,
}

/// A decision and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// The statements that decided: the Deny, or the Allows at every level.
    pub deciding: Vec<StatementRef>,
    /// For an implicit deny, where the missing Allow is ("ou:workload", "identity").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implicit_at: Option<String>,
    /// For an implicit deny: an Allow at that place would apply under conditions the request
    /// did not settle, or for some resources only (an allow-list on `aws:RequestedRegion`
    /// asked about no Region). The request is then "allowed when …", not denied outright.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conditional_allow: bool,
    /// The Deny depends on conditions the request did not settle.
    pub conditional: bool,
    pub exemptions: Vec<Exemption>,
    pub scoped_denies: Vec<ScopedDeny>,
    /// `false` for the management account and service-linked roles.
    pub scps_apply: bool,
    pub notes: Vec<String>,
}

/// The resources a statement covers when the request named none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    pub except: bool,
    pub patterns: Vec<String>,
}

/// A statement that applies to the request, possibly only under unsettled conditions or
/// only for some resources.
#[derive(Debug, Clone)]
pub(crate) struct Hit<'d> {
    pub statement: &'d Statement,
    pub unsettled: Vec<&'d Condition>,
    pub scope: Option<Scope>,
}

impl Hit<'_> {
    /// Applies for sure: no open condition, no resource scope.
    pub fn settled(&self) -> bool {
        self.unsettled.is_empty() && self.scope.is_none()
    }
}

/// A hit with where it was found.
#[derive(Debug, Clone)]
pub(crate) struct Found<'d> {
    pub at: StatementRef,
    pub level: Option<usize>,
    pub hit: Hit<'d>,
}

/// Evaluates one request.
pub fn evaluate(set: &PolicySet, request: &Request) -> Evaluation {
    let scps_apply = scp::applies_to(request);
    let found = collect(set, request, scps_apply);

    let mut evaluation = explicit_deny(&found)
        .or_else(|| {
            scps_apply
                .then(|| scp::missing_allow(&set.scp_levels, &found))
                .flatten()
        })
        .or_else(|| missing_boundary_allow(set, &found))
        .or_else(|| missing_grant(set, &found, request))
        .or_else(|| conditional_deny(&found))
        .unwrap_or_else(|| allowed(&found));

    evaluation.scps_apply = scps_apply;
    evaluation.scoped_denies = scoped_denies(&found);
    if !scps_apply {
        evaluation.notes.push(scp_exempt_note(request));
    }
    if set.identity.is_empty() && set.resource_policy.is_none() {
        evaluation
            .notes
            .push("identity policies not evaluated: SCPs only".into());
    }
    evaluation
}

fn scp_exempt_note(request: &Request) -> String {
    if request.principal_kind == Some(PrincipalKind::ServiceLinkedRole) {
        "SCPs do not apply to service-linked roles".into()
    } else {
        "SCPs do not apply to the management account".into()
    }
}

/// Every statement of every policy that applies to the request, in evaluation order.
fn collect<'d>(set: &'d PolicySet, request: &Request, scps_apply: bool) -> Vec<Found<'d>> {
    let mut found = Vec::new();
    if scps_apply {
        for (i, level) in set.scp_levels.iter().enumerate() {
            let name = Some(level.name.as_str());
            scan(
                &mut found,
                Place::Scp,
                name,
                Some(i),
                &level.policies,
                request,
            );
        }
    }
    scan(
        &mut found,
        Place::Identity,
        None,
        None,
        &set.identity,
        request,
    );
    scan(
        &mut found,
        Place::Boundary,
        None,
        None,
        &set.boundaries,
        request,
    );
    let resource = set.resource_policy.as_slice();
    scan(&mut found, Place::Resource, None, None, resource, request);
    found
}

fn scan<'d>(
    found: &mut Vec<Found<'d>>,
    place: Place,
    level_name: Option<&str>,
    level: Option<usize>,
    policies: &'d [NamedPolicy],
    request: &Request,
) {
    for policy in policies {
        for statement in &policy.document.statements {
            if let Some(hit) = applies(statement, request) {
                let at = StatementRef {
                    place,
                    level: level_name.map(String::from),
                    policy: policy.name.clone(),
                    sid: statement.sid.clone(),
                    index: statement.index,
                };
                found.push(Found { at, level, hit });
            }
        }
    }
}

/// Whether a statement applies: action, then resource, then principal, then conditions.
pub(crate) fn applies<'d>(statement: &'d Statement, request: &Request) -> Option<Hit<'d>> {
    if !action_fits(&statement.actions, &request.action) {
        return None;
    }
    let scope = match resource_fit(&statement.resources, request) {
        Fit::No => return None,
        Fit::Yes => None,
        Fit::Scoped(scope) => Some(scope),
    };
    if let Some(principals) = &statement.principals {
        if !principal_fits(principals, request) {
            return None;
        }
    }
    let mut unsettled = Vec::new();
    for condition in &statement.conditions {
        match condition.evaluate(&request.context) {
            Tri::No => return None,
            Tri::Yes => {}
            Tri::Unknown => unsettled.push(condition),
        }
    }
    Some(Hit {
        statement,
        unsettled,
        scope,
    })
}

fn action_fits(actions: &Patterns, action: &str) -> bool {
    match actions {
        Patterns::Only(list) => list.iter().any(|p| action_matches(p, action)),
        Patterns::AllBut(list) => !list.iter().any(|p| action_matches(p, action)),
    }
}

enum Fit {
    Yes,
    No,
    Scoped(Scope),
}

/// Resource fit. With no resource in the request, only `*` covers it; anything narrower is
/// a scope. With a resource, a pattern the context cannot resolve (a placeholder such as
/// `[CLOUDTRAIL_NAME]`) is a scope too: the statement holds for *that* resource only.
fn resource_fit(resources: &Patterns, request: &Request) -> Fit {
    let (except, list) = match resources {
        Patterns::Only(l) => (false, l),
        Patterns::AllBut(l) => (true, l),
    };
    let scoped = || {
        Fit::Scoped(Scope {
            except,
            patterns: list.clone(),
        })
    };
    let Some(arn) = request.resource.as_deref() else {
        let star = list.iter().any(|p| p == "*");
        return match (except, star) {
            (false, true) => Fit::Yes,
            (true, true) => Fit::No,
            _ => scoped(),
        };
    };
    let mut any = Tri::No;
    for pattern in list {
        match resource_matches(pattern, arn, &request.context) {
            Tri::Yes => {
                any = Tri::Yes;
                break;
            }
            Tri::Unknown => any = Tri::Unknown,
            Tri::No => {}
        }
    }
    match (any, except) {
        (Tri::Unknown, _) => scoped(),
        (Tri::Yes, false) | (Tri::No, true) => Fit::Yes,
        _ => Fit::No,
    }
}

/// `Principal` of a resource policy: `*`, an account (id or root ARN, standing for every
/// principal of it), or an exact ARN.
fn principal_fits(principals: &Principals, request: &Request) -> bool {
    let (negated, list) = match principals {
        Principals::Only(l) => (false, l),
        Principals::AllBut(l) => (true, l),
    };
    let principal = request.principal.as_deref().unwrap_or("");
    let account = request.principal_account().unwrap_or("");
    let one = |value: &str| {
        value == "*"
            || value == principal
            || (!account.is_empty()
                && (value == account || value == format!("arn:aws:iam::{account}:root")))
    };
    let any = list
        .iter()
        .filter(|p| p.kind == "AWS")
        .any(|p| one(&p.value));
    any != negated
}

/// Rule 1: a Deny that applies for sure decides.
fn explicit_deny(found: &[Found]) -> Option<Evaluation> {
    let deciding: Vec<StatementRef> = found
        .iter()
        .filter(|f| f.hit.statement.effect == Effect::Deny && f.hit.settled())
        .map(|f| f.at.clone())
        .collect();
    (!deciding.is_empty()).then(|| decided(Decision::ExplicitDeny, deciding))
}

/// Rule 3: with a permission boundary set, it must allow as well.
fn missing_boundary_allow(set: &PolicySet, found: &[Found]) -> Option<Evaluation> {
    if set.boundaries.is_empty() || has_allow(found, Place::Boundary) {
        return None;
    }
    Some(implicit("permission boundary", found, Place::Boundary))
}

/// Rule 4: an identity policy (or, in the same account, the resource policy) must allow;
/// across accounts both must.
fn missing_grant(set: &PolicySet, found: &[Found], request: &Request) -> Option<Evaluation> {
    if set.identity.is_empty() && set.resource_policy.is_none() {
        return None;
    }
    let identity = has_allow(found, Place::Identity);
    let resource = has_allow(found, Place::Resource);
    let cross_account = set.resource_policy.is_some()
        && matches!(
            (request.principal_account(), request.resource_account()),
            (Some(p), Some(r)) if p != r
        );
    let granted = if cross_account {
        identity && resource
    } else {
        identity || resource
    };
    if granted {
        return None;
    }
    let place = if cross_account && identity {
        Place::Resource
    } else {
        Place::Identity
    };
    Some(implicit("identity", found, place))
}

/// Rule 5: a Deny that applies unless some condition holds: denied, with the exemptions.
fn conditional_deny(found: &[Found]) -> Option<Evaluation> {
    let open: Vec<&Found> = found
        .iter()
        .filter(|f| f.hit.statement.effect == Effect::Deny && f.hit.scope.is_none())
        .collect();
    if open.is_empty() {
        return None;
    }
    let mut evaluation = decided(
        Decision::ExplicitDeny,
        open.iter().map(|f| f.at.clone()).collect(),
    );
    evaluation.conditional = true;
    evaluation.exemptions = open.iter().flat_map(|f| exemptions(f)).collect();
    Some(evaluation)
}

/// Rule 6: nothing denied; the Allows that carried the request are the decision's basis.
fn allowed(found: &[Found]) -> Evaluation {
    let mut seen_levels = Vec::new();
    let mut deciding = Vec::new();
    for f in found {
        if f.hit.statement.effect != Effect::Allow || !f.hit.settled() {
            continue;
        }
        // One Allow per SCP level is enough to show the level lets the request through.
        if f.at.place == Place::Scp {
            if seen_levels.contains(&f.level) {
                continue;
            }
            seen_levels.push(f.level);
        }
        deciding.push(f.at.clone());
    }
    decided(Decision::Allowed, deciding)
}

pub(crate) fn has_allow(found: &[Found], place: Place) -> bool {
    found
        .iter()
        .any(|f| f.at.place == place && f.hit.statement.effect == Effect::Allow && f.hit.settled())
}

/// An implicit deny at `at`, with notes on the Allows that would apply only under
/// conditions or for some resources.
pub(crate) fn implicit<'a>(
    at: &str,
    found: impl IntoIterator<Item = &'a Found<'a>>,
    place: Place,
) -> Evaluation {
    let mut evaluation = decided(Decision::ImplicitDeny, Vec::new());
    evaluation.implicit_at = Some(at.to_string());
    evaluation.notes.push(format!("no Allow at {at}"));
    for f in found {
        let allow = f.hit.statement.effect == Effect::Allow;
        if f.at.place != place || !allow || f.hit.settled() {
            continue;
        }
        evaluation.notes.push(partial_allow_note(f));
        evaluation.conditional_allow = true;
    }
    evaluation
}

fn partial_allow_note(f: &Found) -> String {
    let name = statement_name(&f.at);
    if let Some(scope) = &f.hit.scope {
        return format!("{name} allows only {}", scope_text(scope));
    }
    let conditions: Vec<String> = f.hit.unsettled.iter().map(|c| c.describe()).collect();
    format!("{name} allows only when {}", conditions.join(" and "))
}

fn decided(decision: Decision, deciding: Vec<StatementRef>) -> Evaluation {
    Evaluation {
        decision,
        deciding,
        implicit_at: None,
        conditional_allow: false,
        conditional: false,
        exemptions: Vec::new(),
        scoped_denies: Vec::new(),
        scps_apply: true,
        notes: Vec::new(),
    }
}

/// Condition keys that identify the caller: a negated test on them exempts principals.
const PRINCIPAL_KEYS: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:userid",
    "aws:username",
    "aws:principaltype",
];

fn exemptions(f: &Found) -> Vec<Exemption> {
    f.hit
        .unsettled
        .iter()
        .map(|c| {
            let key = c.key.to_ascii_lowercase();
            let on_principal =
                PRINCIPAL_KEYS.contains(&key.as_str()) || key.starts_with("aws:principaltag/");
            Exemption {
                statement: f.at.clone(),
                operator: c.operator.name.clone(),
                key: c.key.clone(),
                values: c.values.clone(),
                principals: on_principal && c.operator.negated,
            }
        })
        .collect()
}

fn scoped_denies(found: &[Found]) -> Vec<ScopedDeny> {
    found
        .iter()
        .filter(|f| f.hit.statement.effect == Effect::Deny)
        .filter_map(|f| {
            let scope = f.hit.scope.as_ref()?;
            Some(ScopedDeny {
                statement: f.at.clone(),
                except: scope.except,
                resources: scope.patterns.clone(),
                exemptions: exemptions(f),
                summary: format!("denied for {} only", scope_text(scope)),
            })
        })
        .collect()
}

/// "trail aws-controltower-*", "resources matching arn:…", "every resource except …".
fn scope_text(scope: &Scope) -> String {
    let names: Vec<String> = scope.patterns.iter().map(|p| resource_name(p)).collect();
    if scope.except {
        format!("every resource except {}", names.join(", "))
    } else {
        names.join(", ")
    }
}

fn resource_name(pattern: &str) -> String {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    match (parts.get(2), parts.get(5)) {
        (Some(&"cloudtrail"), Some(r)) if r.starts_with("trail/") => {
            format!("trail {}", &r["trail/".len()..])
        }
        (Some(&"s3"), Some(r)) if !r.contains('/') => format!("bucket {r}"),
        _ => format!("resources matching {pattern}"),
    }
}

/// `Sid` in `policy` (level), or `statement N`.
pub fn statement_name(at: &StatementRef) -> String {
    let which = match &at.sid {
        Some(sid) if !sid.is_empty() => sid.clone(),
        _ => format!("statement {}", at.index),
    };
    match &at.level {
        Some(level) => format!("{which} in {} at {level}", at.policy),
        None => format!("{which} in {} ({})", at.policy, place_name(at.place)),
    }
}

fn place_name(place: Place) -> &'static str {
    match place {
        Place::Scp => "SCP",
        Place::Identity => "identity policy",
        Place::Boundary => "permission boundary",
        Place::Resource => "resource policy",
    }
}
