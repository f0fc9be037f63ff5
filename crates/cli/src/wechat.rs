//! `livegate profile from-wechat`: a mini program's categories as WeChat's
//! open platform returns them (`getcategory`), turned into a profile or
//! merged into one that has the documents.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use livegate_core::catalog::msg;
use livegate_core::wechat::profile_from_getcategory;
use livegate_core::{Lang, parse_profile};

use crate::{Failure, LangArg, Stop, display, read_input};

#[derive(Subcommand)]
pub enum ProfileCommand {
    /// A profile from a `getcategory` response (WeChat's ids, statuses and
    /// review reasons kept), or merged into a base profile.
    FromWechat(FromWechatArgs),
}

#[derive(Args)]
pub struct FromWechatArgs {
    /// The `getcategory` response (JSON); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    categories: PathBuf,
    /// The subject's WeChat `verify_type` (0 个人, 1 企业, 2 政府, 3 媒体, 4 其他组织).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=4))]
    verify_type: Option<u8>,
    /// A profile to merge into: its subject, documents and the rest are
    /// kept; its categories are WeChat's, plus the planned ones WeChat does
    /// not list yet.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

pub fn run(command: ProfileCommand) -> Result<ExitCode, Stop> {
    match command {
        ProfileCommand::FromWechat(a) => from_wechat(a),
    }
}

fn from_wechat(a: FromWechatArgs) -> Result<ExitCode, Stop> {
    let lang = Lang::from(a.lang);
    let invalid = |path: &PathBuf, e: livegate_core::ProfileError| {
        Failure(msg(
            "invalid_profile",
            lang,
            &[("path", &display(path)), ("error", &e.localized(lang))],
        ))
    };
    let base = match &a.profile {
        Some(p) => Some(parse_profile(&read_input(p, lang)?).map_err(|e| invalid(p, e))?),
        None => None,
    };
    let text = read_input(&a.categories, lang)?;
    let profile = profile_from_getcategory(&text, a.verify_type, base)
        .map_err(|e| invalid(&a.categories, e))?;
    let mut out = anstream::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &profile)
        .map_err(|e| Stop::from(std::io::Error::from(e)))?;
    writeln!(out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
