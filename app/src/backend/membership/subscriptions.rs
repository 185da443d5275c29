//! Membership on Stripe Billing: one subscription per user, paid in the
//! Payment Element (the first invoice's confirmation secret). The webhooks
//! that keep it current are in `membership_events`.

use sqlx::Row;

use crate::backend::accounts::users::{self, AccountError};
use crate::backend::payments::gateway::CreatedSubscription;
use crate::backend::payments::GatewayError;
use crate::backend::{error, new_id, payments::products, AppState, RequestContext};
use crate::i18n::strings;
use crate::model::membership::{grants_access, ConfirmWith, MembershipView, SubscriptionStarted};
use crate::model::{AppError, ErrorCode, Locale};

use crate::model::membership::{AMOUNT_CENTS, CURRENCY};

#[derive(Debug, thiserror::Error)]
pub enum MembershipError {
    #[error("not signed in")]
    Unauthorized,
    #[error("no membership")]
    NotFound,
    #[error("Stripe is unavailable")]
    StripeUnavailable,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for MembershipError {
    fn from(err: sqlx::Error) -> Self {
        MembershipError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl From<AccountError> for MembershipError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::Unauthorized => MembershipError::Unauthorized,
            other => MembershipError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl From<GatewayError> for MembershipError {
    fn from(err: GatewayError) -> Self {
        match err {
            GatewayError::Unavailable(_) => MembershipError::StripeUnavailable,
            other => MembershipError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl MembershipError {
    pub fn to_app_error(&self, locale: Locale) -> AppError {
        let s = strings(locale);
        match self {
            MembershipError::Unauthorized => {
                AppError::new(ErrorCode::Unauthorized, s.err_unauthorized)
            }
            MembershipError::NotFound => AppError::new(ErrorCode::NotFound, s.err_not_found),
            MembershipError::StripeUnavailable => {
                AppError::new(ErrorCode::Unavailable, s.err_stripe_unavailable)
            }
            MembershipError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

/// The configured price, or the catalogue's (looked up once per process by its
/// lookup key, and created on demand: the simulator's case).
async fn price_id(state: &AppState) -> Result<String, MembershipError> {
    if let Some(id) = &state.settings.membership_price_id {
        return Ok(id.clone());
    }
    let id = state
        .membership_price
        .get_or_try_init(|| async {
            let spec = products::PRICES
                .iter()
                .find(|p| p.lookup_key == products::MEMBERSHIP_LOOKUP_KEY)
                .ok_or_else(|| anyhow::anyhow!("the catalogue has no membership price"))?;
            Ok::<_, MembershipError>(state.stripe.ensure_price(spec).await?.0)
        })
        .await?;
    Ok(id.clone())
}

/// The user's Stripe Customer, created once and stored on the user.
async fn customer_id(
    state: &AppState,
    user: &crate::model::User,
) -> Result<String, MembershipError> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT stripe_customer_id FROM users WHERE id = $1")
            .bind(&user.id)
            .fetch_one(state.db.pool())
            .await?;
    if let Some(id) = stored {
        return Ok(id);
    }
    let id = state
        .stripe
        .create_customer(&user.id, &user.email, &user.display_name)
        .await?;
    sqlx::query("UPDATE users SET stripe_customer_id = $1, updated_at = $2 WHERE id = $3 AND stripe_customer_id IS NULL")
        .bind(&id)
        .bind(state.clock.now())
        .bind(&user.id)
        .execute(state.db.pool())
        .await?;
    Ok(id)
}

struct Row_ {
    id: String,
    subscription: Option<String>,
    status: String,
    period_end: Option<i64>,
    paid_until: Option<i64>,
    cancel_at_period_end: bool,
    needs_payment_method: bool,
}

async fn row_of(state: &AppState, user_id: &str) -> Result<Option<Row_>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, stripe_subscription_id, status, current_period_end, paid_until, \
         cancel_at_period_end, needs_payment_method FROM memberships WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(state.db.pool())
    .await?;
    row.map(|row| {
        Ok(Row_ {
            id: row.try_get("id")?,
            subscription: row.try_get("stripe_subscription_id")?,
            status: row.try_get("status")?,
            period_end: row.try_get("current_period_end")?,
            paid_until: row.try_get("paid_until")?,
            cancel_at_period_end: row.try_get::<i64, _>("cancel_at_period_end")? == 1,
            needs_payment_method: row.try_get::<i64, _>("needs_payment_method")? == 1,
        })
    })
    .transpose()
}

/// What the browser confirms next: the open invoice (a first payment, or a
/// failed renewal paid with a new card) or a trial's SetupIntent (its card).
fn started(state: &AppState, sub: CreatedSubscription, trial_days: u32) -> SubscriptionStarted {
    let (client_secret, confirm_with) = match sub.status.as_str() {
        "incomplete" | "past_due" | "unpaid" => (sub.client_secret, ConfirmWith::Payment),
        "trialing" => (sub.setup_secret, ConfirmWith::Setup),
        _ => (None, ConfirmWith::Payment),
    };
    SubscriptionStarted {
        subscription_id: sub.id,
        client_secret,
        confirm_with,
        status: sub.status,
        trial_days,
        publishable_key: state.stripe.publishable_key().to_owned(),
        script_url: state.settings.stripe_js_url.clone(),
        amount_cents: AMOUNT_CENTS,
        currency: CURRENCY.into(),
    }
}

/// Starts the membership, or returns the one under way (one per user) with
/// what is still to confirm: an unpaid invoice, or a trial's card. A trial is
/// offered once per user: only to someone who never had a membership.
pub async fn subscribe(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<SubscriptionStarted, MembershipError> {
    let user = users::require_user(state, ctx).await?;
    let existing = row_of(state, &user.id).await?;
    if let Some(Row_ {
        subscription: Some(id),
        status,
        ..
    }) = &existing
    {
        if !matches!(status.as_str(), "canceled" | "incomplete_expired") {
            let sub = state.stripe.retrieve_subscription(id).await?;
            return Ok(started(state, sub, 0));
        }
    }
    let trial_days = if existing.is_none() {
        state.settings.membership_trial_days
    } else {
        0
    };
    let customer = customer_id(state, &user).await?;
    let price = price_id(state).await?;
    let at = state.clock.now();
    let row_id = match &existing {
        Some(row) => {
            // A new subscription for this row: until its id is stored, the
            // webhooks that race the answer are told to come back later.
            sqlx::query(
                "UPDATE memberships SET stripe_subscription_id = NULL, status = 'incomplete', \
                 status_event_at = NULL, needs_payment_method = 0, updated_at = $1 WHERE id = $2",
            )
            .bind(at)
            .bind(&row.id)
            .execute(state.db.pool())
            .await?;
            row.id.clone()
        }
        None => {
            let id = new_id();
            let inserted = sqlx::query(
                "INSERT INTO memberships (id, user_id, status, created_at, updated_at) VALUES ($1, $2, 'incomplete', $3, $3)",
            )
            .bind(&id)
            .bind(&user.id)
            .bind(at)
            .execute(state.db.pool())
            .await;
            match inserted {
                Ok(_) => id,
                // A concurrent first click made the row: use it.
                Err(err) if crate::backend::db::is_unique_violation(&err) => {
                    row_of(state, &user.id)
                        .await?
                        .map(|r| r.id)
                        .ok_or(MembershipError::NotFound)?
                }
                Err(err) => return Err(err.into()),
            }
        }
    };
    // One subscription per membership attempt: the key names the row and its start.
    let key = format!(
        "membership-{row_id}-{}",
        existing.as_ref().map_or(0, |r| r.period_end.unwrap_or(0))
    );
    let metadata = [
        ("user_id".to_owned(), user.id.clone()),
        ("membership_id".to_owned(), row_id.clone()),
    ]
    .into_iter()
    .collect();
    let sub = state
        .stripe
        .create_subscription(&customer, &price, trial_days, metadata, &key)
        .await?;
    sqlx::query(
        "UPDATE memberships SET stripe_subscription_id = $1, status = $2, current_period_end = $3, \
         cancel_at_period_end = 0, needs_payment_method = $4, status_event_at = NULL, updated_at = $5 \
         WHERE id = $6",
    )
    .bind(&sub.id)
    .bind(&sub.status)
    .bind(sub.current_period_end)
    .bind(i64::from(sub.setup_secret.is_some()))
    .bind(state.clock.now())
    .bind(&row_id)
    .execute(state.db.pool())
    .await?;
    tracing::info!(
        user_id = user.id,
        subscription = sub.id,
        "membership started"
    );
    Ok(started(state, sub, trial_days))
}

/// The signed-in user's membership.
pub async fn get(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<MembershipView, MembershipError> {
    let user = users::require_user(state, ctx).await?;
    let row = row_of(state, &user.id).await?;
    Ok(match row {
        Some(row) => MembershipView {
            is_member: grants_access(
                &row.status,
                row.period_end,
                row.paid_until,
                state.clock.now(),
            ),
            needs_payment_method: row.status == "past_due"
                || (row.status == "trialing" && row.needs_payment_method),
            trial_days: 0,
            current_period_end: row
                .period_end
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0)),
            cancel_at_period_end: row.cancel_at_period_end,
            status: row.status,
            amount_cents: AMOUNT_CENTS,
            currency: CURRENCY.into(),
        },
        None => MembershipView {
            status: "none".into(),
            is_member: false,
            current_period_end: None,
            cancel_at_period_end: false,
            needs_payment_method: false,
            trial_days: state.settings.membership_trial_days,
            amount_cents: AMOUNT_CENTS,
            currency: CURRENCY.into(),
        },
    })
}

/// Cancels at the end of the paid period (`true`), or resumes (`false`).
pub async fn set_cancel(
    state: &AppState,
    ctx: &RequestContext,
    cancel: bool,
) -> Result<MembershipView, MembershipError> {
    let user = users::require_user(state, ctx).await?;
    let row = row_of(state, &user.id)
        .await?
        .ok_or(MembershipError::NotFound)?;
    let subscription = row.subscription.ok_or(MembershipError::NotFound)?;
    if matches!(row.status.as_str(), "canceled" | "incomplete_expired") {
        return Err(MembershipError::NotFound);
    }
    let sub = state
        .stripe
        .set_cancel_at_period_end(&subscription, cancel)
        .await?;
    sqlx::query("UPDATE memberships SET cancel_at_period_end = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(sub.cancel_at_period_end))
        .bind(state.clock.now())
        .bind(&row.id)
        .execute(state.db.pool())
        .await?;
    // Stripe's answer is the truth of this moment: the webhook of an earlier
    // change may still be waiting in the inbox and be applied in between. Its
    // own webhook, which arrives after that one, settles the stored row.
    let mut view = get(state, ctx).await?;
    view.cancel_at_period_end = sub.cancel_at_period_end;
    Ok(view)
}
