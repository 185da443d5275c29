//! An active teacher's payout settings — how often Stripe pays out, and the
//! prefix on the buyer's card statement — and the button that signs them
//! in to Stripe's Express dashboard.

use leptos::prelude::*;

use crate::api::payouts::{PayoutDashboardLink, SavePayoutSettings};
use crate::model::payouts::{PayoutSettings, PayoutStatus};
use crate::ui::payouts::strings::{use_payout_i18n, PayoutStrings};

const SCHEDULES: [&str; 3] = ["daily", "weekly", "monthly"];

fn schedule_label(t: &PayoutStrings, schedule: &str) -> &'static str {
    match schedule {
        "daily" => t.schedule_daily,
        "weekly" => t.schedule_weekly,
        "monthly" => t.schedule_monthly,
        _ => t.schedule_choose,
    }
}

/// Stripe's rules for the prefix, as the server checks them: empty (no
/// prefix), or 2–10 characters with a letter and none of `<>\'"*`.
fn prefix_ok(raw: &str) -> bool {
    let prefix = raw.trim();
    if prefix.is_empty() {
        return true;
    }
    (2..=10).contains(&prefix.chars().count())
        && prefix.chars().any(char::is_alphabetic)
        && !prefix.chars().any(|c| "<>\\'\"*".contains(c))
}

