//! Stripe Billing: subscriptions, and the Products/Prices they are sold at.

use std::collections::HashMap;

use stripe_billing::subscription::{
    CancelSubscription, CreateSubscription, CreateSubscriptionItems,
    CreateSubscriptionPaymentBehavior, CreateSubscriptionPaymentSettings,
    CreateSubscriptionPaymentSettingsSaveDefaultPaymentMethod, RetrieveSubscription,
    UpdateSubscription,
};
use stripe_product::price::{
    CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval, ListPrice,
};
use stripe_product::product::CreateProduct;
use stripe_shared::{InvoiceStatus, Subscription};
use stripe_types::Expandable;

use super::payments::currency;
use super::{GatewayError, StripeGateway};

/// A subscription as created or retrieved, with what the browser confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedSubscription {
    pub id: String,
    pub status: String,
    /// The open latest invoice's confirmation secret, which the Payment Element
    /// pays (in API 2026-09-30.endive the invoice's `confirmation_secret`);
    /// `None` once that invoice is paid.
    pub client_secret: Option<String>,
    /// A trial's `pending_setup_intent` secret: the card saved for the first
    /// charge (confirmSetup). `None` once it is saved or without a trial.
    pub setup_secret: Option<String>,
    /// End of the current period (on the subscription items in this API version).
    pub current_period_end: Option<i64>,
    pub cancel_at_period_end: bool,
}

impl From<&Subscription> for CreatedSubscription {
    fn from(sub: &Subscription) -> Self {
        let client_secret = match &sub.latest_invoice {
            Some(Expandable::Object(invoice))
                if invoice.status.as_ref() == Some(&InvoiceStatus::Open) =>
            {
                invoice
                    .confirmation_secret
                    .as_ref()
                    .map(|secret| secret.client_secret.clone())
            }
            _ => None,
        };
        let setup_secret = match &sub.pending_setup_intent {
            Some(Expandable::Object(intent)) => intent.client_secret.clone(),
            _ => None,
        };
        CreatedSubscription {
            id: sub.id.as_str().to_owned(),
            status: sub.status.as_str().to_owned(),
            client_secret,
            setup_secret,
            current_period_end: period_end(sub),
            cancel_at_period_end: sub.cancel_at_period_end,
        }
    }
}

/// What a subscription response expands: the open invoice's secret and a
/// trial's SetupIntent.
fn expansions() -> Vec<String> {
    vec![
        "latest_invoice.confirmation_secret".to_owned(),
        "pending_setup_intent".to_owned(),
    ]
}

/// The end of the paid period: on the items in this API version.
pub fn period_end(sub: &Subscription) -> Option<i64> {
    sub.items.data.iter().map(|i| i.current_period_end).max()
}

/// A price identified by its lookup key, created if missing.
#[derive(Debug, Clone)]
pub struct PriceSpec<'a> {
    pub lookup_key: &'a str,
    pub product_name: &'a str,
    pub unit_amount_cents: i64,
    pub currency: &'a str,
    /// `true` for a monthly recurring price, `false` for a one-off price.
    pub monthly: bool,
}

impl StripeGateway {
    /// Starts a subscription whose first invoice the customer pays in the
    /// Payment Element, or, with `trial_days`, a trial whose SetupIntent saves
    /// the card for the first charge. `key` is ours (e.g. "membership-<id>-0").
    pub async fn create_subscription(
        &self,
        customer_id: &str,
        price_id: &str,
        trial_days: u32,
        metadata: HashMap<String, String>,
        key: &str,
    ) -> Result<CreatedSubscription, GatewayError> {
        let mut item = CreateSubscriptionItems::new();
        item.price = Some(price_id.to_owned());
        let mut settings = CreateSubscriptionPaymentSettings::new();
        settings.save_default_payment_method =
            Some(CreateSubscriptionPaymentSettingsSaveDefaultPaymentMethod::OnSubscription);
        let mut request = CreateSubscription::new()
            .customer(customer_id)
            .items(vec![item])
            .payment_behavior(CreateSubscriptionPaymentBehavior::DefaultIncomplete)
            .payment_settings(settings)
            .metadata(metadata)
            .expand(expansions());
        if trial_days > 0 {
            request = request.trial_period_days(trial_days);
        }
        let sub = self
            .send("create subscription", &request, Some(key))
            .await?;
        Ok(CreatedSubscription::from(&sub))
    }

    /// A subscription with its open invoice's confirmation secret and a
    /// trial's SetupIntent (to resume paying, or to give a new card).
    pub async fn retrieve_subscription(
        &self,
        id: &str,
    ) -> Result<CreatedSubscription, GatewayError> {
        let request = RetrieveSubscription::new(id).expand(expansions());
        let sub = self.send("retrieve subscription", &request, None).await?;
        Ok(CreatedSubscription::from(&sub))
    }

    /// Cancels at the end of the paid period (`true`) or takes that back.
    pub async fn set_cancel_at_period_end(
        &self,
        id: &str,
        cancel: bool,
    ) -> Result<CreatedSubscription, GatewayError> {
        let request = UpdateSubscription::new(id).cancel_at_period_end(cancel);
        let key = format!("{id}-cancel-at-period-end-{}", super::fresh_key());
        let sub = self
            .send("update subscription", &request, Some(&key))
            .await?;
        Ok(CreatedSubscription::from(&sub))
    }

    /// Cancels a subscription at once.
    pub async fn cancel_subscription(&self, id: &str) -> Result<String, GatewayError> {
        let request = CancelSubscription::new(id);
        let key = format!("{id}-cancel");
        let sub = self
            .send("cancel subscription", &request, Some(&key))
            .await?;
        Ok(sub.status.as_str().to_owned())
    }

    /// Returns the id of the price with this lookup key, creating the product
    /// and the price when there is none. Running it twice creates nothing new.
    pub async fn ensure_price(&self, spec: &PriceSpec<'_>) -> Result<(String, bool), GatewayError> {
        let list = ListPrice::new().lookup_keys(vec![spec.lookup_key.to_owned()]);
        let existing = self.send("list prices", &list, None).await?;
        if let Some(price) = existing.data.first() {
            return Ok((price.id.as_str().to_owned(), false));
        }
        let product = CreateProduct::new(spec.product_name);
        let product_key = format!("product-{}", spec.lookup_key);
        let product = self
            .send("create product", &product, Some(&product_key))
            .await?;
        let mut price = CreatePrice::new(currency(spec.currency))
            .product(product.id.as_str())
            .unit_amount(spec.unit_amount_cents)
            .lookup_key(spec.lookup_key);
        if spec.monthly {
            price = price.recurring(CreatePriceRecurring::new(
                CreatePriceRecurringInterval::Month,
            ));
        }
        let price_key = format!("price-{}", spec.lookup_key);
        let price = self.send("create price", &price, Some(&price_key)).await?;
        Ok((price.id.as_str().to_owned(), true))
    }
}
