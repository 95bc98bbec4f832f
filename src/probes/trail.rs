//! CloudTrail probes: are the audit logs collected by a trail that covers every account and
//! region, validated, and delivered to a bucket in a dedicated audit account.
//!
//! Trails are de-duplicated by ARN across every account's and region's listing (shadow copies
//! of one trail are one trail, cases 03 and 05); coverage is then computed per account from
//! each trail's scope (an organization trail covers every member, case 01). Status and
//! selectors come from the trail's owner account and home region (case 02).

use std::collections::BTreeMap;

use super::scope::{self, Shape, ACCOUNTS_FILE, TRAIL_FILE};
use super::{Fact, Outcome, Status};
use crate::snapshot::{BucketEvidence, Snapshot, Trail, TrailDetails};

pub const AUDIT_ACCOUNT: &str = "trail.audit-account";

/// How one trail fares against the audit-account rule.
enum Verdict {
    Qualifies,
    Fails(Vec<String>),
    Unknown(Vec<String>),
}

/// `trail.audit-account`: an organization trail (or a trail in every account) that is
/// logging, multi-region and validated, whose bucket belongs to an account that is neither
/// the management account nor a workload account.
pub fn audit_account(snapshot: &Snapshot) -> Outcome {
    let id = AUDIT_ACCOUNT;
    let accounts = scope::in_scope_accounts(snapshot);
    let shape = scope::shape(snapshot);
    let (trails, mut facts, listing_gaps) = unique_trails(snapshot);

    let mut verdicts = Vec::new();
    for trail in trails.values() {
        let verdict = judge(snapshot, &shape, trail, &mut facts);
        verdicts.push((trail, verdict));
    }

    // Without the management account's listing, an organization trail may exist unseen: an
    // account no seen trail covers is then unknown, not uncovered.
    let org_trails_unseen =
        matches!(&shape, Shape::Organization(view) if listing_gaps.contains(&view.management));

    // Coverage per in-scope account: which qualifying trail covers it.
    let mut covered = Vec::new();
    let mut unknown = Vec::new();
    let mut uncovered = Vec::new();
    for account in &accounts {
        let applies = |t: &Trail| covers(&shape, t, account);
        if verdicts
            .iter()
            .any(|(t, v)| applies(t) && matches!(v, Verdict::Qualifies))
        {
            covered.push(account.clone());
        } else if verdicts
            .iter()
            .any(|(t, v)| applies(t) && matches!(v, Verdict::Unknown(_)))
            || listing_gaps.contains(account)
            || org_trails_unseen
        {
            unknown.push(account.clone());
        } else {
            uncovered.push(account.clone());
        }
    }
    for gap in &listing_gaps {
        if let Some(f) = scope::session_gap(snapshot, gap) {
            facts.push(f);
        }
    }

    let reasons = |pick: fn(&Verdict) -> Option<&Vec<String>>| -> String {
        let mut all: Vec<String> = verdicts
            .iter()
            .filter_map(|(_, v)| pick(v))
            .flatten()
            .cloned()
            .collect();
        all.dedup();
        all.join("; ")
    };
    let total = accounts.len();
    let outcome = if total > 0 && covered.len() == total {
        Outcome::new(
            id,
            Status::Pass,
            format!(
                "Every account ({total}) is logged by a validated, \
            multi-region trail that is logging into a bucket in a \
            dedicated audit account"
            ),
        )
    } else if trails.is_empty() && unknown.is_empty() {
        Outcome::new(
            id,
            Status::Fail,
            "No CloudTrail trail exists in any collected account",
        )
        .with_accounts(uncovered)
    } else if !uncovered.is_empty() && covered.is_empty() {
        let why = reasons(|v| match v {
            Verdict::Fails(r) => Some(r),
            _ => None,
        });
        let why = if why.is_empty() {
            "no trail covers these accounts".to_string()
        } else {
            why
        };
        Outcome::new(id, Status::Fail, format!("No qualifying trail: {why}"))
            .with_accounts(uncovered)
    } else if !uncovered.is_empty() {
        Outcome::new(
            id,
            Status::Partial,
            format!(
                "{} of {total} accounts logged to a dedicated audit account; not: {}",
                covered.len(),
                uncovered.join(", ")
            ),
        )
        .with_accounts(uncovered)
    } else {
        let why = reasons(|v| match v {
            Verdict::Unknown(r) => Some(r),
            _ => None,
        });
        let why = if why.is_empty() {
            "trail listings are missing".to_string()
        } else {
            why
        };
        Outcome::new(
            id,
            Status::Unknown,
            format!(
                "Could not confirm for {} of {total} accounts: {why}",
                unknown.len()
            ),
        )
        .with_accounts(unknown)
    };
    let outcome = match outcome.status {
        Status::Pass => outcome,
        Status::Unknown => outcome.with_remediation(
            "Grant the collector read access \
            (cloudtrail:GetTrailStatus, s3:ListAllMyBuckets, \
            s3:GetBucket*) in the trail's owner account and the log \
            archive account, then collect again.",
        ),
        _ => outcome.with_remediation(TRAIL_REMEDIATION),
    };
    let regions: Vec<String> = trails.values().map(|t| t.home_region.clone()).collect();
    outcome.with_facts(facts).with_regions(regions)
}

