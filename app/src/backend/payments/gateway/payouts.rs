//! Connect Express payouts: a connected account's payout settings and the
//! login link to its Express dashboard.

use stripe_connect::account::{
    CardPaymentsSettingsSpecs, UpdateAccount, UpdateAccountSettings, UpdateAccountSettingsPayouts,
    UpdateAccountSettingsPayoutsSchedule, UpdateAccountSettingsPayoutsScheduleInterval,
    UpdateAccountSettingsPayoutsScheduleWeeklyAnchor,
};
use stripe_connect::login_link::CreateAccountLoginLink;

use super::{GatewayError, StripeGateway};

/// How often Stripe pays a connected account's available balance out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutInterval {
    Daily,
    Weekly,
    Monthly,
}

impl PayoutInterval {
    pub fn parse(value: &str) -> Option<PayoutInterval> {
        match value {
            "daily" => Some(PayoutInterval::Daily),
            "weekly" => Some(PayoutInterval::Weekly),
            "monthly" => Some(PayoutInterval::Monthly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PayoutInterval::Daily => "daily",
            PayoutInterval::Weekly => "weekly",
            PayoutInterval::Monthly => "monthly",
        }
    }
}

impl StripeGateway {
    /// Sets the account's payout schedule and its card statement descriptor
    /// prefix (`""` removes the prefix). Weekly payouts go out on Mondays and
    /// monthly ones on the 1st: Stripe needs an anchor for both. `key` makes
    /// a retried save one update.
    pub async fn update_payout_settings(
        &self,
        account_id: &str,
        interval: PayoutInterval,
        descriptor_prefix: &str,
        key: &str,
    ) -> Result<(), GatewayError> {
        let mut schedule = UpdateAccountSettingsPayoutsSchedule::new();
        schedule.interval = Some(match interval {
            PayoutInterval::Daily => UpdateAccountSettingsPayoutsScheduleInterval::Daily,
            PayoutInterval::Weekly => UpdateAccountSettingsPayoutsScheduleInterval::Weekly,
            PayoutInterval::Monthly => UpdateAccountSettingsPayoutsScheduleInterval::Monthly,
        });
        match interval {
            PayoutInterval::Daily => {}
            PayoutInterval::Weekly => {
                schedule.weekly_anchor =
                    Some(UpdateAccountSettingsPayoutsScheduleWeeklyAnchor::Monday);
            }
            PayoutInterval::Monthly => schedule.monthly_anchor = Some(1),
        }
        let mut payouts = UpdateAccountSettingsPayouts::new();
        payouts.schedule = Some(schedule);
        let mut card_payments = CardPaymentsSettingsSpecs::new();
        card_payments.statement_descriptor_prefix = Some(descriptor_prefix.to_owned());
        let mut settings = UpdateAccountSettings::new();
        settings.payouts = Some(payouts);
        settings.card_payments = Some(card_payments);
        let request = UpdateAccount::new(account_id).settings(settings);
        self.send("update payout settings", &request, Some(key))
            .await?;
        Ok(())
    }

    /// A fresh single-use link that signs the teacher in to their Express
    /// dashboard (Stripe refuses it until onboarding details are submitted).
    pub async fn create_login_link(&self, account_id: &str) -> Result<String, GatewayError> {
        let request = CreateAccountLoginLink::new(account_id);
        // Every link is new on purpose; the key only guards this call's retries.
        let link = self
            .send("create login link", &request, Some(&super::fresh_key()))
            .await?;
        Ok(link.url)
    }
}
