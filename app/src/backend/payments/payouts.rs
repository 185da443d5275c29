//! A teacher's payouts: Stripe pays a connected account's balance out to the
//! teacher's bank, and tells us with `payout.*` Connect events (signed with
//! the Connect webhook secret; the event's `account` names the teacher).
//!
//! Also the teacher's side of it: their payouts with the sales each held
//! ([`list`]), their payout settings ([`save_settings`]) and the link to
//! Stripe's Express dashboard ([`dashboard_link`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{Any, Row, Transaction};
use stripe_shared::Payout;

use crate::backend::accounts::teachers::require_teacher;
use crate::backend::accounts::users::AccountError;
use crate::backend::payments::gateway::PayoutInterval;
use crate::backend::payments::GatewayError;
use crate::backend::{error, AppState, RequestContext};
use crate::i18n::strings;
use crate::model::payouts::{DashboardLink, Payout as PayoutView, PayoutSale, PayoutSettings};
use crate::model::{AppError, ErrorCode, Locale};

/// `payout.created|updated|paid|failed|canceled` of a connected account:
/// keeps the payout as Stripe last described it (an older event than the
/// one applied changes nothing). Returns whether anything changed.
pub async fn apply(
    tx: &mut Transaction<'_, Any>,
    account: Option<&str>,
    payout: &Payout,
    event_created: i64,
    now: i64,
) -> anyhow::Result<bool> {
    let Some(account) = account else {
        // A payout of the platform's own balance: not a teacher's.
        return Ok(false);
    };
    let teacher: Option<String> =
        sqlx::query_scalar("SELECT id FROM teachers WHERE stripe_connect_account_id = $1")
            .bind(account)
            .fetch_optional(&mut **tx)
            .await?;
    let id = payout.id.as_str();
    let currency = payout.currency.to_string().to_uppercase();
    let done = sqlx::query(
        "INSERT INTO payouts (id, account_id, teacher_id, amount_cents, currency, status, \
         arrival_date, stripe_created, failure_message, event_created, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, \
           amount_cents = excluded.amount_cents, arrival_date = excluded.arrival_date, \
           failure_message = excluded.failure_message, event_created = excluded.event_created, \
           updated_at = excluded.updated_at \
         WHERE payouts.event_created <= excluded.event_created",
    )
    .bind(id)
    .bind(account)
    .bind(teacher)
    .bind(payout.amount)
    .bind(currency)
    .bind(payout.status.as_str())
    .bind(payout.arrival_date)
    .bind(payout.created)
    .bind(payout.failure_message.as_deref())
    .bind(event_created)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() > 0 {
        tracing::info!(
            payout_id = id,
            account,
            status = payout.status.as_str(),
            "payout"
        );
    }
    Ok(done.rows_affected() > 0)
}

