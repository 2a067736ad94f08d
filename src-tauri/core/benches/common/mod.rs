//! What the benches share: the fake's world as the core's rows.

use paneldesk_core::model::{Money, Order};
use paneldesk_fakepanel::World;

pub fn to_model(w: &World) -> Vec<Order> {
    w.orders
        .iter()
        .map(|o| Order {
            id: o.id,
            external_id: o.external_id.clone(),
            user: o.user.clone(),
            creation_type: Some(o.creation_type.clone()),
            charge: Some(Money {
                micros: o.charge_micros,
                currency: Some("USD".into()),
            }),
            provider_charge: Some(Money {
                micros: o.provider_charge_micros,
                currency: Some("USD".into()),
            }),
            link: o.link.clone(),
            start_count: o.start_count,
            quantity: o.quantity,
            remains: o.remains,
            service_id: Some(o.service_id),
            service_name: o.service_name.clone(),
            status: o.status.clone(),
            provider: o.provider.clone(),
            mode: Some(o.mode.clone()),
            created: o.created,
            last_update: Some(o.last_update),
            ip_address: Some(o.ip_address.clone()),
        })
        .collect()
}
