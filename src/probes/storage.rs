//! Where the evidence and the backups live: the log archive bucket is immutable (object lock
//! in COMPLIANCE mode, versioning, lifecycle to a Glacier class, no public access), every
//! account blocks public S3 access, and backups are locked and copied to another account.

use chrono::Utc;

use super::matrix::{self, Verdict};
use super::scope;
use super::{Fact, Outcome, Status};
use crate::snapshot::{BucketEvidence, Snapshot};

pub const ARCHIVE_IMMUTABLE: &str = "logs.archive-immutable";
pub const ACCOUNT_PUBLIC_ACCESS_BLOCK: &str = "s3.account-public-access-block";
pub const BACKUP_IMMUTABLE: &str = "backup.immutable-cross-account";

/// Storage classes that count as archival.
const GLACIER_CLASSES: [&str; 4] = [
    "GLACIER",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
    "GLACIER_FLEXIBLE_RETRIEVAL",
];

/// `logs.archive-immutable`: every trail bucket has object lock in COMPLIANCE mode with a
/// default retention (GOVERNANCE can be lifted by a privileged user, so it is not immutable),
/// versioning, a lifecycle rule to a Glacier class, and public access blocked.
pub fn archive_immutable(snapshot: &Snapshot) -> Outcome {
    let id = ARCHIVE_IMMUTABLE;
    let mut buckets: Vec<&BucketEvidence> = snapshot.cloudtrail.buckets.iter().collect();
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    buckets.dedup_by(|a, b| a.name == b.name);
    if buckets.is_empty() {
        return Outcome::new(
            id,
            Status::Fail,
            "No CloudTrail bucket was found: there is no log archive to protect",
        )
        .with_remediation(ARCHIVE_REMEDIATION);
    }
    let mut parts = Vec::new();
    for bucket in &buckets {
        parts.push((
            bucket.name.as_str(),
            bucket_verdict(snapshot, bucket),
            false,
        ));
    }
    let parts: Vec<(&str, Verdict, bool)> = parts;
    matrix::fold(id, "Log archive immutability", &parts, ARCHIVE_REMEDIATION)
}

const ARCHIVE_REMEDIATION: &str = "Create the log archive bucket with object lock in \
    COMPLIANCE mode and a default retention, keep \
    versioning on, add a lifecycle rule to a Glacier \
    storage class, and block all public access.";

fn bucket_verdict(snapshot: &Snapshot, bucket: &BucketEvidence) -> Verdict {
    let mut fails = Vec::new();
    let mut unknowns = Vec::new();
    let lock = matrix::read(&bucket.object_lock, "object lock");
    match &lock {
        Ok(l) if !l.enabled => fails.push("object lock off".to_string()),
        Ok(l) => match l.mode.as_deref() {
            Some("COMPLIANCE") if l.days.unwrap_or(0) > 0 || l.years.unwrap_or(0) > 0 => {}
            Some("COMPLIANCE") => fails.push("COMPLIANCE mode without a retention period".into()),
            Some(mode) => fails.push(format!(
                "object lock in {mode} mode, which privileged users can bypass"
            )),
            None => fails.push("object lock without a default retention".into()),
        },
        Err(Verdict::Unknown(why)) => unknowns.push(why.clone()),
        Err(_) => {}
    }
    // Object lock cannot exist without versioning: S3 turns it on and it cannot be suspended.
    let lock_implies_versioning = matches!(&lock, Ok(l) if l.enabled);
    if !lock_implies_versioning {
        match matrix::read(&bucket.versioning, "versioning") {
            Ok(v) if v == "Enabled" => {}
            Ok(v) => fails.push(format!("versioning {v}")),
            Err(Verdict::Unknown(why)) => unknowns.push(why),
            Err(_) => {}
        }
    }
    match matrix::read(&bucket.lifecycle_rules, "lifecycle") {
        Ok(rules)
            if rules.iter().any(|r| {
                r.enabled
                    && r.transitions
                        .iter()
                        .any(|t| GLACIER_CLASSES.contains(&t.as_str()))
            }) => {}
        Ok(_) => fails.push("no lifecycle rule to a Glacier class".into()),
        Err(Verdict::Unknown(why)) => unknowns.push(why),
        Err(_) => {}
    }
    match public_access_blocked(snapshot, bucket) {
        Verdict::Pass => {}
        Verdict::Fail(why) => fails.push(why),
        Verdict::Unknown(why) => unknowns.push(why),
    }
    if !fails.is_empty() {
        Verdict::Fail(fails.join(", "))
    } else if !unknowns.is_empty() {
        Verdict::Unknown(unknowns.join(", "))
    } else {
        Verdict::Pass
    }
}

