#![recursion_limit = "256"]
//! The browser entry: hydrates the server-rendered page once the code of a
//! lazily loaded page (`app::ui::lazy_pages`) has arrived, then marks <body>.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // What `leptos::mount::hydrate_lazy` does, plus the mark: only after the
    // await is every part of the page interactive, the lazy page included.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        let app = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        // Tells people and end-to-end tests that the page is interactive.
        let _ = body.set_attribute("data-hydrated", "true");
        app.forget();
    });
}
