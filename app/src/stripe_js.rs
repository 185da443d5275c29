//! Typed wasm-bindgen bindings to the part of Stripe.js we use (the same
//! surface as @stripe/stripe-js): `Stripe(pk)`, `elements({clientSecret,
//! appearance, locale})`, `create('payment', {layout})`, `mount`, `on`,
//! `destroy`, `submit`, `confirmPayment`, `confirmSetup` and
//! `retrievePaymentIntent`.
//! Options are built as JS objects; results are read back into Rust types.
//! Live mode loads js.stripe.com, simulated mode the simulator's stand-in;
//! nothing here knows which.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The object `Stripe(publishableKey)` returns.
    #[derive(Clone)]
    pub type StripeClient;

    #[wasm_bindgen(catch, js_name = Stripe)]
    fn stripe_factory(publishable_key: &str, options: &JsValue) -> Result<StripeClient, JsValue>;

    #[wasm_bindgen(method)]
    fn elements(this: &StripeClient, options: &JsValue) -> Elements;

    #[wasm_bindgen(method, js_name = confirmPayment)]
    fn confirm_payment(this: &StripeClient, options: &JsValue) -> Promise;

    #[wasm_bindgen(method, js_name = confirmSetup)]
    fn confirm_setup_js(this: &StripeClient, options: &JsValue) -> Promise;

    #[wasm_bindgen(method, js_name = retrievePaymentIntent)]
    fn retrieve_payment_intent(this: &StripeClient, client_secret: &str) -> Promise;

    #[derive(Clone)]
    pub type Elements;

    #[wasm_bindgen(method)]
    fn create(this: &Elements, kind: &str, options: &JsValue) -> Element;

    #[wasm_bindgen(method)]
    fn submit(this: &Elements) -> Promise;

    #[derive(Clone)]
    pub type Element;

    #[wasm_bindgen(method, catch)]
    fn mount(this: &Element, selector: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn on(this: &Element, event: &str, handler: &Function);

    #[wasm_bindgen(method)]
    fn destroy(this: &Element);
}

/// An error as Stripe.js reports it (`{type, code, decline_code, message}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeJsError {
    pub kind: String,
    pub code: Option<String>,
    pub decline_code: Option<String>,
    pub message: String,
}

/// The PaymentIntent (or SetupIntent) fields the page acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntentResult {
    pub id: String,
    pub status: String,
}

/// What the Payment Element's `change` event says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementChange {
    pub complete: bool,
    pub method: String,
}

fn string_at(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (key, value) in pairs {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&obj, &JsValue::from_str(key), value);
    }
    obj.into()
}

fn error_from(value: &JsValue) -> StripeJsError {
    StripeJsError {
        kind: string_at(value, "type").unwrap_or_else(|| "api_error".into()),
        code: string_at(value, "code"),
        decline_code: string_at(value, "decline_code"),
        message: string_at(value, "message").unwrap_or_else(|| "Payment failed".into()),
    }
}

fn js_failure(err: JsValue) -> StripeJsError {
    StripeJsError {
        kind: "integration_error".into(),
        code: None,
        decline_code: None,
        message: err
            .as_string()
            .or_else(|| string_at(&err, "message"))
            .unwrap_or_else(|| "Stripe.js failed".into()),
    }
}

