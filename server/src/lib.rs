//! The reference Cl@ve PIN service: registry, census, activation, issuance, delivery,
//! verification. It depends on `clavepin-protocol` and never on the device core.
