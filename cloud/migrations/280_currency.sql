-- Money has a currency (ISO 4217). A bar group keeps its books in one currency, the
-- organisation's; a venue in another country sets its own, which its prices, orders,
-- invoices, sales and variance are in. Empty on a venue: the organisation's.
ALTER TABLE organisations ADD COLUMN IF NOT EXISTS currency text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$');
ALTER TABLE venues ADD COLUMN IF NOT EXISTS currency text CHECK (currency ~ '^[A-Z]{3}$');
