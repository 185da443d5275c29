//! Pages whose code the browser loads only when it first shows them: the
//! WASM is split at each of these (cargo leptos build --split), so the
//! landing page, login and sign-up do not download the studio, checkout,
//! receipts and the rest. The server renders them as any other page.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::ui::pages::{
    account::AccountPage, bookings::BookingsPage, course::CoursePage, courses::CoursesPage,
    home::HomePage, membership::MembershipPage, payment_test::PaymentTestPage,
    payouts::PayoutsPage, receipt::ReceiptPage, session::SessionPage,
    signup_membership::SignupMembershipPage, studio::StudioPage, studio_courses::StudioCoursesPage,
};

/// `lazy_page!(Route, Page)`: `Route` is the lazily loaded form of the
/// component `Page`, for `<Route view=Lazy::<Route>::new() />`. Each page
/// loads its own data, so the route has none of its own.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(AccountRoute, AccountPage);
lazy_page!(BookingsRoute, BookingsPage);
lazy_page!(CourseRoute, CoursePage);
lazy_page!(CoursesRoute, CoursesPage);
lazy_page!(HomeRoute, HomePage);
lazy_page!(MembershipRoute, MembershipPage);
lazy_page!(PaymentTestRoute, PaymentTestPage);
lazy_page!(PayoutsRoute, PayoutsPage);
lazy_page!(ReceiptRoute, ReceiptPage);
lazy_page!(SessionRoute, SessionPage);
lazy_page!(SignupMembershipRoute, SignupMembershipPage);
lazy_page!(StudioRoute, StudioPage);
lazy_page!(StudioCoursesRoute, StudioCoursesPage);
