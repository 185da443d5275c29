//! Courses as both sides see them: a teacher's ordered video lessons, sold
//! once. Lesson titles are public; lesson links only reach the course's
//! teacher and its enrolled students. The server enforces every rule here;
//! the studio form uses the same types.

use serde::{Deserialize, Serialize};

use crate::i18n::Strings;
use crate::model::session::{Currency, Visibility, DESCRIPTION_MAX, TITLE_MAX};

/// At most this many lessons per course.
pub const LESSONS_MAX: usize = 100;
/// Longest URL accepted for a cover picture or a lesson video.
pub const URL_MAX: usize = 2_000;

/// One lesson as the teacher types it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LessonInput {
    pub title: String,
    pub video_url: String,
}

/// What a teacher sends to create (no `id`) or update a course. The lessons
/// replace the course's lessons, in this order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CourseInput {
    pub id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub price_cents: i64,
    pub currency: String,
    #[serde(default)]
    pub cover_image_url: Option<String>,
    pub visibility: Visibility,
    pub lessons: Vec<LessonInput>,
}

/// A `CourseInput` that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidCourse {
    pub title: String,
    pub description: String,
    pub price_cents: i64,
    pub currency: Currency,
    pub cover_image_url: Option<String>,
    pub visibility: Visibility,
    pub lessons: Vec<LessonInput>,
}

/// Why a course was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CourseRule {
    #[error("title must be 1–120 characters")]
    Title,
    #[error("description at most 5000 characters")]
    Description,
    #[error("price 0 or at least the currency's minimum")]
    Price,
    #[error("unsupported currency")]
    Currency,
    #[error("cover image URL must be http(s)")]
    CoverUrl,
    #[error("a course has 1–100 lessons")]
    LessonCount,
    #[error("every lesson needs a title of 1–120 characters")]
    LessonTitle,
    #[error("every lesson needs an http(s) video URL")]
    VideoUrl,
}

impl CourseRule {
    pub fn message(self, s: &Strings) -> &'static str {
        match self {
            CourseRule::Title => s.err_session_title,
            CourseRule::Description => s.err_session_description,
            CourseRule::Price => s.err_session_price,
            CourseRule::Currency => s.err_session_currency,
            CourseRule::CoverUrl => s.err_course_cover,
            CourseRule::LessonCount => s.err_course_lessons,
            CourseRule::LessonTitle => s.err_lesson_title,
            CourseRule::VideoUrl => s.err_lesson_url,
        }
    }
}

/// An absolute http(s) URL with a host and no spaces.
pub fn is_http_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && !rest.starts_with('/')
        && !url.chars().any(char::is_whitespace)
        && url.len() <= URL_MAX
}

impl CourseInput {
    pub fn validate(&self) -> Result<ValidCourse, CourseRule> {
        let title = self.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            return Err(CourseRule::Title);
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > DESCRIPTION_MAX {
            return Err(CourseRule::Description);
        }
        let currency = Currency::parse(&self.currency).ok_or(CourseRule::Currency)?;
        if self.price_cents < 0
            || (self.price_cents != 0 && self.price_cents < currency.stripe_minimum())
        {
            return Err(CourseRule::Price);
        }
        let cover_image_url = match self.cover_image_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if is_http_url(url) => Some(url.to_owned()),
            Some(_) => return Err(CourseRule::CoverUrl),
        };
        if self.lessons.is_empty() || self.lessons.len() > LESSONS_MAX {
            return Err(CourseRule::LessonCount);
        }
        let lessons = self
            .lessons
            .iter()
            .map(|lesson| {
                let title = lesson.title.trim();
                if title.is_empty() || title.chars().count() > TITLE_MAX {
                    return Err(CourseRule::LessonTitle);
                }
                let video_url = lesson.video_url.trim();
                if !is_http_url(video_url) {
                    return Err(CourseRule::VideoUrl);
                }
                Ok(LessonInput {
                    title: title.to_owned(),
                    video_url: video_url.to_owned(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ValidCourse {
            title,
            description,
            price_cents: self.price_cents,
            currency,
            cover_image_url,
            visibility: self.visibility,
            lessons,
        })
    }
}

/// One lesson of a course, as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Lesson {
    /// 1-based order within the course.
    pub position: i64,
    pub title: String,
    /// Only for the course's teacher and its enrolled students.
    pub video_url: Option<String>,
}

/// A course, as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Course {
    pub id: String,
    pub teacher_id: String,
    pub teacher_name: String,
    pub title: String,
    pub description: String,
    pub price_cents: i64,
    pub currency: Currency,
    pub cover_image_url: Option<String>,
    pub visibility: Visibility,
    pub lessons: Vec<Lesson>,
    /// The viewer is enrolled (has bought it, or joined a free one).
    pub enrolled: bool,
    /// The viewer is the course's teacher.
    pub is_owner: bool,
}

impl Course {
    /// Whether the viewer may open the lessons.
    pub fn has_access(&self) -> bool {
        self.enrolled || self.is_owner
    }
}

/// A course the student has (bought, or joined free): "Mina kurser".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnrolledCourse {
    pub id: String,
    pub title: String,
    pub teacher_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(n: usize) -> LessonInput {
        LessonInput {
            title: format!("Lektion {n}"),
            video_url: format!("https://video.example/{n}"),
        }
    }

