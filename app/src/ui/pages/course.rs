//! `/courses/:id`: a course — cover, teacher, price, description and its
//! lessons. Titles are for everyone; the lesson links only for its teacher
//! and enrolled students. A signed-in student buys it here: "Köp kursen"
//! starts the checkout and mounts the Payment Element (PayPal and Klarna
//! come back to this page with `?redirect_status=succeeded`). The webhook
//! enrols the student, so after paying the page asks our server again every
//! 1.5 s until the course says `enrolled`, then shows the links.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::courses::{get_course, start_course_checkout};
use crate::model::course::{Course, Lesson};
use crate::model::order::{CheckoutStarted, OrderStatus};
use crate::model::payouts::PaymentSetup;
use crate::model::session::format_price;
use crate::model::{AppError, ErrorCode};
use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;
use crate::ui::payment_form::PaymentForm;

/// How often the page asks again while a payment is being confirmed.
const POLL_EVERY_MS: i32 = 1_500;
/// When it stops asking.
const POLL_FOR_MS: f64 = 120_000.0;

#[component]
pub fn CoursePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let redirect_succeeded =
        Memo::new(move |_| query.read().get("redirect_status").as_deref() == Some("succeeded"));
    #[cfg(feature = "ssr")]
    let response = use_context::<leptos_axum::ResponseOptions>();
    // Blocking: an unknown id is marked 404 before the page starts to stream.
    let course = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        move |id| {
            #[cfg(feature = "ssr")]
            let response = response.clone();
            async move {
                let result = get_course(id).await;
                #[cfg(feature = "ssr")]
                if let (Some(response), Err(err)) = (response, &result) {
                    if err.code == ErrorCode::NotFound {
                        response.set_status(axum::http::StatusCode::NOT_FOUND);
                    }
                }
                result
            }
        },
    );
    view! {
        <Suspense fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
            {move || {
                course
                    .get()
                    .map(|result| match result {
                        Ok(course) => {
                            let confirming = redirect_succeeded.get_untracked();
                            view! { <CourseDetails course confirming /> }.into_any()
                        }
                        Err(err) => view! { <CourseMissing err /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// Where the purchase stands on the page.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Idle,
    Starting,
    Paying(CheckoutStarted),
    /// Paid; waiting for the webhook to enrol the student.
    Confirming,
}

#[component]
fn CourseDetails(course: Course, confirming: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = course.id.clone();
    let title = course.title.clone();
    let current = RwSignal::new(course);
    let stage = RwSignal::new(Stage::Idle);
    let error = RwSignal::new(None::<String>);
    let timed_out = RwSignal::new(false);

    // Asks our server (never Stripe: the webhook is the truth) until the
    // course says `enrolled`, for two minutes at most.
    let poll = {
        let id = id.clone();
        move || {
            if stage.get_untracked() == Stage::Confirming {
                return;
            }
            stage.set(Stage::Confirming);
            let id = id.clone();
            leptos::task::spawn_local(async move {
                let began = js_sys::Date::now();
                loop {
                    sleep(POLL_EVERY_MS).await;
                    if current.is_disposed() {
                        return;
                    }
                    if js_sys::Date::now() - began >= POLL_FOR_MS {
                        timed_out.set(true);
                        return;
                    }
                    if let Ok(course) = get_course(id.clone()).await {
                        if course.enrolled {
                            let _ = current.try_set(course);
                            let _ = stage.try_set(Stage::Idle);
                            return;
                        }
                    }
                }
            });
        }
    };

    // Back from PayPal or Klarna: wait for the enrolment.
    {
        let poll = poll.clone();
        Effect::new(move |_| {
            if confirming && !current.with_untracked(Course::has_access) {
                poll();
            }
        });
    }

    let buy = {
        let id = id.clone();
        let poll = poll.clone();
        move |_| {
            if stage.get_untracked() != Stage::Idle {
                return;
            }
            error.set(None);
            stage.set(Stage::Starting);
            let id = id.clone();
            let poll = poll.clone();
            leptos::task::spawn_local(async move {
                match start_course_checkout(id).await {
                    Ok(started) if started.client_secret.is_some() => {
                        let _ = stage.try_set(Stage::Paying(started));
                    }
                    Ok(started) if started.status == OrderStatus::Paid => {
                        // A free course: enrolled already.
                        let _ = stage.try_set(Stage::Idle);
                        poll();
                    }
                    Ok(_) => {
                        let _ = stage.try_set(Stage::Idle);
                        let _ = error.try_set(Some(i18n.t().err_internal.to_owned()));
                    }
                    Err(err) => {
                        let _ = stage.try_set(Stage::Idle);
                        let _ = error.try_set(Some(err.message));
                    }
                }
            });
        }
    };

    let course_now = move || current.get();
    view! {
        <Title text=format!("{title} – Aveli") />
        <div class="course-page">
            {move || {
                let course = course_now();
                view! { <CourseHeader course /> }
            }}
            <section class="glass course-buy" aria-labelledby="course-access-title">
                <h2 id="course-access-title" class="sr-only">{move || i18n.t().course_buy}</h2>
                {move || error.get().map(|message| view! {
                    <p class="alert alert-error" role="alert" data-testid="course-error">{message}</p>
                })}
                <CourseAccess current stage timed_out buy=Callback::new(buy) poll=Callback::new(move |()| poll()) />
            </section>
            <section class="glass" aria-labelledby="course-lessons-title">
                <h2 id="course-lessons-title">{move || i18n.t().course_lessons}</h2>
                {move || {
                    let lessons = current.with(|c| c.lessons.clone());
                    view! { <LessonList lessons /> }
                }}
            </section>
        </div>
    }
}

#[component]
fn CourseHeader(course: Course) -> impl IntoView {
    let i18n = use_i18n();
    let (price_cents, currency) = (course.price_cents, course.currency);
    view! {
        <header class="glass course-header">
            {course.cover_image_url.clone().map(|src| view! {
                <img class="course-cover course-cover-large" src=src alt="" />
            })}
            <h1>{course.title.clone()}</h1>
            <p class="course-teacher">
                {move || i18n.t().course_by} " " <strong>{course.teacher_name.clone()}</strong>
            </p>
            <p class="course-price">{move || format_price(price_cents, currency, i18n.t().free)}</p>
            {(!course.description.is_empty()).then(|| view! { <p class="course-description">{course.description.clone()}</p> })}
        </header>
    }
}

/// What the viewer can do: nothing (they have it), log in, or buy it.
#[component]
fn CourseAccess(
    current: RwSignal<Course>,
    stage: RwSignal<Stage>,
    timed_out: RwSignal<bool>,
    buy: Callback<leptos::ev::MouseEvent>,
    poll: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let signed_in = move || matches!(auth.user.get(), Some(Ok(Some(_))));
    let step = Memo::new(move |_| match stage.get() {
        Stage::Idle | Stage::Starting => 0,
        Stage::Paying(_) => 1,
        Stage::Confirming => 2,
    });
    move || {
        let (owner, enrolled, free, id) =
            current.with(|c| (c.is_owner, c.enrolled, c.price_cents == 0, c.id.clone()));
        if owner {
            return view! {
                <p class="alert alert-success" role="status">{move || i18n.t().course_owner}</p>
                <p><A href="/studio/courses">{move || i18n.t().course_edit_in_studio}</A></p>
            }
            .into_any();
        }
        if enrolled {
            return view! {
                <p class="alert alert-success" role="status" data-testid="course-enrolled">
                    {move || i18n.t().course_enrolled}
                </p>
            }
            .into_any();
        }
        match (step.get(), stage.get_untracked()) {
            (_, Stage::Paying(started)) => {
                let origin = window().location().origin().unwrap_or_default();
                let setup = PaymentSetup {
                    client_secret: started.client_secret.clone().unwrap_or_default(),
                    confirm_with: crate::model::membership::ConfirmWith::Payment,
                    publishable_key: started.publishable_key.clone(),
                    script_url: started.script_url.clone(),
                    amount_cents: started.amount_cents,
                    currency: started.currency.clone(),
                };
                view! {
                    <PaymentForm
                        setup
                        return_url=format!("{origin}/courses/{id}")
                        pay_label=Signal::derive(move || i18n.t().course_pay.to_owned())
                        on_success=Callback::new(move |_| poll.run(()))
                    />
                }
                .into_any()
            }
            (_, Stage::Confirming) => view! {
                <p class="muted" role="status" data-testid="course-confirming">
                    <span class="spinner" aria-hidden="true"></span>
                    " "
                    {move || {
                        if timed_out.get() { i18n.t().order_status_pending } else { i18n.t().course_confirming }
                    }}
                </p>
            }
            .into_any(),
            _ if !signed_in() => view! {
                <p>{move || i18n.t().course_locked}</p>
                <A href="/login" attr:class="btn btn-primary">
                    <span class="btn-label">{move || i18n.t().course_login}</span>
                </A>
            }
            .into_any(),
            _ => {
                let starting = move || stage.get() == Stage::Starting;
                view! {
                    <p>{move || i18n.t().course_locked}</p>
                    <div class="actions">
                        <button
                            type="button"
                            class="btn btn-primary btn-pay"
                            data-testid="course-buy"
                            aria-disabled=move || starting().to_string()
                            aria-busy=move || starting().to_string()
                            on:click=move |ev| buy.run(ev)
                        >
                            <Show when=starting>
                                <span class="spinner" aria-hidden="true"></span>
                            </Show>
                            <span class="btn-label">
                                {move || if free { i18n.t().course_join_free } else { i18n.t().course_buy }}
                            </span>
                        </button>
                    </div>
                    <Show when=starting>
                        <p class="muted" role="status">{move || i18n.t().course_starting}</p>
                    </Show>
                }
                .into_any()
            }
        }
    }
}

/// The lessons in order: a link each for those with access, else the title.
#[component]
fn LessonList(lessons: Vec<Lesson>) -> impl IntoView {
    view! {
        <ol class="lesson-list" data-testid="lesson-list">
            {lessons
                .into_iter()
                .map(|lesson| {
                    let body = match lesson.video_url {
                        Some(url) => view! {
                            <a href=url class="lesson-link" rel="noopener">{lesson.title}</a>
                        }
                        .into_any(),
                        None => view! { <span class="lesson-title">{lesson.title}</span> }.into_any(),
                    };
                    view! { <li class="lesson">{body}</li> }
                })
                .collect_view()}
        </ol>
    }
}

/// An unknown or draft course gets a clear message (its 404 status is set
/// by the fetch); any other failure says what went wrong.
#[component]
fn CourseMissing(err: AppError) -> impl IntoView {
    let i18n = use_i18n();
    if err.code != ErrorCode::NotFound {
        return view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any();
    }
    view! {
        <section class="glass error-page">
            <h1>{move || i18n.t().not_found_title}</h1>
            <p>{move || i18n.t().not_found_lead}</p>
            <A href="/courses" attr:class="btn btn-ghost">{move || i18n.t().courses_all}</A>
        </section>
    }
    .into_any()
}

/// Waits `ms` milliseconds in the browser.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
