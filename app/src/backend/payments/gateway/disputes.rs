//! Disputes: the platform's evidence.

use stripe_core::dispute::{UpdateDispute, UpdateDisputeEvidence};

use super::{GatewayError, StripeGateway};
use crate::model::admin::DisputeEvidence;

/// A field as Stripe takes it: an empty one is not sent (it would erase
/// what was sent before).
fn field(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl StripeGateway {
    /// Sends the evidence of a dispute, and submits it unless `submit` is
    /// false. Answers Stripe's new status of the dispute.
    pub async fn submit_dispute_evidence(
        &self,
        dispute_id: &str,
        evidence: &DisputeEvidence,
        submit: bool,
    ) -> Result<String, GatewayError> {
        let mut fields = UpdateDisputeEvidence::new();
        fields.product_description = field(&evidence.product_description);
        fields.customer_name = field(&evidence.customer_name);
        fields.customer_email_address = field(&evidence.customer_email_address);
        fields.service_date = field(&evidence.service_date);
        fields.cancellation_policy_disclosure = field(&evidence.cancellation_policy_disclosure);
        fields.access_activity_log = field(&evidence.access_activity_log);
        fields.uncategorized_text = field(&evidence.uncategorized_text);
        let request = UpdateDispute::new(dispute_id)
            .evidence(fields)
            .submit(submit);
        // Each sending is new on purpose (the admin may edit and send again
        // before submitting); the key only guards this call's retries.
        let dispute = self
            .send("update dispute", &request, Some(&super::fresh_key()))
            .await?;
        Ok(dispute.status.as_str().to_owned())
    }
}
