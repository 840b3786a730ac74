//! Services whose RPCs are not built yet (policy, delivery): every RPC answers UNIMPLEMENTED
//! (the generated default), honestly, until its issue lands.
use super::Api;
use crate::pb;

impl pb::policy_service_server::PolicyService for Api {}
impl pb::delivery_service_server::DeliveryService for Api {}
