//! Command-line parsing and dispatch. Every command lives in the library; this file turns
//! flags into calls, prints the whole cause chain of an error once, and maps it to an exit
//! code from [`evident::exit`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
#[cfg(feature = "aws")]
use evident::aws::AwsSettings;
use evident::exit;

#[derive(Parser)]
#[command(
    name = "evident",
    version,
    about = "Answer cyber-insurance and SOC 2 questionnaires \
    with read-only evidence from AWS"
)]
struct Cli {
    /// More diagnostics on stderr (-v: decisions, -vv: every call).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Gather a snapshot of evidence from AWS (read-only calls only).
    #[cfg(feature = "aws")]
    Collect(CollectArgs),
    /// Answer questionnaires from a snapshot: answers.json, answers.xlsx, report.pdf, report.html.
    Report(ReportArgs),
    /// Fill a carrier's own spreadsheet with the answers, in place in a copy; lists what needs
    /// review in OUT.review.csv.
    Fill(FillArgs),
    /// Check a snapshot, a report directory or a history directory against its hashes.
    Verify {
        /// A snapshot directory (manifest.json), a report directory (manifest.sha256) or a
        /// history directory (evident-history.json: the chain of entries is checked).
        dir: PathBuf,
    },
    /// What changed between two answer sets: answers.json files, report or history dirs.
    Diff {
        /// The earlier answers: answers.json, a report directory, a history entry file, or a
        /// history directory (its latest entry).
        old: PathBuf,
        /// The later answers, in any of the same forms.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: evident::history::DiffFormat,
    },
    /// List the entries of a history directory with their readiness figures.
    History {
        /// The directory given to `report --history`.
        dir: PathBuf,
    },
    /// List the bundled questionnaires and their questions.
    Questionnaires,
    /// List the probes this build knows.
    Probes,
    /// Evaluate IAM policies and SCPs offline.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Evaluate one request against an SCP set root → OUs → account, naming the deciding
    /// statements and any exemptions.
    Eval(PolicyEvalArgs),
    /// List the users and roles of each account in a snapshot that may perform an action,
    /// with the statements that grant it.
    WhoCan(PolicyWhoCanArgs),
}

