//! Configuration: typed, read once at start from the environment (and
//! `.env`). A bad value stops the start with a message naming the variable
//! and what was expected. Secrets are `SecretString`: they never appear in
//! logs or `Debug` output.

use std::net::SocketAddr;

use app::backend::booking::reconcile;
use secrecy::SecretString;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `LEPTOS_SITE_ADDR` (cargo-leptos' own variable).
    pub site_addr: SocketAddr,
    pub database_url: String,
    /// The origin people use to reach the site, without a trailing slash.
    pub public_url: String,
    pub app_env: AppEnv,
    pub log_format: LogFormat,
    pub site: SiteConfig,
    pub session_ttl_days: i64,
    pub stripe: StripeConfig,
    pub email: EmailConfig,
    /// How long before a slot starts a student may still cancel for a refund.
    pub cancellation_window_hours: i64,
    /// How long a seat is held for an unpaid checkout.
    pub hold_minutes: i64,
    /// Free days before a new member's first charge; 0 = no trial.
    pub membership_trial_days: u32,
    /// How often the reconciliation runs, and how old an order must be for it.
    pub reconcile_every_secs: u64,
    pub reconcile_grace_secs: i64,
    /// `LINK_SECRET`: signs join links. Required in production, where every
    /// instance must share it; elsewhere generated into the data directory.
    pub link_secret: Option<SecretString>,
    /// How long before the start a join link opens.
    pub join_opens_minutes: i64,
    /// How many hours before a slot's start its reminders go out.
    pub reminder_hours: Vec<u32>,
    /// Files the server keeps: the simulator's webhook secret, emails written
    /// as `.eml` files.
    pub data_dir: std::path::PathBuf,
}

/// Where cargo-leptos put the compiled site (CSS, JS, WASM).
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub output_name: String,
    pub site_root: String,
    pub site_pkg_dir: String,
    pub hash_files: bool,
    /// The file of asset hashes, relative to the server binary's folder (an absolute
    /// path is taken as it is: `make test` serves the release site from a debug server).
    pub hash_file: String,
    pub reload_port: u32,
}

/// Stripe keys; all absent means payments are simulated.
#[derive(Debug, Clone, Default)]
pub struct StripeConfig {
    pub secret_key: Option<SecretString>,
    pub publishable_key: Option<String>,
    pub webhook_secret: Option<SecretString>,
    /// The Connect endpoint's secret (connected accounts' events); may be unset
    /// when one endpoint receives everything.
    pub connect_webhook_secret: Option<SecretString>,
    pub connect_client_id: Option<String>,
    /// Another API base (e.g. a local mock); `None` means api.stripe.com, or the
    /// built-in simulator when payments are simulated.
    pub api_base: Option<String>,
    /// Simulated payments through a `server stripe-sim` process at this
    /// origin (shared by several instances) instead of the built-in one.
    pub sim_url: Option<String>,
    pub membership_price_id: Option<String>,
    pub statement_descriptor_suffix: String,
}

