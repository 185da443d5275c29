//! Connect Express: accounts and onboarding links.

use std::collections::HashMap;

use stripe_connect::account::{
    CreateAccount, CreateAccountCapabilities, CreateAccountCapabilitiesCardPayments,
    CreateAccountCapabilitiesTransfers, CreateAccountType, RetrieveAccount,
};
use stripe_connect::account_link::{CreateAccountLink, CreateAccountLinkType};

use super::{GatewayError, StripeGateway};

/// What we keep of a connected account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectAccount {
    pub id: String,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    /// What Stripe still needs before the account is fully enabled.
    pub currently_due: Vec<String>,
}

impl From<stripe_shared::Account> for ConnectAccount {
    fn from(account: stripe_shared::Account) -> Self {
        ConnectAccount {
            id: account.id.as_str().to_owned(),
            charges_enabled: account.charges_enabled.unwrap_or(false),
            payouts_enabled: account.payouts_enabled.unwrap_or(false),
            details_submitted: account.details_submitted.unwrap_or(false),
            currently_due: account
                .requirements
                .and_then(|r| r.currently_due)
                .unwrap_or_default(),
        }
    }
}

impl StripeGateway {
    /// Creates an Express account able to take card payments and receive
    /// transfers. `teacher_id` makes the call idempotent: a double click
    /// cannot create two accounts for one teacher.
    pub async fn create_express_account(
        &self,
        teacher_id: &str,
        country: &str,
        email: &str,
    ) -> Result<ConnectAccount, GatewayError> {
        let mut card = CreateAccountCapabilitiesCardPayments::new();
        card.requested = Some(true);
        let mut transfers = CreateAccountCapabilitiesTransfers::new();
        transfers.requested = Some(true);
        let mut capabilities = CreateAccountCapabilities::new();
        capabilities.card_payments = Some(card);
        capabilities.transfers = Some(transfers);
        let request = CreateAccount::new()
            .type_(CreateAccountType::Express)
            .country(country)
            .email(email)
            .capabilities(capabilities)
            .metadata(HashMap::from([(
                "teacher_id".to_owned(),
                teacher_id.to_owned(),
            )]));
        let key = format!("account-create-{teacher_id}");
        let account = self.send("create account", &request, Some(&key)).await?;
        Ok(account.into())
    }

    /// A fresh single-use onboarding link (they expire within minutes).
    pub async fn create_onboarding_link(
        &self,
        account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<String, GatewayError> {
        let request = CreateAccountLink::new(account_id, CreateAccountLinkType::AccountOnboarding)
            .refresh_url(refresh_url)
            .return_url(return_url);
        // Every link is new on purpose; the key only guards this call's retries.
        let link = self
            .send("create account link", &request, Some(&super::fresh_key()))
            .await?;
        Ok(link.url)
    }

    pub async fn retrieve_account(&self, account_id: &str) -> Result<ConnectAccount, GatewayError> {
        let request = RetrieveAccount::new(account_id);
        let account = self.send("retrieve account", &request, None).await?;
        Ok(account.into())
    }
}
