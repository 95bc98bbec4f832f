//! Detection services organization-wide: GuardDuty, Security Hub and AWS Config. Each must be
//! on in every account and every enabled region, administered from a delegated administrator
//! that is a security (audit) account rather than the management account or a workload
//! account, and set to enrol new accounts by itself.

use super::matrix::{self, Verdict};
use super::scope::{self, Shape};
use super::{Fact, Outcome};
use crate::snapshot::{OrgAdminAccount, Record, Snapshot};

pub const GUARDDUTY: &str = "detect.guardduty";
pub const SECURITY_HUB: &str = "detect.security-hub";
pub const CONFIG: &str = "detect.config";

/// `detect.guardduty`: delegated administrator in the audit account, auto-enable for the
/// organization, and an enabled detector in every account and enabled region.
pub fn guardduty(snapshot: &Snapshot) -> Outcome {
    let grid = matrix::judge(snapshot, |_, r| {
        match matrix::read(&r.guardduty, "GuardDuty detectors") {
            Err(v) => v,
            Ok(detectors)
                if detectors
                    .iter()
                    .any(|d| d.status.eq_ignore_ascii_case("ENABLED")) =>
            {
                Verdict::Pass
            }
            Ok(detectors) if detectors.is_empty() => Verdict::Fail("no detector".into()),
            Ok(_) => Verdict::Fail("detector suspended".into()),
        }
    });
    let mut parts = vec![(
        "detector in every account and enabled region",
        grid.verdict("an enabled detector"),
        grid.some_pass(),
    )];
    let mut facts = Vec::new();
    if matches!(scope::shape(snapshot), Shape::Unreadable(_)) {
        // Without the organization, its administrator and settings cannot be judged: the
        // per-account grid alone must not make this a pass.
        parts.push(org_unreadable());
    }
    if let Shape::Organization(view) = scope::shape(snapshot) {
        let admin = delegated_admin(snapshot, &view, |r| &r.guardduty_admins, &mut facts);
        let auto = match &admin {
            Verdict::Pass => auto_enable(snapshot, &view, "GuardDuty", |r| {
                r.guardduty_org.as_ref().map(|rec| {
                    map_record(rec, |c| {
                        c.auto_enable_organization_members
                            .as_deref()
                            .is_some_and(|a| a == "ALL" || a == "NEW")
                    })
                })
            }),
            _ => Verdict::Unknown(
                "no delegated administrator to read the organization configuration from".into(),
            ),
        };
        parts.push((
            "delegated administrator in a security account",
            admin,
            false,
        ));
        parts.push(("auto-enable for organization members", auto, false));
    }
    let outcome = matrix::fold(
        GUARDDUTY,
        "GuardDuty",
        &parts,
        "Register the audit account as GuardDuty delegated \
        administrator, turn on auto-enable for all organization \
        members, and enable a detector in every account and \
        enabled region.",
    );
    finish(outcome, facts, &grid)
}

/// `detect.security-hub`: an administrator account that is a security account, Security Hub
/// enabled in every account and enabled region, and new accounts enrolled automatically.
pub fn security_hub(snapshot: &Snapshot) -> Outcome {
    let grid = matrix::judge(snapshot, |_, r| {
        match matrix::read(&r.securityhub, "Security Hub") {
            Err(v) => v,
            Ok(hub) if hub.enabled => Verdict::Pass,
            Ok(_) => Verdict::Fail("not enabled".into()),
        }
    });
    let mut parts = vec![(
        "enabled in every account and enabled region",
        grid.verdict("Security Hub"),
        grid.some_pass(),
    )];
    let mut facts = Vec::new();
    if matches!(scope::shape(snapshot), Shape::Unreadable(_)) {
        // Without the organization, its administrator and settings cannot be judged: the
        // per-account grid alone must not make this a pass.
        parts.push(org_unreadable());
    }
    if let Shape::Organization(view) = scope::shape(snapshot) {
        let admin = delegated_admin(snapshot, &view, |r| &r.securityhub_admins, &mut facts);
        let auto = match &admin {
            Verdict::Pass => auto_enable(snapshot, &view, "Security Hub", |r| {
                r.securityhub_org.as_ref().map(|rec| {
                    map_record(rec, |c| {
                        c.auto_enable || c.configuration_type.as_deref() == Some("CENTRAL")
                    })
                })
            }),
            _ => Verdict::Unknown(
                "no administrator account to read the organization configuration from".into(),
            ),
        };
        parts.push(("administrator account in a security account", admin, false));
        parts.push(("new accounts enrolled automatically", auto, false));
    }
    let outcome = matrix::fold(
        SECURITY_HUB,
        "Security Hub",
        &parts,
        "Designate the audit account as Security Hub \
        administrator, enable central configuration or \
        auto-enable, and enable Security Hub in every account \
        and enabled region.",
    );
    finish(outcome, facts, &grid)
}

