//! Everything the rules may ask of storage, for a rule that crosses areas (issuing a
//! PIN checks the registry, reads the device, queues a push). Implemented for every
//! type that implements each area's trait: SQLite's connection today.

use crate::db::activation::ActivationStore;
use crate::db::devices::DeviceStore;
use crate::db::pins::PinStore;
use crate::db::registry::RegistryStore;
use crate::delivery::outbox::OutboxStore;

pub trait Store: RegistryStore + ActivationStore + DeviceStore + PinStore + OutboxStore {}

impl<T: RegistryStore + ActivationStore + DeviceStore + PinStore + OutboxStore + ?Sized> Store
    for T
{
}
