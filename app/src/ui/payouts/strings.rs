//! The words of the teacher's payouts page (`/studio/payouts`) that came
//! with the payouts list, the payout settings and disputes on sales; in
//! Swedish (the default) and English. The page's older words are in
//! `i18n.rs` (`payouts_*`, `sales_*`). Placeholders in braces are filled
//! by the components.

use crate::model::Locale;
use crate::ui::i18n_context::{use_i18n, I18n};

pub struct PayoutStrings {
    pub list_title: &'static str,
    pub list_lead: &'static str,
    pub list_empty: &'static str,
    pub status_paid: &'static str,
    pub status_failed: &'static str,
    pub status_pending: &'static str,
    pub status_in_transit: &'static str,
    pub status_canceled: &'static str,
    /// `{date}`: the day it reached the bank.
    pub arrived: &'static str,
    /// `{date}`: the day it is expected at the bank.
    pub arrives: &'static str,
    /// `{message}`: the bank's reason (in English, from Stripe).
    pub failure: &'static str,
    pub failed_note: &'static str,
    /// `{n}`: how many sales.
    pub sales_summary: &'static str,
    /// `{amount}`, `{date}`: which payout.
    pub sales_caption: &'static str,
    pub sales_none: &'static str,
    pub col_title: &'static str,
    pub col_paid_at: &'static str,
    pub col_amount: &'static str,
    pub col_fee: &'static str,
    pub col_share: &'static str,
    pub col_refunded: &'static str,
    pub settings_title: &'static str,
    pub settings_lead: &'static str,
    pub schedule_label: &'static str,
    pub schedule_choose: &'static str,
    pub schedule_daily: &'static str,
    pub schedule_weekly: &'static str,
    pub schedule_monthly: &'static str,
    pub schedule_missing: &'static str,
    pub prefix_label: &'static str,
    pub prefix_hint: &'static str,
    pub prefix_invalid: &'static str,
    pub prefix_none: &'static str,
    pub settings_save: &'static str,
    pub settings_saving: &'static str,
    /// `{schedule}`, `{prefix}`: what was saved.
    pub settings_saved: &'static str,
    pub dashboard_open: &'static str,
    pub dashboard_opening: &'static str,
    pub dashboard_hint: &'static str,
    pub dispute_awaiting: &'static str,
    pub dispute_review: &'static str,
    pub dispute_won: &'static str,
    pub dispute_lost: &'static str,
    pub dispute_closed: &'static str,
    /// `{status}`: Stripe's word, for a state without a name here.
    pub dispute_other: &'static str,
}

pub const SV: PayoutStrings = PayoutStrings {
    list_title: "Utbetalningar till din bank",
    list_lead: "Stripe betalar ut ditt saldo till ditt bankkonto. Nyaste först; öppna en utbetalning för att se försäljningen den innehöll.",
    list_empty: "Inga utbetalningar ännu. När du har sålt något betalar Stripe ut pengarna enligt ditt schema.",
    status_paid: "Utbetald",
    status_failed: "Misslyckad",
    status_pending: "Väntar",
    status_in_transit: "På väg till banken",
    status_canceled: "Avbruten",
    arrived: "Kom fram {date}",
    arrives: "Väntas fram {date}",
    failure: "Banken svarade: {message}",
    failed_note: "Pengarna finns kvar hos Stripe och betalas ut med nästa utbetalning. Kontrollera dina bankuppgifter i Stripe-översikten.",
    sales_summary: "Visa försäljningen i utbetalningen ({n})",
    sales_caption: "Försäljning i utbetalningen på {amount} ({date})",
    sales_none: "Ingen försäljning hittades för den här utbetalningen.",
    col_title: "Titel",
    col_paid_at: "Betald",
    col_amount: "Belopp",
    col_fee: "Plattformsavgift",
    col_share: "Din del",
    col_refunded: "Återbetalt",
    settings_title: "Inställningar för utbetalningar",
    settings_lead: "Ändringarna sparas hos Stripe och gäller från nästa utbetalning.",
    schedule_label: "Hur ofta du får utbetalningar",
    schedule_choose: "Välj…",
    schedule_daily: "Varje dag",
    schedule_weekly: "Varje vecka (måndagar)",
    schedule_monthly: "Varje månad (den 1:a)",
    schedule_missing: "Välj hur ofta du vill få utbetalningar.",
    prefix_label: "Prefix på köparens kontoutdrag",
    prefix_hint: "2–10 tecken, minst en bokstav, till exempel AVELI. Visas först på köparens kontoutdrag. Lämna tomt för inget prefix.",
    prefix_invalid: "Prefixet ska ha 2–10 tecken, minst en bokstav och inget av < > \\ ' \" *.",
    prefix_none: "inget",
    settings_save: "Spara inställningarna",
    settings_saving: "Sparar…",
    settings_saved: "Sparat. Utbetalningar: {schedule}. Prefix på kontoutdraget: {prefix}.",
    dashboard_open: "Öppna Stripe-översikten",
    dashboard_opening: "Öppnar…",
    dashboard_hint: "Saldo, utbetalningar och bankuppgifter hos Stripe.",
    dispute_awaiting: "Tvist: väntar på bevis",
    dispute_review: "Tvist: under granskning",
    dispute_won: "Tvist: vunnen",
    dispute_lost: "Tvist: förlorad",
    dispute_closed: "Tvist: avslutad",
    dispute_other: "Tvist: {status}",
};

