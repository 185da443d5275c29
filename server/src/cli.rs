//! The command-line face of the server binary:
//! `server [serve]`, `server migrate`, `server seed-demo`,
//! `server admin grant|revoke EMAIL`, `server stripe-setup`,
//! `server stripe-sim [options]`.

use anyhow::{bail, Context};

use app::backend::{accounts::users, demo, Clock, Db};

use crate::config::Config;
use crate::startup::Application;
use crate::telemetry;

pub const USAGE: &str = "usage: server [serve | migrate | seed-demo | admin grant EMAIL | admin revoke EMAIL | stripe-setup | stripe-sim [options]]";

pub async fn run(args: &[String]) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] | ["serve"] => serve(&config).await,
        ["migrate"] => {
            migrated_db(&config).await?;
            println!("database is up to date");
            Ok(())
        }
        ["seed-demo"] => seed_demo(&config).await,
        ["stripe-setup"] => stripe_setup(&config).await,
        ["stripe-sim", options @ ..] => {
            let args = crate::stripe_sim_process::parse(options)?;
            crate::stripe_sim_process::serve(&config, args).await
        }
        ["admin", action @ ("grant" | "revoke"), email] => {
            let db = migrated_db(&config).await?;
            users::set_admin(&db, email, *action == "grant", Clock::system().now())
                .await
                .with_context(|| format!("admin {action} {email}"))?;
            println!(
                "{email}: admin {}",
                if *action == "grant" {
                    "granted"
                } else {
                    "revoked"
                }
            );
            Ok(())
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}

/// Creates the platform's Products and Prices by lookup key (idempotent) and
/// prints the membership price id for `STRIPE_MEMBERSHIP_PRICE_ID`.
async fn stripe_setup(config: &Config) -> anyhow::Result<()> {
    let gateway = crate::payments::setup_gateway(config)?;
    let prices = app::backend::payments::products::set_up(&gateway).await?;
    for price in &prices {
        println!(
            "{:<32} {} ({})",
            price.lookup_key,
            price.price_id,
            if price.created { "created" } else { "exists" }
        );
    }
    if let Some(membership) = prices
        .iter()
        .find(|p| p.lookup_key == app::backend::payments::products::MEMBERSHIP_LOOKUP_KEY)
    {
        println!("\nSTRIPE_MEMBERSHIP_PRICE_ID={}", membership.price_id);
    }
    Ok(())
}

async fn migrated_db(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    Ok(db)
}

async fn serve(config: &Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    tracing::info!(
        addr = %app.addr(),
        public_url = %config.public_url,
        database = database_kind(&config.database_url),
        payments = if config.stripe.simulated() { "simulated" } else { "stripe" },
        "Aveli is serving"
    );
    app.run_until_stopped().await?;
    Ok(())
}

async fn seed_demo(config: &Config) -> anyhow::Result<()> {
    let db = migrated_db(config).await?;
    let created = demo::seed(&db, Clock::system().now()).await?;
    println!(
        "\n  Aveli demo data {} on {}.",
        if created {
            "created"
        } else {
            "already present"
        },
        database_kind(&config.database_url)
    );
    println!("  Open {} and sign in as:", config.public_url);
    for account in [&demo::TEACHER, &demo::STUDENT, &demo::ADMIN] {
        println!(
            "    {:<8} {:<20} password: {}",
            account.role, account.email, account.password
        );
    }
    if config.stripe.simulated() {
        println!(
            "  Payments are simulated: pay with card 4242 4242 4242 4242 (any future date, any CVC)."
        );
    }
    println!(
        "  \"{}\" starts within the hour: as the student, press \"Gå med\" on /home once it opens;\n  \
         without SMTP_URL, emails (receipts, reminders) are .eml files in {}.",
        demo::LIVE_SOON_TITLE,
        config.data_dir.join("outbox").display()
    );
    println!();
    Ok(())
}

fn database_kind(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "SQLite"
    } else {
        "PostgreSQL"
    }
}
