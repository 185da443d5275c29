//! What the account page shows beside the user: whether their address is
//! confirmed, and their devices. One session lookup for all of it.

use crate::backend::accounts::users::{current_user, AccountError};
use crate::backend::accounts::{devices, email_change};
use crate::backend::{AppState, RequestContext};
use crate::model::account::AccountOverview;

/// The signed-in user's overview, or `None` for a visitor.
pub async fn of(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<Option<AccountOverview>, AccountError> {
    let Some(user) = current_user(state, ctx).await? else {
        return Ok(None);
    };
    let email_verified = email_change::is_verified(state, &user.id).await?;
    let devices = devices::of_user(state, ctx, &user).await?;
    Ok(Some(AccountOverview {
        user,
        email_verified,
        devices,
    }))
}
