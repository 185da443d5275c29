//! The emails about the account itself, in Swedish and English: a password
//! reset link, the confirmation of a new address (for a change or a new
//! account), the notice to the old address, and the goodbye after a
//! deletion. Each is one body paragraph, an optional link and a closing
//! note, on the shared layout (`account_notice.*` extends `base.*`).

use askama::Template;

use crate::backend::mail::emails::{link, render, texts, Frame, Link};
use crate::backend::mail::message::OutgoingEmail;
use crate::model::Locale;

/// Which account email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountMail {
    /// The link to set a new password (`/password/reset/{token}`).
    PasswordReset,
    /// To the new address of an email change: the link that makes it happen.
    EmailChangeConfirm,
    /// To the old address of an email change: no link, only the notice.
    EmailChangeNotice,
    /// To a new account: the link that confirms the address.
    EmailVerify,
    /// To the address of a deleted account: goodbye, no link.
    AccountDeleted,
}

struct Texts {
    subject: &'static str,
    body: &'static str,
    link: &'static str,
    note: &'static str,
}

impl AccountMail {
    /// The outbox `kind`.
    pub fn kind(self) -> &'static str {
        match self {
            AccountMail::PasswordReset => "password_reset",
            AccountMail::EmailChangeConfirm => "email_change_confirm",
            AccountMail::EmailChangeNotice => "email_change_notice",
            AccountMail::EmailVerify => "email_verify",
            AccountMail::AccountDeleted => "account_deleted",
        }
    }

    fn words(self, locale: Locale) -> Texts {
        let sv = locale == Locale::Sv;
        let pick =
            |sv_text: &'static str, en_text: &'static str| if sv { sv_text } else { en_text };
        match self {
            AccountMail::PasswordReset => Texts {
                subject: pick("Återställ ditt lösenord", "Reset your password"),
                body: pick(
                    "Någon, förhoppningsvis du, bad om ett nytt lösenord till ditt Aveli-konto. Länken fungerar en gång och i 60 minuter.",
                    "Someone, hopefully you, asked for a new password for your Aveli account. The link works once and for 60 minutes.",
                ),
                link: pick("Välj ett nytt lösenord", "Choose a new password"),
                note: pick(
                    "Bad du inte om det? Då kan du strunta i det här mejlet: ditt lösenord är oförändrat.",
                    "Didn't ask for it? Then ignore this email: your password has not changed.",
                ),
            },
            AccountMail::EmailChangeConfirm => Texts {
                subject: pick("Bekräfta din nya e-postadress", "Confirm your new email address"),
                body: pick(
                    "Du vill använda den här adressen för ditt Aveli-konto. Bytet sker först när du klickar på länken, som fungerar en gång och i 60 minuter.",
                    "You want to use this address for your Aveli account. The change happens only when you click the link, which works once and for 60 minutes.",
                ),
                link: pick("Bekräfta adressen", "Confirm the address"),
                note: pick(
                    "Var det inte du? Då händer ingenting om du låter bli att klicka.",
                    "Wasn't it you? Then nothing happens unless you click.",
                ),
            },
            AccountMail::EmailChangeNotice => Texts {
                subject: pick("Din e-postadress håller på att ändras", "Your email address is being changed"),
                body: pick(
                    "Någon har bett om att ditt Aveli-konto ska använda en annan e-postadress. Bytet sker när den nya adressen har bekräftats.",
                    "Someone has asked for your Aveli account to use another email address. The change happens once the new address has been confirmed.",
                ),
                link: "",
                note: pick(
                    "Var det inte du? Byt lösenord på ditt konto direkt och svara på det här mejlet.",
                    "Wasn't it you? Change your account's password at once and reply to this email.",
                ),
            },
            AccountMail::EmailVerify => Texts {
                subject: pick("Bekräfta din e-postadress", "Confirm your email address"),
                body: pick(
                    "Välkommen till Aveli! Bekräfta att adressen är din, så når våra kvitton och påminnelser fram.",
                    "Welcome to Aveli! Confirm that the address is yours, so that our receipts and reminders reach you.",
                ),
                link: pick("Bekräfta adressen", "Confirm the address"),
                note: pick(
                    "Länken fungerar en gång och i 24 timmar. Du kan be om en ny på ditt konto.",
                    "The link works once and for 24 hours. You can ask for a new one on your account.",
                ),
            },
            AccountMail::AccountDeleted => Texts {
                subject: pick("Ditt konto är borttaget", "Your account has been deleted"),
                body: pick(
                    "Ditt Aveli-konto är borttaget och du är utloggad överallt. Vi sparar dina köp utan namn och adress, som bokföringen kräver.",
                    "Your Aveli account has been deleted and you are signed out everywhere. We keep your purchases without your name and address, as bookkeeping requires.",
                ),
                link: "",
                note: pick(
                    "Tack för tiden tillsammans. Du är alltid välkommen att skapa ett nytt konto.",
                    "Thank you for the time together. You are always welcome to create a new account.",
                ),
            },
        }
    }
}

