//! Services whose RPCs are not built yet (delivery): every RPC answers UNIMPLEMENTED
//! (the generated default), honestly, until its issue lands.
use super::Api;
use crate::pb;

impl pb::delivery_service_server::DeliveryService for Api {}
