//! AWS Budgets: each account's budgets (`DescribeBudgets`) and the actions they take when a
//! threshold is crossed (`DescribeBudgetActionsForAccount`). Sandbox accounts are expected to
//! carry a budget whose action stops spend (an SCP or IAM policy applied, or instances
//! stopped) without waiting for a human.
//!
//! Budgets is a global API: it is called once per account, in the run's global region. The
//! actions come from a separate call; when only that fails, the budgets are kept with
//! `actions: None` so "no action" is never confused with "could not tell".

use std::collections::BTreeMap;

use aws_sdk_sts::error::ProvideErrorMetadata;

use super::errors::Ctx;
use super::ops::budgets as op;
use super::session::Session;
use crate::snapshot::{Budget, BudgetAction, Record};

/// Budgets answers `DescribeBudgets` in an account that has none with this error instead of
/// an empty list: a fact, not a failure.
const NO_BUDGETS: &str = "NotFoundException";

/// `DescribeBudgets` and `DescribeBudgetActionsForAccount` for the session's account.
pub async fn collect(session: &Session, ctx: &Ctx) -> Record<Vec<Budget>> {
    let budgets = session.budgets();
    let account = session.account_id.as_str();
    let (listed, actions) = tokio::join!(
        budgets
            .describe_budgets()
            .account_id(account)
            .into_paginator()
            .items()
            .send()
            .try_collect(),
        budgets
            .describe_budget_actions_for_account()
            .account_id(account)
            .into_paginator()
            .items()
            .send()
            .try_collect(),
    );

    // Budget name -> its actions, when the actions call worked.
    let actions: Option<BTreeMap<String, Vec<BudgetAction>>> = match actions {
        Ok(list) => {
            let mut by_budget: BTreeMap<String, Vec<BudgetAction>> = BTreeMap::new();
            for action in &list {
                by_budget
                    .entry(action.budget_name().to_string())
                    .or_default()
                    .push(to_action(action));
            }
            Some(by_budget)
        }
        Err(err) => {
            ctx.log_sdk(op::DESCRIBE_BUDGET_ACTIONS_FOR_ACCOUNT, None, &err);
            None
        }
    };
    let listed = match listed {
        Err(err) if err.code() == Some(NO_BUDGETS) => Ok(Vec::new()),
        other => other,
    };
    let budgets = listed.map(|list| {
        list.iter()
            .map(|b| Budget {
                name: b.budget_name().to_string(),
                budget_type: b.budget_type().as_str().to_string(),
                time_unit: b.time_unit().as_str().to_string(),
                limit: b
                    .budget_limit()
                    .map(|l| format!("{} {}", l.amount(), l.unit())),
                actions: actions
                    .as_ref()
                    .map(|a| a.get(b.budget_name()).cloned().unwrap_or_default()),
            })
            .collect()
    });
    ctx.record(op::DESCRIBE_BUDGETS, Some(account), budgets)
}

fn to_action(a: &aws_sdk_budgets::types::Action) -> BudgetAction {
    let definition = a.definition();
    let iam = definition.and_then(|d| d.iam_action_definition());
    let scp = definition.and_then(|d| d.scp_action_definition());
    let ssm = definition.and_then(|d| d.ssm_action_definition());
    let policy = iam
        .map(|i| i.policy_arn().to_string())
        .or_else(|| scp.map(|s| s.policy_id().to_string()));
    let mut targets: Vec<String> = Vec::new();
    if let Some(i) = iam {
        targets.extend(i.roles().iter().chain(i.groups()).chain(i.users()).cloned());
    }
    if let Some(s) = scp {
        targets.extend(s.target_ids().iter().cloned());
    }
    if let Some(s) = ssm {
        targets.extend(s.instance_ids().iter().cloned());
    }
    BudgetAction {
        id: a.action_id().to_string(),
        action_type: a.action_type().as_str().to_string(),
        approval_model: a.approval_model().as_str().to_string(),
        status: a.status().as_str().to_string(),
        threshold: a.action_threshold().map(|t| {
            format!(
                "{} {}",
                t.action_threshold_value(),
                t.action_threshold_type().as_str()
            )
        }),
        policy,
        ssm_action: ssm.map(|s| s.action_sub_type().as_str().to_string()),
        targets,
    }
}
