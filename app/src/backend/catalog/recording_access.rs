//! Who may watch a recording: its teacher, students who booked the session,
//! and active members. This is the one place that decides it; every page
//! and endpoint asks here. Loaded once per request (two queries), so lists
//! do not query per session.

use std::collections::HashSet;

use crate::backend::AppState;
use crate::model::User;

#[derive(Debug, Default)]
pub struct RecordingAccess {
    user_id: Option<String>,
    teacher_id: Option<String>,
    member: bool,
    booked: HashSet<String>,
}

impl RecordingAccess {
    pub async fn load(
        state: &AppState,
        viewer: Option<&User>,
    ) -> Result<RecordingAccess, sqlx::Error> {
        match viewer {
            Some(user) => RecordingAccess::for_user_id(state, &user.id).await,
            None => Ok(RecordingAccess::default()),
        }
    }

    /// The access of a user known by id (the owner of a join link, who may
    /// click it without signing in).
    pub async fn for_user_id(
        state: &AppState,
        user_id: &str,
    ) -> Result<RecordingAccess, sqlx::Error> {
        let teacher_id: Option<String> =
            sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(state.db.pool())
                .await?;
        let member: Option<String> = sqlx::query_scalar(
            // The same rule as `model::membership::grants_access`.
            "SELECT id FROM memberships WHERE user_id = $1 \
             AND ((status IN ('active', 'trialing') \
                   AND (current_period_end IS NULL OR current_period_end > $2)) \
               OR (status = 'past_due' AND paid_until > $2))",
        )
        .bind(user_id)
        .bind(state.clock.now())
        .fetch_optional(state.db.pool())
        .await?;
        let booked: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT session_id FROM orders WHERE user_id = $1 AND status = 'paid' AND session_id IS NOT NULL",
        )
        .bind(user_id)
        .fetch_all(state.db.pool())
        .await?;
        Ok(RecordingAccess {
            user_id: Some(user_id.to_owned()),
            teacher_id,
            member: member.is_some(),
            booked: booked.into_iter().collect(),
        })
    }

    /// Is this viewer the teacher of a session (who alone sees its room)?
    pub fn teaches(&self, session_teacher_id: &str) -> bool {
        self.teacher_id.as_deref() == Some(session_teacher_id)
    }

    /// May this viewer watch the recording of this session?
    pub fn allows(&self, session_teacher_id: &str, session_id: &str) -> bool {
        self.user_id.is_some()
            && (self.member
                || self.teacher_id.as_deref() == Some(session_teacher_id)
                || self.booked.contains(session_id))
    }
}
