//! Every request in its own span: a request id of ours (returned in `x-request-id` and shown on
//! the error page, so a user can quote it to the support), the method, the route's pattern and,
//! once the gate knows it, the user's id; never the address itself nor anything typed (personal
//! data). Whatever is logged while the request is served, a database error included, carries them.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::Router;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// What a request without a route is logged as (a file, an unknown address).
const NO_ROUTE: &str = "(fichier ou adresse inconnue)";

/// 16 hexadecimal digits, drawn at random: short enough to read out on the phone.
#[derive(Clone, Copy, Default)]
struct NewRequestId;

impl MakeRequestId for NewRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&format!("{:016x}", rand::random::<u64>())).ok().map(RequestId::new)
    }
}

/// An id the client sent is not ours: it could be made to look like another request's.
async fn forget_client_request_id(mut request: Request) -> Request {
    request.headers_mut().remove(ecars_core::routes::REQUEST_ID_HEADER);
    request
}

fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("");
    let route = request.extensions().get::<MatchedPath>().map_or(NO_ROUTE, MatchedPath::as_str);
    tracing::info_span!("request", id, method = %request.method(), route, user = tracing::field::Empty)
}

/// Wraps `router` (after its routes are matched, so the pattern is known) in the request spans.
pub fn traced<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let header = axum::http::HeaderName::from_static(ecars_core::routes::REQUEST_ID_HEADER);
    router
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::new(header.clone()))
        .layer(SetRequestIdLayer::new(header, NewRequestId))
        .layer(axum::middleware::map_request(forget_client_request_id))
}