/// Reads `{paymentIntent}` (or `{setupIntent}`) or `{error}`, the shape every
/// Stripe.js promise resolves to.
fn intent_or_error(result: &JsValue, key: &str) -> Result<PaymentIntentResult, StripeJsError> {
    let error = Reflect::get(result, &JsValue::from_str("error")).unwrap_or(JsValue::UNDEFINED);
    if !error.is_undefined() && !error.is_null() {
        return Err(error_from(&error));
    }
    let intent = Reflect::get(result, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    match (string_at(&intent, "id"), string_at(&intent, "status")) {
        (Some(id), Some(status)) => Ok(PaymentIntentResult { id, status }),
        _ => Err(js_failure(JsValue::from_str(&format!(
            "no {key} in Stripe's answer"
        )))),
    }
}

/// Adds Stripe.js to the page once and waits until `window.Stripe` exists.
pub async fn load(script_url: &str) -> Result<(), StripeJsError> {
    let window = web_sys::window().ok_or_else(|| js_failure(JsValue::from_str("no window")))?;
    if Reflect::has(&window, &JsValue::from_str("Stripe")).unwrap_or(false) {
        return Ok(());
    }
    let document = window
        .document()
        .ok_or_else(|| js_failure(JsValue::from_str("no document")))?;
    let script: web_sys::HtmlScriptElement = document
        .create_element("script")
        .map_err(js_failure)?
        .unchecked_into();
    script.set_src(script_url);
    let loaded = Promise::new(&mut |resolve, reject| {
        script.set_onload(Some(&resolve));
        script.set_onerror(Some(&reject));
    });
    document
        .head()
        .ok_or_else(|| js_failure(JsValue::from_str("no <head>")))?
        .append_child(&script)
        .map_err(js_failure)?;
    JsFuture::from(loaded)
        .await
        .map_err(|_| js_failure(JsValue::from_str("Stripe.js could not be loaded")))?;
    Ok(())
}

/// `Stripe(publishableKey, {locale})`.
pub fn stripe(publishable_key: &str, locale: &str) -> Result<StripeClient, StripeJsError> {
    stripe_factory(publishable_key, &object(&[("locale", locale.into())])).map_err(js_failure)
}

/// The design's night theme for the Payment Element (our CSS variables' values).
pub fn night_appearance() -> JsValue {
    object(&[
        ("theme", "night".into()),
        (
            "variables",
            object(&[
                ("colorPrimary", "#c9bcff".into()),
                ("colorBackground", "#0e1334".into()),
                ("colorText", "#e8ecf8".into()),
                ("colorTextSecondary", "#aab3cc".into()),
                ("colorDanger", "#ffb4b4".into()),
                ("fontFamily", "Inter, system-ui, sans-serif".into()),
                ("borderRadius", "12px".into()),
                ("spacingUnit", "4px".into()),
            ]),
        ),
    ])
}

impl StripeClient {
    /// `stripe.elements({clientSecret, appearance, locale})`.
    pub fn payment_elements(
        &self,
        client_secret: &str,
        appearance: JsValue,
        locale: &str,
    ) -> Elements {
        self.elements(&object(&[
            ("clientSecret", client_secret.into()),
            ("appearance", appearance),
            ("locale", locale.into()),
        ]))
    }

    /// `stripe.confirmPayment({elements, confirmParams: {return_url, receipt_email}, redirect: 'if_required'})`.
    /// Card payments resolve here; PayPal and Klarna leave the page and come back to `return_url`.
    pub async fn confirm(
        &self,
        elements: &Elements,
        return_url: &str,
        receipt_email: Option<&str>,
    ) -> Result<PaymentIntentResult, StripeJsError> {
        let mut params = vec![("return_url", JsValue::from_str(return_url))];
        if let Some(email) = receipt_email {
            params.push(("receipt_email", JsValue::from_str(email)));
        }
        let options = object(&[
            ("elements", elements.into()),
            ("confirmParams", object(&params)),
            ("redirect", "if_required".into()),
        ]);
        let result = JsFuture::from(self.confirm_payment(&options))
            .await
            .map_err(js_failure)?;
        intent_or_error(&result, "paymentIntent")
    }

    /// `stripe.confirmSetup({elements, confirmParams: {return_url}, redirect: 'if_required'})`:
    /// saves the card of a SetupIntent (a trial's) without charging it.
    pub async fn confirm_setup(
        &self,
        elements: &Elements,
        return_url: &str,
    ) -> Result<PaymentIntentResult, StripeJsError> {
        let options = object(&[
            ("elements", elements.into()),
            (
                "confirmParams",
                object(&[("return_url", JsValue::from_str(return_url))]),
            ),
            ("redirect", "if_required".into()),
        ]);
        let result = JsFuture::from(self.confirm_setup_js(&options))
            .await
            .map_err(js_failure)?;
        intent_or_error(&result, "setupIntent")
    }

    /// `stripe.retrievePaymentIntent(clientSecret)`.
    pub async fn retrieve(
        &self,
        client_secret: &str,
    ) -> Result<PaymentIntentResult, StripeJsError> {
        let result = JsFuture::from(self.retrieve_payment_intent(client_secret))
            .await
            .map_err(js_failure)?;
        intent_or_error(&result, "paymentIntent")
    }
}

impl Elements {
    /// `elements.create('payment', {layout: 'tabs'})`.
    pub fn create_payment_element(&self) -> Element {
        self.create("payment", &object(&[("layout", "tabs".into())]))
    }

    /// `elements.submit()`: validates the form before confirming.
    pub async fn validate(&self) -> Result<(), StripeJsError> {
        let result = JsFuture::from(self.submit()).await.map_err(js_failure)?;
        let error =
            Reflect::get(&result, &JsValue::from_str("error")).unwrap_or(JsValue::UNDEFINED);
        if error.is_undefined() || error.is_null() {
            Ok(())
        } else {
            Err(error_from(&error))
        }
    }
}

impl Element {
    pub fn mount_at(&self, selector: &str) -> Result<(), StripeJsError> {
        self.mount(selector).map_err(js_failure)
    }

    /// `element.on('ready', cb)`. The closure lives as long as the page.
    pub fn on_ready(&self, handler: impl FnMut() + 'static) {
        let closure = Closure::<dyn FnMut()>::new(handler);
        self.on("ready", closure.as_ref().unchecked_ref());
        closure.forget();
    }

    /// `element.on('change', cb)`, read into an `ElementChange`.
    pub fn on_change(&self, mut handler: impl FnMut(ElementChange) + 'static) {
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let complete = Reflect::get(&event, &JsValue::from_str("complete"))
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            let value =
                Reflect::get(&event, &JsValue::from_str("value")).unwrap_or(JsValue::UNDEFINED);
            let method = string_at(&value, "type").unwrap_or_default();
            handler(ElementChange { complete, method });
        });
        self.on("change", closure.as_ref().unchecked_ref());
        closure.forget();
    }

    /// `element.on('loaderror', cb)`.
    pub fn on_load_error(&self, mut handler: impl FnMut(StripeJsError) + 'static) {
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let error = Reflect::get(&event, &JsValue::from_str("error")).unwrap_or(event);
            handler(error_from(&error));
        });
        self.on("loaderror", closure.as_ref().unchecked_ref());
        closure.forget();
    }

    pub fn remove(&self) {
        self.destroy();
    }
}
