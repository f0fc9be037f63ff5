//! `livegate expiring`: the documents that expire within a window.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use livegate_store::clock;

use super::{DbArgs, OutFormat, db_config, fail, open_existing, runtime};
use crate::Failure;

#[derive(Args, Debug)]
pub struct ExpiringArgs {
    /// The window from today, such as 30d or 2w.
    #[arg(long, default_value = "30d")]
    pub within: String,
    /// Only this tenant (id or name); default: every tenant.
    #[arg(long)]
    pub tenant: Option<String>,
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
    /// The language of the documents' names in the text listing.
    #[arg(long, value_enum, default_value_t = crate::LangArg::Zh)]
    pub lang: crate::LangArg,
    #[command(flatten)]
    pub db: DbArgs,
}

/// A document kind by its name in the service's ruleset, or as stored
/// when the ruleset no longer knows it.
fn kind_name<'a>(
    rs: &'a livegate_core::Ruleset,
    lang: livegate_core::Lang,
    kind: &'a str,
) -> &'a str {
    rs.lookups
        .documents
        .get(kind)
        .map_or(kind, |i| rs.documents[i].name.get(lang))
}

/// `livegate expiring`.
pub fn expiring(args: ExpiringArgs) -> Result<ExitCode, Failure> {
    let days = livegate_core::dates::parse_window(args.within.trim())
        .ok_or_else(|| fail("bad_window", &args.within))?;
    let cfg = db_config(&args.db)?;
    let lang = livegate_core::Lang::from(args.lang);
    let rs = crate::load_rules_with(cfg.rules.as_deref(), &[], lang)?;
    runtime()?.block_on(async {
        let store = open_existing(&cfg).await?;
        let tenant = match &args.tenant {
            None => None,
            Some(t) => match store.find_tenant(t).await {
                Ok(t) => Some(t.id),
                Err(livegate_store::StoreError::NotFound) => return Err(fail("no_tenant", t)),
                Err(e) => return Err(fail("db_failed", e)),
            },
        };
        let today = clock::today();
        let (from, until) = (clock::format_date(today), clock::format_date(today + days));
        let items = store
            .expiring(tenant.as_deref(), &from, &until)
            .await
            .map_err(|e| fail("db_failed", e))?;
        store.close().await;
        let mut out = std::io::stdout().lock();
        let res = match args.format {
            OutFormat::Json => {
                let v = serde_json::json!({"from": from, "until": until, "items": items});
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                )
            }
            OutFormat::Text => items.iter().try_for_each(|e| {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    e.valid_until,
                    e.appid,
                    e.applicant_name.as_deref().unwrap_or("-"),
                    kind_name(&rs, lang, &e.kind),
                    e.kind,
                    e.applicant_id,
                    e.document_id
                )
            }),
        };
        // A closed pipe ends the listing quietly.
        let _ = res.and_then(|()| out.flush());
        Ok(ExitCode::SUCCESS)
    })
}
