-- Weather and events for forecasting (issue 26 item 3): where a venue is (for
-- Open-Meteo), its country (public holidays), its iCal feeds, and the events a
-- manager enters by hand. The weather itself is fetched and cached, never stored.
CREATE TABLE forecast_calendars (
  org_id uuid NOT NULL,
  venue_id uuid NOT NULL,
  latitude double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision CHECK (longitude BETWEEN -180 AND 180),
  country text CHECK (country ~ '^[A-Z]{2}$'),
  ical_urls jsonb NOT NULL DEFAULT '[]',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, venue_id),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);

CREATE TABLE forecast_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  venue_id uuid NOT NULL,
  day date NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);
CREATE INDEX forecast_events_venue_day ON forecast_events (org_id, venue_id, day);

-- [{name, factor}]: the weather and event effects a forecast was scaled by
ALTER TABLE forecasts ADD COLUMN regressors jsonb NOT NULL DEFAULT '[]';