#[component]
pub fn PayoutSettingsSection(status: PayoutStatus) -> impl IntoView {
    let p = use_payout_i18n();
    let save = ServerAction::<SavePayoutSettings>::new();
    let pending = save.pending();
    let schedule = RwSignal::new(status.payout_schedule.unwrap_or_default());
    let prefix = RwSignal::new(status.statement_descriptor_prefix.unwrap_or_default());
    let schedule_error = RwSignal::new(false);
    let prefix_error = RwSignal::new(false);
    let message = NodeRef::<leptos::html::P>::new();
    let schedule_select = NodeRef::<leptos::html::Select>::new();
    let prefix_input = NodeRef::<leptos::html::Input>::new();

    // Saved: the form shows what Stripe now has (the prefix in capitals);
    // refused: what was typed stays. Either way the message takes the focus.
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            schedule.set(saved.schedule_interval.clone());
            prefix.set(
                saved
                    .statement_descriptor_prefix
                    .clone()
                    .unwrap_or_default(),
            );
        }
    });
    Effect::new(move |_| {
        if let (Some(_), Some(message)) = (save.value().get(), message.get()) {
            let _ = message.focus();
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let interval = schedule.get_untracked();
        let typed = prefix.get_untracked().trim().to_owned();
        let schedule_bad = !SCHEDULES.contains(&interval.as_str());
        let prefix_bad = !prefix_ok(&typed);
        schedule_error.set(schedule_bad);
        prefix_error.set(prefix_bad);
        if schedule_bad {
            if let Some(select) = schedule_select.get_untracked() {
                let _ = select.focus();
            }
            return;
        }
        if prefix_bad {
            if let Some(input) = prefix_input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        save.dispatch(SavePayoutSettings {
            settings: PayoutSettings {
                schedule_interval: interval,
                statement_descriptor_prefix: (!typed.is_empty()).then_some(typed),
            },
        });
    };

    let options = SCHEDULES
        .into_iter()
        .map(|value| {
            view! {
                <option value=value selected=move || schedule.get() == value>
                    {move || schedule_label(p.t(), value)}
                </option>
            }
        })
        .collect_view();
    let outcome = move || {
        save.value().get().map(|result| match result {
            Ok(saved) => {
                let text = move || {
                    let t = p.t();
                    let prefix = saved
                        .statement_descriptor_prefix
                        .clone()
                        .unwrap_or_else(|| t.prefix_none.to_owned());
                    t.settings_saved
                        .replace("{schedule}", &schedule_label(t, &saved.schedule_interval).to_lowercase())
                        .replace("{prefix}", &prefix)
                };
                view! {
                    <p class="alert alert-success" role="status" tabindex="-1" node_ref=message
                        data-testid="payout-settings-saved">{text}</p>
                }
                .into_any()
            }
            Err(err) => view! {
                <p class="alert alert-error" role="alert" tabindex="-1" node_ref=message>{err.message}</p>
            }
            .into_any(),
        })
    };

    view! {
        <section class="glass payout-settings" aria-labelledby="payout-settings-title">
            <h2 id="payout-settings-title">{move || p.t().settings_title}</h2>
            <p class="muted">{move || p.t().settings_lead}</p>
            <form class="form payout-settings-form" on:submit=submit novalidate>
                <div class="field">
                    <label for="payout-schedule">{move || p.t().schedule_label}</label>
                    <select id="payout-schedule" class="input" data-testid="payout-schedule" node_ref=schedule_select
                        on:change=move |ev| schedule.set(event_target_value(&ev))
                        aria-invalid=move || schedule_error.get().to_string()
                        aria-describedby=move || schedule_error.get().then_some("payout-schedule-error")>
                        {move || (!SCHEDULES.contains(&schedule.get().as_str())).then(|| view! {
                            <option value="" selected=true>{move || p.t().schedule_choose}</option>
                        })}
                        {options}
                    </select>
                    <Show when=move || schedule_error.get()>
                        <p id="payout-schedule-error" class="field-error" role="alert">{move || p.t().schedule_missing}</p>
                    </Show>
                </div>
                <div class="field">
                    <label for="payout-prefix">{move || p.t().prefix_label}</label>
                    <input id="payout-prefix" class="input payout-prefix" type="text" maxlength="10"
                        autocomplete="off" spellcheck="false" data-testid="payout-prefix" node_ref=prefix_input
                        bind:value=prefix
                        aria-invalid=move || prefix_error.get().to_string()
                        aria-describedby=move || if prefix_error.get() {
                            "payout-prefix-hint payout-prefix-error"
                        } else {
                            "payout-prefix-hint"
                        } />
                    <small id="payout-prefix-hint" class="field-hint">{move || p.t().prefix_hint}</small>
                    <Show when=move || prefix_error.get()>
                        <p id="payout-prefix-error" class="field-error" role="alert">{move || p.t().prefix_invalid}</p>
                    </Show>
                </div>
                <div class="actions">
                    <button type="submit" class="btn btn-primary" data-testid="payout-settings-save"
                        aria-disabled=move || pending.get().to_string()
                        aria-busy=move || pending.get().to_string()>
                        {move || pending.get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                        {move || if pending.get() { p.t().settings_saving } else { p.t().settings_save }}
                    </button>
                </div>
            </form>
            {outcome}
        </section>
    }
}

/// Sends the browser to a fresh single-use link into the teacher's Express
/// dashboard on Stripe.
#[component]
pub fn DashboardButton() -> impl IntoView {
    let p = use_payout_i18n();
    let open = ServerAction::<PayoutDashboardLink>::new();
    let pending = open.pending();
    // The link is Stripe's page and works once: leave for it at once.
    Effect::new(move |_| {
        if let Some(Ok(link)) = open.value().get() {
            let _ = window().location().set_href(&link.url);
        }
    });
    let error = move || open.value().get().and_then(|r| r.err()).map(|e| e.message);
    view! {
        <ActionForm action=open attr:class="form payout-dashboard">
            <button type="submit" class="btn btn-ghost" data-testid="payout-dashboard"
                disabled=move || pending.get() aria-describedby="payout-dashboard-hint">
                {move || if pending.get() { p.t().dashboard_opening } else { p.t().dashboard_open }}
            </button>
            <small id="payout-dashboard-hint" class="field-hint">{move || p.t().dashboard_hint}</small>
        </ActionForm>
        {move || error().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_ok;

    #[test]
    fn prefixes_follow_stripes_rules() {
        assert!(prefix_ok(""));
        assert!(prefix_ok(" aveli "));
        assert!(prefix_ok("YOGA 24"));
        assert!(!prefix_ok("A"));
        assert!(!prefix_ok("12345"));
        assert!(!prefix_ok("ELEVENCHARS"));
        assert!(!prefix_ok("AV*LI"));
    }
}
