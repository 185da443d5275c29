//! The order page's refund form: an amount in major units, whether to take
//! the teacher's share back and to return the platform's fee, a reason,
//! then a step that says in words what will happen before anything is sent.
//!
//! The Idempotency-Key is made when the page opens and kept while Stripe's
//! answer is unknown (`Unavailable`: sending the same request again with
//! the same key refunds at most once); a success or a definite refusal
//! gets a new one, so the next refund is a new refund.

use leptos::prelude::*;

use crate::api::admin::RefundOrder;
use crate::i18n_admin::AdminStrings;
use crate::model::admin::{AdminRefund, RefundRequest};
use crate::model::session::parse_price_input;
use crate::model::{AppError, ErrorCode};
use crate::ui::pages::admin::order::refund_status_label;
use crate::ui::pages::admin::{money, new_key, use_admin_i18n};

/// What the form needs to know about the order.
#[derive(Debug, Clone)]
pub struct RefundFacts {
    pub order_id: String,
    pub student_email: String,
    pub currency: String,
    pub amount_cents: i64,
    pub teacher_share_cents: i64,
    pub refundable_cents: i64,
    /// A teacher's account received a transfer (there is something to take back).
    pub paid_a_teacher: bool,
}

/// Why a typed amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    Format,
    NotPositive,
    TooLarge,
}

/// The form's state. Lives on the page, outside the part redrawn when the
/// order is fetched again, so nothing typed is lost.
#[derive(Clone, Copy)]
pub struct RefundDraft {
    amount: RwSignal<String>,
    reason: RwSignal<String>,
    reverse_transfer: RwSignal<bool>,
    application_fee: RwSignal<bool>,
    amount_error: RwSignal<Option<AmountError>>,
    reason_error: RwSignal<bool>,
    /// The checked request, waiting for the admin's confirmation.
    asking: RwSignal<Option<RefundRequest>>,
    key: StoredValue<String>,
    /// The request last sent under `key` that has no definite answer yet.
    unanswered: StoredValue<Option<RefundRequest>>,
    /// The order the last refund was sent for (its outcome shows only there).
    sent_for: RwSignal<Option<String>>,
}

impl RefundDraft {
    pub fn new(refund: ServerAction<RefundOrder>) -> Self {
        let draft = RefundDraft {
            amount: RwSignal::new(String::new()),
            reason: RwSignal::new(String::new()),
            reverse_transfer: RwSignal::new(true),
            application_fee: RwSignal::new(true),
            amount_error: RwSignal::new(None),
            reason_error: RwSignal::new(false),
            asking: RwSignal::new(None),
            key: StoredValue::new(new_key()),
            unanswered: StoredValue::new(None),
            sent_for: RwSignal::new(None),
        };
        Effect::new(move |_| match refund.value().get() {
            Some(Ok(_)) => {
                draft.clear();
                draft.fresh_key();
            }
            // Unknown at Stripe: keep the key and the step, so confirming
            // again sends the very same refund.
            Some(Err(err)) if err.code == ErrorCode::Unavailable => {}
            // Refused: nothing was refunded; the admin may fix and retry.
            Some(Err(_)) => {
                draft.asking.set(None);
                draft.fresh_key();
            }
            None => {}
        });
        draft
    }

    fn fresh_key(self) {
        self.key.set_value(new_key());
        self.unanswered.set_value(None);
    }

    /// Empties the form (after a success, or on another order).
    pub fn clear(self) {
        self.amount.set(String::new());
        self.reason.set(String::new());
        self.reverse_transfer.set(true);
        self.application_fee.set(true);
        self.amount_error.set(None);
        self.reason_error.set(false);
        self.asking.set(None);
    }
}

/// Reads "75", "75,00", "75.5" or "1 075,00" as minor units, at most `left`.
pub fn parse_amount(input: &str, left: i64) -> Result<i64, AmountError> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(AmountError::Format);
    }
    let cents = parse_price_input(&compact).ok_or(AmountError::Format)?;
    if cents <= 0 {
        Err(AmountError::NotPositive)
    } else if cents > left {
        Err(AmountError::TooLarge)
    } else {
        Ok(cents)
    }
}