/// The data of the `account_notice` templates.
struct AccountNotice<'a> {
    frame: Frame<'a>,
    body: &'static str,
    link: Option<Link>,
    note: &'static str,
}

#[derive(Template)]
#[template(path = "email/account_notice.txt")]
struct AccountNoticeText<'a> {
    m: &'a AccountNotice<'a>,
}

#[derive(Template)]
#[template(path = "email/account_notice.html")]
struct AccountNoticeHtml<'a> {
    m: &'a AccountNotice<'a>,
}

/// One account email to `recipient`; `url` is the link of the kinds that
/// have one (ignored by the others). `dedupe_key` says what it is about.
pub fn account_email(
    mail: AccountMail,
    locale: Locale,
    recipient: &str,
    name: &str,
    url: Option<&str>,
    dedupe_key: String,
) -> OutgoingEmail {
    let words = mail.words(locale);
    let notice = AccountNotice {
        frame: Frame::new(locale, texts(locale), words.subject, name),
        body: words.body,
        link: url
            .filter(|_| !words.link.is_empty())
            .map(|url| link(words.link, url)),
        note: words.note,
    };
    let (body_text, body_html) = render(
        &AccountNoticeText { m: &notice },
        &AccountNoticeHtml { m: &notice },
    );
    OutgoingEmail {
        kind: mail.kind(),
        recipient: recipient.to_owned(),
        subject: words.subject.to_owned(),
        body_text,
        body_html,
        ics: None,
        dedupe_key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [AccountMail; 5] = [
        AccountMail::PasswordReset,
        AccountMail::EmailChangeConfirm,
        AccountMail::EmailChangeNotice,
        AccountMail::EmailVerify,
        AccountMail::AccountDeleted,
    ];

    #[test]
    fn every_account_email_renders_in_both_languages_with_the_name_escaped() {
        for mail in ALL {
            for locale in [Locale::Sv, Locale::En] {
                let email = account_email(
                    mail,
                    locale,
                    "a@example.test",
                    "<script>x</script>",
                    Some("http://aveli.test/password/reset/abc"),
                    "k".into(),
                );
                let html = email.body_html.expect("an HTML body");
                assert!(!html.contains("<script>"), "{mail:?} {locale:?}: {html}");
                assert!(html.contains("&lt;script&gt;"), "{mail:?}: {html}");
                assert!(email.body_text.contains("<script>x</script>"));
                let has_link = !matches!(
                    mail,
                    AccountMail::EmailChangeNotice | AccountMail::AccountDeleted
                );
                assert_eq!(
                    email
                        .body_text
                        .contains("http://aveli.test/password/reset/abc"),
                    has_link,
                    "{mail:?} {locale:?}: {}",
                    email.body_text
                );
                assert!(
                    email.body_text.trim_end().ends_with("Aveli"),
                    "{}",
                    email.body_text
                );
            }
        }
        let sv = account_email(
            AccountMail::PasswordReset,
            Locale::Sv,
            "a@x.se",
            "",
            None,
            "k".into(),
        );
        let en = account_email(
            AccountMail::PasswordReset,
            Locale::En,
            "a@x.se",
            "",
            None,
            "k".into(),
        );
        assert_eq!(sv.subject, "Återställ ditt lösenord");
        assert_eq!(en.subject, "Reset your password");
    }
}
