//! Links that work without signing in, because they are clicked from an
//! email or a calendar app: a booking's join link (`/join/{token}`) and a
//! user's calendar feed (`/calendar/{token}.ics`).
//!
//! A token is HMAC-SHA256(LINK_SECRET, "join:" + order id), or
//! "feed:" + user id + ":" + generation (a rotation raises it), base64url:
//! 256 bits that nobody without the secret can guess or derive from the id,
//! and that the server can write again on any page or email without
//! keeping it. The database keeps only the SHA-256 of each token, to find
//! its booking, so a copy of the database opens no room.
//!
//! Changing LINK_SECRET therefore invalidates every link sent so far.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::backend::state::Settings;

/// The SHA-256 of a token, hex: what the database stores in its place.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn signed(settings: &Settings, message: &str) -> String {
    // HMAC takes a key of any length, so `new_from_slice` cannot fail here.
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(settings.link_secret.expose_secret().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(message.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The token of a seat order's join link.
pub fn join_token(settings: &Settings, order_id: &str) -> String {
    signed(settings, &format!("join:{order_id}"))
}

/// What `orders.join_token_hash` holds for the order.
pub fn join_hash(settings: &Settings, order_id: &str) -> String {
    token_hash(&join_token(settings, order_id))
}

/// The personal join link, as the student gets it.
pub fn join_url(settings: &Settings, order_id: &str) -> String {
    format!(
        "{}/join/{}",
        settings.public_url,
        join_token(settings, order_id)
    )
}

/// A slot's start link for its teacher (`/studio/slots/{id}/start`; it needs
/// their login, not a token).
pub fn start_url(settings: &Settings, slot_id: &str) -> String {
    format!("{}/studio/slots/{slot_id}/start", settings.public_url)
}

/// The token of a user's calendar feed in its `generation`.
pub fn feed_token(settings: &Settings, user_id: &str, generation: i64) -> String {
    signed(settings, &format!("feed:{user_id}:{generation}"))
}

/// The feed's subscription address (`webcal://`, which calendar apps open
/// as a subscription; it is the same resource as the https address).
pub fn feed_url(settings: &Settings, user_id: &str, generation: i64) -> String {
    let host = settings
        .public_url
        .split_once("://")
        .map_or(settings.public_url.as_str(), |(_, host)| host);
    format!(
        "webcal://{host}/calendar/{}.ics",
        feed_token(settings, user_id, generation)
    )
}

/// A path segment that could be a token: base64url, 43 characters. Anything
/// else is unknown without asking the database.
pub fn looks_like_token(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_per_order_and_per_secret() {
        let mut settings = crate::backend::state::tests::settings();
        let a = join_token(&settings, "order-a");
        assert!(looks_like_token(&a), "{a}");
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).map(|b| b.len()).ok(), Some(32));
        assert_eq!(a, join_token(&settings, "order-a"), "stable");
        assert_ne!(a, join_token(&settings, "order-b"));
        assert_eq!(join_hash(&settings, "order-a"), token_hash(&a));
        assert!(!join_hash(&settings, "order-a").contains(&a));
        settings.link_secret = "another secret".to_owned().into();
        assert_ne!(a, join_token(&settings, "order-a"), "the secret matters");
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(&format!("{}=", &a[..42])));
    }
}
