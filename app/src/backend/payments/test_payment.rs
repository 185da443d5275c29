//! The studio's test payment, offered only while payments are simulated: a
//! teacher pays SEK 100 to their own connected account through the real
//! gateway and the Payment Element, to see the whole path work.

use crate::backend::accounts::teachers::require_teacher;
use crate::backend::payments::connect::ConnectError;
use crate::backend::payments::gateway::DestinationCharge;
use crate::backend::{new_id, AppState, RequestContext};
use crate::model::payouts::PaymentSetup;

const AMOUNT_CENTS: i64 = 10_000;
const CURRENCY: &str = "sek";

pub async fn create(state: &AppState, ctx: &RequestContext) -> Result<PaymentSetup, ConnectError> {
    if !state.settings.stripe_simulated {
        return Err(ConnectError::NotFound);
    }
    let (user, teacher_id) = require_teacher(state, ctx).await?;
    let account: Option<String> = sqlx::query_scalar(
        "SELECT stripe_connect_account_id FROM teachers WHERE id = $1 AND charges_enabled = 1",
    )
    .bind(&teacher_id)
    .fetch_optional(state.db.pool())
    .await?
    .flatten();
    let account = account.ok_or(ConnectError::PaymentsNotEnabled)?;
    let id = format!("paytest-{}", new_id());
    let intent = state
        .stripe
        .create_destination_payment(&DestinationCharge {
            order_id: &id,
            amount_cents: AMOUNT_CENTS,
            currency: CURRENCY,
            destination_account: &account,
            application_fee_cents: AMOUNT_CENTS / 5,
            receipt_email: &user.email,
            description: "Aveli test payment",
            metadata: vec![("purpose", "studio-test".to_owned())],
        })
        .await?;
    Ok(PaymentSetup {
        client_secret: intent.client_secret,
        confirm_with: crate::model::membership::ConfirmWith::Payment,
        publishable_key: state.stripe.publishable_key().to_owned(),
        script_url: state.settings.stripe_js_url.clone(),
        amount_cents: AMOUNT_CENTS,
        currency: CURRENCY.into(),
    })
}