const TRAIL_REMEDIATION: &str = "Create an organization trail from the management \
    account (or a CloudTrail delegated administrator) that \
    is multi-region with log file validation, delivering to \
    an S3 bucket in a dedicated log archive account in the \
    Security OU, with object lock and a bucket policy \
    workloads cannot change.";

/// Every trail seen in any listing, once per ARN, and the accounts whose listings failed.
fn unique_trails(snapshot: &Snapshot) -> (BTreeMap<String, Trail>, Vec<Fact>, Vec<String>) {
    let mut trails: BTreeMap<String, Trail> = BTreeMap::new();
    let mut facts = Vec::new();
    let mut gaps = Vec::new();
    for account in scope::in_scope_accounts(snapshot) {
        let Some(evidence) = snapshot.account(&account) else {
            gaps.push(account);
            continue;
        };
        if evidence.session.error().is_some() || evidence.trails.is_empty() {
            gaps.push(account);
            continue;
        }
        for listing in &evidence.trails {
            match listing.value() {
                Some(list) => {
                    for t in list {
                        if !trails.contains_key(&t.arn) {
                            facts.push(Fact::new(
                                format!(
                                    "trail {} (owner {}, home {}): organization trail {}, \
                                multi-region {}, log file validation {}, bucket {}",
                                    t.arn,
                                    t.owner_account().unwrap_or("?"),
                                    t.home_region,
                                    t.is_organization_trail,
                                    t.is_multi_region,
                                    t.log_file_validation,
                                    t.s3_bucket.as_deref().unwrap_or("none")
                                ),
                                &listing.source,
                                ACCOUNTS_FILE,
                            ));
                            trails.insert(t.arn.clone(), t.clone());
                        }
                    }
                }
                None => {
                    let code = listing.error().map(|e| e.code.as_str()).unwrap_or("error");
                    facts.push(Fact::new(
                        format!(
                            "DescribeTrails failed in {} {} ({code})",
                            listing.source.account, listing.source.region
                        ),
                        &listing.source,
                        ACCOUNTS_FILE,
                    ));
                    if !gaps.contains(&account) {
                        gaps.push(account.clone());
                    }
                }
            }
        }
    }
    (trails, facts, gaps)
}

/// Whether a trail logs an account: its own account always, every member too when it is an
/// organization trail owned by the organization's management account.
fn covers(shape: &Shape<'_>, trail: &Trail, account: &str) -> bool {
    if trail.owner_account() == Some(account) {
        return true;
    }
    match shape {
        Shape::Organization(view) => {
            trail.is_organization_trail && trail.owner_account() == Some(view.management.as_str())
        }
        _ => false,
    }
}

