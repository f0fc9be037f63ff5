//! The service's configuration: flags, then `LIVEGATE_*` environment
//! variables, then an optional TOML file, then defaults.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Deserialize;

use super::fail;
use crate::Failure;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Where uploaded scans are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStoreArg {
    /// Files under the data directory, named by SHA-256.
    Dir,
    /// The database (PostgreSQL bytea, or a SQLite blob): replicas share only the database.
    Database,
}

/// Where the data is: shared by `serve`, `admin` and `expiring`.
#[derive(Args, Debug, Default, Clone)]
pub struct DbArgs {
    /// `sqlite://PATH` or `postgres://…` [env: LIVEGATE_DATABASE_URL, DATABASE_URL]; default: SQLite in the data directory.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Where the SQLite database and uploaded scans live [env: LIVEGATE_DATA_DIR; default: ./livegate-data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A TOML file with any of the settings [env: LIVEGATE_CONFIG].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug, Default, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on [env: LIVEGATE_LISTEN; default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Log format on stderr [env: LIVEGATE_LOG_FORMAT; default: text].
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// error, warn, info, debug or trace [env: LIVEGATE_LOG_LEVEL; default: info].
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Requests a second per token, 0 for no limit [env: LIVEGATE_RATE_LIMIT; default: 1000].
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Requests a token may make at once above its rate [env: LIVEGATE_RATE_BURST; default: 2000].
    #[arg(long, value_name = "N")]
    pub rate_burst: Option<u32>,
    /// Failed authentications an address may make at once before it must wait (5 more a second), 0 for no limit [env: LIVEGATE_AUTH_FAILURE_BURST; default: 20].
    #[arg(long, value_name = "N")]
    pub auth_failure_burst: Option<u32>,
    /// Seconds a request may take [env: LIVEGATE_REQUEST_TIMEOUT; default: 30].
    #[arg(long, value_name = "SECONDS")]
    pub request_timeout: Option<u64>,
    /// A ruleset file instead of the embedded one [env: LIVEGATE_RULES].
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Where uploaded scans are kept [env: LIVEGATE_FILE_STORE; default: dir].
    #[arg(long, value_enum)]
    pub file_store: Option<FileStoreArg>,
    /// The URL people open the console at; https makes its cookies Secure [env: LIVEGATE_PUBLIC_URL].
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Hours a console sign-in lasts [env: LIVEGATE_SESSION_HOURS; default: 12].
    #[arg(long, value_name = "HOURS")]
    pub session_hours: Option<u64>,
    /// Seconds a client may take to send a request's headers, or sit idle
    /// between requests [env: LIVEGATE_HEADER_TIMEOUT; default: 10].
    #[arg(long, value_name = "SECONDS")]
    pub header_timeout: Option<u64>,
    /// On SIGTERM, seconds the requests in flight may take to finish
    /// [env: LIVEGATE_DRAIN_TIMEOUT; default: 30].
    #[arg(long, value_name = "SECONDS")]
    pub drain_timeout: Option<u64>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutFormat {
    Text,
    Json,
}

/// The optional TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub log_format: Option<LogFormat>,
    pub log_level: Option<String>,
    pub rate_limit: Option<u32>,
    pub rate_burst: Option<u32>,
    pub auth_failure_burst: Option<u32>,
    pub request_timeout: Option<u64>,
    pub rules: Option<PathBuf>,
    pub file_store: Option<FileStoreArg>,
    pub public_url: Option<String>,
    pub session_hours: Option<u64>,
    pub header_timeout: Option<u64>,
    pub drain_timeout: Option<u64>,
    pub wechat_token: Option<String>,
    pub wechat_aes_key: Option<String>,
    pub wechat_appid: Option<String>,
    pub webhook_allow_private: Option<bool>,
    pub webhook_retry_seconds: Option<u64>,
}

/// WeChat's push settings: the platform's token, EncodingAESKey and appid.
/// Never flags (a command line is visible to every user of the machine),
/// and never printed: its Debug hides the token and the key.
#[derive(Clone, PartialEq)]
pub struct WechatPush {
    pub token: String,
    pub aes_key: String,
    pub appid: String,
}

impl std::fmt::Debug for WechatPush {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "WechatPush {{ appid: {:?}, token: …, aes_key: … }}",
            self.appid
        )
    }
}

/// Everything resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub listen: String,
    /// `None`: SQLite in `data_dir`.
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    pub log_level: tracing::Level,
    pub rate_limit: u32,
    pub rate_burst: u32,
    pub auth_failure_burst: u32,
    pub request_timeout: u64,
    pub rules: Option<PathBuf>,
    pub file_store: FileStoreArg,
    pub public_url: Option<String>,
    pub session_hours: u64,
    pub header_timeout: u64,
    pub drain_timeout: u64,
    pub wechat_push: Option<WechatPush>,
    /// Webhook endpoints may be private or local addresses.
    pub webhook_allow_private: bool,
    /// The first delay before a failed webhook delivery is tried again.
    pub webhook_retry_seconds: u64,
}