/// The teacher's part of a refund: the refund times their share of the
/// order, rounded to the nearest minor unit.
pub fn teacher_part(refund_cents: i64, teacher_share_cents: i64, amount_cents: i64) -> i64 {
    if amount_cents <= 0 || refund_cents <= 0 || teacher_share_cents <= 0 {
        return 0;
    }
    let product = i128::from(refund_cents) * i128::from(teacher_share_cents);
    let amount = i128::from(amount_cents);
    i64::try_from((2 * product + amount) / (2 * amount)).unwrap_or(0)
}

/// What the confirmation step says will happen.
fn question(t: &AdminStrings, facts: &RefundFacts, request: &RefundRequest) -> String {
    let amount = money(request.amount_cents, &facts.currency);
    let mut text = t
        .confirm_refund
        .replace("{amount}", &amount)
        .replace("{email}", &facts.student_email);
    if request.reverse_transfer {
        let part = teacher_part(
            request.amount_cents,
            facts.teacher_share_cents,
            facts.amount_cents,
        );
        text.push_str(
            &t.confirm_refund_reverse
                .replace("{share}", &money(part, &facts.currency)),
        );
    }
    text.push_str(t.confirm_refund_end);
    text
}

/// The consequences the question leaves out, one sentence each.
fn consequences(t: &AdminStrings, facts: &RefundFacts, request: &RefundRequest) -> String {
    let mut lines = Vec::new();
    if facts.paid_a_teacher && !request.reverse_transfer {
        lines.push(t.confirm_teacher_keeps);
    }
    lines.push(if request.refund_application_fee {
        t.confirm_fee_returned
    } else {
        t.confirm_fee_kept
    });
    lines.join(" ")
}

#[component]
pub fn RefundSection(
    facts: RefundFacts,
    draft: RefundDraft,
    refund: ServerAction<RefundOrder>,
) -> impl IntoView {
    let a = use_admin_i18n();
    let body = if facts.refundable_cents > 0 {
        view! { <RefundForm facts draft refund /> }.into_any()
    } else {
        view! { <p class="muted">{move || a.t().refund_nothing_left}</p> }.into_any()
    };
    view! {
        <section class="glass admin admin-refund" aria-labelledby="refund-title">
            <h2 id="refund-title">{move || a.t().refund_title}</h2>
            {body}
        </section>
    }
}