pub const EN: PayoutStrings = PayoutStrings {
    list_title: "Payouts to your bank",
    list_lead: "Stripe pays your balance out to your bank account. Newest first; open a payout to see the sales it held.",
    list_empty: "No payouts yet. Once you have sold something, Stripe pays the money out on your schedule.",
    status_paid: "Paid out",
    status_failed: "Failed",
    status_pending: "Pending",
    status_in_transit: "On its way to the bank",
    status_canceled: "Cancelled",
    arrived: "Arrived {date}",
    arrives: "Expected {date}",
    failure: "The bank said: {message}",
    failed_note: "The money stays with Stripe and is paid out with the next payout. Check your bank details in the Stripe dashboard.",
    sales_summary: "Show the sales in this payout ({n})",
    sales_caption: "Sales in the payout of {amount} ({date})",
    sales_none: "No sales were found for this payout.",
    col_title: "Title",
    col_paid_at: "Paid",
    col_amount: "Amount",
    col_fee: "Platform fee",
    col_share: "Your share",
    col_refunded: "Refunded",
    settings_title: "Payout settings",
    settings_lead: "Changes are saved at Stripe and apply from the next payout.",
    schedule_label: "How often you are paid out",
    schedule_choose: "Choose…",
    schedule_daily: "Daily",
    schedule_weekly: "Weekly (Mondays)",
    schedule_monthly: "Monthly (on the 1st)",
    schedule_missing: "Choose how often you want to be paid out.",
    prefix_label: "Prefix on the buyer's card statement",
    prefix_hint: "2–10 characters, at least one letter, for example AVELI. Shown first on the buyer's card statement. Leave empty for no prefix.",
    prefix_invalid: "The prefix must be 2–10 characters, with at least one letter and none of < > \\ ' \" *.",
    prefix_none: "none",
    settings_save: "Save the settings",
    settings_saving: "Saving…",
    settings_saved: "Saved. Payouts: {schedule}. Statement prefix: {prefix}.",
    dashboard_open: "Open the Stripe dashboard",
    dashboard_opening: "Opening…",
    dashboard_hint: "Balance, payouts and bank details at Stripe.",
    dispute_awaiting: "Dispute: awaiting evidence",
    dispute_review: "Dispute: under review",
    dispute_won: "Dispute: won",
    dispute_lost: "Dispute: lost",
    dispute_closed: "Dispute: closed",
    dispute_other: "Dispute: {status}",
};

pub fn payout_strings(locale: Locale) -> &'static PayoutStrings {
    match locale {
        Locale::Sv => &SV,
        Locale::En => &EN,
    }
}

/// These words, following the active language like `I18n`.
#[derive(Clone, Copy)]
pub struct PayoutI18n(pub I18n);

impl PayoutI18n {
    pub fn t(&self) -> &'static PayoutStrings {
        payout_strings(self.0.locale())
    }
}

pub fn use_payout_i18n() -> PayoutI18n {
    PayoutI18n(use_i18n())
}