/// `detect.config`: a recorder recording in every account and enabled region, and an
/// organization-wide aggregator in a security account.
pub fn config(snapshot: &Snapshot) -> Outcome {
    let grid = matrix::judge(snapshot, |_, r| {
        match matrix::read(&r.config_recorders, "Config recorders") {
            Err(v) => v,
            Ok(recorders) if recorders.iter().any(|c| c.recording == Some(true)) => Verdict::Pass,
            Ok(recorders) if recorders.iter().any(|c| c.recording.is_none()) => {
                Verdict::Unknown("recorder status not readable".into())
            }
            Ok(recorders) if recorders.is_empty() => Verdict::Fail("no recorder".into()),
            Ok(_) => Verdict::Fail("recorder stopped".into()),
        }
    });
    let mut parts = vec![(
        "recording in every account and enabled region",
        grid.verdict("a recording Config recorder"),
        grid.some_pass(),
    )];
    let mut facts = Vec::new();
    if matches!(scope::shape(snapshot), Shape::Unreadable(_)) {
        // Without the organization, its administrator and settings cannot be judged: the
        // per-account grid alone must not make this a pass.
        parts.push(org_unreadable());
    }
    if let Shape::Organization(view) = scope::shape(snapshot) {
        parts.push((
            "organization aggregator in a security account",
            aggregator(snapshot, &view, &mut facts),
            false,
        ));
    }
    let outcome = matrix::fold(
        CONFIG,
        "AWS Config",
        &parts,
        "Turn on a Config recorder for all resource types in \
        every account and enabled region, and create an \
        organization-wide aggregator in the audit account.",
    );
    finish(outcome, facts, &grid)
}

fn finish(outcome: Outcome, mut facts: Vec<Fact>, grid: &matrix::Grid) -> Outcome {
    facts.push(Fact::derived(format!(
        "{} of {} account-region cells checked in regions {}",
        grid.passed,
        grid.cells,
        grid.regions.iter().cloned().collect::<Vec<_>>().join(", ")
    )));
    let mut all = outcome.facts.clone();
    all.extend(facts);
    let accounts: Vec<String> = grid
        .accounts_failing
        .iter()
        .chain(grid.accounts_unknown.iter())
        .cloned()
        .collect();
    outcome
        .with_facts(all)
        .with_accounts(accounts)
        .with_regions(grid.regions.iter().cloned().collect())
}

fn org_unreadable() -> (&'static str, Verdict, bool) {
    let why = "the organization could not be read, so its administrator and settings are unknown";
    (
        "organization-wide administration",
        Verdict::Unknown(why.into()),
        false,
    )
}

fn map_record<T>(record: &Record<T>, f: impl Fn(&T) -> bool) -> Result<bool, String> {
    match record.value() {
        Some(v) => Ok(f(v)),
        None => Err(format!(
            "{} failed in {} ({})",
            record.source.operation,
            record.source.account,
            record.error().map(|e| e.code.as_str()).unwrap_or("error")
        )),
    }
}

/// Who the service's delegated administrator is, read from the management account's
/// `ListOrganizationAdminAccounts` in any region, and whether it is a security account.
fn delegated_admin(
    snapshot: &Snapshot,
    view: &scope::OrgView<'_>,
    field: impl Fn(&crate::snapshot::RegionEvidence) -> &Option<Record<Vec<OrgAdminAccount>>>,
    facts: &mut Vec<Fact>,
) -> Verdict {
    let Some(mgmt) = snapshot.account(&view.management) else {
        return Verdict::Unknown("management account not collected".into());
    };
    let mut error = None;
    for r in mgmt
        .regional
        .iter()
        .filter_map(|regional| field(regional).as_ref())
    {
        let Some(admins) = r.value() else {
            let code = r.error().map(|e| e.code.as_str()).unwrap_or("error");
            error = Some(format!("{} failed ({code})", r.source.operation));
            continue;
        };
        let Some(admin) = admins.first() else {
            facts.push(Fact::new(
                "no delegated administrator registered",
                &r.source,
                scope::ACCOUNTS_FILE,
            ));
            return Verdict::Fail("no delegated administrator".into());
        };
        facts.push(Fact::new(
            format!("delegated administrator: {}", admin.account_id),
            &r.source,
            scope::ACCOUNTS_FILE,
        ));
        return security_account(view, &admin.account_id);
    }
    Verdict::Unknown(error.unwrap_or("delegated administrator not collected".into()))
}

