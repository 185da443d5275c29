//! Courses: a teacher creates and edits them with their lessons; everyone
//! may list the published ones; drafts stay with their teacher. Lesson links
//! reach only the course's teacher and its enrolled students.

use std::collections::HashMap;

use anyhow::Context;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::backend::accounts::teachers::require_teacher;
use crate::backend::catalog::sessions::{owner_refusal, SessionError};
use crate::backend::{accounts::users, error, new_id, AppState, RequestContext};
use crate::i18n::strings;
use crate::model::course::{Course, CourseInput, CourseRule, EnrolledCourse, Lesson};
use crate::model::session::{Currency, Visibility};
use crate::model::{AppError, ErrorCode, Locale};

/// How many courses "Rekommenderade kurser" shows.
pub const RECOMMENDED_LIMIT: i64 = 6;
/// How many of the newest courses the landing page shows.
pub const LANDING_LIMIT: i64 = 6;
/// The most courses one public listing returns.
pub const LIST_LIMIT: i64 = 200;

#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    #[error(transparent)]
    Rule(#[from] CourseRule),
    #[error("not signed in")]
    Unauthorized,
    #[error("not a teacher")]
    NotTeacher,
    #[error("someone else's course")]
    Forbidden,
    #[error("no such course")]
    NotFound,
    #[error("a paid course needs a payout account that can take charges")]
    PaymentsNotEnabled,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for CourseError {
    fn from(err: sqlx::Error) -> Self {
        CourseError::Unexpected(anyhow::Error::new(err).context("database"))
    }
}

impl From<users::AccountError> for CourseError {
    fn from(err: users::AccountError) -> Self {
        match err {
            users::AccountError::Unauthorized => CourseError::Unauthorized,
            users::AccountError::NotTeacher => CourseError::NotTeacher,
            other => CourseError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl From<SessionError> for CourseError {
    fn from(err: SessionError) -> Self {
        match err {
            SessionError::Unauthorized => CourseError::Unauthorized,
            SessionError::NotTeacher => CourseError::NotTeacher,
            SessionError::Forbidden => CourseError::Forbidden,
            SessionError::NotFound => CourseError::NotFound,
            SessionError::PaymentsNotEnabled => CourseError::PaymentsNotEnabled,
            SessionError::Unexpected(err) => CourseError::Unexpected(err),
            SessionError::Rule(rule) => {
                CourseError::Unexpected(anyhow::anyhow!("session rule in a course: {rule}"))
            }
        }
    }
}

impl CourseError {
    pub fn to_app_error(&self, locale: Locale) -> AppError {
        let s = strings(locale);
        match self {
            CourseError::Rule(rule) => AppError::new(ErrorCode::Validation, rule.message(s)),
            CourseError::Unauthorized => AppError::new(ErrorCode::Unauthorized, s.err_unauthorized),
            CourseError::NotTeacher => AppError::new(ErrorCode::Forbidden, s.err_not_teacher),
            CourseError::Forbidden => AppError::new(ErrorCode::Forbidden, s.err_forbidden),
            CourseError::NotFound => AppError::new(ErrorCode::NotFound, s.err_not_found),
            CourseError::PaymentsNotEnabled => {
                AppError::new(ErrorCode::PaymentsNotEnabled, s.err_payments_not_enabled)
            }
            CourseError::Unexpected(err) => error::internal(err, locale),
        }
    }
}

/// Columns every course query selects; `$1` is the viewer's user id (or '').
const COURSE_COLUMNS: &str =
    "c.id, c.teacher_id, u.display_name AS teacher_name, c.title, c.description, \
     c.price_cents, c.currency, c.cover_image_url, c.visibility, t.user_id AS owner_user_id, \
     CAST((SELECT COUNT(*) FROM enrollments e WHERE e.course_id = c.id AND e.user_id = $1) AS BIGINT) \
       AS enrolled";
const COURSE_JOINS: &str =
    "FROM courses c JOIN teachers t ON t.id = c.teacher_id JOIN users u ON u.id = t.user_id";

/// A course row without its lessons (they are loaded for all rows at once).
fn course_from_row(row: &AnyRow, viewer_id: &str) -> anyhow::Result<Course> {
    let currency: String = row.try_get("currency")?;
    let visibility: String = row.try_get("visibility")?;
    let owner: String = row.try_get("owner_user_id")?;
    Ok(Course {
        id: row.try_get("id")?,
        teacher_id: row.try_get("teacher_id")?,
        teacher_name: row.try_get("teacher_name")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        price_cents: row.try_get("price_cents")?,
        currency: Currency::parse(&currency)
            .with_context(|| format!("stored currency {currency}"))?,
        cover_image_url: row.try_get("cover_image_url")?,
        visibility: Visibility::parse(&visibility)
            .with_context(|| format!("stored visibility {visibility}"))?,
        lessons: Vec::new(),
        enrolled: row.try_get::<i64, _>("enrolled")? > 0,
        is_owner: !viewer_id.is_empty() && owner == viewer_id,
    })
}

/// Fills in the lessons of every course in one query; links only where the
/// viewer has access.
async fn attach_lessons(state: &AppState, courses: &mut [Course]) -> Result<(), CourseError> {
    if courses.is_empty() {
        return Ok(());
    }
    let placeholders = (1..=courses.len())
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT course_id, position, title, video_url FROM course_lessons \
         WHERE course_id IN ({placeholders}) ORDER BY course_id, position"
    );
    let mut query = sqlx::query(&sql);
    for course in courses.iter() {
        query = query.bind(course.id.clone());
    }
    let rows = query.fetch_all(state.db.pool()).await?;
    let mut by_course: HashMap<String, Vec<Lesson>> = HashMap::new();
    for row in &rows {
        let course_id: String = row.try_get("course_id")?;
        by_course.entry(course_id).or_default().push(Lesson {
            position: row.try_get("position")?,
            title: row.try_get("title")?,
            video_url: row.try_get("video_url")?,
        });
    }
    for course in courses.iter_mut() {
        let access = course.has_access();
        course.lessons = by_course.remove(&course.id).unwrap_or_default();
        if !access {
            for lesson in &mut course.lessons {
                lesson.video_url = None;
            }
        }
    }
    Ok(())
}

async fn viewer_id(state: &AppState, ctx: &RequestContext) -> Result<String, CourseError> {
    Ok(users::current_user(state, ctx)
        .await?
        .map(|u| u.id)
        .unwrap_or_default())
}

async fn collect(
    state: &AppState,
    rows: Vec<AnyRow>,
    viewer: &str,
) -> Result<Vec<Course>, CourseError> {
    let mut courses = rows
        .iter()
        .map(|row| course_from_row(row, viewer))
        .collect::<anyhow::Result<Vec<_>>>()?;
    attach_lessons(state, &mut courses).await?;
    Ok(courses)
}

/// Creates a course (no `id`) or updates one of the teacher's own; the
/// lessons given replace the course's lessons.
pub async fn save(
    state: &AppState,
    ctx: &RequestContext,
    input: &CourseInput,
) -> Result<Course, CourseError> {
    let valid = input.validate()?;
    let (_, teacher_id) = require_teacher(state, ctx).await?;
    // The publish gate, as for sessions: money only once Stripe lets the
    // teacher receive it. Drafts and free courses need no payout account.
    if valid.visibility == Visibility::Published
        && valid.price_cents > 0
        && !crate::backend::payments::connect::charges_enabled(state, &teacher_id).await?
    {
        return Err(CourseError::PaymentsNotEnabled);
    }
    let at = state.clock.now();
    let mut tx = state.db.pool().begin().await?;
    let id = match &input.id {
        Some(id) => {
            let done = sqlx::query(
                "UPDATE courses SET title = $1, description = $2, price_cents = $3, currency = $4, \
                 cover_image_url = $5, visibility = $6, updated_at = $7 \
                 WHERE id = $8 AND teacher_id = $9",
            )
            .bind(&valid.title)
            .bind(&valid.description)
            .bind(valid.price_cents)
            .bind(valid.currency.code())
            .bind(valid.cover_image_url.as_deref())
            .bind(valid.visibility.as_str())
            .bind(at)
            .bind(id)
            .bind(&teacher_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Err(owner_refusal(state, "courses", id).await?.into());
            }
            sqlx::query("DELETE FROM course_lessons WHERE course_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id.clone()
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO courses (id, teacher_id, title, description, price_cents, currency, \
                 cover_image_url, visibility, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(&id)
            .bind(&teacher_id)
            .bind(&valid.title)
            .bind(&valid.description)
            .bind(valid.price_cents)
            .bind(valid.currency.code())
            .bind(valid.cover_image_url.as_deref())
            .bind(valid.visibility.as_str())
            .bind(at)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    for (index, lesson) in valid.lessons.iter().enumerate() {
        sqlx::query(
            "INSERT INTO course_lessons (id, course_id, position, title, video_url, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(new_id())
        .bind(&id)
        .bind(index as i64 + 1)
        .bind(&lesson.title)
        .bind(&lesson.video_url)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(
        course_id = id,
        lessons = valid.lessons.len(),
        "course saved"
    );
    get(state, ctx, &id).await
}

/// One course, if the caller may see it: published, their own draft, or a
/// course they bought that has since gone back to draft.
pub async fn get(state: &AppState, ctx: &RequestContext, id: &str) -> Result<Course, CourseError> {
    let viewer = viewer_id(state, ctx).await?;
    let row = sqlx::query(&format!(
        "SELECT {COURSE_COLUMNS}, t.suspended_at {COURSE_JOINS} WHERE c.id = $2"
    ))
    .bind(&viewer)
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(CourseError::NotFound)?;
    let course = course_from_row(&row, &viewer)?;
    if course.visibility == Visibility::Draft && !course.is_owner && !course.enrolled {
        // A draft does not exist for anyone but its teacher, and the students
        // who bought it before it was unpublished: what they paid for stays theirs.
        return Err(CourseError::NotFound);
    }
    if row.try_get::<Option<i64>, _>("suspended_at")?.is_some()
        && !course.is_owner
        && !course.enrolled
    {
        // Hidden while the platform has the teacher suspended.
        return Err(CourseError::NotFound);
    }
    let mut courses = [course];
    attach_lessons(state, &mut courses).await?;
    let [course] = courses;
    Ok(course)
}

/// Published courses, newest first (at most `LIST_LIMIT`).
pub async fn list_published(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<Vec<Course>, CourseError> {
    newest_published(state, ctx, LIST_LIMIT).await
}

/// The newest `limit` published courses (never more than `LIST_LIMIT`):
/// the catalogue, and the landing page's first few.
pub async fn newest_published(
    state: &AppState,
    ctx: &RequestContext,
    limit: i64,
) -> Result<Vec<Course>, CourseError> {
    let viewer = viewer_id(state, ctx).await?;
    let listed = super::teacher_listed("c");
    let rows = sqlx::query(&format!(
        "SELECT {COURSE_COLUMNS} {COURSE_JOINS} WHERE c.visibility = 'published' AND {listed} \
         ORDER BY c.created_at DESC, c.id DESC LIMIT $2"
    ))
    .bind(&viewer)
    .bind(limit.clamp(0, LIST_LIMIT))
    .fetch_all(state.db.pool())
    .await?;
    collect(state, rows, &viewer).await
}

/// "Mina kurser": the courses the signed-in student is enrolled in, the
/// latest first, in one query (drafts too: a bought course stays open).
pub async fn enrolled_courses(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<Vec<EnrolledCourse>, CourseError> {
    let user = users::require_user(state, ctx).await?;
    let rows = sqlx::query(
        "SELECT c.id, c.title, u.display_name AS teacher_name FROM enrollments e \
         JOIN courses c ON c.id = e.course_id JOIN teachers t ON t.id = c.teacher_id \
         JOIN users u ON u.id = t.user_id \
         WHERE e.user_id = $1 \
         ORDER BY e.created_at DESC, c.id DESC LIMIT $2",
    )
    .bind(&user.id)
    .bind(LIST_LIMIT)
    .fetch_all(state.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(EnrolledCourse {
                id: row.try_get("id")?,
                title: row.try_get("title")?,
                teacher_name: row.try_get("teacher_name")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(CourseError::from)
}

/// The teacher's own courses, drafts included, newest first.
pub async fn list_own(state: &AppState, ctx: &RequestContext) -> Result<Vec<Course>, CourseError> {
    let (user, teacher_id) = require_teacher(state, ctx).await?;
    let rows = sqlx::query(&format!(
        "SELECT {COURSE_COLUMNS} {COURSE_JOINS} WHERE c.teacher_id = $2 \
         ORDER BY c.created_at DESC, c.id DESC"
    ))
    .bind(&user.id)
    .bind(&teacher_id)
    .fetch_all(state.db.pool())
    .await?;
    collect(state, rows, &user.id).await
}

/// "Rekommenderade kurser": published courses the viewer neither has nor
/// teaches; courses by teachers they have paid bookings with first, then the
/// newest. For a visitor, simply the newest.
pub async fn recommended(
    state: &AppState,
    ctx: &RequestContext,
) -> Result<Vec<Course>, CourseError> {
    let viewer = viewer_id(state, ctx).await?;
    let listed = super::teacher_listed("c");
    let rows = sqlx::query(&format!(
        "SELECT {COURSE_COLUMNS}, \
         CASE WHEN EXISTS (SELECT 1 FROM orders o JOIN sessions s ON s.id = o.session_id \
                           WHERE o.user_id = $1 AND o.status = 'paid' AND o.slot_id IS NOT NULL \
                             AND s.teacher_id = c.teacher_id) \
              THEN 0 ELSE 1 END AS affinity \
         {COURSE_JOINS} \
         WHERE c.visibility = 'published' AND {listed} AND t.user_id <> $1 \
           AND NOT EXISTS (SELECT 1 FROM enrollments e2 WHERE e2.course_id = c.id AND e2.user_id = $1) \
         ORDER BY affinity, c.created_at DESC, c.id DESC LIMIT $2"
    ))
    .bind(&viewer)
    .bind(RECOMMENDED_LIMIT)
    .fetch_all(state.db.pool())
    .await?;
    collect(state, rows, &viewer).await
}