#[component]
fn RefundForm(
    facts: RefundFacts,
    draft: RefundDraft,
    refund: ServerAction<RefundOrder>,
) -> impl IntoView {
    let a = use_admin_i18n();
    let facts = StoredValue::new(facts);
    let left = facts.with_value(|f| f.refundable_cents);
    let paid_a_teacher = facts.with_value(|f| f.paid_a_teacher);
    let pending = refund.pending();
    let amount_input = NodeRef::<leptos::html::Input>::new();
    let reason_input = NodeRef::<leptos::html::Textarea>::new();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let asking = move || draft.asking.get().is_some();

    // When the step opens, focus goes to its safe choice.
    Effect::new(move |previous: Option<bool>| {
        let now = draft.asking.get().is_some();
        if previous == Some(false) && now {
            request_animation_frame(move || {
                if let Some(Some(button)) = cancel_button.try_get_untracked() {
                    let _ = button.focus();
                }
            });
        }
        now
    });

    let review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let amount = parse_amount(&draft.amount.get_untracked(), left);
        let reason = draft.reason.get_untracked().trim().to_owned();
        draft.amount_error.set(amount.err());
        draft.reason_error.set(reason.is_empty());
        match amount {
            Ok(amount_cents) if !reason.is_empty() => draft.asking.set(Some(RefundRequest {
                amount_cents,
                reverse_transfer: paid_a_teacher && draft.reverse_transfer.get_untracked(),
                refund_application_fee: draft.application_fee.get_untracked(),
                reason,
            })),
            Ok(_) => {
                if let Some(input) = reason_input.get_untracked() {
                    let _ = input.focus();
                }
            }
            Err(_) => {
                if let Some(input) = amount_input.get_untracked() {
                    let _ = input.focus();
                }
            }
        }
    };
    let confirm = move |_| {
        if pending.get_untracked() {
            return;
        }
        let Some(request) = draft.asking.get_untracked() else {
            return;
        };
        // The key belongs to one request: a changed request is a new refund.
        if draft
            .unanswered
            .with_value(|sent| sent.as_ref().is_some_and(|sent| *sent != request))
        {
            draft.key.set_value(new_key());
        }
        draft.unanswered.set_value(Some(request.clone()));
        let order_id = facts.with_value(|f| f.order_id.clone());
        draft.sent_for.set(Some(order_id.clone()));
        refund.dispatch(RefundOrder {
            order_id,
            idempotency_key: draft.key.get_value(),
            refund: request,
        });
    };

    let amount_error = move || {
        draft.amount_error.get().map(|error| {
            let t = a.t();
            match error {
                AmountError::Format => t.refund_amount_format.to_owned(),
                AmountError::NotPositive => t.refund_amount_positive.to_owned(),
                AmountError::TooLarge => facts.with_value(|f| {
                    t.refund_amount_too_large
                        .replace("{max}", &money(f.refundable_cents, &f.currency))
                }),
            }
        })
    };
    let amount_hint = move || {
        facts.with_value(|f| {
            a.t()
                .refund_amount_hint
                .replace("{max}", &money(f.refundable_cents, &f.currency))
        })
    };
    let question_text = move || {
        draft.asking.get().map(|request| {
            facts.with_value(|f| {
                (
                    question(a.t(), f, &request),
                    consequences(a.t(), f, &request),
                )
            })
        })
    };

    view! {
        <form class="form admin-refund-form" on:submit=review novalidate>
            <fieldset class="admin-fieldset" disabled=asking>
                <legend class="sr-only">{move || a.t().refund_title}</legend>
                <div class="field">
                    <label for="refund-amount">{move || a.t().refund_amount}</label>
                    <input id="refund-amount" data-testid="refund-amount" class="input admin-amount"
                        type="text" inputmode="decimal" autocomplete="off" node_ref=amount_input
                        bind:value=draft.amount
                        aria-invalid=move || draft.amount_error.get().is_some().to_string()
                        aria-describedby=move || if draft.amount_error.get().is_some() {
                            "refund-amount-hint refund-amount-error"
                        } else {
                            "refund-amount-hint"
                        } />
                    <small id="refund-amount-hint" class="field-hint">{amount_hint}</small>
                    {move || amount_error().map(|message| view! {
                        <p id="refund-amount-error" class="field-error" role="alert">{message}</p>
                    })}
                </div>
                <div class="admin-check">
                    <input id="refund-reverse-transfer" data-testid="refund-reverse-transfer" type="checkbox"
                        bind:checked=draft.reverse_transfer disabled=!paid_a_teacher
                        aria-describedby=(!paid_a_teacher).then_some("refund-reverse-transfer-hint") />
                    <label for="refund-reverse-transfer">{move || a.t().refund_reverse_transfer}</label>
                    {(!paid_a_teacher).then(|| view! {
                        <small id="refund-reverse-transfer-hint" class="field-hint">
                            {move || a.t().refund_no_teacher}
                        </small>
                    })}
                </div>
                <div class="admin-check">
                    <input id="refund-application-fee" data-testid="refund-application-fee" type="checkbox"
                        bind:checked=draft.application_fee />
                    <label for="refund-application-fee">{move || a.t().refund_application_fee}</label>
                </div>
                <div class="field">
                    <label for="refund-reason">{move || a.t().refund_reason_label}</label>
                    <textarea id="refund-reason" data-testid="refund-reason" class="input" maxlength="500"
                        required node_ref=reason_input bind:value=draft.reason
                        aria-invalid=move || draft.reason_error.get().to_string()
                        aria-describedby=move || draft.reason_error.get().then_some("refund-reason-error")></textarea>
                    <Show when=move || draft.reason_error.get()>
                        <p id="refund-reason-error" class="field-error" role="alert">{move || a.t().refund_reason_missing}</p>
                    </Show>
                </div>
                <Show when=move || !asking()>
                    <div class="actions">
                        <button type="submit" class="btn btn-primary" data-testid="refund-submit">
                            <span class="btn-label">{move || a.t().refund_review}</span>
                        </button>
                    </div>
                </Show>
            </fieldset>
        </form>
        {move || question_text().map(|(question, consequences)| view! {
            <div class="admin-confirm" role="group" aria-labelledby="refund-question">
                <p id="refund-question" class="admin-confirm-question" data-testid="refund-question">{question}</p>
                <p>{consequences}</p>
                <div class="actions">
                    <button type="button" class="btn btn-danger" data-testid="refund-confirm"
                        aria-disabled=move || pending.get().to_string()
                        aria-busy=move || pending.get().to_string()
                        on:click=confirm>
                        {move || pending.get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                        {move || if pending.get() { a.t().refund_sending } else { a.t().refund_confirm }}
                    </button>
                    <button type="button" class="btn btn-ghost" node_ref=cancel_button
                        disabled=move || pending.get()
                        on:click=move |_| draft.asking.set(None)>
                        {move || a.t().refund_edit}
                    </button>
                </div>
            </div>
        })}
    }
}

