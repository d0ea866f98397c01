//! Caps per client: open connections and requests in flight. A count is held by a
//! guard and given back when the guard drops, however the connection or request ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::client::ClientAddress;

/// Counts per client, refusing past a cap.
#[derive(Debug)]
pub struct PerClient {
    cap: usize,
    counts: Mutex<HashMap<ClientAddress, usize>>,
}

impl PerClient {
    /// At most `cap` at a time per client.
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(Self { cap, counts: Mutex::new(HashMap::new()) })
    }

    /// Counts one more for `client`, or `None` if it already holds `cap`.
    pub fn admit(self: &Arc<Self>, client: ClientAddress) -> Option<Admitted> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(client).or_insert(0);
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(Admitted { limit: self.clone(), client })
    }

    /// What `client` holds now.
    #[cfg(test)]
    fn held(&self, client: ClientAddress) -> usize {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.get(&client).copied().unwrap_or(0)
    }
}

/// One counted connection or request; dropping it gives the count back.
#[derive(Debug)]
pub struct Admitted {
    limit: Arc<PerClient>,
    client: ClientAddress,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut counts = self.limit.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.client) {
            *count -= 1;
            // Forget idle clients, so the map holds only who is connected now.
            if *count == 0 {
                counts.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_past_its_cap_is_refused_until_one_of_its_own_ends() {
        let limit = PerClient::new(2);
        let a = ClientAddress::of([127, 0, 0, 2].into());
        let b = ClientAddress::of([127, 0, 0, 3].into());
        let first = limit.admit(a).unwrap();
        let _second = limit.admit(a).unwrap();
        assert!(limit.admit(a).is_none());
        // Another client is not affected.
        let other = limit.admit(b).unwrap();
        drop(other);
        assert_eq!(limit.held(b), 0);
        drop(first);
        assert!(limit.admit(a).is_some());
    }
}