/// Public access is blocked when the bucket's own block, or its owner's account-level block,
/// has all four settings on.
fn public_access_blocked(snapshot: &Snapshot, bucket: &BucketEvidence) -> Verdict {
    let own = matrix::read(&bucket.public_access_block, "bucket public access block");
    if matches!(own, Ok(b) if b.all()) {
        return Verdict::Pass;
    }
    let account_level = bucket
        .owner_account
        .as_deref()
        .and_then(|o| snapshot.account(o))
        .map(|a| {
            matrix::read(
                &a.s3_account_public_access_block,
                "account public access block",
            )
        });
    match (own, account_level) {
        (_, Some(Ok(b))) if b.all() => Verdict::Pass,
        (Ok(_), Some(Ok(_))) => Verdict::Fail("public access not fully blocked".into()),
        (Err(v), _) | (_, Some(Err(v))) => v,
        (Ok(_), None) => {
            Verdict::Unknown("the owner account's public access block was not collected".into())
        }
    }
}

/// `s3.account-public-access-block`: S3 Block Public Access on, all four settings, at the
/// account level in every account.
pub fn account_public_access_block(snapshot: &Snapshot) -> Outcome {
    let id = ACCOUNT_PUBLIC_ACCESS_BLOCK;
    let mut parts = Vec::new();
    let mut facts = Vec::new();
    for account in scope::in_scope_accounts(snapshot) {
        let verdict = match snapshot
            .account(&account)
            .filter(|a| a.session.error().is_none())
        {
            None => Verdict::Unknown("account not entered".into()),
            Some(a) => match matrix::read(
                &a.s3_account_public_access_block,
                "account public access block",
            ) {
                Ok(b) => {
                    if let Some(r) = &a.s3_account_public_access_block {
                        facts.push(Fact::new(
                            format!(
                                "account {account}: block public ACLs {}, ignore public \
                            ACLs {}, block public policy {}, restrict public \
                            buckets {}",
                                b.block_public_acls,
                                b.ignore_public_acls,
                                b.block_public_policy,
                                b.restrict_public_buckets
                            ),
                            &r.source,
                            scope::ACCOUNTS_FILE,
                        ));
                    }
                    if b.all() {
                        Verdict::Pass
                    } else {
                        Verdict::Fail("not all four settings on".into())
                    }
                }
                Err(v) => v,
            },
        };
        parts.push((account, verdict));
    }
    let parts: Vec<(&str, Verdict, bool)> = parts
        .iter()
        .map(|(a, v)| (a.as_str(), v.clone(), false))
        .collect();
    let outcome = matrix::fold(
        id,
        "Account-level S3 Block Public Access",
        &parts,
        "Turn on all four S3 Block Public Access settings at the \
        account level in every account (and protect them with \
        an SCP denying s3:PutAccountPublicAccessBlock).",
    );
    let mut all = outcome.facts.clone();
    all.extend(facts);
    outcome.with_facts(all)
}