fn parse_env<T: std::str::FromStr>(
    env: &dyn Fn(&str) -> Option<String>,
    key: &str,
) -> Result<Option<T>, Failure> {
    match env(key) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| fail("bad_value", format!("{key}={v}"))),
    }
}

/// Flags, then environment, then file, then defaults.
pub fn resolve(args: &ServeArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, Failure> {
    let file = file_config(args, env)?;
    let log_format = choice(
        args.log_format,
        env,
        "LIVEGATE_LOG_FORMAT",
        file.log_format,
        LogFormat::Text,
    )?;
    let file_store = choice(
        args.file_store,
        env,
        "LIVEGATE_FILE_STORE",
        file.file_store,
        FileStoreArg::Dir,
    )?;
    let log_level = log_level(args, env, &file)?;
    let wechat_push = wechat_push(env, &file)?;
    Ok(Config {
        listen: args
            .listen
            .clone()
            .or_else(|| env("LIVEGATE_LISTEN"))
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into()),
        database_url: args
            .db
            .database_url
            .clone()
            .or_else(|| env("LIVEGATE_DATABASE_URL"))
            .or_else(|| env("DATABASE_URL"))
            .or(file.database_url),
        data_dir: args
            .db
            .data_dir
            .clone()
            .or_else(|| env("LIVEGATE_DATA_DIR").map(PathBuf::from))
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("livegate-data")),
        log_format,
        log_level,
        rate_limit: number(
            args.rate_limit,
            env,
            "LIVEGATE_RATE_LIMIT",
            file.rate_limit,
            1000,
        )?,
        rate_burst: number(
            args.rate_burst,
            env,
            "LIVEGATE_RATE_BURST",
            file.rate_burst,
            2000,
        )?,
        auth_failure_burst: number(
            args.auth_failure_burst,
            env,
            "LIVEGATE_AUTH_FAILURE_BURST",
            file.auth_failure_burst,
            20,
        )?,
        request_timeout: number(
            args.request_timeout,
            env,
            "LIVEGATE_REQUEST_TIMEOUT",
            file.request_timeout,
            30,
        )?,
        rules: args
            .rules
            .clone()
            .or_else(|| env("LIVEGATE_RULES").map(PathBuf::from))
            .or(file.rules),
        file_store,
        public_url: args
            .public_url
            .clone()
            .or_else(|| env("LIVEGATE_PUBLIC_URL"))
            .or(file.public_url),
        session_hours: number(
            args.session_hours,
            env,
            "LIVEGATE_SESSION_HOURS",
            file.session_hours,
            12,
        )?,
        header_timeout: number(
            args.header_timeout,
            env,
            "LIVEGATE_HEADER_TIMEOUT",
            file.header_timeout,
            10,
        )?,
        drain_timeout: number(
            args.drain_timeout,
            env,
            "LIVEGATE_DRAIN_TIMEOUT",
            file.drain_timeout,
            30,
        )?,
        wechat_push,
        webhook_allow_private: parse_env(env, "LIVEGATE_WEBHOOK_ALLOW_PRIVATE")?
            .or(file.webhook_allow_private)
            .unwrap_or(false),
        webhook_retry_seconds: parse_env(env, "LIVEGATE_WEBHOOK_RETRY_SECONDS")?
            .or(file.webhook_retry_seconds)
            .unwrap_or(30),
    })
}

/// WeChat's push settings from the environment, then the file: all three
/// or none.
fn wechat_push(
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
) -> Result<Option<WechatPush>, Failure> {
    let token = env("LIVEGATE_WECHAT_TOKEN").or_else(|| file.wechat_token.clone());
    let aes_key = env("LIVEGATE_WECHAT_AES_KEY").or_else(|| file.wechat_aes_key.clone());
    let appid = env("LIVEGATE_WECHAT_APPID").or_else(|| file.wechat_appid.clone());
    match (token, aes_key, appid) {
        (None, None, None) => Ok(None),
        (Some(token), Some(aes_key), Some(appid)) => Ok(Some(WechatPush {
            token,
            aes_key,
            appid,
        })),
        _ => Err(fail(
            "bad_value",
            "WeChat's push needs all of LIVEGATE_WECHAT_TOKEN, LIVEGATE_WECHAT_AES_KEY and LIVEGATE_WECHAT_APPID (or wechat_token, wechat_aes_key and wechat_appid in the config file)",
        )),
    }
}

/// The TOML file named by `--config` or `LIVEGATE_CONFIG`, or an empty one.
fn file_config(
    args: &ServeArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<FileConfig, Failure> {
    let file_path = args
        .db
        .config
        .clone()
        .or_else(|| env("LIVEGATE_CONFIG").map(PathBuf::from));
    match &file_path {
        None => Ok(FileConfig::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| fail("bad_config", format!("{}: {e}", p.display())))?;
            toml::from_str(&text).map_err(|e| fail("bad_config", format!("{}: {e}", p.display())))
        }
    }
}

