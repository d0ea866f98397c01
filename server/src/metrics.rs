//! What an operator's Prometheus scrapes from `GET /metrics` on the operator
//! listener (text exposition format 0.0.4): requests and their latencies by route,
//! PINs issued and verified, deliveries by channel and outcome, and, read at scrape
//! time, the outboxes' depths, open direct channels and portal sessions.
//!
//! Labels are the route's pattern (`/portal/pin-requests/{id}/verify`), never a
//! path, so no id, document or code reaches a metric, and their number stays bounded.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    listener: &'static str,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    listener: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabels {
    channel: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    channel: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutboxLabels {
    outbox: &'static str,
    state: &'static str,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// 0.25 ms to about 8 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

/// Which listener a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    Public,
    Operator,
}

impl Listener {
    fn name(self) -> &'static str {
        match self {
            Listener::Public => "public",
            Listener::Operator => "operator",
        }
    }
}

/// How a PIN verification ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Granted,
    WrongPin,
    Refused,
}

/// How a gateway answered one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    Taken,
    Retry,
    GivenUp,
}

/// What the outboxes hold, counted at scrape time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxDepths {
    pub sms_waiting: i64,
    pub sms_dead: i64,
    pub push_waiting: i64,
    pub push_dead: i64,
}

/// The service's metrics; one per process, shared by every router.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Latency,
    pins_issued: Family<ChannelLabels, Counter>,
    pins_verified: Family<OutcomeLabels, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    outbox: Family<OutboxLabels, Gauge>,
    direct_channels: Gauge,
    portal_sessions: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("clavepin");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let latency: Latency = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        let pins_issued = Family::<ChannelLabels, Counter>::default();
        registry.register("pins_issued", "PINs issued, by channel", pins_issued.clone());
        let pins_verified = Family::<OutcomeLabels, Counter>::default();
        registry.register("pins_verified", "PIN verifications, by outcome", pins_verified.clone());
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "deliveries",
            "Messages handed to gateways, by channel and outcome",
            deliveries.clone(),
        );
        let outbox = Family::<OutboxLabels, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Messages in the outboxes: waiting for a gateway, or given up on",
            outbox.clone(),
        );
        let direct_channels = Gauge::default();
        registry.register(
            "direct_channels_open",
            "Devices' direct channels open on this instance",
            direct_channels.clone(),
        );
        let portal_sessions = Gauge::default();
        registry.register(
            "portal_sessions",
            "Portal sessions stored on this instance",
            portal_sessions.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            pins_issued,
            pins_verified,
            deliveries,
            outbox,
            direct_channels,
            portal_sessions,
        }
    }
}

impl Metrics {
    /// One answered request: `route` is its pattern, or `unmatched`.
    pub fn request(&self, listener: Listener, route: &str, status: u16, seconds: f64) {
        let listener = listener.name();
        let labels =
            RequestLabels { listener, route: route.to_owned(), status: status.to_string() };
        self.requests.get_or_create(&labels).inc();
        let route = RouteLabels { listener, route: route.to_owned() };
        self.latency.get_or_create(&route).observe(seconds);
    }

    /// A PIN issued, to the app or by SMS.
    pub fn pin_issued(&self, by_sms: bool) {
        let channel = if by_sms { "sms" } else { "app" };
        self.pins_issued.get_or_create(&ChannelLabels { channel }).inc();
    }

    pub fn pin_verified(&self, outcome: Verified) {
        let outcome = match outcome {
            Verified::Granted => "granted",
            Verified::WrongPin => "wrong_pin",
            Verified::Refused => "refused",
        };
        self.pins_verified.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    /// `count` messages of one channel (`sms`, `push`) with one outcome.
    pub fn delivered(&self, channel: &'static str, outcome: Delivered, count: u64) {
        let outcome = match outcome {
            Delivered::Taken => "taken",
            Delivered::Retry => "retry",
            Delivered::GivenUp => "given_up",
        };
        self.deliveries.get_or_create(&DeliveryLabels { channel, outcome }).inc_by(count);
    }

    /// The text exposition, with the gauges read now.
    pub fn render(&self, depths: OutboxDepths, direct_channels: usize, sessions: usize) -> String {
        let set = |outbox, state, value: i64| {
            self.outbox.get_or_create(&OutboxLabels { outbox, state }).set(value);
        };
        set("sms", "waiting", depths.sms_waiting);
        set("sms", "given_up", depths.sms_dead);
        set("push", "waiting", depths.push_waiting);
        set("push", "given_up", depths.push_dead);
        self.direct_channels.set(i64::try_from(direct_channels).unwrap_or(i64::MAX));
        self.portal_sessions.set(i64::try_from(sessions).unwrap_or(i64::MAX));
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_routes_not_paths_and_counts_what_happened() {
        let m = Metrics::default();
        m.request(Listener::Public, "/portal/pin-requests/{id}/verify", 200, 0.002);
        m.request(Listener::Public, "/portal/pin-requests/{id}/verify", 200, 0.004);
        m.pin_issued(true);
        m.pin_verified(Verified::WrongPin);
        m.delivered("sms", Delivered::Taken, 3);
        let depths = OutboxDepths { sms_waiting: 2, ..OutboxDepths::default() };
        let text = m.render(depths, 5, 7);
        for line in [
            "clavepin_http_requests_total{listener=\"public\",route=\"/portal/pin-requests/{id}/verify\",status=\"200\"} 2",
            "clavepin_pins_issued_total{channel=\"sms\"} 1",
            "clavepin_pins_verified_total{outcome=\"wrong_pin\"} 1",
            "clavepin_deliveries_total{channel=\"sms\",outcome=\"taken\"} 3",
            "clavepin_outbox_messages{outbox=\"sms\",state=\"waiting\"} 2",
            "clavepin_direct_channels_open 5",
            "clavepin_portal_sessions 7",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
        assert!(text.contains("clavepin_http_request_duration_seconds_count{listener=\"public\",route=\"/portal/pin-requests/{id}/verify\"} 2"), "{text}");
        assert!(text.ends_with("# EOF\n"));
    }
}