impl StripeConfig {
    pub fn simulated(&self) -> bool {
        self.secret_key.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct EmailConfig {
    /// `smtps://user:pass@host:465`; absent means emails are written as
    /// `.eml` files under `data/outbox/`.
    pub smtp_url: Option<SecretString>,
    pub from: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: expected {expected}")]
pub struct ConfigError {
    pub var: &'static str,
    pub expected: String,
}

fn invalid(var: &'static str, expected: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        expected: expected.into(),
    }
}

impl Config {
    /// Reads `.env` (if present) and then the process environment; the
    /// environment wins.
    pub fn from_env() -> Result<Config, ConfigError> {
        let _ = dotenvy::dotenv();
        Config::from_lookup(|key| std::env::var(key).ok())
    }

    /// Builds the configuration from any source of variables (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |key: &str| {
            get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let site_addr = match var("LEPTOS_SITE_ADDR") {
            Some(v) => v
                .parse()
                .map_err(|_| invalid("LEPTOS_SITE_ADDR", "an address like 127.0.0.1:3000"))?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let database_url = var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/aveli.db".into());
        if app::backend::db::DbKind::of_url(&database_url).is_none() {
            return Err(invalid("DATABASE_URL", "sqlite://… or postgres://…"));
        }
        let app_env = match var("APP_ENV").as_deref() {
            None | Some("development") => AppEnv::Development,
            Some("production") => AppEnv::Production,
            Some(_) => return Err(invalid("APP_ENV", "development or production")),
        };
        let log_format = match var("LOG_FORMAT").as_deref() {
            None => match app_env {
                AppEnv::Development => LogFormat::Pretty,
                AppEnv::Production => LogFormat::Json,
            },
            Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(_) => return Err(invalid("LOG_FORMAT", "pretty or json")),
        };
        let public_url = match var("PUBLIC_URL") {
            Some(url) => {
                let url = url.trim_end_matches('/').to_owned();
                let host = url
                    .strip_prefix("https://")
                    .or_else(|| url.strip_prefix("http://"));
                match host {
                    Some(host) if !host.is_empty() && !host.contains('/') => url,
                    _ => {
                        return Err(invalid(
                            "PUBLIC_URL",
                            "an origin like https://aveli.app (http or https, no path)",
                        ))
                    }
                }
            }
            None if app_env == AppEnv::Production => {
                return Err(invalid(
                    "PUBLIC_URL",
                    "the public https origin, required in production",
                ))
            }
            None => format!("http://{site_addr}"),
        };

        let site = SiteConfig {
            output_name: var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "aveli".into()),
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            site_pkg_dir: var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()),
            hash_files: parse_bool("LEPTOS_HASH_FILES", var("LEPTOS_HASH_FILES"), false)?,
            hash_file: var("LEPTOS_HASH_FILE_NAME").unwrap_or_else(|| "hash.txt".into()),
            reload_port: parse_num(
                "LEPTOS_RELOAD_PORT",
                var("LEPTOS_RELOAD_PORT"),
                3001,
                1..=65_535,
            )?,
        };

        let stripe = StripeConfig {
            secret_key: var("STRIPE_SECRET_KEY").map(SecretString::from),
            publishable_key: var("STRIPE_PUBLISHABLE_KEY"),
            webhook_secret: var("STRIPE_WEBHOOK_SECRET").map(SecretString::from),
            connect_webhook_secret: var("STRIPE_CONNECT_WEBHOOK_SECRET").map(SecretString::from),
            connect_client_id: var("STRIPE_CONNECT_CLIENT_ID"),
            api_base: var("STRIPE_API_BASE"),
            sim_url: var("STRIPE_SIM_URL"),
            membership_price_id: var("STRIPE_MEMBERSHIP_PRICE_ID"),
            statement_descriptor_suffix: var("STRIPE_STATEMENT_DESCRIPTOR_SUFFIX")
                .unwrap_or_else(|| "AVELI.APP".into()),
        };
        if stripe.statement_descriptor_suffix.chars().count() > 22 {
            return Err(invalid(
                "STRIPE_STATEMENT_DESCRIPTOR_SUFFIX",
                "at most 22 characters",
            ));
        }
        if stripe.sim_url.is_some() && stripe.secret_key.is_some() {
            return Err(invalid(
                "STRIPE_SIM_URL",
                "only with simulated payments (no STRIPE_SECRET_KEY)",
            ));
        }
        if stripe.secret_key.is_some() {
            if stripe.publishable_key.is_none() {
                return Err(invalid(
                    "STRIPE_PUBLISHABLE_KEY",
                    "set together with STRIPE_SECRET_KEY",
                ));
            }
            if stripe.webhook_secret.is_none() {
                return Err(invalid(
                    "STRIPE_WEBHOOK_SECRET",
                    "set together with STRIPE_SECRET_KEY",
                ));
            }
        } else if app_env == AppEnv::Production {
            return Err(invalid(
                "STRIPE_SECRET_KEY",
                "a Stripe key in production (simulated payments are refused there)",
            ));
        }

        let email = EmailConfig {
            smtp_url: var("SMTP_URL").map(SecretString::from),
            from: var("EMAIL_FROM").unwrap_or_else(|| "Aveli <hej@aveli.app>".into()),
        };
        if !email.from.contains('@') {
            return Err(invalid("EMAIL_FROM", "a sender like Aveli <hej@aveli.app>"));
        }

        Ok(Config {
            site_addr,
            database_url,
            public_url,
            app_env,
            log_format,
            site,
            session_ttl_days: parse_num("SESSION_TTL_DAYS", var("SESSION_TTL_DAYS"), 30, 1..=365)?,
            stripe,
            email,
            cancellation_window_hours: parse_num(
                "CANCELLATION_WINDOW_HOURS",
                var("CANCELLATION_WINDOW_HOURS"),
                24,
                0..=720,
            )?,
            hold_minutes: parse_num(
                "SEAT_HOLD_MINUTES",
                var("SEAT_HOLD_MINUTES").or_else(|| var("HOLD_MINUTES")),
                15,
                1..=120,
            )?,
            membership_trial_days: parse_num(
                "MEMBERSHIP_TRIAL_DAYS",
                var("MEMBERSHIP_TRIAL_DAYS"),
                0,
                0..=90,
            )?,
            reconcile_every_secs: parse_num(
                "RECONCILE_EVERY_SECONDS",
                var("RECONCILE_EVERY_SECONDS"),
                reconcile::RECONCILE_EVERY.as_secs(),
                1..=86_400,
            )?,
            reconcile_grace_secs: parse_num(
                "RECONCILE_GRACE_SECONDS",
                var("RECONCILE_GRACE_SECONDS"),
                reconcile::GRACE_SECS,
                1..=86_400,
            )?,
            link_secret: match var("LINK_SECRET") {
                Some(secret) if secret.len() < 32 => {
                    return Err(invalid("LINK_SECRET", "at least 32 characters"))
                }
                None if app_env == AppEnv::Production => {
                    return Err(invalid(
                        "LINK_SECRET",
                        "a secret of at least 32 characters, required in production",
                    ))
                }
                secret => secret.map(SecretString::from),
            },
            join_opens_minutes: parse_num(
                "JOIN_OPENS_MINUTES",
                var("JOIN_OPENS_MINUTES"),
                15,
                0..=1_440,
            )?,
            reminder_hours: parse_hours("REMINDER_HOURS", var("REMINDER_HOURS"))?,
            data_dir: var("DATA_DIR").unwrap_or_else(|| "data".into()).into(),
        })
    }

