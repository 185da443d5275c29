//! Membership on Stripe Billing: one subscription per user, paid in the
//! Payment Element (the first invoice's confirmation secret), kept current
//! by webhooks that never move it backwards (the newest event wins).

use sqlx::{Any, Row, Transaction};
use stripe_shared::{Invoice, Subscription};
use stripe_types::Expandable;

use crate::backend::accounts::{self, AccountError};
use crate::backend::stripe::gateway::period_end;
use crate::backend::stripe::gateway::CreatedSubscription;
use crate::backend::stripe::GatewayError;
use crate::backend::{catalog, error, new_id, now, AppState, RequestContext};
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
            let spec = catalog::PRICES
                .iter()
                .find(|p| p.lookup_key == catalog::MEMBERSHIP_LOOKUP_KEY)
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
        .bind(now())
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
    let user = accounts::require_user(state, ctx).await?;
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
    let at = now();
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
    .bind(now())
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
    let user = accounts::require_user(state, ctx).await?;
    let row = row_of(state, &user.id).await?;
    Ok(match row {
        Some(row) => MembershipView {
            is_member: grants_access(&row.status, row.period_end, row.paid_until, now()),
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
    let user = accounts::require_user(state, ctx).await?;
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
        .bind(now())
        .bind(&row.id)
        .execute(state.db.pool())
        .await?;
    get(state, ctx).await
}

/// Queues a membership email to the subscription's owner (once per key).
async fn queue_notice(
    tx: &mut Transaction<'_, Any>,
    subscription: &str,
    notice: crate::backend::emails::MembershipNotice,
    dedupe_key: String,
    public_url: &str,
) -> anyhow::Result<()> {
    let row = sqlx::query(
        "SELECT u.email, u.display_name, u.locale FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.stripe_subscription_id = $1",
    )
    .bind(subscription)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(()) };
    let locale: String = row.try_get("locale")?;
    let email = crate::backend::emails::membership_notice(
        Locale::parse(&locale).unwrap_or_default(),
        notice,
        &row.try_get::<String, _>("email")?,
        &row.try_get::<String, _>("display_name")?,
        &format!("{public_url}/membership"),
        dedupe_key,
    );
    crate::backend::outbox::enqueue(tx, &email).await?;
    Ok(())
}

/// A webhook can outrun the answer to the create call: its subscription's id is
/// not stored yet, but its metadata names the membership waiting for one. Such
/// an event fails, so Stripe delivers it again once the id is stored.
async fn refuse_if_not_stored_yet(
    tx: &mut Transaction<'_, Any>,
    membership_id: Option<&String>,
    subscription: &str,
) -> anyhow::Result<()> {
    let Some(id) = membership_id else {
        return Ok(());
    };
    let waiting: Option<String> = sqlx::query_scalar(
        "SELECT id FROM memberships WHERE id = $1 AND stripe_subscription_id IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    if waiting.is_some() {
        anyhow::bail!(
            "membership {id} has not stored subscription {subscription} yet; retry later"
        );
    }
    Ok(())
}

async fn stored_status(
    tx: &mut Transaction<'_, Any>,
    subscription: &str,
) -> anyhow::Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT status FROM memberships WHERE stripe_subscription_id = $1")
            .bind(subscription)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// `customer.subscription.created|updated|deleted`: status, period end and
/// `cancel_at_period_end`, unless a newer event was applied already. Stripe's
/// `created` has one-second resolution, so on top of that a subscription never
/// goes back to `incomplete` (its first state) or to `trialing` once paid:
/// a late `created` event from the same second as the payment changes nothing.
pub async fn apply_subscription(
    tx: &mut Transaction<'_, Any>,
    sub: &Subscription,
    event_created: i64,
    public_url: &str,
) -> anyhow::Result<bool> {
    let before = stored_status(tx, sub.id.as_str()).await?;
    let done = sqlx::query(
        "UPDATE memberships SET status = $2, current_period_end = COALESCE($3, current_period_end), \
         cancel_at_period_end = $4, needs_payment_method = $7, status_event_at = $5, updated_at = $6 \
         WHERE stripe_subscription_id = $1 AND (status_event_at IS NULL OR status_event_at <= $5) \
         AND ($2 <> 'incomplete' OR status = 'incomplete') \
         AND ($2 <> 'trialing' OR status IN ('incomplete', 'trialing'))",
    )
    .bind(sub.id.as_str())
    .bind(sub.status.as_str())
    .bind(period_end(sub))
    .bind(i64::from(sub.cancel_at_period_end))
    .bind(event_created)
    .bind(now())
    .bind(i64::from(sub.pending_setup_intent.is_some()))
    .execute(&mut **tx)
    .await?;
    let applied = done.rows_affected() > 0;
    if !applied {
        refuse_if_not_stored_yet(tx, sub.metadata.get("membership_id"), sub.id.as_str()).await?;
    }
    if applied && sub.status.as_str() == "canceled" && before.as_deref() != Some("canceled") {
        let key = format!("membership-ended:{}", sub.id.as_str());
        queue_notice(
            tx,
            sub.id.as_str(),
            crate::backend::emails::MembershipNotice::Ended,
            key,
            public_url,
        )
        .await?;
    }
    Ok(applied)
}

/// The invoice's subscription, and the membership its metadata names.
fn subscription_of(invoice: &Invoice) -> Option<(String, Option<String>)> {
    let parent = invoice.parent.as_ref()?.subscription_details.as_ref()?;
    let id = match &parent.subscription {
        Expandable::Id(id) => id.as_str().to_owned(),
        Expandable::Object(sub) => sub.id.as_str().to_owned(),
    };
    let membership = parent
        .metadata
        .as_ref()
        .and_then(|m| m.get("membership_id").cloned());
    Some((id, membership))
}

/// `invoice.paid` → active, and paid until the invoice's period end;
/// `invoice.payment_failed` → past_due (access continues until `paid_until`).
/// A failed first invoice leaves the subscription `incomplete`, as Stripe
/// does, and a trial's free invoice leaves it `trialing`.
pub async fn apply_invoice(
    tx: &mut Transaction<'_, Any>,
    invoice: &Invoice,
    paid: bool,
    event_created: i64,
    public_url: &str,
) -> anyhow::Result<bool> {
    let Some((subscription, membership_id)) = subscription_of(invoice) else {
        return Ok(false);
    };
    let before = stored_status(tx, &subscription).await?;
    let status = if paid { "active" } else { "past_due" };
    let period_end = invoice
        .lines
        .data
        .iter()
        .map(|line| line.period.end)
        .max()
        .unwrap_or(0);
    // Only a paid invoice moves `paid_until`; only a paid one with money in it
    // ends a trial (the trial's own invoice is free).
    let paid_until = if paid { period_end } else { 0 };
    let free = i64::from(invoice.total == 0);
    let done = sqlx::query(
        "UPDATE memberships SET \
         status = CASE WHEN $6 = 1 AND status = 'trialing' THEN status ELSE $2 END, \
         current_period_end = CASE WHEN $3 > COALESCE(current_period_end, 0) THEN $3 ELSE current_period_end END, \
         paid_until = CASE WHEN $7 > COALESCE(paid_until, 0) THEN $7 ELSE paid_until END, \
         status_event_at = $4, updated_at = $5 \
         WHERE stripe_subscription_id = $1 AND status <> 'canceled' \
         AND ($2 = 'active' OR status <> 'incomplete') \
         AND (status_event_at IS NULL OR status_event_at <= $4)",
    )
    .bind(&subscription)
    .bind(status)
    .bind(period_end)
    .bind(event_created)
    .bind(now())
    .bind(free)
    .bind(paid_until)
    .execute(&mut **tx)
    .await?;
    let applied = done.rows_affected() > 0;
    if !applied {
        refuse_if_not_stored_yet(tx, membership_id.as_ref(), &subscription).await?;
    }
    if applied {
        use crate::backend::emails::MembershipNotice;
        let invoice_id = invoice
            .id
            .as_ref()
            .map(|id| id.as_str().to_owned())
            .unwrap_or_default();
        // The first paid invoice: a trial's free one, or the first charge.
        if paid && matches!(before.as_deref(), Some("incomplete" | "trialing")) {
            let key = format!("membership-welcome:{subscription}");
            queue_notice(
                tx,
                &subscription,
                MembershipNotice::Welcome,
                key,
                public_url,
            )
            .await?;
        } else if !paid {
            let key = format!("membership-failed:{invoice_id}");
            queue_notice(
                tx,
                &subscription,
                MembershipNotice::PaymentFailed,
                key,
                public_url,
            )
            .await?;
        }
    }
    Ok(applied)
}
