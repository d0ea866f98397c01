//! What an operator lists: census records and registered citizens, a page at a time
//! in document order (`after` is the last document of the previous page).

use clavepin_protocol::wire::{CensusRecord, RegisteredCitizen};

use crate::db::registry::RegistryStore;
use crate::error::RegistryResult;

/// Most items one page holds.
pub const PAGE: i64 = 500;

/// Census records after `after`.
pub fn census_page(store: &dyn RegistryStore, after: &str) -> RegistryResult<Vec<CensusRecord>> {
    Ok(store.census_page(after, PAGE)?)
}

/// Registered citizens after `after`, with whether a device receives their PINs.
pub fn citizens_page(
    store: &dyn RegistryStore,
    after: &str,
) -> RegistryResult<Vec<RegisteredCitizen>> {
    Ok(store.citizens_page(after, PAGE)?)
}
