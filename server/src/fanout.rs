//! PINs announced across instances: each PIN issued on one instance is sent, after
//! its commit, as a PostgreSQL notification, which every instance hears and hands to
//! the direct channels it holds for that device. The notification carries the PIN
//! sealed for its device, as the channel does, and the sending instance's id so that
//! it does not announce its own PINs twice.

use std::sync::Arc;

use clavepin_protocol::wire::PendingPin;
use serde::{Deserialize, Serialize};

use crate::db::postgres::PgDb;
use crate::pins::events::EventHub;

/// The notification channel.
const CHANNEL: &str = "clavepin_pins";

#[derive(Serialize, Deserialize)]
struct News {
    from: String,
    pin: PendingPin,
}

/// A hub whose PINs reach every instance on `pg`, and which hears theirs.
pub fn across_instances(pg: &PgDb) -> std::io::Result<EventHub> {
    let me = crate::ids::random_id(&ring::rand::SystemRandom::new())
        .map_err(|_| std::io::Error::other("no randomness for the instance's id"))?;
    let sender = pg.clone();
    let from = me.clone();
    let hub = EventHub::default().beyond(Arc::new(move |pin: &PendingPin| {
        let news = News { from: from.clone(), pin: pin.clone() };
        if let Ok(payload) = serde_json::to_string(&news) {
            sender.broadcast(CHANNEL, payload);
        }
    }));
    // The listener holds the hub weakly, and stops once the service is gone.
    let heard_by = hub.weak();
    let alive = heard_by.clone();
    pg.listen(
        CHANNEL,
        Box::new(move || alive.is_alive()),
        Box::new(move |payload| match serde_json::from_str::<News>(payload) {
            Ok(news) if news.from != me => heard_by.deliver(news.pin),
            Ok(_) => {}
            Err(_) => tracing::warn!("a notification from another instance did not read"),
        }),
    )?;
    Ok(hub)
}