    fn input() -> CourseInput {
        CourseInput {
            id: None,
            title: "  Andning i fyra veckor ".into(),
            description: "Lugn andning".into(),
            price_cents: 49_900,
            currency: "sek".into(),
            cover_image_url: Some(" https://img.example/c.jpg ".into()),
            visibility: Visibility::Published,
            lessons: vec![lesson(1), lesson(2)],
        }
    }

    #[test]
    fn a_good_course_is_trimmed_and_parsed() {
        let valid = input().validate().expect("valid");
        assert_eq!(valid.title, "Andning i fyra veckor");
        assert_eq!(valid.currency, Currency::SEK);
        assert_eq!(
            valid.cover_image_url.as_deref(),
            Some("https://img.example/c.jpg")
        );
        assert_eq!(valid.lessons.len(), 2);
    }

    #[test]
    fn titles_and_descriptions_have_limits() {
        let mut c = input();
        c.title = "   ".into();
        assert_eq!(c.validate(), Err(CourseRule::Title));
        c.title = "x".repeat(121);
        assert_eq!(c.validate(), Err(CourseRule::Title));
        c.title = "x".repeat(120);
        assert!(c.validate().is_ok());
        c.description = "y".repeat(5_001);
        assert_eq!(c.validate(), Err(CourseRule::Description));
    }

    #[test]
    fn prices_are_free_or_at_least_the_card_minimum() {
        let mut c = input();
        c.price_cents = 0;
        assert!(c.validate().is_ok());
        c.price_cents = 299;
        assert_eq!(c.validate(), Err(CourseRule::Price));
        c.price_cents = 300;
        assert!(c.validate().is_ok());
        c.price_cents = -1;
        assert_eq!(c.validate(), Err(CourseRule::Price));
        c.price_cents = 50;
        c.currency = "EUR".into();
        assert!(c.validate().is_ok());
        c.currency = "XYZ".into();
        assert_eq!(c.validate(), Err(CourseRule::Currency));
    }

    #[test]
    fn urls_must_be_http() {
        let mut c = input();
        c.cover_image_url = Some("javascript:alert(1)".into());
        assert_eq!(c.validate(), Err(CourseRule::CoverUrl));
        c.cover_image_url = Some(String::new());
        assert_eq!(c.validate().expect("valid").cover_image_url, None);
        c.lessons[1].video_url = "ftp://video.example/2".into();
        assert_eq!(c.validate(), Err(CourseRule::VideoUrl));
        c.lessons[1].video_url = "https:///nohost".into();
        assert_eq!(c.validate(), Err(CourseRule::VideoUrl));
        c.lessons[1].video_url = "http://video.example/a b".into();
        assert_eq!(c.validate(), Err(CourseRule::VideoUrl));
    }

    #[test]
    fn a_course_has_one_to_a_hundred_titled_lessons() {
        let mut c = input();
        c.lessons.clear();
        assert_eq!(c.validate(), Err(CourseRule::LessonCount));
        c.lessons = (1..=100).map(lesson).collect();
        assert!(c.validate().is_ok());
        c.lessons.push(lesson(101));
        assert_eq!(c.validate(), Err(CourseRule::LessonCount));
        c.lessons = vec![LessonInput {
            title: " ".into(),
            video_url: "https://video.example/1".into(),
        }];
        assert_eq!(c.validate(), Err(CourseRule::LessonTitle));
    }
}
