//! `/courses`: the published courses — cover, title, teacher, price — and
//! the course card that other pages ("Rekommenderade kurser") reuse.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::courses::published_courses;
use crate::model::course::Course;
use crate::model::session::format_price;
use crate::ui::i18n_context::use_i18n;

#[component]
pub fn CoursesPage() -> impl IntoView {
    let i18n = use_i18n();
    let courses = Resource::new(|| (), |_| published_courses());
    view! {
        <Title text=move || format!("{} – Aveli", i18n.t().courses_title) />
        <section class="section" aria-labelledby="courses-page-title">
            <h1 id="courses-page-title">{move || i18n.t().courses_title}</h1>
            <p class="muted">{move || i18n.t().courses_lead}</p>
            <Suspense fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
                {move || courses.get().map(|result| view! { <CourseGrid result empty=i18n.t().courses_empty /> })}
            </Suspense>
        </section>
    }
}

/// A list of courses as cards, or why there is none.
#[component]
pub fn CourseGrid(
    result: Result<Vec<Course>, crate::model::AppError>,
    /// What to say when the list is empty.
    empty: &'static str,
) -> impl IntoView {
    match result {
        Ok(list) if list.is_empty() => view! { <p class="muted">{empty}</p> }.into_any(),
        Ok(list) => view! {
            <ul class="grid-cards course-grid">
                {list.into_iter().map(|course| view! { <CourseCard course /> }).collect_view()}
            </ul>
        }
        .into_any(),
        Err(err) => {
            view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any()
        }
    }
}

/// A course in a list: cover, title (the link), teacher, lessons and price.
#[component]
pub fn CourseCard(course: Course) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/courses/{}", course.id);
    let lessons = course.lessons.len();
    let (price_cents, currency) = (course.price_cents, course.currency);
    let teacher = course.teacher_name.clone();
    view! {
        <li class="card course-card" data-testid="course-card">
            {course.cover_image_url.clone().map(|src| view! {
                // Decorative: the title next to it says what the course is.
                <img class="course-cover" src=src alt="" loading="lazy" />
            })}
            <h3 class="course-card-title">
                <A href=href>{course.title.clone()}</A>
            </h3>
            <p class="muted">
                {move || i18n.t().course_by} " " {teacher.clone()}
                " · " {lessons} " " {move || i18n.t().course_lesson_count}
            </p>
            <p class="course-card-price">
                {move || format_price(price_cents, currency, i18n.t().free)}
            </p>
        </li>
    }
}