/// The last refund's outcome, kept outside the redrawn order so it holds
/// focus while the order is fetched again.
#[component]
pub fn RefundOutcome(
    order_id: Memo<String>,
    draft: RefundDraft,
    refund: ServerAction<RefundOrder>,
) -> impl IntoView {
    let message = NodeRef::<leptos::html::Div>::new();
    let outcome = move || {
        let here = draft.sent_for.get().is_some_and(|id| id == order_id.get());
        here.then(|| refund.value().get()).flatten()
    };
    Effect::new(move |_| {
        if outcome().is_some() {
            request_animation_frame(move || {
                if let Some(Some(message)) = message.try_get_untracked() {
                    let _ = message.focus();
                }
            });
        }
    });
    // Drawn only once an admin has sent a refund: nothing for anyone else.
    move || {
        outcome().map(|result| {
            let inner = match result {
                Ok(done) => view! { <Done done /> }.into_any(),
                Err(err) => view! { <Refused err /> }.into_any(),
            };
            view! { <div class="admin-refund-outcome" tabindex="-1" node_ref=message>{inner}</div> }
        })
    }
}

#[component]
fn Done(done: AdminRefund) -> impl IntoView {
    let a = use_admin_i18n();
    let status = done.status;
    let amount = money(done.amount_cents, &done.currency);
    view! {
        <p class="alert alert-success" role="status" data-testid="refund-done">
            {move || a.t().refund_done
                .replace("{status}", refund_status_label(a.t(), status))
                .replace("{amount}", &amount)}
        </p>
    }
}

#[component]
fn Refused(err: AppError) -> impl IntoView {
    let a = use_admin_i18n();
    let unknown = err.code == ErrorCode::Unavailable;
    view! {
        <div class="alert alert-error" role="alert" data-testid="refund-error">
            <p>
                {err.message}
                {unknown.then(|| view! { " " {move || a.t().refund_retry_hint} })}
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_in_major_units() {
        assert_eq!(parse_amount("75,00", 15_000), Ok(7_500));
        assert_eq!(parse_amount("75.00", 15_000), Ok(7_500));
        assert_eq!(parse_amount(" 75,5 ", 15_000), Ok(7_550));
        assert_eq!(parse_amount("1 075", 200_000), Ok(107_500));
        assert_eq!(parse_amount("", 15_000), Err(AmountError::Format));
        assert_eq!(parse_amount("75 kr", 15_000), Err(AmountError::Format));
        assert_eq!(parse_amount("7,555", 15_000), Err(AmountError::Format));
        assert_eq!(parse_amount("-5", 15_000), Err(AmountError::Format));
        assert_eq!(parse_amount("0,00", 15_000), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("150,01", 15_000), Err(AmountError::TooLarge));
    }

    #[test]
    fn the_teachers_part_is_rounded() {
        assert_eq!(teacher_part(7_500, 12_000, 15_000), 6_000);
        assert_eq!(teacher_part(1, 8_000, 15_000), 1);
        assert_eq!(teacher_part(100, 0, 15_000), 0);
        assert_eq!(teacher_part(100, 100, 0), 0);
    }
}
