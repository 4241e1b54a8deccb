-- PostgreSQL's copy of migration 0027 (the same number and meaning as ../0027_delivery_leases.sql).
-- Which server delivers a subscription's notifications now; a lease that runs out passes on.
CREATE TABLE delivery_leases (
  subscription_id TEXT PRIMARY KEY CHECK (length(subscription_id) BETWEEN 1 AND 200),
  holder TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
  expires_ms BIGINT NOT NULL
);