fn judge(snapshot: &Snapshot, shape: &Shape<'_>, trail: &Trail, facts: &mut Vec<Fact>) -> Verdict {
    let mut fails = Vec::new();
    let mut unknowns = Vec::new();
    let name = &trail.name;
    if !trail.is_multi_region {
        fails.push(format!("trail {name} logs only {}", trail.home_region));
    }
    if !trail.log_file_validation {
        fails.push(format!("trail {name} has log file validation off"));
    }
    match details(snapshot, &trail.arn).map(|d| (&d.status, d)) {
        Some((status, _)) => match status.value() {
            Some(s) => {
                facts.push(Fact::new(
                    format!(
                        "trail {name} is {}",
                        if s.is_logging {
                            "logging"
                        } else {
                            "NOT logging"
                        }
                    ),
                    &status.source,
                    TRAIL_FILE,
                ));
                if !s.is_logging {
                    fails.push(format!("trail {name} is not logging"));
                }
            }
            None => {
                let code = status.error().map(|e| e.code.as_str()).unwrap_or("error");
                facts.push(Fact::new(
                    format!(
                        "GetTrailStatus for {name} failed in owner account {} ({code})",
                        status.source.account
                    ),
                    &status.source,
                    TRAIL_FILE,
                ));
                unknowns.push(format!(
                    "logging status of {name} not readable from owner account {}",
                    trail.owner_account().unwrap_or("?")
                ));
            }
        },
        None => unknowns.push(format!(
            "logging status of {name} not collected from its owner account"
        )),
    }
    match bucket_role(snapshot, shape, trail, facts) {
        BucketRole::Audit => {}
        BucketRole::Bad(why) => fails.push(why),
        BucketRole::Unknown(why) => unknowns.push(why),
    }
    if !fails.is_empty() {
        Verdict::Fails(fails)
    } else if !unknowns.is_empty() {
        Verdict::Unknown(unknowns)
    } else {
        Verdict::Qualifies
    }
}

fn details<'a>(snapshot: &'a Snapshot, arn: &str) -> Option<&'a TrailDetails> {
    snapshot.cloudtrail.trails.iter().find(|d| d.arn == arn)
}

enum BucketRole {
    Audit,
    Bad(String),
    Unknown(String),
}

/// Who owns the trail's bucket, and is that a dedicated audit account.
fn bucket_role(
    snapshot: &Snapshot,
    shape: &Shape<'_>,
    trail: &Trail,
    facts: &mut Vec<Fact>,
) -> BucketRole {
    let Some(bucket) = &trail.s3_bucket else {
        return BucketRole::Bad(format!("trail {} has no S3 bucket", trail.name));
    };
    let owner = snapshot
        .cloudtrail
        .buckets
        .iter()
        .find(|b| &b.name == bucket)
        .and_then(|b: &BucketEvidence| b.owner_account.clone());
    let Some(owner) = owner else {
        return BucketRole::Unknown(format!(
            "owner of bucket {bucket} not found among the collected accounts' ListBuckets"
        ));
    };
    let listing = snapshot.account(&owner).and_then(|a| a.buckets.as_ref());
    let statement =
        format!("bucket {bucket} is owned by account {owner} (listed by its ListBuckets)");
    match listing {
        Some(l) => facts.push(Fact::new(statement, &l.source, ACCOUNTS_FILE)),
        None => facts.push(Fact::derived(statement)),
    }
    match shape {
        Shape::Standalone { .. } => BucketRole::Bad(format!(
            "bucket {bucket} is in the only account, the one it audits"
        )),
        Shape::Unreadable(_) => BucketRole::Unknown(
            "the organization could not be read, so account roles are unknown".into(),
        ),
        Shape::Organization(view) => {
            if owner == view.management {
                return BucketRole::Bad(format!(
                    "bucket {bucket} is in the management account {owner}"
                ));
            }
            let Some(account) = view.account(&owner) else {
                return BucketRole::Unknown(format!(
                    "bucket {bucket} is in account {owner}, which is not an \
                    active account of the organization"
                ));
            };
            let c = view.classify(account);
            facts.push(Fact::new(
                format!(
                    "account {owner} ({}) is {} ({})",
                    account.name,
                    c.labels(),
                    c.reason
                ),
                view.classification_source(account, &c),
                scope::ORG_FILE,
            ));
            if c.is_workload() {
                BucketRole::Bad(format!(
                    "bucket {bucket} is in workload account {owner} ({})",
                    c.labels()
                ))
            } else if c.is_security() {
                BucketRole::Audit
            } else {
                BucketRole::Unknown(format!(
                    "account {owner} holding bucket {bucket} is not \
                    recognisable as an audit or log archive account (no \
                    Security OU, name or tag)"
                ))
            }
        }
    }
}