/// A choice setting (`--log-format`, `--file-store`): the flag, else the
/// environment variable `key` (one of the flag's values), else the file's
/// value, else `default`.
fn choice<T: ValueEnum + Copy>(
    flag: Option<T>,
    env: &dyn Fn(&str) -> Option<String>,
    key: &str,
    file: Option<T>,
    default: T,
) -> Result<T, Failure> {
    if let Some(v) = flag {
        return Ok(v);
    }
    match env(key) {
        Some(v) => T::from_str(&v, false).map_err(|_| fail("bad_value", format!("{key}={v}"))),
        None => Ok(file.unwrap_or(default)),
    }
}

/// The log level: the flag, `LIVEGATE_LOG_LEVEL`, the file, or info.
fn log_level(
    args: &ServeArgs,
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
) -> Result<tracing::Level, Failure> {
    let level = args
        .log_level
        .clone()
        .or_else(|| env("LIVEGATE_LOG_LEVEL"))
        .or_else(|| file.log_level.clone())
        .unwrap_or_else(|| "info".into());
    level
        .parse::<tracing::Level>()
        .map_err(|_| fail("bad_value", format!("log level `{level}`")))
}

/// A number setting: the flag, else the environment variable `key`, else
/// the file's value, else `default`.
fn number<T: std::str::FromStr>(
    flag: Option<T>,
    env: &dyn Fn(&str) -> Option<String>,
    key: &str,
    file: Option<T>,
    default: T,
) -> Result<T, Failure> {
    match flag {
        Some(n) => Ok(n),
        None => Ok(parse_env(env, key)?.or(file).unwrap_or(default)),
    }
}

/// The SQLite file of a data directory.
pub fn default_db_path(data_dir: &Path) -> PathBuf {
    data_dir.join("livegate.db")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn ok(r: Result<Config, Failure>) -> Config {
        match r {
            Ok(c) => c,
            Err(Failure(m)) => panic!("{m}"),
        }
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn config_precedence_is_flags_then_environment_then_file_then_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("livegate.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:7000\"\nrate_limit = 7\nrate_burst = 70\ndata_dir = \"from-file\"\nlog_format = \"json\"\n",
        )
        .expect("write");
        let env = env_of(&[
            ("LIVEGATE_CONFIG", file.to_str().expect("utf-8")),
            ("LIVEGATE_LISTEN", "127.0.0.1:8000"),
            ("LIVEGATE_RATE_LIMIT", "8"),
        ]);
        let args = ServeArgs {
            listen: Some("127.0.0.1:9000".into()),
            ..ServeArgs::default()
        };
        let c = ok(resolve(&args, &env));
        assert_eq!(c.listen, "127.0.0.1:9000", "a flag beats env and file");
        assert_eq!(c.rate_limit, 8, "env beats file");
        assert_eq!(c.rate_burst, 70, "file beats default");
        assert_eq!(c.data_dir, PathBuf::from("from-file"));
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.request_timeout, 30, "default");
        assert_eq!(c.database_url, None, "SQLite by default");
        assert_eq!(
            c.file_store,
            FileStoreArg::Dir,
            "scans in the data directory by default"
        );
    }

    #[test]
    fn database_url_falls_back_to_the_conventional_database_url_variable() {
        let c = ok(resolve(
            &ServeArgs::default(),
            &env_of(&[("DATABASE_URL", "postgres://x/y")]),
        ));
        assert_eq!(c.database_url.as_deref(), Some("postgres://x/y"));
        let c = ok(resolve(
            &ServeArgs::default(),
            &env_of(&[
                ("DATABASE_URL", "postgres://x/y"),
                ("LIVEGATE_DATABASE_URL", "sqlite://z"),
            ]),
        ));
        assert_eq!(c.database_url.as_deref(), Some("sqlite://z"));
    }

    #[test]
    fn choices_come_from_the_environment_by_their_flag_values() {
        let c = ok(resolve(
            &ServeArgs::default(),
            &env_of(&[
                ("LIVEGATE_LOG_FORMAT", "json"),
                ("LIVEGATE_FILE_STORE", "database"),
            ]),
        ));
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.file_store, FileStoreArg::Database);
        let c = ok(resolve(&ServeArgs::default(), &env_of(&[])));
        assert_eq!(
            (c.log_format, c.file_store),
            (LogFormat::Text, FileStoreArg::Dir)
        );
        assert!(
            resolve(
                &ServeArgs::default(),
                &env_of(&[("LIVEGATE_FILE_STORE", "s3")])
            )
            .is_err()
        );
    }

    #[test]
    fn bad_values_and_unknown_file_keys_are_refused() {
        assert!(
            resolve(
                &ServeArgs::default(),
                &env_of(&[("LIVEGATE_RATE_LIMIT", "lots")])
            )
            .is_err()
        );
        assert!(
            resolve(
                &ServeArgs::default(),
                &env_of(&[("LIVEGATE_LOG_FORMAT", "xml")])
            )
            .is_err()
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "lisen = \"x\"\n").expect("write");
        let args = ServeArgs {
            db: DbArgs {
                config: Some(file),
                ..DbArgs::default()
            },
            ..ServeArgs::default()
        };
        assert!(resolve(&args, &env_of(&[])).is_err());
    }
}