/// Whether an account is a dedicated security account: a member, not a workload.
fn security_account(view: &scope::OrgView<'_>, id: &str) -> Verdict {
    if id == view.management {
        return Verdict::Fail(format!("administered from the management account {id}"));
    }
    let Some(account) = view.account(id) else {
        return Verdict::Unknown(format!(
            "administrator {id} is not an active account of the organization"
        ));
    };
    let c = view.classify(account);
    if c.is_workload() {
        Verdict::Fail(format!(
            "administrator {id} ({}) is a {} account",
            account.name,
            c.labels()
        ))
    } else {
        // Being the delegated administrator is itself what an audit account does
        // (domain.md 4.6): an unnamed member account that holds the role qualifies.
        Verdict::Pass
    }
}

/// Reads the organization configuration from the delegated administrator's regional
/// records: pass when any region says new members are enrolled.
fn auto_enable(
    snapshot: &Snapshot,
    view: &scope::OrgView<'_>,
    service: &str,
    read: impl Fn(&crate::snapshot::RegionEvidence) -> Option<Result<bool, String>>,
) -> Verdict {
    let admins: Vec<&str> = view.members().map(|a| a.id.as_str()).collect();
    let mut unknown = None;
    for id in admins {
        let Some(account) = snapshot.account(id) else {
            continue;
        };
        for regional in &account.regional {
            match read(regional) {
                Some(Ok(true)) => return Verdict::Pass,
                Some(Ok(false)) => {
                    return Verdict::Fail(format!(
                        "{service} does not enrol new organization members automatically"
                    ))
                }
                Some(Err(e)) => unknown = Some(e),
                None => {}
            }
        }
    }
    Verdict::Unknown(unknown.unwrap_or(format!(
        "{service} organization configuration not collected"
    )))
}