#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    /// Not signed in, or not a teacher.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// No payout account, or its onboarding is unfinished.
    #[error("the payout account is missing or not onboarded")]
    NotOnboarded,
    #[error("the payout interval is not daily, weekly or monthly")]
    BadInterval,
    #[error("the statement descriptor prefix breaks Stripe's rules")]
    BadPrefix,
    /// Stripe refused the settings as invalid.
    #[error("Stripe refused the payout settings: {0}")]
    Refused(GatewayError),
    #[error(transparent)]
    Stripe(#[from] GatewayError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for PayoutError {
    fn from(err: sqlx::Error) -> Self {
        PayoutError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl PayoutError {
    pub fn to_app_error(&self, locale: Locale) -> AppError {
        let s = strings(locale);
        match self {
            PayoutError::Account(err) => err.to_app_error(locale),
            PayoutError::NotOnboarded => {
                AppError::new(ErrorCode::PaymentsNotEnabled, s.err_payout_not_onboarded)
            }
            PayoutError::BadInterval => AppError::new(ErrorCode::Validation, s.err_payout_interval),
            PayoutError::BadPrefix => AppError::new(ErrorCode::Validation, s.err_payout_prefix),
            PayoutError::Refused(err) => {
                tracing::warn!(error = %err, "Stripe refused payout settings");
                AppError::new(ErrorCode::Validation, s.err_payout_refused)
            }
            PayoutError::Stripe(GatewayError::Unavailable(detail)) => {
                tracing::warn!(detail, "Stripe unavailable for payouts");
                AppError::new(ErrorCode::Unavailable, s.err_payout_unavailable)
            }
            PayoutError::Stripe(err) => error::internal(
                &anyhow::anyhow!("Stripe refused a payouts call: {err}"),
                locale,
            ),
            PayoutError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

/// The newest payouts shown; older ones stay in the table.
const PAYOUTS_SHOWN: usize = 100;

/// The teacher's payout account: (id, onboarding details submitted).
async fn account_of(
    state: &AppState,
    teacher_id: &str,
) -> Result<(Option<String>, bool), PayoutError> {
    let row = sqlx::query(
        "SELECT stripe_connect_account_id, details_submitted FROM teachers WHERE id = $1",
    )
    .bind(teacher_id)
    .fetch_one(state.db.pool())
    .await?;
    Ok((
        row.try_get("stripe_connect_account_id")?,
        row.try_get::<i64, _>("details_submitted")? == 1,
    ))
}

fn instant(secs: i64) -> anyhow::Result<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| anyhow::anyhow!("bad timestamp {secs}"))
}

/// Whether a payout took the money out of the balance (a failed or canceled
/// one gave it back, so its sales are paid out again by the next one).
fn took_the_balance(status: &str) -> bool {
    !matches!(status, "failed" | "canceled")
}

struct PayoutRow {
    id: String,
    amount_cents: i64,
    currency: String,
    status: String,
    arrival_date: Option<i64>,
    stripe_created: i64,
    failure_message: Option<String>,
}

struct SaleRow {
    currency: String,
    paid_at: i64,
    sale: PayoutSale,
}

/// The signed-in teacher's payouts, newest first, each with its sales.
///
/// Which sales a payout holds is worked out from our own records, not asked
/// of Stripe: a payout pays out the account's balance, which is the orders
/// paid to the account (`orders.connected_account_id`, paid or refunded)
/// since the previous payout that took the balance (not failed or canceled:
/// those gave the money back, so the next payout holds the same sales), up
/// to this payout's `created`; refunds are those orders' `refunded_cents`.
/// Why: a page view needs no Stripe call (nor one per payout), and it works
/// from what we already store. It matches the payout's balance transactions
/// (`GET /v1/balance_transactions?payout=…`) when funds are available at
/// once and a payout takes the whole available balance, as the simulator
/// does. With live Stripe's pending period (funds become available days
/// after the charge) a sale paid shortly before a payout may in fact be paid
/// out by the next one, and a sale paid in the same second as a payout
/// counts as that payout's: the split is then approximate, while the
/// payout's own amount and status are always Stripe's. A fixed number of
/// queries, however many payouts: the payouts, then every order of the
/// account in the range they cover, assigned in Rust.
pub async fn list(state: &AppState, ctx: &RequestContext) -> Result<Vec<PayoutView>, PayoutError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let (account, _) = account_of(state, &teacher_id).await?;
    let Some(account) = account else {
        return Ok(Vec::new());
    };
    let rows = sqlx::query(
        "SELECT id, amount_cents, currency, status, arrival_date, stripe_created, failure_message \
         FROM payouts WHERE account_id = $1 ORDER BY stripe_created, id",
    )
    .bind(&account)
    .fetch_all(state.db.pool())
    .await?;
    let payouts = rows
        .iter()
        .map(|row| {
            Ok(PayoutRow {
                id: row.try_get("id")?,
                amount_cents: row.try_get("amount_cents")?,
                currency: row.try_get::<String, _>("currency")?.to_ascii_uppercase(),
                status: row.try_get("status")?,
                arrival_date: row.try_get("arrival_date")?,
                stripe_created: row.try_get("stripe_created")?,
                failure_message: row.try_get("failure_message")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;

    // Each payout's range (after, up_to], oldest first, per currency.
    let mut boundary: HashMap<&str, i64> = HashMap::new();
    let mut ranges = Vec::with_capacity(payouts.len());
    for payout in &payouts {
        let after = boundary
            .get(payout.currency.as_str())
            .copied()
            .unwrap_or(i64::MIN);
        ranges.push((after, payout.stripe_created));
        if took_the_balance(&payout.status) {
            boundary.insert(payout.currency.as_str(), payout.stripe_created);
        }
    }
    let first_shown = payouts.len().saturating_sub(PAYOUTS_SHOWN);
    let shown = &ranges[first_shown..];
    let (Some(after), Some(up_to)) = (
        shown.iter().map(|r| r.0).min(),
        shown.iter().map(|r| r.1).max(),
    ) else {
        return Ok(Vec::new());
    };

    let rows = sqlx::query(
        "SELECT o.id, COALESCE(s.title, c.title, '') AS title, o.paid_at, o.amount_cents, \
         o.currency, o.application_fee_cents, o.refunded_cents \
         FROM orders o LEFT JOIN sessions s ON s.id = o.session_id \
         LEFT JOIN courses c ON c.id = o.course_id \
         WHERE o.connected_account_id = $1 AND o.status IN ('paid', 'refunded') \
           AND o.paid_at IS NOT NULL AND o.paid_at > $2 AND o.paid_at <= $3 \
         ORDER BY o.paid_at, o.id",
    )
    .bind(&account)
    .bind(after)
    .bind(up_to)
    .fetch_all(state.db.pool())
    .await?;
    let sales = rows
        .iter()
        .map(|row| {
            let paid_at: i64 = row.try_get("paid_at")?;
            let amount: i64 = row.try_get("amount_cents")?;
            let fee: i64 = row.try_get("application_fee_cents")?;
            Ok(SaleRow {
                currency: row.try_get::<String, _>("currency")?.to_ascii_uppercase(),
                paid_at,
                sale: PayoutSale {
                    order_id: row.try_get("id")?,
                    title: row.try_get("title")?,
                    paid_at: instant(paid_at)?,
                    amount_cents: amount,
                    fee_cents: fee,
                    teacher_share_cents: amount - fee,
                    refunded_cents: row.try_get("refunded_cents")?,
                },
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let mut views = Vec::with_capacity(payouts.len() - first_shown);
    for (payout, (after, up_to)) in payouts.iter().zip(&ranges).skip(first_shown) {
        // `sales` is ordered by paid_at: the range is one slice of it.
        let from = sales.partition_point(|s| s.paid_at <= *after);
        let to = sales.partition_point(|s| s.paid_at <= *up_to);
        let held = sales[from..to]
            .iter()
            .filter(|s| s.currency == payout.currency)
            .map(|s| s.sale.clone())
            .collect();
        views.push(PayoutView {
            id: payout.id.clone(),
            amount_cents: payout.amount_cents,
            currency: payout.currency.clone(),
            status: payout.status.clone(),
            arrival_date: instant(payout.arrival_date.unwrap_or(payout.stripe_created))?,
            created_at: instant(payout.stripe_created)?,
            failure_message: payout.failure_message.clone(),
            sales: held,
        });
    }
    views.reverse();
    Ok(views)
}

/// Stripe's rules for a card statement descriptor prefix, after trimming:
/// 2–10 characters, at least one letter, none of `<>\'"*`. Kept in capitals,
/// as statements print it. An empty prefix is none.
pub fn parse_prefix(raw: &str) -> Result<Option<String>, PayoutError> {
    let prefix = raw.trim().to_uppercase();
    if prefix.is_empty() {
        return Ok(None);
    }
    let length = prefix.chars().count();
    if !(2..=10).contains(&length)
        || !prefix.chars().any(char::is_alphabetic)
        || prefix.chars().any(|c| "<>\\'\"*".contains(c))
    {
        return Err(PayoutError::BadPrefix);
    }
    Ok(Some(prefix))
}

/// Validates the teacher's payout settings, sends them to Stripe on their
/// account (no transaction is open meanwhile), then stores them on
/// `teachers`. Refused before Stripe is asked when a rule is broken; when
/// Stripe refuses or is down, nothing is stored.
pub async fn save_settings(
    state: &AppState,
    ctx: &RequestContext,
    interval: &str,
    prefix: Option<&str>,
) -> Result<PayoutSettings, PayoutError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let interval = PayoutInterval::parse(interval.trim()).ok_or(PayoutError::BadInterval)?;
    let prefix = parse_prefix(prefix.unwrap_or_default())?;
    let (account, _) = account_of(state, &teacher_id).await?;
    let account = account.ok_or(PayoutError::NotOnboarded)?;
    // A fresh key: the same settings saved again later must reach Stripe again.
    let key = uuid::Uuid::new_v4().to_string();
    state
        .stripe
        .update_payout_settings(&account, interval, prefix.as_deref().unwrap_or(""), &key)
        .await
        .map_err(|err| match err {
            GatewayError::Rejected { .. } => PayoutError::Refused(err),
            other => PayoutError::Stripe(other),
        })?;
    sqlx::query(
        "UPDATE teachers SET payout_schedule = $1, statement_descriptor_prefix = $2, \
         updated_at = $3 WHERE id = $4",
    )
    .bind(interval.as_str())
    .bind(prefix.as_deref())
    .bind(state.clock.now())
    .bind(&teacher_id)
    .execute(state.db.pool())
    .await?;
    tracing::info!(
        teacher_id,
        account,
        interval = interval.as_str(),
        "payout settings saved"
    );
    Ok(PayoutSettings {
        schedule_interval: interval.as_str().to_owned(),
        statement_descriptor_prefix: prefix,
    })
}

/// A fresh link to the teacher's Express dashboard on Stripe (payouts, bank
/// account, tax forms). Refused until onboarding details were submitted.
pub async fn dashboard_link(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<DashboardLink, PayoutError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let (account, details_submitted) = account_of(state, &teacher_id).await?;
    let account = account
        .filter(|_| details_submitted)
        .ok_or(PayoutError::NotOnboarded)?;
    let url = state
        .stripe
        .create_login_link(&account)
        .await
        .map_err(|err| match err {
            // Stripe knows better than our mirror: onboarding is unfinished.
            GatewayError::Rejected { .. } => PayoutError::NotOnboarded,
            other => PayoutError::Stripe(other),
        })?;
    Ok(DashboardLink { url })
}
