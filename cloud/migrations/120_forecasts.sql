-- Forecasting (issue 26): the latest fit per item and location. Refitted
-- nightly and on demand through the job queue; the history it was fitted on
-- is derived from the ledger and the observations, never stored.
CREATE TABLE forecasts (
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  item_id uuid NOT NULL,
  location_id uuid NOT NULL,
  model text NOT NULL,
  -- [{date, mean, lo80, hi80, lo95, hi95}], one per day from the day after `through`
  points jsonb NOT NULL,
  reasons jsonb NOT NULL,
  -- [{model, mae, mase, steps}]: the rolling-origin backtest of each candidate
  backtest jsonb NOT NULL,
  -- days of history by source: {pos, camera, count, stockout, none}
  sources jsonb NOT NULL,
  through date NOT NULL,
  fitted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, item_id, location_id),
  FOREIGN KEY (org_id, item_id) REFERENCES items(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id) ON DELETE CASCADE
);