pub const COVERAGE: &str = "trail.coverage";

/// `trail.coverage`: every account and every enabled region is logged by a trail that is
/// logging and records management events, reads and writes. Shadow copies count once; an
/// organization trail covers every member (case 01); a multi-region trail covers every region
/// even when the run looked at one region only (case 04).
pub fn coverage(snapshot: &Snapshot) -> Outcome {
    let id = COVERAGE;
    let shape = scope::shape(snapshot);
    let (trails, mut facts, gaps) = unique_trails(snapshot);
    let org_trails_unseen =
        matches!(&shape, Shape::Organization(view) if gaps.contains(&view.management));

    let judged: Vec<(&Trail, Verdict)> = trails
        .values()
        .map(|t| (t, records_management(snapshot, t, &mut facts)))
        .collect();
    let (mut cells, mut covered) = (0, 0);
    let (mut uncovered, mut unknown) = (Vec::new(), Vec::new());
    let mut regions = Vec::new();
    for account in scope::in_scope_accounts(snapshot) {
        let (account_regions, incomplete) = super::matrix::regions_for(snapshot, &account);
        if incomplete.is_some() {
            cells += 1;
            unknown.push(format!("{account}/other regions"));
        }
        for region in account_regions {
            cells += 1;
            regions.push(region.clone());
            let applies = |t: &Trail| {
                covers(&shape, t, &account) && (t.is_multi_region || t.home_region == region)
            };
            let cell = format!("{account}/{region}");
            if judged
                .iter()
                .any(|(t, v)| applies(t) && matches!(v, Verdict::Qualifies))
            {
                covered += 1;
            } else if judged
                .iter()
                .any(|(t, v)| applies(t) && matches!(v, Verdict::Unknown(_)))
                || gaps.contains(&account)
                || org_trails_unseen
            {
                unknown.push(cell);
            } else {
                uncovered.push(cell);
            }
        }
    }
    let outcome = if cells > 0 && covered == cells {
        Outcome::new(
            id,
            Status::Pass,
            format!(
                "{} trail(s) log management events (read and write) in \
            all {cells} account-region cells",
                judged
                    .iter()
                    .filter(|(_, v)| matches!(v, Verdict::Qualifies))
                    .count()
            ),
        )
    } else if !uncovered.is_empty() && covered > 0 {
        Outcome::new(
            id,
            Status::Partial,
            format!(
                "{covered} of {cells} account-region cells logged; not: {}",
                uncovered
                    .iter()
                    .take(8)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    } else if !uncovered.is_empty() {
        Outcome::new(
            id,
            Status::Fail,
            format!(
                "No account-region cell is logged by a trail recording \
            read and write management events ({cells} checked)"
            ),
        )
    } else if cells == 0 {
        Outcome::new(id, Status::Unknown, "No account was collected")
    } else {
        Outcome::new(
            id,
            Status::Unknown,
            format!(
                "Logging could not be confirmed in {} of {cells} cells",
                unknown.len()
            ),
        )
    };
    let outcome = match outcome.status {
        Status::Pass => outcome,
        _ => outcome.with_remediation(
            "Create (or fix) an organization trail that is \
            multi-region, logging, and records all management \
            events, read and write.",
        ),
    };
    let mut affected: Vec<String> = uncovered
        .iter()
        .chain(unknown.iter())
        .filter_map(|c| c.split('/').next())
        .map(String::from)
        .collect();
    affected.sort();
    affected.dedup();
    facts.push(Fact::derived(format!(
        "{covered} of {cells} account-region cells covered"
    )));
    outcome
        .with_facts(facts)
        .with_accounts(affected)
        .with_regions(regions)
}

/// Whether a trail is logging and records read and write management events.
fn records_management(snapshot: &Snapshot, trail: &Trail, facts: &mut Vec<Fact>) -> Verdict {
    let name = &trail.name;
    let Some(details) = details(snapshot, &trail.arn) else {
        return Verdict::Unknown(vec![format!(
            "status of {name} not collected from its owner"
        )]);
    };
    match details.status.value() {
        Some(s) if !s.is_logging => {
            return Verdict::Fails(vec![format!("trail {name} is not logging")])
        }
        Some(_) => {}
        None => return Verdict::Unknown(vec![format!("logging status of {name} not readable")]),
    }
    // A trail without custom selectors records all management events, read and write
    // (the CloudTrail default), whatever an emulator lists.
    if !trail.has_custom_event_selectors {
        facts.push(Fact::derived(format!(
            "trail {name} uses the default event selectors: all management events, read and write"
        )));
        return Verdict::Qualifies;
    }
    let Some(selectors) = details.event_selectors.value() else {
        return Verdict::Unknown(vec![format!("event selectors of {name} not readable")]);
    };
    let verdict = if management_read_write(selectors) {
        Verdict::Qualifies
    } else {
        Verdict::Fails(vec![format!(
            "trail {name} does not record both read and write management events"
        )])
    };
    facts.push(Fact::new(
        format!(
            "trail {name} event selectors: {} basic, {} advanced; management read+write: {}",
            selectors.basic.len(),
            selectors.advanced.len(),
            matches!(verdict, Verdict::Qualifies)
        ),
        &details.event_selectors.source,
        TRAIL_FILE,
    ));
    verdict
}

/// Read and write management events are recorded when the selectors, taken together, ask
/// for both: one `All` basic selector, or a `ReadOnly` and a `WriteOnly` one (case 06); or an
/// advanced selector on the Management category with no `readOnly` restriction, or one for
/// each value of it (case 07).
fn management_read_write(selectors: &crate::snapshot::EventSelectors) -> bool {
    let mut read = false;
    let mut write = false;
    for s in selectors
        .basic
        .iter()
        .filter(|s| s.include_management_events)
    {
        match s.read_write_type.as_str() {
            "All" => (read, write) = (true, true),
            "ReadOnly" => read = true,
            "WriteOnly" => write = true,
            _ => {}
        }
    }
    for s in &selectors.advanced {
        let field = |name: &str| {
            s.field_selectors
                .iter()
                .find(|f| f.field.eq_ignore_ascii_case(name))
        };
        let management =
            field("eventCategory").is_some_and(|f| f.equals.iter().any(|v| v == "Management"));
        if !management {
            continue;
        }
        match field("readOnly") {
            None => (read, write) = (true, true),
            Some(f) => {
                read |= f.equals.iter().any(|v| v == "true")
                    || f.not_equals.iter().any(|v| v == "false");
                write |= f.equals.iter().any(|v| v == "false")
                    || f.not_equals.iter().any(|v| v == "true");
            }
        }
    }
    read && write
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::fixture::*;
    use crate::snapshot::{BucketEvidence, ErrorKind, EventSelectors, TrailDetails, TrailStatus};

    const ORG_TRAIL: &str = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail";

    fn trail(arn: &str, org: bool) -> Trail {
        Trail {
            name: arn.rsplit('/').next().unwrap_or_default().into(),
            arn: arn.into(),
            home_region: "us-east-1".into(),
            s3_bucket: Some("org-cloudtrail-logs-example".into()),
            is_organization_trail: org,
            is_multi_region: true,
            log_file_validation: true,
            include_global_service_events: true,
            has_custom_event_selectors: false,
        }
    }

    fn status(logging: bool, owner: &str) -> TrailDetails {
        TrailDetails {
            arn: ORG_TRAIL.into(),
            status: ok(
                "cloudtrail",
                "GetTrailStatus",
                owner,
                TrailStatus {
                    is_logging: logging,
                    latest_delivery_time: None,
                    latest_delivery_error: None,
                },
            ),
            event_selectors: ok(
                "cloudtrail",
                "GetEventSelectors",
                owner,
                EventSelectors::default(),
            ),
        }
    }

    fn org(bucket_owner: &str, t: Trail) -> Builder {
        Builder::organization()
            .ou("ou-sec", "Security", ROOT)
            .ou("ou-prod", "Production", ROOT)
            .account("333333333333", "log-archive", "ou-sec")
            .account("222222222222", "workload-prod", "ou-prod")
            .with_account(MGMT, |a| {
                a.trails = vec![ok("cloudtrail", "DescribeTrails", MGMT, vec![t.clone()])]
            })
            // Case 01: the member sees the org trail as a shadow trail.
            .with_account("222222222222", |a| {
                a.trails = vec![ok("cloudtrail", "DescribeTrails", "222222222222", vec![t])]
            })
            .with_account(bucket_owner, |a| {
                a.buckets = Some(ok(
                    "s3",
                    "ListBuckets",
                    bucket_owner,
                    vec!["org-cloudtrail-logs-example".into()],
                ))
            })
    }

    fn with_bucket(mut s: Snapshot, owner: Option<&str>) -> Snapshot {
        s.cloudtrail.buckets.push(BucketEvidence {
            name: "org-cloudtrail-logs-example".into(),
            owner_account: owner.map(String::from),
            object_lock: None,
            versioning: None,
            lifecycle_rules: None,
            policy: None,
            public_access_block: None,
            encryption: None,
        });
        s
    }

    #[test]
    fn org_trail_into_log_archive_passes_for_every_account() {
        let mut s = with_bucket(
            org("333333333333", trail(ORG_TRAIL, true)).build(),
            Some("333333333333"),
        );
        s.cloudtrail.trails.push(status(true, MGMT));
        let o = audit_account(&s);
        assert_eq!(o.status, Status::Pass, "{o:?}");
        // Case 05: one trail listed twice is one trail.
        assert_eq!(
            o.facts
                .iter()
                .filter(|f| f.statement.starts_with("trail arn:"))
                .count(),
            1
        );
    }

    #[test]
    fn bucket_in_management_account_fails() {
        let mut s = with_bucket(org(MGMT, trail(ORG_TRAIL, true)).build(), Some(MGMT));
        s.cloudtrail.trails.push(status(true, MGMT));
        let o = audit_account(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(o.summary.contains("management account"), "{}", o.summary);
    }

    #[test]
    fn bucket_in_workload_account_fails() {
        let mut s = with_bucket(
            org("222222222222", trail(ORG_TRAIL, true)).build(),
            Some("222222222222"),
        );
        s.cloudtrail.trails.push(status(true, MGMT));
        assert_eq!(audit_account(&s).status, Status::Fail);
    }

    #[test]
    fn status_unreadable_from_owner_is_unknown_not_fail() {
        // Case 02: never store an unread IsLogging as false.
        let mut s = with_bucket(
            org("333333333333", trail(ORG_TRAIL, true)).build(),
            Some("333333333333"),
        );
        let mut d = status(true, MGMT);
        d.status = err(
            "cloudtrail",
            "GetTrailStatus",
            MGMT,
            "AccessDeniedException",
            ErrorKind::AccessDenied,
        );
        s.cloudtrail.trails.push(d);
        let o = audit_account(&s);
        assert_eq!(o.status, Status::Unknown, "{o:?}");
    }

    #[test]
    fn bucket_owner_not_found_is_unknown() {
        let mut s = with_bucket(org("333333333333", trail(ORG_TRAIL, true)).build(), None);
        s.cloudtrail.trails.push(status(true, MGMT));
        assert_eq!(audit_account(&s).status, Status::Unknown);
    }

    #[test]
    fn stopped_trail_fails() {
        let mut s = with_bucket(
            org("333333333333", trail(ORG_TRAIL, true)).build(),
            Some("333333333333"),
        );
        s.cloudtrail.trails.push(status(false, MGMT));
        let o = audit_account(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(o.summary.contains("not logging"));
    }

    #[test]
    fn account_trail_only_covers_its_owner() {
        // A non-organization trail in the management account does not log the members.
        let mut s = with_bucket(
            org("333333333333", trail(ORG_TRAIL, false)).build(),
            Some("333333333333"),
        );
        s.cloudtrail.trails.push(status(true, MGMT));
        let o = audit_account(&s);
        assert_eq!(o.status, Status::Partial, "{o:?}");
        assert_eq!(o.accounts, vec!["222222222222", "333333333333"]);
    }

    #[test]
    fn unreachable_member_is_unknown_never_pass() {
        let mut s = with_bucket(
            org("333333333333", trail(ORG_TRAIL, true)).build(),
            Some("333333333333"),
        );
        s.cloudtrail.trails.push(status(true, MGMT));
        s.accounts.retain(|a| a.account_id != "222222222222");
        s.accounts.push(unreachable("222222222222"));
        // The org trail still covers the member: the trail is read from its owner.
        assert_eq!(audit_account(&s).status, Status::Pass);
        // But if the owner's listing is what is missing, nothing can be said.
        s.accounts.retain(|a| a.account_id != MGMT);
        s.accounts.push(unreachable(MGMT));
        assert_eq!(audit_account(&s).status, Status::Unknown);
    }

    #[test]
    fn standalone_trail_in_own_account_fails() {
        let arn = "arn:aws:cloudtrail:us-east-1:999999999999:trail/main";
        let mut t = trail(arn, false);
        t.log_file_validation = false;
        let s = Builder::standalone("999999999999")
            .with_account("999999999999", |a| {
                a.trails = vec![ok("cloudtrail", "DescribeTrails", "999999999999", vec![t])];
                a.buckets = Some(ok(
                    "s3",
                    "ListBuckets",
                    "999999999999",
                    vec!["org-cloudtrail-logs-example".into()],
                ));
            })
            .build();
        let s = with_bucket(s, Some("999999999999"));
        let o = audit_account(&s);
        assert_eq!(o.status, Status::Fail);
        assert!(o.summary.contains("validation off"), "{}", o.summary);
    }

    fn selectors_trail(custom: bool, basic: Vec<(&str, bool)>) -> crate::snapshot::Snapshot {
        use crate::snapshot::BasicEventSelector;
        let mut t = trail(ORG_TRAIL, true);
        t.has_custom_event_selectors = custom;
        let mut s = org("333333333333", t).build();
        s.manifest.scope.regions = vec!["us-east-1".into(), "eu-west-1".into()];
        let mut d = status(true, MGMT);
        d.event_selectors = ok(
            "cloudtrail",
            "GetEventSelectors",
            MGMT,
            EventSelectors {
                basic: basic
                    .into_iter()
                    .map(|(rw, mgmt)| BasicEventSelector {
                        read_write_type: rw.into(),
                        include_management_events: mgmt,
                    })
                    .collect(),
                advanced: vec![],
            },
        );
        s.cloudtrail.trails.push(d);
        s
    }

    #[test]
    fn org_trail_covers_every_account_and_region() {
        // Cases 01, 03, 05: one multi-region organization trail covers every cell, once.
        let o = coverage(&selectors_trail(false, vec![]));
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert!(
            o.summary.contains("all 6 account-region cells"),
            "{}",
            o.summary
        );
    }

    #[test]
    fn basic_selectors_are_a_union() {
        // Case 06: ReadOnly + WriteOnly together record both.
        let o = coverage(&selectors_trail(
            true,
            vec![("ReadOnly", true), ("WriteOnly", true)],
        ));
        assert_eq!(o.status, Status::Pass, "{o:?}");
        let o = coverage(&selectors_trail(true, vec![("WriteOnly", true)]));
        assert_eq!(o.status, Status::Fail, "{o:?}");
    }

    #[test]
    fn advanced_selectors_are_read() {
        // Case 07: advanced selectors on the Management category, no readOnly field.
        use crate::snapshot::{AdvancedEventSelector, FieldSelector};
        let mut s = selectors_trail(true, vec![]);
        if let crate::snapshot::Fetch::Ok(sel) = &mut s.cloudtrail.trails[0].event_selectors.result
        {
            sel.advanced.push(AdvancedEventSelector {
                name: Some("Management events".into()),
                field_selectors: vec![FieldSelector {
                    field: "eventCategory".into(),
                    equals: vec!["Management".into()],
                    not_equals: vec![],
                }],
            });
        }
        assert_eq!(coverage(&s).status, Status::Pass);
    }

    #[test]
    fn single_region_trail_covers_its_home_region_only() {
        // Case 04 in reverse: a single-region trail homed in us-east-1 leaves eu-west-1 open.
        let mut s = selectors_trail(false, vec![]);
        for a in &mut s.accounts {
            for listing in &mut a.trails {
                if let crate::snapshot::Fetch::Ok(list) = &mut listing.result {
                    for t in list {
                        t.is_multi_region = false;
                    }
                }
            }
        }
        let o = coverage(&s);
        assert_eq!(o.status, Status::Partial, "{o:?}");
        assert!(o.summary.contains("3 of 6"), "{}", o.summary);
    }
}
