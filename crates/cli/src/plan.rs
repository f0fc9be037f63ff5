//! `livegate plan PROFILE [--wechat]`: the plan of one profile, in order;
//! with `--wechat`, the `addcategory` request body for the categories it
//! adds or resubmits.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use livegate_core::catalog::msg;
use livegate_core::{Lang, Options, parse_profile};

use crate::{EvalArgs, Failure, Stop, display, load_rules_with, parse_as_of, read_input};

#[derive(Args)]
pub struct PlanArgs {
    /// The profile file; `-` reads standard input.
    profile: PathBuf,
    /// Print WeChat's `addcategory` request body (JSON) instead: WeChat's
    /// ids from the profile (as `profile from-wechat` keeps them), the
    /// documents of each category's nearest alternative as 资质名称 keys
    /// with placeholders for the scans' media ids.
    #[arg(long)]
    wechat: bool,
    #[command(flatten)]
    eval: EvalArgs,
}

pub fn plan(a: PlanArgs) -> Result<ExitCode, Stop> {
    let lang = Lang::from(a.eval.lang);
    let as_of = parse_as_of(a.eval.as_of.as_deref(), lang)?;
    let rs = load_rules_with(a.eval.rules.as_deref(), &a.eval.include, lang)?;
    let text = read_input(&a.profile, lang)?;
    let invalid = |e: livegate_core::ProfileError| {
        Failure(msg(
            "invalid_profile",
            lang,
            &[
                ("path", &display(&a.profile)),
                ("error", &e.localized(lang)),
            ],
        ))
    };
    let profile = parse_profile(&text).map_err(invalid)?;
    let mut out = anstream::stdout().lock();
    if a.wechat {
        let d = livegate_core::decide(&rs, &profile, Some(as_of), lang).map_err(invalid)?;
        let body = livegate_core::wechat::addcategory(&rs, &profile, &d, &|_| None, lang);
        serde_json::to_writer_pretty(&mut out, &body)
            .map_err(|e| Stop::from(std::io::Error::from(e)))?;
        writeln!(out)?;
    } else {
        let opts = Options {
            lang,
            as_of: Some(as_of),
        };
        let r = livegate_core::evaluate(&rs, &profile, &opts).map_err(invalid)?;
        let path = r
            .plan_path
            .as_deref()
            .and_then(|p| r.path(p))
            .map(|p| p.name.clone());
        match path {
            None => writeln!(out, "{}", msg("plan_impossible", lang, &[]))?,
            Some(name) => {
                writeln!(out, "{} ({name})", msg("plan", lang, &[]))?;
                for (i, step) in r.plan.iter().enumerate() {
                    writeln!(out, "  {}. {}", i + 1, step.message)?;
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
