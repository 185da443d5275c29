//! The document shell, the router and the app-wide context (language, the
//! signed-in user and the account actions).

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Html, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::api::accounts::{current_user, BecomeTeacher, Login, Logout, Signup};
use crate::api::my_account::{DeleteAccount, ResetPassword, UpdateProfile};
use crate::model::{AppError, User};
use crate::ui::i18n_context::{initial_locale, use_i18n, I18n};
use crate::ui::nav::Nav;
use crate::ui::pages::admin::{
    audit::AdminAuditPage, disputes::AdminDisputesPage, order::AdminOrderPage,
    orders::AdminOrdersPage, overview::AdminOverviewPage, system::AdminSystemPage,
    teachers::AdminTeachersPage,
};
use crate::ui::pages::{
    account::AccountPage, bookings::BookingsPage, course::CoursePage, courses::CoursesPage,
    email_confirm::EmailConfirmPage, error::ErrorPage, home::HomePage, join::JoinPage,
    landing::LandingPage, login::LoginPage, membership::MembershipPage, not_found::NotFoundPage,
    password_forgot::PasswordForgotPage, password_reset::PasswordResetPage,
    payment_test::PaymentTestPage, payouts::PayoutsPage, receipt::ReceiptPage,
    session::SessionPage, signup::SignupPage, signup_membership::SignupMembershipPage,
    studio::StudioPage, studio_courses::StudioCoursesPage,
};
use crate::ui::viewer::{adopt_browser_zone, initial_visitor_zone, VisitorZone};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="dark" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                <HashedStylesheet options id="leptos" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The signed-in user and the actions that change it. The user is refetched
/// whenever one of the actions completes.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<User>, AppError>>,
    pub login: ServerAction<Login>,
    pub signup: ServerAction<Signup>,
    pub logout: ServerAction<Logout>,
    pub become_teacher: ServerAction<BecomeTeacher>,
    /// A new name or time zone: every time on the page moves with it.
    pub update_profile: ServerAction<UpdateProfile>,
    /// A reset password signs this browser in.
    pub reset_password: ServerAction<ResetPassword>,
    pub delete_account: ServerAction<DeleteAccount>,
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n(RwSignal::new(initial_locale()));
    provide_context(i18n);

    let login = ServerAction::<Login>::new();
    let signup = ServerAction::<Signup>::new();
    let logout = ServerAction::<Logout>::new();
    let become_teacher = ServerAction::<BecomeTeacher>::new();
    let update_profile = ServerAction::<UpdateProfile>::new();
    let reset_password = ServerAction::<ResetPassword>::new();
    let delete_account = ServerAction::<DeleteAccount>::new();
    let user = Resource::new(
        move || {
            (
                login.version().get(),
                signup.version().get(),
                logout.version().get(),
                become_teacher.version().get(),
                update_profile.version().get(),
                reset_password.version().get(),
                delete_account.version().get(),
            )
        },
        |_| current_user(),
    );
    provide_context(Auth {
        user,
        login,
        signup,
        logout,
        become_teacher,
        update_profile,
        reset_password,
        delete_account,
    });
    let visitor_zone = VisitorZone(RwSignal::new(initial_visitor_zone()));
    provide_context(visitor_zone);

    // Tells people and end-to-end tests that the page is interactive.
    Effect::new(move |_| {
        adopt_browser_zone(visitor_zone);
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Html attr:lang=move || i18n.locale().code() attr:data-tz=move || visitor_zone.0.get().name() />
        <Title text="Aveli" />
        <Router>
            <Nav />
            <main class="page" id="main">
                <ErrorBoundary fallback=|errors| {
                    view! { <ErrorPage errors /> }
                }>
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("") view=LandingPage />
                        <Route path=path!("/login") view=LoginPage />
                        <Route path=path!("/signup") view=SignupPage />
                        <Route path=path!("/password/forgot") view=PasswordForgotPage />
                        <Route path=path!("/password/reset/:token") view=PasswordResetPage />
                        <Route path=path!("/email/confirm/:token") view=EmailConfirmPage />
                        <Route path=path!("/signup/membership") view=SignupMembershipPage ssr=SsrMode::Async />
                        <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                        <Route path=path!("/home") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/studio") view=StudioPage />
                        <Route path=path!("/membership") view=MembershipPage ssr=SsrMode::Async />
                        <Route path=path!("/studio/payouts") view=PayoutsPage ssr=SsrMode::Async />
                        <Route path=path!("/studio/payment-test") view=PaymentTestPage />
                        <Route path=path!("/sessions/:id") view=SessionPage />
                        <Route path=path!("/courses") view=CoursesPage />
                        <Route path=path!("/courses/:id") view=CoursePage />
                        <Route path=path!("/studio/courses") view=StudioCoursesPage />
                        <Route path=path!("/orders/:id") view=ReceiptPage ssr=SsrMode::Async />
                        <Route path=path!("/bookings") view=BookingsPage ssr=SsrMode::Async />
                        <Route path=path!("/join/:token") view=JoinPage ssr=SsrMode::Async />
                        <Route path=path!("/admin") view=AdminOverviewPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/teachers") view=AdminTeachersPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/orders") view=AdminOrdersPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/orders/:id") view=AdminOrderPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/disputes") view=AdminDisputesPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/system") view=AdminSystemPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/audit") view=AdminAuditPage ssr=SsrMode::Async />
                    </Routes>
                </ErrorBoundary>
            </main>
            <Footer />
        </Router>
    }
}

#[component]
fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="footer">
            <p class="muted">{move || i18n.t().footer}</p>
        </footer>
    }
}
