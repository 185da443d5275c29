//! `/studio/courses`: the teacher's courses and the course editor — title,
//! description, price, currency, cover, visibility and the lessons as rows
//! (title and video link) that can be added and removed. The server checks
//! every rule and says which one was broken; a paid course cannot be
//! published before payouts are set up, and the refusal links there.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::courses::{my_courses, save_course};
use crate::model::course::{Course, CourseInput, LessonInput};
use crate::model::session::{format_price, parse_price_input, Currency, Visibility};
use crate::model::{AppError, ErrorCode};
use crate::ui::app::use_auth;
use crate::ui::i18n_context::use_i18n;

/// A price in minor units as a person types it: "150", "99,50".
fn price_text(cents: i64) -> String {
    match (cents / 100, cents % 100) {
        (major, 0) => major.to_string(),
        (major, minor) => format!("{major},{minor:02}"),
    }
}

#[component]
pub fn StudioCoursesPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    view! {
        <Title text=move || format!("{} – Aveli", i18n.t().studio_courses_title) />
        <Transition fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
            {move || {
                auth.user
                    .get()
                    .map(|user| match user {
                        Ok(Some(user)) if user.is_teacher => view! { <StudioCourses /> }.into_any(),
                        Ok(Some(_)) => view! {
                            <section class="glass">
                                <h1>{move || i18n.t().studio_courses_title}</h1>
                                <p>{move || i18n.t().studio_not_teacher}</p>
                                <p><A href="/account">{move || i18n.t().nav_account}</A></p>
                            </section>
                        }
                        .into_any(),
                        Ok(None) => view! {
                            <section class="glass">
                                <h1>{move || i18n.t().studio_courses_title}</h1>
                                <p>{move || i18n.t().err_unauthorized}</p>
                                <p><A href="/login">{move || i18n.t().nav_login}</A></p>
                            </section>
                        }
                        .into_any(),
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn StudioCourses() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let courses = Resource::new(move || version.get(), |_| my_courses());
    // The course in the editor (`None`: a new one). Changing it remounts the editor.
    let editing = RwSignal::new(None::<Course>);
    let on_saved = Callback::new(move |_course: Course| version.update(|v| *v += 1));
    view! {
        <div class="studio-courses">
            <section class="glass" aria-labelledby="studio-courses-title">
                <div class="studio-panel-head">
                    <h1 id="studio-courses-title">{move || i18n.t().studio_courses_title}</h1>
                    <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(None)>
                        {move || i18n.t().studio_new_course}
                    </button>
                </div>
                <Suspense fallback=move || view! { <p class="skeleton" role="status">{move || i18n.t().loading}</p> }>
                    {move || courses.get().map(|result| match result {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted">{move || i18n.t().studio_courses_empty}</p> }.into_any()
                        }
                        Ok(list) => view! {
                            <ul class="studio-course-list">
                                {list.into_iter().map(|course| view! { <OwnCourse course editing /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(err) => view! { <p class="alert alert-error" role="alert">{err.message}</p> }.into_any(),
                    })}
                </Suspense>
            </section>
            {move || {
                let seed = editing.get();
                view! { <CourseEditor seed on_saved /> }
            }}
        </div>
    }
    .into_any()
}

#[component]
fn OwnCourse(course: Course, editing: RwSignal<Option<Course>>) -> impl IntoView {
    let i18n = use_i18n();
    let published = course.visibility == Visibility::Published;
    let (price_cents, currency) = (course.price_cents, course.currency);
    let href = format!("/courses/{}", course.id);
    let lessons = course.lessons.len();
    let title = course.title.clone();
    let edit_title = course.title.clone();
    view! {
        <li class="studio-course">
            <div>
                <A href=href>{title}</A>
                <p class="muted">
                    {move || if published { i18n.t().status_published } else { i18n.t().status_draft }}
                    " · " {move || format_price(price_cents, currency, i18n.t().free)}
                    " · " {lessons} " " {move || i18n.t().course_lesson_count}
                </p>
            </div>
            <button
                type="button"
                class="btn btn-ghost"
                on:click=move |_| editing.set(Some(course.clone()))
            >
                {move || i18n.t().studio_course_edit}
                <span class="sr-only">": " {edit_title}</span>
            </button>
        </li>
    }
    .into_any()
}

/// One lesson row in the editor; `key` stays with the row when others go.
#[derive(Clone, Copy)]
struct LessonRow {
    key: u32,
    title: RwSignal<String>,
    url: RwSignal<String>,
}

#[component]
fn CourseEditor(seed: Option<Course>, on_saved: Callback<Course>) -> impl IntoView {
    let i18n = use_i18n();
    let seed = seed.as_ref();
    let id = RwSignal::new(seed.map(|c| c.id.clone()));
    let title = RwSignal::new(seed.map(|c| c.title.clone()).unwrap_or_default());
    let description = RwSignal::new(seed.map(|c| c.description.clone()).unwrap_or_default());
    let price = RwSignal::new(seed.map(|c| price_text(c.price_cents)).unwrap_or_default());
    let currency = RwSignal::new(seed.map_or(Currency::SEK, |c| c.currency));
    let cover = RwSignal::new(
        seed.and_then(|c| c.cover_image_url.clone())
            .unwrap_or_default(),
    );
    let visibility = RwSignal::new(seed.map_or(Visibility::Draft, |c| c.visibility));
    let next_key = StoredValue::new(0u32);
    let new_row = move |t: String, u: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        LessonRow {
            key,
            title: RwSignal::new(t),
            url: RwSignal::new(u),
        }
    };
    let initial: Vec<LessonRow> = match seed {
        Some(course) if !course.lessons.is_empty() => course
            .lessons
            .iter()
            .map(|l| new_row(l.title.clone(), l.video_url.clone().unwrap_or_default()))
            .collect(),
        _ => vec![new_row(String::new(), String::new())],
    };
    let rows = RwSignal::new(initial);
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let saving = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let t = i18n.t();
        saved.set(false);
        let Some(price_cents) = parse_price_input(&price.get_untracked()) else {
            error.set(Some(AppError::new(
                ErrorCode::Validation,
                t.err_price_input,
            )));
            return;
        };
        let lessons = rows
            .get_untracked()
            .iter()
            .map(|row| LessonInput {
                title: row.title.get_untracked(),
                video_url: row.url.get_untracked(),
            })
            .collect();
        let input = CourseInput {
            id: id.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
            price_cents,
            currency: currency.get_untracked().code().to_owned(),
            cover_image_url: Some(cover.get_untracked()).filter(|u| !u.trim().is_empty()),
            visibility: visibility.get_untracked(),
            lessons,
        };
        error.set(None);
        saving.set(true);
        spawn_local(async move {
            let result = save_course(input).await;
            saving.set(false);
            match result {
                Ok(course) => {
                    id.set(Some(course.id.clone()));
                    saved.set(true);
                    on_saved.run(course);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };

    let add_row = move |_| {
        let row = new_row(String::new(), String::new());
        rows.update(|r| r.push(row));
    };
    let heading = move || {
        if id.with(Option::is_none) {
            i18n.t().studio_new_course
        } else {
            i18n.t().studio_edit_course
        }
    };
    view! {
        <section class="glass studio-editor course-editor" aria-labelledby="course-editor-title">
            <h2 id="course-editor-title">{heading}</h2>
            <form class="form" novalidate on:submit=submit>
                <EditorError error />
                <TextFields title description />
                <PriceFields price currency />
                <CoverAndVisibility cover visibility />
                <LessonRows rows add_row=Callback::new(add_row) />
                <SaveRow saving saved />
            </form>
        </section>
    }
    .into_any()
}

/// The server's refusal; a link to the payouts page when that is the way on.
#[component]
fn EditorError(error: RwSignal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    (move || {
        error.get().map(|err| {
            let payouts = err.code == ErrorCode::PaymentsNotEnabled;
            view! {
                <div class="alert alert-error" role="alert" data-testid="course-editor-error">
                    <p>{err.message}</p>
                    {payouts.then(|| view! {
                        <p><A href="/studio/payouts">{move || i18n.t().payouts_link}</A></p>
                    })}
                </div>
            }
        })
    })
    .into_any()
}

#[component]
fn TextFields(title: RwSignal<String>, description: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for="course-title">{move || i18n.t().field_title}</label>
            <input id="course-title" class="input" type="text" maxlength="120" bind:value=title />
        </div>
        <div class="field">
            <label for="course-description">{move || i18n.t().field_description}</label>
            <textarea id="course-description" class="input" rows="3" bind:value=description></textarea>
        </div>
    }
    .into_any()
}

#[component]
fn PriceFields(price: RwSignal<String>, currency: RwSignal<Currency>) -> impl IntoView {
    let i18n = use_i18n();
    let currency_options = Currency::ALL
        .into_iter()
        .map(|c| view! { <option value=c.code() selected=currency.get_untracked() == c>{c.code()}</option> })
        .collect_view();
    view! {
        <div class="studio-editor-row">
            <div class="field">
                <label for="course-price">{move || i18n.t().field_price_kr}</label>
                <input id="course-price" class="input" type="text" inputmode="decimal" bind:value=price />
            </div>
            <div class="field">
                <label for="course-currency">{move || i18n.t().field_currency}</label>
                <select
                    id="course-currency"
                    class="input"
                    on:change=move |ev| {
                        if let Some(c) = Currency::parse(&event_target_value(&ev)) {
                            currency.set(c);
                        }
                    }
                >
                    {currency_options}
                </select>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn CoverAndVisibility(cover: RwSignal<String>, visibility: RwSignal<Visibility>) -> impl IntoView {
    let i18n = use_i18n();
    let visibility_options = [Visibility::Draft, Visibility::Published]
        .into_iter()
        .map(|v| {
            let label = move || match v {
                Visibility::Draft => i18n.t().status_draft,
                Visibility::Published => i18n.t().status_published,
            };
            view! { <option value=v.as_str() selected=visibility.get_untracked() == v>{label}</option> }
        })
        .collect_view();
    view! {
        <div class="studio-editor-row">
            <div class="field">
                <label for="course-cover">{move || i18n.t().field_cover}</label>
                <input id="course-cover" class="input" type="url" inputmode="url" bind:value=cover />
            </div>
            <div class="field">
                <label for="course-visibility">{move || i18n.t().field_visibility}</label>
                <select
                    id="course-visibility"
                    class="input"
                    on:change=move |ev| {
                        if let Some(v) = Visibility::parse(&event_target_value(&ev)) {
                            visibility.set(v);
                        }
                    }
                >
                    {visibility_options}
                </select>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn LessonRows(
    rows: RwSignal<Vec<LessonRow>>,
    add_row: Callback<leptos::ev::MouseEvent>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="lesson-rows">
            <legend>{move || i18n.t().course_lessons}</legend>
            <For each=move || rows.get() key=|row| row.key let:row>
                <LessonRowView row rows />
            </For>
            <button type="button" class="btn btn-ghost" on:click=move |ev| add_row.run(ev)>
                {move || i18n.t().lesson_add}
            </button>
        </fieldset>
    }
    .into_any()
}

#[component]
fn SaveRow(saving: RwSignal<bool>, saved: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="actions">
            <button type="submit" class="btn btn-primary" disabled=move || saving.get()>
                <span class="btn-label">
                    {move || if saving.get() { i18n.t().working } else { i18n.t().save }}
                </span>
            </button>
            <p class="studio-saved" role="status">
                {move || saved.get().then(|| i18n.t().studio_saved)}
            </p>
        </div>
    }
    .into_any()
}

#[component]
fn LessonRowView(row: LessonRow, rows: RwSignal<Vec<LessonRow>>) -> impl IntoView {
    let i18n = use_i18n();
    let key = row.key;
    let number = move || {
        rows.with(|r| r.iter().position(|x| x.key == key))
            .map_or(0, |i| i + 1)
    };
    let title_id = format!("lesson-title-{key}");
    let url_id = format!("lesson-url-{key}");
    let remove = move |_| rows.update(|r| r.retain(|x| x.key != key));
    view! {
        <div class="lesson-row" role="group" aria-label=move || format!("{} {}", i18n.t().lesson_label, number())>
            <span class="lesson-number" aria-hidden="true">{number}</span>
            <div class="field">
                <label for=title_id.clone()>{move || i18n.t().field_lesson_title}</label>
                <input id=title_id class="input" type="text" maxlength="120" bind:value=row.title />
            </div>
            <div class="field">
                <label for=url_id.clone()>{move || i18n.t().field_lesson_url}</label>
                <input id=url_id class="input" type="url" inputmode="url" bind:value=row.url />
            </div>
            <button
                type="button"
                class="btn btn-ghost lesson-remove"
                on:click=remove
                disabled=move || rows.with(|r| r.len() <= 1)
            >
                {move || i18n.t().lesson_remove}
                <span class="sr-only">" " {number}</span>
            </button>
        </div>
    }
    .into_any()
}