    /// Cookies get `Secure` when the site is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// `24,1`: distinct whole hours from 1 to 720, largest first; `none` for no
/// reminders at all.
fn parse_hours(var: &'static str, value: Option<String>) -> Result<Vec<u32>, ConfigError> {
    let Some(value) = value else {
        return Ok(vec![24, 1]);
    };
    if value.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let mut hours = Vec::new();
    for part in value.split(',') {
        match part.trim().parse::<u32>() {
            Ok(h) if (1..=720).contains(&h) && !hours.contains(&h) => hours.push(h),
            _ => {
                return Err(invalid(
                    var,
                    "distinct whole hours from 1 to 720, like 24,1 (or none)",
                ))
            }
        }
    }
    hours.sort_unstable_by(|a, b| b.cmp(a));
    Ok(hours)
}

fn parse_bool(
    var: &'static str,
    value: Option<String>,
    default: bool,
) -> Result<bool, ConfigError> {
    match value.as_deref() {
        None => Ok(default),
        Some("true" | "1") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(_) => Err(invalid(var, "true or false")),
    }
}

fn parse_num<T>(
    var: &'static str,
    value: Option<String>,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(value) = value else {
        return Ok(default);
    };
    match value.parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(invalid(
            var,
            format!("a whole number from {} to {}", range.start(), range.end()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|key| map.get(key).cloned())
    }

    #[test]
    fn defaults_serve_sqlite_on_port_3000_with_simulated_stripe() {
        let c = config(&[]).expect("defaults are valid");
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/aveli.db");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.app_env, AppEnv::Development);
        assert_eq!(c.log_format, LogFormat::Pretty);
        assert!(c.stripe.simulated());
        assert!(!c.secure_cookies());
        assert_eq!(c.hold_minutes, 15);
        assert_eq!(c.cancellation_window_hours, 24);
    }

    #[test]
    fn environment_wins_over_defaults() {
        let c = config(&[
            ("LEPTOS_SITE_ADDR", "127.0.0.1:4000"),
            ("DATABASE_URL", "postgres://postgres@127.0.0.1/aveli_demo"),
            ("PUBLIC_URL", "https://aveli.example/"),
            ("LOG_FORMAT", "json"),
        ])
        .expect("valid");
        assert_eq!(c.site_addr.port(), 4000);
        assert_eq!(c.database_url, "postgres://postgres@127.0.0.1/aveli_demo");
        assert_eq!(c.public_url, "https://aveli.example");
        assert!(c.secure_cookies());
        assert_eq!(c.log_format, LogFormat::Json);
    }

    #[test]
    fn bad_values_name_the_variable_and_the_expectation() {
        let cases = [
            (
                "DATABASE_URL",
                "mysql://x",
                "DATABASE_URL: expected sqlite://… or postgres://…",
            ),
            (
                "LEPTOS_SITE_ADDR",
                "localhost",
                "LEPTOS_SITE_ADDR: expected an address like 127.0.0.1:3000",
            ),
            (
                "APP_ENV",
                "staging",
                "APP_ENV: expected development or production",
            ),
            ("LOG_FORMAT", "xml", "LOG_FORMAT: expected pretty or json"),
            (
                "SEAT_HOLD_MINUTES",
                "0",
                "SEAT_HOLD_MINUTES: expected a whole number from 1 to 120",
            ),
            // The older name is still read, and named as the new one.
            (
                "HOLD_MINUTES",
                "0",
                "SEAT_HOLD_MINUTES: expected a whole number from 1 to 120",
            ),
            (
                "SESSION_TTL_DAYS",
                "abc",
                "SESSION_TTL_DAYS: expected a whole number from 1 to 365",
            ),
            (
                "LEPTOS_HASH_FILES",
                "yes",
                "LEPTOS_HASH_FILES: expected true or false",
            ),
            (
                "LINK_SECRET",
                "short",
                "LINK_SECRET: expected at least 32 characters",
            ),
            (
                "REMINDER_HOURS",
                "24,0",
                "REMINDER_HOURS: expected distinct whole hours from 1 to 720, like 24,1 (or none)",
            ),
            (
                "JOIN_OPENS_MINUTES",
                "-1",
                "JOIN_OPENS_MINUTES: expected a whole number from 0 to 1440",
            ),
        ];
        for (var, value, message) in cases {
            let err = config(&[(var, value)]).expect_err(var);
            assert_eq!(err.to_string(), message);
        }
        let err = config(&[("PUBLIC_URL", "ftp://x")]).expect_err("scheme");
        assert_eq!(err.var, "PUBLIC_URL");
    }

    #[test]
    fn production_refuses_simulated_payments() {
        let err = config(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://aveli.app"),
        ])
        .expect_err("no stripe key");
        assert_eq!(err.var, "STRIPE_SECRET_KEY");
        let ok = config(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://aveli.app"),
            ("STRIPE_SECRET_KEY", "sk_live_x"),
            ("STRIPE_PUBLISHABLE_KEY", "pk_live_x"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_x"),
        ])
        .expect_err("no link secret");
        assert_eq!(ok.var, "LINK_SECRET");
        let ok = config(&[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://aveli.app"),
            ("STRIPE_SECRET_KEY", "sk_live_x"),
            ("STRIPE_PUBLISHABLE_KEY", "pk_live_x"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_x"),
            ("LINK_SECRET", "0123456789abcdef0123456789abcdef"),
        ])
        .expect("complete production config");
        assert!(!ok.stripe.simulated());
        assert_eq!(ok.log_format, LogFormat::Json);
    }

    #[test]
    fn a_stripe_key_needs_its_partners() {
        let err = config(&[("STRIPE_SECRET_KEY", "sk_test_x")]).expect_err("partial");
        assert_eq!(err.var, "STRIPE_PUBLISHABLE_KEY");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let c = config(&[
            ("STRIPE_SECRET_KEY", "sk_test_supersecret"),
            ("STRIPE_PUBLISHABLE_KEY", "pk_test_x"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_supersecret"),
            ("SMTP_URL", "smtps://user:hunter2pass@mail.example:465"),
        ])
        .expect("valid");
        let debug = format!("{c:?}");
        assert!(!debug.contains("supersecret"), "{debug}");
        assert!(!debug.contains("hunter2pass"), "{debug}");
    }
}