/// `backup.immutable-cross-account`: backups copied to a vault in another account, and that
/// vault under a COMPLIANCE-mode vault lock past its lock date (the ransomware question:
/// can someone holding the workload account delete the backups?).
pub fn backup_immutable(snapshot: &Snapshot) -> Outcome {
    let id = BACKUP_IMMUTABLE;
    let now = snapshot.manifest.finished_at.min(Utc::now());
    let mut facts = Vec::new();
    let mut copies = Vec::new();
    let mut locked_vaults = Vec::new();
    let mut gaps = Vec::new();
    for account in snapshot
        .accounts
        .iter()
        .filter(|a| a.session.error().is_none())
    {
        for regional in &account.regional {
            match matrix::read(&regional.backup_plans, "backup plans") {
                Ok(plans) => {
                    for plan in plans {
                        for rule in plan.rules.iter().flatten() {
                            for dest in &rule.copy_destinations {
                                let dest_account = dest.split(':').nth(4).unwrap_or_default();
                                if !dest_account.is_empty() && dest_account != account.account_id {
                                    facts.push(Fact::derived(format!(
                                        "plan {} in {} copies to {dest}",
                                        plan.name, account.account_id
                                    )));
                                    copies.push(dest.clone());
                                }
                            }
                        }
                    }
                }
                Err(Verdict::Unknown(why)) => {
                    gaps.push(format!("{}/{}: {why}", account.account_id, regional.region))
                }
                Err(_) => {}
            }
            match matrix::read(&regional.backup_vaults, "backup vaults") {
                Ok(vaults) => {
                    for v in vaults {
                        let compliance = v.locked && v.lock_date.is_some_and(|d| d <= now);
                        if compliance {
                            facts.push(Fact::derived(format!(
                                "vault {} is under a compliance-mode lock since {}",
                                v.arn,
                                v.lock_date.map(|d| d.to_rfc3339()).unwrap_or_default()
                            )));
                            locked_vaults.push(v.arn.clone());
                        }
                    }
                }
                Err(Verdict::Unknown(why)) => {
                    gaps.push(format!("{}/{}: {why}", account.account_id, regional.region))
                }
                Err(_) => {}
            }
        }
    }
    let protected_copies: Vec<&String> = copies
        .iter()
        .filter(|c| locked_vaults.contains(c))
        .collect();
    let outcome = if !protected_copies.is_empty() {
        Outcome::new(
            id,
            Status::Pass,
            format!(
                "Backups are copied to {} locked vault(s) in another account",
                protected_copies.len()
            ),
        )
    } else if !copies.is_empty() || !locked_vaults.is_empty() {
        let what = if copies.is_empty() {
            "vaults are locked but no backup is copied to another account"
        } else {
            "backups are copied to another account, but the \
                destination vault is not under a compliance-mode lock \
                past its lock date (or was not collected)"
        };
        Outcome::new(id, Status::Partial, format!("Backups: {what}"))
    } else if !gaps.is_empty() {
        Outcome::new(
            id,
            Status::Unknown,
            format!(
                "Backups could not be read in {} account-region(s)",
                gaps.len()
            ),
        )
    } else {
        Outcome::new(
            id,
            Status::Fail,
            "No backup is copied to another account and no vault is locked",
        )
    };
    let outcome = if outcome.status == Status::Pass {
        outcome
    } else {
        outcome.with_remediation(
            "Copy backups with AWS Backup to a vault in a dedicated \
            backup account, and put that vault under a \
            COMPLIANCE-mode vault lock.",
        )
    };
    if !gaps.is_empty() {
        facts.push(Fact::derived(format!("not readable: {}", gaps.join(", "))));
    }
    outcome.with_facts(facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::fixture::*;
    use crate::snapshot::{
        BackupPlan, BackupRule, BackupVault, LifecycleRule, ObjectLock, PublicAccessBlock,
        RegionEvidence,
    };
    use chrono::TimeZone;

    fn bucket(mode: Option<&str>, glacier: bool, pab: bool) -> BucketEvidence {
        BucketEvidence {
            name: "logs".into(),
            owner_account: Some("333333333333".into()),
            object_lock: Some(ok(
                "s3",
                "GetObjectLockConfiguration",
                "333333333333",
                ObjectLock {
                    enabled: mode.is_some(),
                    mode: mode.map(String::from),
                    days: Some(365),
                    years: None,
                },
            )),
            // moto answers versioning with a shape the SDK rejects: object lock implies it.
            versioning: Some(err(
                "s3",
                "GetBucketVersioning",
                "333333333333",
                "HTTP 200",
                crate::snapshot::ErrorKind::Other,
            )),
            lifecycle_rules: Some(ok(
                "s3",
                "GetBucketLifecycleConfiguration",
                "333333333333",
                vec![LifecycleRule {
                    id: None,
                    enabled: true,
                    transitions: if glacier {
                        vec!["GLACIER".into()]
                    } else {
                        vec![]
                    },
                    expiration_days: None,
                }],
            )),
            policy: None,
            public_access_block: Some(ok(
                "s3",
                "GetPublicAccessBlock",
                "333333333333",
                PublicAccessBlock {
                    block_public_acls: pab,
                    ignore_public_acls: pab,
                    block_public_policy: pab,
                    restrict_public_buckets: pab,
                },
            )),
            encryption: None,
        }
    }

    fn with(b: BucketEvidence) -> Snapshot {
        let off = PublicAccessBlock::default();
        let mut s = Builder::organization()
            .account("333333333333", "log-archive", ROOT)
            .with_account("333333333333", |a| {
                a.s3_account_public_access_block =
                    Some(ok("s3control", "GetPublicAccessBlock", "333333333333", off))
            })
            .build();
        s.cloudtrail.buckets.push(b);
        s
    }

    #[test]
    fn compliance_lock_glacier_and_private_passes() {
        assert_eq!(
            archive_immutable(&with(bucket(Some("COMPLIANCE"), true, true))).status,
            Status::Pass
        );
    }

    #[test]
    fn governance_mode_is_not_immutable() {
        let o = archive_immutable(&with(bucket(Some("GOVERNANCE"), true, true)));
        assert_eq!(o.status, Status::Fail);
        assert!(o.summary.contains("GOVERNANCE"), "{}", o.summary);
    }

    #[test]
    fn no_lock_means_versioning_must_be_read() {
        // Without object lock, the unreadable versioning makes the verdict depend on it... but
        // the missing lock already fails.
        let o = archive_immutable(&with(bucket(None, true, true)));
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn public_access_and_lifecycle_checked() {
        let o = archive_immutable(&with(bucket(Some("COMPLIANCE"), false, false)));
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.summary.contains("Glacier") && o.summary.contains("public"),
            "{}",
            o.summary
        );
    }

    #[test]
    fn account_public_access_block_everywhere() {
        let pab = |on| {
            Some(ok(
                "s3control",
                "GetPublicAccessBlock",
                "x",
                PublicAccessBlock {
                    block_public_acls: on,
                    ignore_public_acls: on,
                    block_public_policy: on,
                    restrict_public_buckets: on,
                },
            ))
        };
        let s = Builder::organization()
            .account("222222222222", "prod", ROOT)
            .with_account(MGMT, |a| a.s3_account_public_access_block = pab(true))
            .with_account("222222222222", |a| {
                a.s3_account_public_access_block = pab(false)
            })
            .build();
        let o = account_public_access_block(&s);
        assert_eq!(o.status, Status::Partial, "{o:?}");
        let s = Builder::organization()
            .with_account(MGMT, |a| a.s3_account_public_access_block = pab(true))
            .build();
        assert_eq!(account_public_access_block(&s).status, Status::Pass);
    }

    #[test]
    fn backups_copied_to_a_locked_vault_in_another_account() {
        let dest = "arn:aws:backup:us-east-1:555555555555:backup-vault:central";
        let locked = |date| BackupVault {
            name: "central".into(),
            arn: dest.into(),
            vault_type: None,
            locked: true,
            min_retention_days: Some(30),
            max_retention_days: None,
            lock_date: Some(date),
            lock_mode: None,
        };
        let build = |date| {
            Builder::organization()
                .account("222222222222", "prod", ROOT)
                .account("555555555555", "backup", ROOT)
                .with_account("222222222222", |a| {
                    a.regional = vec![RegionEvidence {
                        region: "us-east-1".into(),
                        backup_plans: Some(ok(
                            "backup",
                            "GetBackupPlan",
                            "222222222222",
                            vec![BackupPlan {
                                id: "p".into(),
                                name: "daily".into(),
                                arn: None,
                                rules: Some(vec![BackupRule {
                                    name: "r".into(),
                                    target_vault: "local".into(),
                                    schedule: None,
                                    delete_after_days: None,
                                    copy_destinations: vec![dest.into()],
                                }]),
                            }],
                        )),
                        ..RegionEvidence::default()
                    }]
                })
                .with_account("555555555555", |a| {
                    a.regional = vec![RegionEvidence {
                        region: "us-east-1".into(),
                        backup_vaults: Some(ok(
                            "backup",
                            "ListBackupVaults",
                            "555555555555",
                            vec![locked(date)],
                        )),
                        ..RegionEvidence::default()
                    }]
                })
                .build()
        };
        let past = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        let future = Utc
            .with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(backup_immutable(&build(past)).status, Status::Pass);
        // Before its lock date the lock can still be removed: only partial.
        assert_eq!(backup_immutable(&build(future)).status, Status::Partial);
        assert_eq!(
            backup_immutable(&Builder::organization().build()).status,
            Status::Fail
        );
    }
}
