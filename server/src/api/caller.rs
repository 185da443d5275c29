//! The `Caller` extractor: the request's context (token, language, client IP)
//! for a REST handler, read exactly as server functions read it.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use app::backend::RequestContext;

pub struct Caller {
    pub ctx: RequestContext,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0);
        Ok(Caller {
            ctx: RequestContext::from_headers(&parts.headers, peer),
        })
    }
}