#[derive(Args)]
struct PolicyWhoCanArgs {
    /// The snapshot directory `evident collect` wrote.
    #[arg(long)]
    snapshot: PathBuf,
    /// The action, SERVICE:ACTION (case-insensitive).
    #[arg(long)]
    action: String,
    /// Only this account; every ACTIVE account otherwise.
    #[arg(long)]
    account: Option<String>,
    /// The resource ARN; without it, grants on some resources only are listed as
    /// conditional.
    #[arg(long)]
    resource: Option<String>,
    /// The requested Region (aws:RequestedRegion).
    #[arg(long)]
    region: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct PolicyEvalArgs {
    /// SCPs attached at one level, root first, then each OU, then the account; repeat.
    #[arg(long = "level", value_name = "NAME=FILE[,FILE...]", required = true)]
    levels: Vec<String>,
    /// The action, SERVICE:ACTION (case-insensitive).
    #[arg(long)]
    action: String,
    /// The resource ARN; without it, the question is "any resource".
    #[arg(long)]
    resource: Option<String>,
    /// The calling principal's ARN; without it, exemptions on the principal are listed.
    #[arg(long)]
    principal: Option<String>,
    /// The requested Region (aws:RequestedRegion).
    #[arg(long)]
    region: Option<String>,
    /// A condition key of the request, KEY=VALUE; repeat a key for several values.
    #[arg(long, value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Identity policies of the principal; without any, only the SCPs are evaluated.
    #[arg(long)]
    identity: Vec<PathBuf>,
    /// Permission boundary of the principal.
    #[arg(long)]
    boundary: Vec<PathBuf>,
    /// A resource policy (for example an S3 bucket policy).
    #[arg(long)]
    resource_policy: Option<PathBuf>,
    /// The principal is in the management account, where SCPs never apply.
    #[arg(long)]
    management_account: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[cfg(feature = "aws")]
#[derive(Args)]
struct CollectArgs {
    /// Directory to write the snapshot into (replaced when it exists).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    aws: AwsSettings,
}

#[derive(Args)]
struct ReportArgs {
    /// The snapshot directory written by `evident collect`.
    #[arg(long)]
    snapshot: PathBuf,
    /// Questionnaire files (YAML); repeat or list several.
    #[arg(long, num_args = 1.., required = true)]
    questionnaire: Vec<PathBuf>,
    /// Human answers for questions no API can show.
    #[arg(long)]
    attestations: Option<PathBuf>,
    /// Directory for the outputs (created; replaced when it exists).
    #[arg(long)]
    out: PathBuf,
    /// Templates directory overriding the built-in ones (report.typ.tera, report.html.tera).
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Pin the generation time (YYYY-MM-DD or RFC 3339; default now), the one timestamp in
    /// the outputs: the same inputs and date give the same bytes.
    #[arg(long, value_parser = evident::report::parse_date)]
    date: Option<chrono::DateTime<chrono::Utc>>,
    #[command(flatten)]
    monthly: evident::history::MonthlyArgs,
}

#[derive(Args)]
struct FillArgs {
    /// The snapshot directory written by `evident collect`.
    #[arg(long)]
    snapshot: PathBuf,
    /// Questionnaire files (YAML) whose answers fill the form; repeat or list several.
    #[arg(long, num_args = 1.., required = true)]
    questionnaire: Vec<PathBuf>,
    /// Human answers for questions no API can show.
    #[arg(long)]
    attestations: Option<PathBuf>,
    /// The carrier's form (xlsx); it is only read.
    #[arg(long)]
    form: PathBuf,
    /// The filled copy (xlsx); OUT.review.csv is written beside it.
    #[arg(long)]
    out: PathBuf,
    /// A form profile (YAML): where the questions are and which of ours each one is.
    #[arg(long)]
    profile: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {}", evident::report::error_chain(&err));
            ExitCode::from(evident::report::exit_code(&err))
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        #[cfg(feature = "aws")]
        Command::Collect(args) => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(evident::aws::collect_to(&args.aws, &args.out))?;
            Ok(exit::OK)
        }
        Command::Report(args) => {
            let request = evident::report::ReportRequest {
                snapshot: args.snapshot,
                questionnaires: args.questionnaire,
                attestations: args.attestations,
                out: args.out,
                templates: args.templates,
                date: args.date,
                monthly: args.monthly,
            };
            evident::report::run(&request)
        }
        Command::Fill(args) => {
            let request = evident::fill::FillRequest {
                snapshot: args.snapshot,
                questionnaires: args.questionnaire,
                attestations: args.attestations,
                form: args.form,
                out: args.out,
                profile: args.profile,
            };
            let report = evident::fill::run(&request)?;
            print!("{}", evident::fill::print(&report));
            eprintln!("wrote {}", request.out.display());
            Ok(exit::OK)
        }
        Command::Verify { dir } => evident::report::verify(&dir),
        Command::Diff { old, new, format } => {
            evident::history::run_diff(&old, &new, format, &mut std::io::stdout())
        }
        Command::History { dir } => {
            evident::history::print_list(&dir, &mut std::io::stdout())?;
            // The listing is only as good as the chain: say so when it is broken.
            let broken = evident::history::verify(&dir)?;
            for problem in &broken {
                tracing::warn!("{problem}");
            }
            if !broken.is_empty() {
                tracing::warn!(
                    "{}: the history's chain is broken; `evident verify` names the entries",
                    dir.display()
                );
            }
            Ok(exit::OK)
        }
        Command::Questionnaires => {
            evident::questionnaire::print_bundled(&mut std::io::stdout())?;
            Ok(exit::OK)
        }
        Command::Probes => {
            for p in evident::probes::catalog() {
                println!("{:<32} {}", p.id, p.title);
            }
            Ok(exit::OK)
        }
        Command::Policy {
            command: PolicyCommand::Eval(args),
        } => {
            let args = evident::policy::command::EvalArgs {
                levels: args.levels,
                action: args.action,
                resource: args.resource,
                principal: args.principal,
                region: args.region,
                context: args.context,
                identity: args.identity,
                boundary: args.boundary,
                resource_policy: args.resource_policy,
                management_account: args.management_account,
                json: args.json,
            };
            evident::policy::command::run_eval(&args, &mut std::io::stdout())
        }
        Command::Policy {
            command: PolicyCommand::WhoCan(args),
        } => {
            let args = evident::policy::command::WhoCanArgs {
                snapshot: args.snapshot,
                action: args.action,
                account: args.account,
                resource: args.resource,
                region: args.region,
                json: args.json,
            };
            evident::policy::command::run_who_can(&args, &mut std::io::stdout())
        }
    }
}

/// Our diagnostics at warn by default, more with -v; dependencies stay quiet unless RUST_LOG
/// says otherwise.
fn init_logging(verbose: u8) {
    let ours = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| format!("error,evident={ours}"));
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false)
        // Colour only on a terminal: a cron log or CI output gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
