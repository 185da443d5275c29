//! Connect Express onboarding: a teacher gets a Stripe account on first
//! request and finishes onboarding on Stripe's hosted pages. The mirror of the
//! account's status (`teachers.charges_enabled` …) is refreshed when the
//! teacher returns and on every `account.updated` webhook.

use sqlx::{Any, Row, Transaction};

use crate::backend::accounts::teachers::require_teacher;
use crate::backend::accounts::users::AccountError;
use crate::backend::payments::gateway::ConnectAccount;
use crate::backend::payments::GatewayError;
use crate::backend::{error, AppState, RequestContext};
use crate::i18n::strings;
use crate::model::payouts::{PayoutState, PayoutStatus};
use crate::model::{AppError, ErrorCode, Locale};

/// Connect accounts are created in the platform's country.
const ACCOUNT_COUNTRY: &str = "SE";

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("no such page")]
    NotFound,
    #[error("the payout account cannot take charges yet")]
    PaymentsNotEnabled,
    #[error(transparent)]
    Stripe(#[from] GatewayError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ConnectError {
    fn from(err: sqlx::Error) -> Self {
        ConnectError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl ConnectError {
    pub fn to_app_error(&self, locale: Locale) -> AppError {
        match self {
            ConnectError::Account(err) => err.to_app_error(locale),
            ConnectError::NotFound => {
                AppError::new(ErrorCode::NotFound, strings(locale).err_not_found)
            }
            ConnectError::PaymentsNotEnabled => AppError::new(
                ErrorCode::PaymentsNotEnabled,
                strings(locale).err_payments_not_enabled,
            ),
            ConnectError::Stripe(GatewayError::Unavailable(detail)) => {
                tracing::warn!(detail, "Stripe unavailable during onboarding");
                AppError::new(
                    ErrorCode::Unavailable,
                    strings(locale).err_stripe_unavailable,
                )
            }
            ConnectError::Stripe(err) => error::internal(
                &anyhow::anyhow!("Stripe refused a Connect call: {err}"),
                locale,
            ),
            ConnectError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

struct TeacherRow {
    account_id: Option<String>,
    charges_enabled: bool,
    payouts_enabled: bool,
    details_submitted: bool,
    payout_schedule: Option<String>,
    statement_descriptor_prefix: Option<String>,
}

async fn teacher_row(state: &AppState, teacher_id: &str) -> Result<TeacherRow, ConnectError> {
    let row = sqlx::query(
        "SELECT stripe_connect_account_id, charges_enabled, payouts_enabled, details_submitted, \
         payout_schedule, statement_descriptor_prefix FROM teachers WHERE id = $1",
    )
    .bind(teacher_id)
    .fetch_one(state.db.pool())
    .await?;
    Ok(TeacherRow {
        account_id: row.try_get("stripe_connect_account_id")?,
        charges_enabled: row.try_get::<i64, _>("charges_enabled")? == 1,
        payouts_enabled: row.try_get::<i64, _>("payouts_enabled")? == 1,
        details_submitted: row.try_get::<i64, _>("details_submitted")? == 1,
        payout_schedule: row.try_get("payout_schedule")?,
        statement_descriptor_prefix: row.try_get("statement_descriptor_prefix")?,
    })
}

fn status_of(row: &TeacherRow, currently_due: Vec<String>) -> PayoutStatus {
    PayoutStatus {
        state: PayoutState::of(row.account_id.is_some(), row.charges_enabled),
        charges_enabled: row.charges_enabled,
        payouts_enabled: row.payouts_enabled,
        details_submitted: row.details_submitted,
        currently_due,
        payout_schedule: row.payout_schedule.clone(),
        statement_descriptor_prefix: row.statement_descriptor_prefix.clone(),
    }
}

/// The signed-in teacher's payout status, from our mirror. When onboarding
/// is unfinished it also asks Stripe what is still needed (if Stripe does not
/// answer, the mirror alone is shown).
pub async fn status(state: &AppState, ctx: &RequestContext) -> Result<PayoutStatus, ConnectError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let row = teacher_row(state, &teacher_id).await?;
    let currently_due = match (&row.account_id, row.charges_enabled) {
        (Some(account_id), false) => match state.stripe.retrieve_account(account_id).await {
            Ok(account) => account.currently_due,
            Err(err) => {
                tracing::warn!(error = %err, "could not ask Stripe what onboarding still needs");
                Vec::new()
            }
        },
        _ => Vec::new(),
    };
    Ok(status_of(&row, currently_due))
}

/// Creates the teacher's Express account on first use and returns a fresh
/// onboarding link to send them to.
pub async fn start_onboarding(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<String, ConnectError> {
    let (user, teacher_id) = require_teacher(state, ctx).await?;
    let row = teacher_row(state, &teacher_id).await?;
    let account_id = match row.account_id {
        Some(id) => id,
        None => {
            // Idempotent by teacher id: two clicks, one account.
            let account = state
                .stripe
                .create_express_account(&teacher_id, ACCOUNT_COUNTRY, &user.email)
                .await?;
            sqlx::query(
                "UPDATE teachers SET stripe_connect_account_id = $1, updated_at = $2 \
                 WHERE id = $3 AND stripe_connect_account_id IS NULL",
            )
            .bind(&account.id)
            .bind(state.clock.now())
            .bind(&teacher_id)
            .execute(state.db.pool())
            .await?;
            tracing::info!(teacher_id, account_id = %account.id, "Connect account created");
            account.id
        }
    };
    let base = &state.settings.public_url;
    let url = state
        .stripe
        .create_onboarding_link(
            &account_id,
            &format!("{base}/studio/connect/refresh"),
            &format!("{base}/studio/connect/return"),
        )
        .await?;
    Ok(url)
}

/// Asks Stripe for the account's status and stores it (the return from
/// onboarding; webhooks may be slower than the teacher's browser).
pub async fn refresh(state: &AppState, ctx: &RequestContext) -> Result<PayoutStatus, ConnectError> {
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    let row = teacher_row(state, &teacher_id).await?;
    let Some(account_id) = row.account_id.as_deref() else {
        return Ok(status_of(&row, Vec::new()));
    };
    let account = state.stripe.retrieve_account(account_id).await?;
    let mut tx = state.db.pool().begin().await?;
    apply_account(&mut tx, &account, state.clock.now()).await?;
    tx.commit().await?;
    let row = teacher_row(state, &teacher_id).await?;
    Ok(status_of(&row, account.currently_due))
}

/// Mirrors an account's flags onto its teacher (used by `refresh` and by the
/// `account.updated` webhook). `onboarded_at` is set the first time charges
/// become enabled and kept after that. Returns whether a teacher matched.
pub async fn apply_account(
    tx: &mut Transaction<'_, Any>,
    account: &ConnectAccount,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let at = now;
    let done = sqlx::query(
        "UPDATE teachers SET charges_enabled = $1, payouts_enabled = $2, details_submitted = $3, \
         onboarded_at = CASE WHEN onboarded_at IS NULL AND $1 = 1 THEN $4 ELSE onboarded_at END, \
         updated_at = $4 WHERE stripe_connect_account_id = $5",
    )
    .bind(i64::from(account.charges_enabled))
    .bind(i64::from(account.payouts_enabled))
    .bind(i64::from(account.details_submitted))
    .bind(at)
    .bind(&account.id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether the teacher may take payments (the publish gate for paid sessions).
pub async fn charges_enabled(state: &AppState, teacher_id: &str) -> Result<bool, sqlx::Error> {
    let enabled: Option<i64> =
        sqlx::query_scalar("SELECT charges_enabled FROM teachers WHERE id = $1")
            .bind(teacher_id)
            .fetch_optional(state.db.pool())
            .await?;
    Ok(enabled == Some(1))
}

/// Every connected account we know, to re-create them in the simulator at
/// start-up (it keeps nothing across restarts): (id, email, charges, payouts, details).
pub async fn known_accounts(
    state: &AppState,
) -> Result<Vec<(String, String, bool, bool, bool)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT t.stripe_connect_account_id, u.email, t.charges_enabled, t.payouts_enabled, \
         t.details_submitted FROM teachers t JOIN users u ON u.id = t.user_id \
         WHERE t.stripe_connect_account_id IS NOT NULL",
    )
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("stripe_connect_account_id")?,
                row.try_get("email")?,
                row.try_get::<i64, _>("charges_enabled")? == 1,
                row.try_get::<i64, _>("payouts_enabled")? == 1,
                row.try_get::<i64, _>("details_submitted")? == 1,
            ))
        })
        .collect()
}
