//! Customers, PaymentIntents (destination charges) and refunds.

use std::collections::HashMap;

use stripe_core::customer::{CreateCustomer, UpdateCustomer};
use stripe_core::payment_intent::{
    CancelPaymentIntent, CancelPaymentIntentCancellationReason, CreatePaymentIntent,
    CreatePaymentIntentAutomaticPaymentMethods, CreatePaymentIntentTransferData,
    RetrievePaymentIntent,
};
use stripe_core::refund::CreateRefund;
use stripe_shared::{PaymentIntent, PaymentIntentStatus};

use super::{GatewayError, StripeGateway};

/// A one-off payment to a teacher's connected account, minus the platform fee.
#[derive(Debug, Clone)]
pub struct DestinationCharge<'a> {
    /// Our order id: the idempotency key and the metadata that ties the
    /// PaymentIntent back to the order in webhooks.
    pub order_id: &'a str,
    pub amount_cents: i64,
    /// ISO code, any case.
    pub currency: &'a str,
    pub destination_account: &'a str,
    pub application_fee_cents: i64,
    pub receipt_email: &'a str,
    pub description: &'a str,
    /// More metadata (slot_id or course_id, user_id).
    pub metadata: Vec<(&'a str, String)>,
}

/// The states we act on; anything else is `Other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentIntentState {
    RequiresPaymentMethod,
    RequiresAction,
    Processing,
    Succeeded,
    Canceled,
    Other(String),
}

/// What we keep of a PaymentIntent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntentInfo {
    pub id: String,
    pub client_secret: String,
    pub state: PaymentIntentState,
    pub amount_cents: i64,
    pub currency: String,
    /// Stripe's message for the last failed attempt, for the payer.
    pub last_error: Option<String>,
    pub metadata: HashMap<String, String>,
}

impl From<PaymentIntent> for PaymentIntentInfo {
    fn from(pi: PaymentIntent) -> Self {
        let state = match &pi.status {
            PaymentIntentStatus::RequiresPaymentMethod => PaymentIntentState::RequiresPaymentMethod,
            PaymentIntentStatus::RequiresAction => PaymentIntentState::RequiresAction,
            PaymentIntentStatus::Processing => PaymentIntentState::Processing,
            PaymentIntentStatus::Succeeded => PaymentIntentState::Succeeded,
            PaymentIntentStatus::Canceled => PaymentIntentState::Canceled,
            other => PaymentIntentState::Other(other.as_str().to_owned()),
        };
        PaymentIntentInfo {
            id: pi.id.as_str().to_owned(),
            client_secret: pi.client_secret.clone().unwrap_or_default(),
            state,
            amount_cents: pi.amount,
            currency: pi.currency.to_string(),
            last_error: pi
                .last_payment_error
                .as_ref()
                .and_then(|e| e.message.clone()),
            metadata: pi.metadata,
        }
    }
}

/// What we keep of a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundInfo {
    pub id: String,
    pub amount_cents: i64,
    pub status: String,
}

pub(super) fn currency(code: &str) -> stripe_types::Currency {
    // Parsing cannot fail: an unknown code is sent as it is and Stripe refuses it.
    let Ok(currency) = code.to_ascii_lowercase().parse();
    currency
}

impl StripeGateway {
    /// Creates the Customer for one of our users, once: the key is the user id.
    pub async fn create_customer(
        &self,
        user_id: &str,
        email: &str,
        name: &str,
    ) -> Result<String, GatewayError> {
        let request = CreateCustomer::new()
            .email(email)
            .name(name)
            .metadata(HashMap::from([("user_id".to_owned(), user_id.to_owned())]));
        let key = format!("customer-create-{user_id}");
        let customer = self.send("create customer", &request, Some(&key)).await?;
        Ok(customer.id.as_str().to_owned())
    }

