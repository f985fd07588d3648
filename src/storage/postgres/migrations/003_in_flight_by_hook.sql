-- Claims count each hook's deliveries in flight (leased, still pending) to cap them per hook, so one
-- slow receiver cannot take every worker slot. This index keeps that count to the few leased rows.
CREATE INDEX deliveries_in_flight ON deliveries (hook_id) WHERE state = 'pending' AND lease_owner IS NOT NULL;
