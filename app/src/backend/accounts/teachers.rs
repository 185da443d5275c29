//! The teacher role: a user with a `teachers` row may teach.

use crate::backend::accounts::users::{self, AccountError};
use crate::backend::{AppState, RequestContext};
use crate::model::User;

/// The signed-in user and their teacher id, or why they may not teach.
pub async fn require_teacher(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<(User, String), AccountError> {
    let user = users::require_user(state, ctx).await?;
    let teacher_id: Option<String> =
        sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
            .bind(&user.id)
            .fetch_optional(state.db.pool())
            .await?;
    let teacher_id = teacher_id.ok_or(AccountError::NotTeacher)?;
    Ok((user, teacher_id))
}
