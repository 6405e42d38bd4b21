-- The country a venue is in (ISO 3166-1 alpha-2): phone numbers typed as locals do
-- ("07911 123456") are read in it. Empty: the country of the venue's time zone.
ALTER TABLE venues ADD COLUMN IF NOT EXISTS country text CHECK (country ~ '^[A-Z]{2}$');