    /// Gives an existing Customer the user's new email address (receipts from
    /// Stripe go there). Setting the same address twice changes nothing.
    pub async fn update_customer_email(
        &self,
        customer_id: &str,
        email: &str,
    ) -> Result<(), GatewayError> {
        let request = UpdateCustomer::new(customer_id).email(email);
        self.send("update customer", &request, None).await?;
        Ok(())
    }

    /// Creates the PaymentIntent of an order as a destination charge. Calling
    /// it again for the same order returns the same PaymentIntent.
    pub async fn create_destination_payment(
        &self,
        charge: &DestinationCharge<'_>,
    ) -> Result<PaymentIntentInfo, GatewayError> {
        let mut metadata = HashMap::from([("order_id".to_owned(), charge.order_id.to_owned())]);
        for (name, value) in &charge.metadata {
            metadata.insert((*name).to_owned(), value.clone());
        }
        let request = CreatePaymentIntent::new(charge.amount_cents, currency(charge.currency))
            .automatic_payment_methods(CreatePaymentIntentAutomaticPaymentMethods::new(true))
            .transfer_data(CreatePaymentIntentTransferData::new(
                charge.destination_account,
            ))
            .application_fee_amount(charge.application_fee_cents)
            .receipt_email(charge.receipt_email)
            .description(charge.description)
            .statement_descriptor_suffix(self.statement_descriptor_suffix.as_str())
            .metadata(metadata);
        let key = format!("order-{}-payment-intent", charge.order_id);
        let pi = self
            .send("create payment intent", &request, Some(&key))
            .await?;
        Ok(pi.into())
    }

    pub async fn retrieve_payment_intent(
        &self,
        id: &str,
    ) -> Result<PaymentIntentInfo, GatewayError> {
        let request = RetrievePaymentIntent::new(id);
        Ok(self
            .send("retrieve payment intent", &request, None)
            .await?
            .into())
    }

    /// Cancels an unpaid PaymentIntent (an expired seat hold).
    pub async fn cancel_payment_intent(&self, id: &str) -> Result<PaymentIntentInfo, GatewayError> {
        let request = CancelPaymentIntent::new(id)
            .cancellation_reason(CancelPaymentIntentCancellationReason::Abandoned);
        let key = format!("{id}-cancel");
        Ok(self
            .send("cancel payment intent", &request, Some(&key))
            .await?
            .into())
    }

    /// Refunds a destination charge in full (or `amount_cents` of it), taking
    /// the money back from the teacher and the fee back from the platform.
    /// `refund_key` names this refund (e.g. "order-…-refund"): a double click
    /// refunds once.
    pub async fn refund_payment(
        &self,
        payment_intent_id: &str,
        amount_cents: Option<i64>,
        refund_key: &str,
    ) -> Result<RefundInfo, GatewayError> {
        let refund = RefundOf {
            payment_intent: payment_intent_id,
            amount_cents,
            reverse_transfer: true,
            refund_application_fee: true,
        };
        self.refund(&refund, refund_key).await
    }

    /// A refund as the platform's console asks for it: the admin chooses
    /// whether the teacher's transfer and the platform's fee are reversed.
    pub async fn refund(
        &self,
        refund: &RefundOf<'_>,
        refund_key: &str,
    ) -> Result<RefundInfo, GatewayError> {
        let mut request = CreateRefund::new()
            .payment_intent(refund.payment_intent)
            .reverse_transfer(refund.reverse_transfer)
            .refund_application_fee(refund.refund_application_fee);
        if let Some(amount) = refund.amount_cents {
            request = request.amount(amount);
        }
        let refund = self
            .send("create refund", &request, Some(refund_key))
            .await?;
        Ok(RefundInfo {
            id: refund.id.as_str().to_owned(),
            amount_cents: refund.amount,
            status: refund.status.unwrap_or_default(),
        })
    }
}

/// What to refund of a payment.
#[derive(Debug, Clone)]
pub struct RefundOf<'a> {
    pub payment_intent: &'a str,
    /// `None`: all that is left.
    pub amount_cents: Option<i64>,
    pub reverse_transfer: bool,
    pub refund_application_fee: bool,
}