/// An organization-wide aggregator in a security account.
fn aggregator(snapshot: &Snapshot, view: &scope::OrgView<'_>, facts: &mut Vec<Fact>) -> Verdict {
    let mut unknown = None;
    let mut elsewhere = None;
    for account in snapshot
        .accounts
        .iter()
        .filter(|a| a.session.error().is_none())
    {
        for regional in &account.regional {
            match matrix::read(&regional.config_aggregators, "Config aggregators") {
                Ok(list) => {
                    for agg in list.iter().filter(|a| a.organization_wide) {
                        if let Some(r) = &regional.config_aggregators {
                            facts.push(Fact::new(
                                format!(
                                    "organization aggregator {} in {}",
                                    agg.name, account.account_id
                                ),
                                &r.source,
                                scope::ACCOUNTS_FILE,
                            ));
                        }
                        match security_account(view, &account.account_id) {
                            Verdict::Pass => return Verdict::Pass,
                            other => elsewhere = Some(other),
                        }
                    }
                }
                Err(v) => unknown = Some(v),
            }
        }
    }
    match (elsewhere, unknown) {
        (Some(Verdict::Fail(why)), _) => {
            Verdict::Fail(format!("the only organization aggregator is {why}"))
        }
        (Some(v), _) | (None, Some(v)) => v,
        (None, None) => Verdict::Fail("no organization-wide aggregator".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::fixture::*;
    use crate::probes::Status;
    use crate::snapshot::{Detector, GuardDutyOrgConfig, RegionEvidence};

    fn detector(status: &str) -> Vec<Detector> {
        vec![Detector {
            id: "d-1".into(),
            status: status.into(),
            features: Default::default(),
        }]
    }

    fn region(account: &str, status: Option<&str>) -> RegionEvidence {
        RegionEvidence {
            region: "us-east-1".into(),
            guardduty: Some(match status {
                Some(s) => ok("guardduty", "GetDetector", account, detector(s)),
                None => err(
                    "guardduty",
                    "ListDetectors",
                    account,
                    "AccessDenied",
                    crate::snapshot::ErrorKind::AccessDenied,
                ),
            }),
            ..RegionEvidence::default()
        }
    }

    fn org(member_status: Option<&str>, admin: &str, auto: &str) -> crate::snapshot::Snapshot {
        Builder::organization()
            .ou("ou-sec", "Security", ROOT)
            .ou("ou-prod", "Production", ROOT)
            .account("444444444444", "audit", "ou-sec")
            .account("222222222222", "prod", "ou-prod")
            .with_account(MGMT, |a| {
                let mut r = region(MGMT, Some("ENABLED"));
                r.guardduty_admins = Some(ok(
                    "guardduty",
                    "ListOrganizationAdminAccounts",
                    MGMT,
                    vec![OrgAdminAccount {
                        account_id: admin.into(),
                        status: Some("ENABLED".into()),
                    }],
                ));
                a.regional = vec![r];
            })
            .with_account("444444444444", |a| {
                let mut r = region("444444444444", Some("ENABLED"));
                r.guardduty_org = Some(ok(
                    "guardduty",
                    "DescribeOrganizationConfiguration",
                    "444444444444",
                    GuardDutyOrgConfig {
                        detector_id: "d-1".into(),
                        auto_enable_organization_members: Some(auto.into()),
                        member_account_limit_reached: None,
                    },
                ));
                a.regional = vec![r];
            })
            .with_account("222222222222", |a| {
                a.regional = vec![region("222222222222", member_status)]
            })
            .build()
    }

    #[test]
    fn guardduty_everywhere_from_audit_account_passes() {
        let o = guardduty(&org(Some("ENABLED"), "444444444444", "ALL"));
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert_eq!(o.regions, vec!["us-east-1"]);
    }

    #[test]
    fn a_missing_detector_is_partial_and_a_denied_one_unknown() {
        let o = guardduty(&org(Some("SUSPENDED"), "444444444444", "ALL"));
        assert_eq!(o.status, Status::Partial, "{o:?}");
        assert_eq!(o.accounts, vec!["222222222222"]);
        let o = guardduty(&org(None, "444444444444", "ALL"));
        assert_eq!(o.status, Status::Unknown, "{o:?}");
    }

    #[test]
    fn admin_in_management_or_workload_account_fails_that_condition() {
        let o = guardduty(&org(Some("ENABLED"), MGMT, "ALL"));
        assert_eq!(o.status, Status::Partial, "{o:?}");
        assert!(o.summary.contains("management account"), "{}", o.summary);
        let o = guardduty(&org(Some("ENABLED"), "222222222222", "ALL"));
        assert!(o.summary.contains("production"), "{}", o.summary);
    }

    #[test]
    fn no_auto_enable_is_partial() {
        let o = guardduty(&org(Some("ENABLED"), "444444444444", "NONE"));
        assert_eq!(o.status, Status::Partial);
    }

    #[test]
    fn region_not_collected_is_unknown_never_pass() {
        let mut s = org(Some("ENABLED"), "444444444444", "ALL");
        s.manifest.scope.regions.push("eu-west-1".into());
        let o = guardduty(&s);
        assert_eq!(o.status, Status::Unknown, "{o:?}");
    }

    #[test]
    fn without_chosen_regions_the_enabled_regions_decide() {
        // Enabled regions unreadable and no --regions: the other regions are unknown.
        let mut s = org(Some("ENABLED"), "444444444444", "ALL");
        s.manifest.scope.regions_explicit = false;
        assert_eq!(guardduty(&s).status, Status::Unknown);
        // Enabled regions read: every one of them is judged, collected or not.
        for a in &mut s.accounts {
            let id = a.account_id.clone();
            a.enabled_regions = Some(ok(
                "account",
                "ListRegions",
                &id,
                vec!["us-east-1".into(), "eu-west-1".into()],
            ));
        }
        let o = guardduty(&s);
        assert_eq!(
            o.status,
            Status::Unknown,
            "eu-west-1 was not collected: {o:?}"
        );
        for a in &mut s.accounts {
            let id = a.account_id.clone();
            a.enabled_regions = Some(ok("account", "ListRegions", &id, vec!["us-east-1".into()]));
        }
        assert_eq!(guardduty(&s).status, Status::Pass);
    }
}
